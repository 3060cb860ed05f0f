"""Auto-pagination through a generated client, one MockTransport server per paging style.

One spec (``SPEC``) declares an operation per style, each shaped like the real API it imitates
(Kubernetes ``metadata.continue``, OpenAI ``after`` + ``has_more`` + ``last_id``, Discord
``before`` over bare arrays, Spotify/Twilio/DigitalOcean/HAL/OData next URLs, GitHub ``Link``
headers and ``page``/``per_page``, Linode-style ``pages``, Prefect's body-borne ``offset`` and
``page``, Qdrant's ``scroll``). The spec is generated once with the real CLI (``--report``); every
server pages the way its API does (short last pages, empty last pages, totals, ``has_more``,
several ``rel`` values, relative URLs) and each walk is driven sync and async, asserting every
item once, in order, and the exact requests sent. Loop guards and the cross-origin check have
tests that hang or send credentials away without them (bounded: the servers raise after 20
requests).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from cli_runner import run_codegen

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "gen_paging_styles"

ITEM = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
ITEMS = {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
NULLABLE_STR = {"type": "string", "nullable": True}


def q(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema}


INT = {"type": "integer"}
STR = {"type": "string"}


def get(op_id: str, params: list[dict[str, Any]], body: dict[str, Any], **resp: Any) -> Any:
    return {
        "get": {
            "operationId": op_id,
            "tags": ["paging"],
            "parameters": params,
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": body}},
                    **resp,
                }
            },
        }
    }


def post(op_id: str, request: dict[str, Any], body: dict[str, Any]) -> Any:
    return {
        "post": {
            "operationId": op_id,
            "tags": ["paging"],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": request}},
            },
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": body}}}
            },
        }
    }


def obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Paging", "version": "1"},
    "servers": [{"url": "https://api.test"}],
    "components": {
        "schemas": {"Item": ITEM},
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    },
    "security": [{"bearer": []}],
    "paths": {
        # Kubernetes: ?continue= and metadata.continue ("" on the last page)
        "/k8s": get(
            "listK8s",
            [q("continue", STR), q("limit", INT)],
            obj(items=ITEMS, metadata=obj(**{"continue": STR, "resourceVersion": STR})),
        ),
        # meta.next_cursor (null on the last page)
        "/meta": get(
            "listMeta",
            [q("cursor", STR), q("limit", INT)],
            obj(data=ITEMS, meta=obj(next_cursor=NULLABLE_STR)),
        ),
        # OpenAI: after + has_more + last_id
        "/openai": get(
            "listOpenai",
            [q("after", STR), q("before", STR), q("limit", INT)],
            obj(
                object=STR,
                data=ITEMS,
                first_id=STR,
                last_id=STR,
                has_more={"type": "boolean"},
            ),
        ),
        # Discord: before/after snowflakes over a bare array, newest first
        "/discord": get("listDiscord", [q("before", STR), q("after", STR), q("limit", INT)], ITEMS),
        # Spotify-like offset/limit with total (no next link)
        "/offset": get(
            "listOffset",
            [q("offset", INT), q("limit", INT)],
            obj(items=ITEMS, total=INT, limit=INT, offset=INT),
        ),
        # skip/limit over a bare array: stops at an empty page
        "/skip": get("listSkip", [q("skip", INT), q("limit", INT)], ITEMS),
        # GitHub without Link: page/per_page over a bare array
        "/page": get("listPage", [q("page", INT), q("per_page", INT)], ITEMS),
        # Linode: page + pages
        "/linode": get(
            "listLinode",
            [q("page", INT), q("page_size", INT)],
            obj(data=ITEMS, page=INT, pages=INT, results=INT),
        ),
        # GitHub: documented Link header
        "/link": get(
            "listLink",
            [q("per_page", INT), q("page", INT)],
            ITEMS,
            headers={"Link": {"schema": STR}},
        ),
        # DRF / Spotify: next URL (absolute), null at the end
        "/drf": get("listDrf", [q("limit", INT)], obj(results=ITEMS, next=NULLABLE_STR)),
        # Twilio: next_page_uri relative to the host
        "/twilio": get(
            "listTwilio",
            [q("PageSize", INT)],
            obj(messages=ITEMS, next_page_uri=NULLABLE_STR, page=INT),
        ),
        # DigitalOcean: links.pages.next
        "/do": get(
            "listDo",
            [q("page", INT), q("per_page", INT)],
            obj(droplets=ITEMS, links=obj(pages=obj(next=STR, last=STR)), meta=obj(total=INT)),
        ),
        # HAL: _links.next.href
        "/hal": get(
            "listHal",
            [],
            obj(_embedded_items=ITEMS, _links=obj(next=obj(href=STR), self=obj(href=STR))),
        ),
        # OData: @odata.nextLink
        "/odata": get("listOdata", [], obj(value=ITEMS, **{"@odata.nextLink": STR})),
        # Prefect: body-borne offset/limit, bare array
        "/flows/filter": post("readFlows", obj(offset=INT, limit=INT, flows=obj()), ITEMS),
        # Prefect: body-borne page/limit, results/count/limit/pages/page
        "/flows/paginate": post(
            "paginateFlows",
            obj(page=INT, limit=INT),
            obj(results=ITEMS, count=INT, limit=INT, pages=INT, page=INT),
        ),
        # Prefect events: a POST search whose next page is a GET link
        "/events/filter": post(
            "searchEvents",
            obj(limit=INT),
            obj(events=ITEMS, total=INT, next_page=NULLABLE_STR),
        ),
        # Qdrant: body-borne offset (a point id) and result.next_page_offset
        "/scroll": post(
            "scrollPoints",
            obj(offset={"anyOf": [INT, STR], "nullable": True}, limit=INT),
            obj(
                result={
                    "type": "object",
                    "required": ["points"],
                    "properties": {
                        "points": ITEMS,
                        "next_page_offset": {"anyOf": [INT, STR], "nullable": True},
                    },
                },
                status=STR,
                time={"type": "number"},
            ),
        ),
    },
}


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    root = tmp_path_factory.mktemp("paging")
    spec = root / "openapi.json"
    spec.write_text(json.dumps(SPEC), encoding="utf-8")
    out = root / "out" / PACKAGE
    report = root / "report.json"
    proc = run_codegen(
        "generate",
        *("--spec", spec, "--output", out, "--package-name", PACKAGE, "--report", report),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    sys.path.insert(0, str(out))
    try:
        yield Generated(out, json.loads(report.read_text()))
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


class Generated:
    def __init__(self, root: Path, report: dict[str, Any]) -> None:
        self.root = root
        self.report = report

    def op(self, name: str) -> ModuleType:
        return importlib.import_module(f"{PACKAGE}.api.paging.{name}")

    def client(self, server: Server, **kwargs: Any) -> Any:
        mod = importlib.import_module(f"{PACKAGE}.client")
        kwargs.setdefault("base_url", "https://api.test")
        kwargs.setdefault("token", "secret-token")
        return mod.AuthenticatedClient(
            transport=httpx.MockTransport(server),
            async_transport=httpx.MockTransport(server),
            **kwargs,
        )


class Server:
    """A MockTransport handler: records requests, answers with ``answer``, refuses to loop."""

    def __init__(self, answer: Callable[[httpx.Request], httpx.Response], limit: int = 20) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []
        self.limit = limit

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if len(self.requests) > self.limit:
            raise AssertionError(f"more than {self.limit} requests: the walk does not stop")
        return self.answer(request)

    def params(self, name: str) -> list[str | None]:
        return [r.url.params.get(name) for r in self.requests]

    def bodies(self) -> list[Any]:
        return [json.loads(r.content) for r in self.requests]


IDS = [f"i{n:02d}" for n in range(7)]


def items(ids: list[str]) -> list[dict[str, str]]:
    return [{"id": i} for i in ids]


def walk(gen: Generated, name: str, server: Server, **kwargs: Any) -> list[str]:
    """Walk ``name`` sync and async with fresh request logs; assert both see the same requests
    and items; return the item ids."""
    mod = gen.op(name)
    sync_ids = [item.id for item in mod.iterate(client=gen.client(server), **kwargs)]
    sync_urls = [(r.method, str(r.url), r.content) for r in server.requests]
    server.requests.clear()

    async def collect() -> list[str]:
        return [item.id async for item in mod.aiterate(client=gen.client(server), **kwargs)]

    async_ids = asyncio.run(collect())
    assert async_ids == sync_ids
    assert [(r.method, str(r.url), r.content) for r in server.requests] == sync_urls
    for request in server.requests:  # auth applies to every page
        assert request.headers["authorization"] == "Bearer secret-token"
    return sync_ids


def chunk(request_value: str | None, size: int, data: list[str], start: int = 0) -> list[str]:
    at = int(request_value) if request_value is not None else start
    return data[at : at + size]


# ------------------------------------------------------------------------------------------------
# the report and the generated surface
# ------------------------------------------------------------------------------------------------


def test_report_lists_every_paginated_operation_with_its_style(gen: Generated) -> None:
    wired = {entry["operation"]: entry for entry in gen.report["pagination"]["wired"]}
    assert {k: v["style"] for k, v in wired.items()} == {
        "listK8s": "cursor",
        "listMeta": "cursor",
        "listOpenai": "item_cursor",
        "listDiscord": "item_cursor",
        "listOffset": "offset",
        "listSkip": "offset",
        "listPage": "page",
        "listLinode": "page",
        "listLink": "link_header",
        "listDrf": "next_url",
        "listTwilio": "next_url",
        "listDo": "next_url",
        "listHal": "next_url",
        "listOdata": "next_url",
        "readFlows": "offset",
        "paginateFlows": "page",
        "scrollPoints": "cursor",
        "searchEvents": "next_url",
    }
    assert wired["listK8s"]["next"] == "metadata.continue"
    assert wired["listDiscord"]["param"] == "before (query)"
    assert wired["readFlows"]["param"] == "offset (body)"
    assert wired["paginateFlows"]["pages"] == "pages"
    assert wired["scrollPoints"]["items"] == "result.points"
    assert wired["scrollPoints"]["next"] == "result.next_page_offset"
    assert wired["listHal"]["next"] == "_links.next.href"
    assert wired["listDo"]["next"] == "links.pages.next"
    assert wired["listOdata"]["next"] == "@odata.nextLink"
    assert all(entry["pointer"].startswith("#/paths/") for entry in wired.values())
    assert gen.report["pagination"]["unwired"] == []


# ------------------------------------------------------------------------------------------------
# one server per style
# ------------------------------------------------------------------------------------------------


def test_kubernetes_continue_nested_in_metadata(gen: Generated) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        at = int(request.url.params.get("continue", "0") or 0)
        page = IDS[at : at + 3]
        more = at + 3 < len(IDS)
        meta = {"continue": str(at + 3) if more else "", "resourceVersion": "9"}
        return httpx.Response(200, json={"items": items(page), "metadata": meta})

    server = Server(answer)
    assert walk(gen, "list_k8_s", server, limit=3) == IDS
    assert server.params("continue") == [None, "3", "6"]
    assert server.params("limit") == ["3", "3", "3"]


def test_meta_next_cursor_null_ends(gen: Generated) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        at = int(request.url.params.get("cursor", "c0")[1:])
        nxt = f"c{at + 3}" if at + 3 < len(IDS) else None
        return httpx.Response(
            200, json={"data": items(IDS[at : at + 3]), "meta": {"next_cursor": nxt}}
        )

    server = Server(answer)
    assert walk(gen, "list_meta", server) == IDS
    assert server.params("cursor") == [None, "c3", "c6"]
    # The caller's own first cursor is where the walk starts.
    server.requests.clear()
    assert walk(gen, "list_meta", server, cursor="c3") == IDS[3:]
    assert server.params("cursor") == ["c3", "c6"]


def test_openai_after_has_more(gen: Generated) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("after")
        at = IDS.index(after) + 1 if after else 0
        page = IDS[at : at + 3]
        body = {
            "object": "list",
            "data": items(page),
            "first_id": page[0],
            "last_id": page[-1],
            "has_more": at + 3 < len(IDS),
        }
        return httpx.Response(200, json=body)

    server = Server(answer)
    assert walk(gen, "list_openai", server, limit=3) == IDS
    assert server.params("after") == [None, "i02", "i05"]


def test_discord_before_over_bare_arrays_newest_first(gen: Generated) -> None:
    newest_first = list(reversed(IDS))

    def answer(request: httpx.Request) -> httpx.Response:
        before = request.url.params.get("before")
        limit = int(request.url.params.get("limit", "3"))
        older = [i for i in newest_first if before is None or i < before]
        return httpx.Response(200, json=items(older[:limit]))

    server = Server(answer)
    assert walk(gen, "list_discord", server, limit=3) == newest_first
    assert server.params("before") == [None, "i04", "i01"]  # 3 + 3 + short page of 1
    # Six messages: the third page is empty and ends the walk.
    server.requests.clear()
    assert walk(gen, "list_discord", server, limit=3, before="i06") == newest_first[1:]
    assert server.params("before") == ["i06", "i03", "i00"]


def test_offset_with_total(gen: Generated) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        at = int(request.url.params.get("offset", "0"))
        page = IDS[at : at + 3]
        body = {"items": items(page), "total": len(IDS), "limit": 3, "offset": at}
        return httpx.Response(200, json=body)

    server = Server(answer)
    assert walk(gen, "list_offset", server, limit=3) == IDS
    assert server.params("offset") == [None, "3", "6"]  # total reached: no 4th request


def test_skip_limit_stops_at_empty_page(gen: Generated) -> None:
    six = IDS[:6]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=items(chunk(request.url.params.get("skip"), 3, six)))

    server = Server(answer)
    assert walk(gen, "list_skip", server, limit=3) == six
    assert server.params("skip") == [None, "3", "6"]
    # max_items stops early without fetching a page more than needed.
    server.requests.clear()
    ids = [i.id for i in gen.op("list_skip").iterate(client=gen.client(server), max_items=4)]
    assert ids == six[:4] and len(server.requests) == 2


def test_page_number_short_last_page(gen: Generated) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        per = int(request.url.params.get("per_page", "3"))
        return httpx.Response(200, json=items(IDS[(page - 1) * per : page * per]))

    server = Server(answer)
    assert walk(gen, "list_page", server, per_page=3) == IDS
    assert server.params("page") == [None, "2", "3"]
    server.requests.clear()
    assert walk(gen, "list_page", server, per_page=3, page=2) == IDS[3:]
    assert server.params("page") == ["2", "3"]
    server.requests.clear()
    pages = list(gen.op("list_page").iterate_pages(client=gen.client(server), max_pages=2))
    assert [len(p.items) for p in pages] == [3, 3] and len(server.requests) == 2


def test_an_undocumented_link_header_wins_over_page_counting(gen: Generated) -> None:
    nine = [f"i{n:02d}" for n in range(9)]

    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        headers = {"Link": f'</page?page={page + 1}&per_page=3>; rel="next"'} if page < 3 else {}
        return httpx.Response(200, json=items(nine[(page - 1) * 3 : page * 3]), headers=headers)

    server = Server(answer)
    # Page 3 is full, but it has no next link: no 4th request (counting alone would send one).
    assert walk(gen, "list_page", server, per_page=3) == nine
    assert server.params("page") == [None, "2", "3"]


def test_linode_pages_count_ends_without_an_extra_request(gen: Generated) -> None:
    six = IDS[:6]

    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        body = {"data": items(six[(page - 1) * 3 : page * 3]), "page": page, "pages": 2}
        return httpx.Response(200, json={**body, "results": 6})

    server = Server(answer)
    assert walk(gen, "list_linode", server) == six
    assert server.params("page") == [None, "2"]


def test_link_header_with_several_rels_and_relative_urls(gen: Generated) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        links = []
        if page == 1:
            links.append('<https://api.test/link?page=2&per_page=3>; rel="next"')
        elif page == 2:
            links.append('</link?page=3&per_page=3>; rel="next last"')
        links.append('<https://api.test/link?page=1&per_page=3>; rel="first"')
        if page > 1:
            links.append(f'<?page={page - 1}&per_page=3>; rel="prev"')
        body = items(IDS[(page - 1) * 3 : page * 3])
        return httpx.Response(200, json=body, headers={"Link": ", ".join(reversed(links))})

    server = Server(answer)
    assert walk(gen, "list_link", server, per_page=3) == IDS
    assert [str(r.url) for r in server.requests] == [
        "https://api.test/link?per_page=3",
        "https://api.test/link?page=2&per_page=3",
        "https://api.test/link?page=3&per_page=3",
    ]
    # Each page comes with its full response.
    server.requests.clear()
    pages = list(gen.op("list_link").iterate_pages(client=gen.client(server), per_page=3))
    assert [p.number for p in pages] == [1, 2, 3]
    assert 'rel="next"' in pages[0].response.headers["link"]
    assert pages[0].response.status_code == 200 and [i.id for i in pages[2].parsed] == ["i06"]


def next_url_server(build: Callable[[int, str | None], dict[str, Any]], path: str) -> Server:
    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        nxt = f"{path}?page={page + 1}" if page * 3 < len(IDS) else None
        return httpx.Response(200, json=build(page, nxt))

    return Server(answer)


def page_ids(page: int) -> list[dict[str, str]]:
    return items(IDS[(page - 1) * 3 : page * 3])


@pytest.mark.parametrize(
    ("name", "build"),
    [
        (
            "list_drf",
            lambda p, n: {"results": page_ids(p), "next": n and "https://api.test" + n},
        ),
        ("list_twilio", lambda p, n: {"messages": page_ids(p), "next_page_uri": n, "page": p}),
        (
            "list_do",
            lambda p, n: {
                "droplets": page_ids(p),
                "links": {"pages": {"next": n, "last": "/do?page=3"} if n else {}},
                "meta": {"total": 7},
            },
        ),
        (
            "list_hal",
            lambda p, n: {
                "_embedded_items": page_ids(p),
                "_links": {"self": {"href": "x"}, **({"next": {"href": n}} if n else {})},
            },
        ),
        (
            "list_odata",
            lambda p, n: {"value": page_ids(p), **({"@odata.nextLink": n} if n else {})},
        ),
    ],
)
def test_next_url_in_body(
    gen: Generated, name: str, build: Callable[[int, str | None], dict[str, Any]]
) -> None:
    path = "/" + name.removeprefix("list_")
    server = next_url_server(build, path)
    assert walk(gen, name, server) == IDS
    assert server.params("page") == [None, "2", "3"]
    assert {urlsplit(str(r.url)).path for r in server.requests} == {path}


def test_prefect_body_borne_offset_120_flows_in_pages_of_50(gen: Generated) -> None:
    flows = [f"f{n:03d}" for n in range(120)]

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        at, limit = body.get("offset", 0), body["limit"]
        return httpx.Response(200, json=items(flows[at : at + limit]))

    server = Server(answer)
    model = importlib.import_module(f"{PACKAGE}.models")
    request_body = model.ReadFlowsBody(limit=50)
    assert walk(gen, "read_flows", server, body=request_body) == flows
    assert [b.get("offset") for b in server.bodies()] == [None, 50, 100]
    assert [b["limit"] for b in server.bodies()] == [50, 50, 50]


def test_prefect_body_borne_page_with_pages(gen: Generated) -> None:
    flows = [f"f{n:03d}" for n in range(120)]

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        page, limit = body.get("page", 1), body["limit"]
        chunk_ = flows[(page - 1) * limit : page * limit]
        return httpx.Response(
            200,
            json={"results": items(chunk_), "count": 120, "limit": limit, "pages": 3, "page": page},
        )

    server = Server(answer)
    body_cls = importlib.import_module(f"{PACKAGE}.models").PaginateFlowsBody
    assert walk(gen, "paginate_flows", server, body=body_cls(limit=50)) == flows
    assert [b.get("page") for b in server.bodies()] == [None, 2, 3]


def test_qdrant_scroll_next_page_offset(gen: Generated) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        at = body.get("offset") or 0
        nxt = at + 3 if at + 3 < len(IDS) else None
        result = {"points": items(IDS[at : at + 3]), "next_page_offset": nxt}
        return httpx.Response(200, json={"result": result, "status": "ok", "time": 0.1})

    server = Server(answer)
    body_cls = importlib.import_module(f"{PACKAGE}.models").ScrollPointsBody
    assert walk(gen, "scroll_points", server, body=body_cls(limit=3)) == IDS
    assert [b.get("offset") for b in server.bodies()] == [None, 3, 6]


def test_post_search_follows_its_next_link_with_get(gen: Generated) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("page-token")
        at = int(token) if token else 0
        nxt = f"/events/filter/next?page-token={at + 3}" if at + 3 < len(IDS) else None
        body = {"events": items(IDS[at : at + 3]), "total": 7, "next_page": nxt}
        return httpx.Response(200, json=body)

    server = Server(answer)
    body_cls = importlib.import_module(f"{PACKAGE}.models").SearchEventsBody
    assert walk(gen, "search_events", server, body=body_cls(limit=3)) == IDS
    assert [(r.method, r.url.path, r.content) for r in server.requests] == [
        ("POST", "/events/filter", b'{"limit":3}'),
        ("GET", "/events/filter/next", b""),
        ("GET", "/events/filter/next", b""),
    ]


# ------------------------------------------------------------------------------------------------
# guards
# ------------------------------------------------------------------------------------------------


def test_repeated_cursor_stops_with_a_warning(
    gen: Generated, caplog: pytest.LogCaptureFixture
) -> None:
    count = [0]

    def answer(request: httpx.Request) -> httpx.Response:
        count[0] += 1  # new items every time, the same next cursor
        return httpx.Response(
            200, json={"data": items([f"x{count[0]}"]), "meta": {"next_cursor": "same"}}
        )

    server = Server(answer)
    with caplog.at_level(logging.WARNING):
        ids = [i.id for i in gen.op("list_meta").iterate(client=gen.client(server))]
    assert ids == ["x1", "x2"] and server.params("cursor") == [None, "same"]
    assert "repeat cursor" in caplog.text


def test_repeated_next_url_stops(gen: Generated) -> None:
    count = [0]

    def answer(request: httpx.Request) -> httpx.Response:
        count[0] += 1
        return httpx.Response(
            200, json={"results": items([f"x{count[0]}"]), "next": "https://api.test/drf?p=2"}
        )

    server = Server(answer)
    ids = [i.id for i in gen.op("list_drf").iterate(client=gen.client(server))]
    assert ids == ["x1", "x2"] and len(server.requests) == 2


def test_server_ignoring_the_offset_stops_at_the_unchanged_page(
    gen: Generated, caplog: pytest.LogCaptureFixture
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=items(IDS[:3]))  # always the first page

    server = Server(answer)
    with caplog.at_level(logging.WARNING):
        ids = [i.id for i in gen.op("list_skip").iterate(client=gen.client(server), limit=3)]
    assert ids == IDS[:3] and len(server.requests) == 2
    assert "repeats the previous page" in caplog.text


def test_server_ignoring_the_page_number_stops(gen: Generated) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=items(IDS[:3]))

    server = Server(answer)

    async def collect() -> list[str]:
        mod = gen.op("list_page")
        return [i.id async for i in mod.aiterate(client=gen.client(server), per_page=3)]

    assert asyncio.run(collect()) == IDS[:3] and len(server.requests) == 2


@pytest.mark.parametrize(
    "target",
    ["https://evil.test/drf?page=2", "http://api.test/drf?page=2", "https://api.test:8443/drf"],
)
def test_cross_origin_next_url_raises_before_sending(gen: Generated, target: str) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"results": items(["a"]), "next": target})

    server = Server(answer)
    mod = gen.op("list_drf")
    errors = importlib.import_module(f"{PACKAGE}._runtime.pagination")
    seen: list[str] = []
    with pytest.raises(errors.CrossOriginPageError, match="not followed"):
        for item in mod.iterate(client=gen.client(server)):
            seen.append(item.id)
    assert seen == ["a"] and len(server.requests) == 1  # nothing was sent to the other origin

    async def collect() -> None:
        async for _ in mod.aiterate(client=gen.client(server)):
            pass

    with pytest.raises(errors.CrossOriginPageError):
        asyncio.run(collect())
    assert {r.url.host for r in server.requests} == {"api.test"}


def test_cross_origin_link_header_raises(gen: Generated) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        link = '<https://evil.test/link?page=2>; rel="next"'
        return httpx.Response(200, json=items(["a"]), headers={"Link": link})

    server = Server(answer)
    errors = importlib.import_module(f"{PACKAGE}._runtime.pagination")
    with pytest.raises(errors.CrossOriginPageError):
        list(gen.op("list_link").iterate(client=gen.client(server)))
    assert len(server.requests) == 1


def test_retries_apply_to_every_page(gen: Generated, monkeypatch: pytest.MonkeyPatch) -> None:
    retries = importlib.import_module(f"{PACKAGE}._runtime.retries")
    monkeypatch.setattr(retries, "_sleep", lambda seconds: None)
    failed: set[str] = set()

    def answer(request: httpx.Request) -> httpx.Response:
        skip = request.url.params.get("skip")
        if skip == "3" and skip not in failed:
            failed.add(skip)
            return httpx.Response(503, json={})
        return httpx.Response(200, json=items(chunk(skip, 3, IDS)))

    server = Server(answer)
    ids = [i.id for i in gen.op("list_skip").iterate(client=gen.client(server), limit=3)]
    assert ids == IDS
    assert server.params("skip") == [None, "3", "3", "6"]
    assert all(r.headers["authorization"] == "Bearer secret-token" for r in server.requests)


def test_generated_package_type_checks(gen: Generated) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(gen.root.parent / ".mc"),
            PACKAGE,
        ],
        capture_output=True,
        text=True,
        cwd=gen.root.parent,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
