"""``_runtime/pagination.py`` in isolation: the Link header parser, the walk driven by a fake
``send`` (sync and async see the same requests), body-borne writes, and the 1.2 helpers.
(Every style against a generated client: ``tests/constructs/test_constructs_pagination.py``.)"""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import httpx
import pytest


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (['<https://a.test/x?page=2>; rel="next"'], "https://a.test/x?page=2"),
        (['<https://a.test/x?page=9>; rel="last", </x?page=2>; rel="next"'], "/x?page=2"),
        (['<?page=3>; rel="prev next"'], "?page=3"),
        (["<https://a.test/1>; rel=next"], "https://a.test/1"),
        (['<https://a.test/1>; title="next page"; REL="Next"'], "https://a.test/1"),
        (['<https://a.test/1>; rel="prev"', '<https://a.test/2>; rel="next"'], "https://a.test/2"),
        (['<https://a.test/1>; rel="prev", <https://a.test/9>; rel="last"'], None),
        ([], None),
    ],
)
def test_next_link_parses_rfc8288(
    R: SimpleNamespace, values: list[str], expected: str | None
) -> None:  # noqa: N803
    assert R.pagination.next_link(values) == expected


def response(
    R: SimpleNamespace, body: Any, url: str = "https://api.test/x", **headers: str
) -> Any:  # noqa: N803
    content = json.dumps(body).encode()
    return R.types.Response(200, httpx.Headers(headers), content, body, httpx.URL(url))


def test_one_walk_for_sync_and_async(R: SimpleNamespace) -> None:  # noqa: N803
    pager = R.pagination.Pager("offset", param="offset", size_param="limit")
    data = list(range(7))

    def answer(parts: Any) -> Any:
        query = dict(parts.query)
        at, limit = int(query.get("offset", 0)), int(query["limit"])
        return response(R, data[at : at + limit])

    first = R.endpoint.RequestParts(query=[("limit", "3")])
    sent: list[list[tuple[str, str]]] = []

    def send(parts: Any) -> Any:
        sent.append(parts.query)
        return answer(parts)

    pages = list(pager.iterate_pages(send, first, lambda page: page, base_url="https://api.test"))
    assert [p.items for p in pages] == [[0, 1, 2], [3, 4, 5], [6]]
    sync_sent, sent[:] = list(sent), []

    async def asend(parts: Any) -> Any:
        sent.append(parts.query)
        return answer(parts)

    async def collect() -> list[int]:
        walk = pager.aiterate_pages(asend, first, lambda page: page, base_url="https://api.test")
        return [i async for i in R.pagination.Pager.aiterate(walk)]

    assert asyncio.run(collect()) == data
    assert sent == sync_sent
    assert first.query == [("limit", "3")]  # the caller's parts are never changed


def test_body_borne_write_keeps_the_rest_of_a_model_body(R: SimpleNamespace) -> None:  # noqa: N803
    class Body:
        def to_dict(self) -> dict[str, Any]:
            return {"limit": 2, "flows": {"name": "x"}}

    pager = R.pagination.Pager("page", param="page", location="body", size_param="limit", start=1)
    sent: list[Any] = []

    def send(parts: Any) -> Any:
        body = parts.json if isinstance(parts.json, dict) else parts.json.to_dict()
        sent.append(body)
        page = body.get("page", 1)
        return response(R, [page * 10, page * 10 + 1] if page < 3 else [])

    first = R.endpoint.RequestParts(json=Body())
    items = list(
        R.pagination.Pager.iterate(
            pager.iterate_pages(send, first, lambda p: p, base_url="https://api.test")
        )
    )
    assert items == [10, 11, 20, 21]
    assert sent[1] == {"limit": 2, "flows": {"name": "x"}, "page": 2}
    assert [b.get("page") for b in sent] == [None, 2, 3]


def test_max_pages_and_max_items(R: SimpleNamespace) -> None:  # noqa: N803
    pager = R.pagination.Pager("page", param="page", start=1)
    calls: list[int] = []

    def send(parts: Any) -> Any:
        calls.append(1)
        return response(R, [len(calls)] * 2)

    first = R.endpoint.RequestParts()
    got = list(
        pager.iterate_pages(send, first, lambda p: p, base_url="https://api.test", max_pages=2)
    )
    assert len(got) == 2 and len(calls) == 2
    calls.clear()
    items = R.pagination.Pager.iterate(
        pager.iterate_pages(send, first, lambda p: p, base_url="https://api.test"), 0
    )
    assert list(items) == [] and calls == []


def test_legacy_cursor_helpers_still_walk(R: SimpleNamespace) -> None:  # noqa: N803
    pages = {None: ([1, 2], "b"), "b": ([3], "c"), "c": ([], None)}
    seen: list[str | None] = []

    def fetch(cursor: str | None) -> tuple[list[int], str | None]:
        seen.append(cursor)
        return pages[cursor]

    items = R.pagination.iterate_pages(fetch, items=lambda p: p[0], next_cursor=lambda p: p[1])
    assert list(items) == [1, 2, 3] and seen == [None, "b", "c"]

    async def afetch(cursor: str | None) -> tuple[list[int], str | None]:
        return pages[cursor]

    async def collect() -> list[int]:
        walk = R.pagination.aiterate_pages(
            afetch, items=lambda p: p[0], next_cursor=lambda p: p[1], max_items=2
        )
        return [i async for i in walk]

    assert asyncio.run(collect()) == [1, 2]


def test_unsupported_body_is_a_clear_error(R: SimpleNamespace) -> None:  # noqa: N803
    pager = R.pagination.Pager("offset", param="offset", location="body")
    first = R.endpoint.RequestParts(json=[1, 2])
    walk = pager.iterate_pages(
        lambda parts: response(R, [1]), first, lambda p: p, base_url="https://api.test"
    )
    with pytest.raises(TypeError, match="request body"):
        list(walk)


def test_next_field_that_is_not_a_url_ends_the_walk(
    R: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:  # noqa: N803
    pager = R.pagination.Pager("next_url", next=("next_page",))
    sent: list[Any] = []

    def send(parts: Any) -> Any:
        sent.append(parts)
        return response(R, {"data": [1], "next_page": "opaque-token"})

    walk = pager.iterate_pages(
        send, R.endpoint.RequestParts(), lambda p: p["data"], base_url="https://api.test"
    )
    assert [p.items for p in walk] == [[1]] and len(sent) == 1
    assert "is not a URL" in caplog.text
