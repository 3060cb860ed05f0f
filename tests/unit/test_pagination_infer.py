"""Pagination decisions at build time: inference per style, config overrides (new and 1.x form),
vendor extensions, and the warnings for what cannot be wired. (How each style walks is tested
through generated clients in ``tests/constructs/test_constructs_pagination.py``.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.build import build_api
from generator.config import Config, load_config
from generator.diagnostics import DiagnosticSink
from generator.ir import Api, Pagination
from generator.loader import load_spec


def build(tmp_path: Path, doc: dict[str, Any], **config: Any) -> tuple[Api, DiagnosticSink]:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    sink = DiagnosticSink()
    cfg = Config(package_name="pkg", project_name="pkg", **config)
    return build_api(load_spec(path, sink), cfg, sink).api, sink


ITEMS = {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}}


def spec(
    params: list[str],
    body: dict[str, Any],
    *,
    method: str = "get",
    extra: dict[str, Any] | None = None,
    request: dict[str, Any] | None = None,
    headers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": "listThings",
        "parameters": [
            {"name": n, "in": "query", "schema": {"type": "integer" if n in INTS else "string"}}
            for n in params
        ],
        "responses": {
            "200": {
                "description": "ok",
                "content": {"application/json": {"schema": body}},
                **({"headers": headers} if headers else {}),
            }
        },
        **(extra or {}),
    }
    if request is not None:
        op["requestBody"] = {"content": {"application/json": {"schema": request}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/t": {method: op}},
    }


INTS = {"limit", "offset", "page", "per_page", "skip", "start"}


def obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


def paged(
    tmp_path: Path, doc: dict[str, Any], **config: Any
) -> tuple[Pagination | None, list[str]]:
    api, sink = build(tmp_path, doc, **config)
    return api.operations[0].pagination, [d.code for d in sink.items]


@pytest.mark.parametrize(
    ("doc", "style", "param", "next_path"),
    [
        (
            spec(["cursor"], obj(items=ITEMS, nextCursor={"type": "string"})),
            "cursor",
            "cursor",
            ("nextCursor",),
        ),
        (
            spec(
                ["continue", "limit"],
                obj(items=ITEMS, metadata=obj(**{"continue": {"type": "string"}})),
            ),
            "cursor",
            "continue",
            ("metadata", "continue"),
        ),
        (
            spec(["page_token"], obj(data=ITEMS, pagination=obj(next={"type": "string"}))),
            "cursor",
            "page_token",
            ("pagination", "next"),
        ),
        (
            spec(["starting_after", "limit"], obj(data=ITEMS, has_more={"type": "boolean"})),
            "item_cursor",
            "starting_after",
            (),
        ),
        (spec(["before", "after", "limit"], ITEMS), "item_cursor", "before", ()),
        (
            spec(["offset", "limit"], obj(items=ITEMS, total={"type": "integer"})),
            "offset",
            "offset",
            (),
        ),
        (
            spec(
                ["after", "limit"],
                obj(data=ITEMS, has_more={"type": "boolean"}, next={"type": "string"}),
            ),
            "cursor",
            "after",
            ("next",),
        ),
        (
            spec(
                ["after"],
                obj(
                    artists=obj(
                        items=ITEMS, next={"type": "string"}, cursors=obj(after={"type": "string"})
                    )
                ),
            ),
            "cursor",
            "after",
            ("artists", "cursors", "after"),
        ),
        (
            spec(
                ["offset"],
                obj(playlists=obj(items=ITEMS, next={"type": "string"}, total={"type": "integer"})),
            ),
            "next_url",
            "",
            ("playlists", "next"),
        ),
        (spec(["page", "per_page"], ITEMS), "page", "page", ()),
        (spec(["page"], obj(data=ITEMS, pages={"type": "integer"})), "page", "page", ()),
        (
            spec(["per_page"], ITEMS, headers={"Link": {"schema": {"type": "string"}}}),
            "link_header",
            "",
            (),
        ),
        (spec([], obj(results=ITEMS, next={"type": "string"})), "next_url", "", ("next",)),
        (
            spec([], obj(value=ITEMS, **{"@odata.nextLink": {"type": "string"}})),
            "next_url",
            "",
            ("@odata.nextLink",),
        ),
        (
            spec([], obj(items=ITEMS, _links=obj(next=obj(href={"type": "string"})))),
            "next_url",
            "",
            ("_links", "next", "href"),
        ),
        (
            spec([], obj(items=ITEMS, links=obj(pages=obj(next={"type": "string"})))),
            "next_url",
            "",
            ("links", "pages", "next"),
        ),
        (
            spec(
                [],
                ITEMS,
                method="post",
                request=obj(offset={"type": "integer"}, limit={"type": "integer"}),
            ),
            "offset",
            "offset",
            (),
        ),
    ],
)
def test_each_style_is_inferred(
    tmp_path: Path, doc: dict[str, Any], style: str, param: str, next_path: tuple[str, ...]
) -> None:
    page, codes = paged(tmp_path, doc)
    assert page is not None, codes
    assert (page.style, page.param, page.next_path) == (style, param, next_path)


def test_body_borne_page_is_located_in_the_body(tmp_path: Path) -> None:
    doc = spec(
        [],
        obj(results=ITEMS, count={"type": "integer"}, pages={"type": "integer"}),
        method="post",
        request=obj(page={"type": "integer"}, limit={"type": "integer"}),
    )
    page, _ = paged(tmp_path, doc)
    assert page is not None
    assert (page.style, page.location, page.param, page.size_param) == (
        "page",
        "body",
        "page",
        "limit",
    )
    assert (page.pages_path, page.start) == (("pages",), 1)


def test_unwired_operation_is_a_located_warning(tmp_path: Path) -> None:
    doc = spec(["cursor"], obj(items=ITEMS))  # a cursor parameter, no next-cursor field
    api, sink = build(tmp_path, doc)
    assert api.operations[0].pagination is None
    warning = next(d for d in sink.items if d.code == "W0603")
    assert warning.pointer == "#/paths/~1t/get" and "next-cursor" in warning.message


def test_page_parameter_without_a_list_is_a_note(tmp_path: Path) -> None:
    page, codes = paged(tmp_path, spec(["continue"], obj(type={"type": "string"})))
    assert page is None and "N0605" in codes and "W0603" not in codes


def test_deletes_are_never_paginated(tmp_path: Path) -> None:
    page, codes = paged(tmp_path, spec(["continue"], obj(items=ITEMS), method="delete"))
    assert page is None and not {"W0603", "N0605"} & set(codes)


def test_config_override_new_form(tmp_path: Path) -> None:
    doc = spec(["skip", "cursor"], obj(items=ITEMS, meta=obj(count={"type": "integer"})))
    override = {"listThings": {"style": "offset", "param": "skip", "total": "meta.count"}}
    page, codes = paged(tmp_path, doc, pagination=override)
    assert page is not None and page.source == "config"
    assert (page.style, page.param, page.total_path) == ("offset", "skip", ("meta", "count"))


def test_config_override_old_form_still_works(tmp_path: Path) -> None:
    doc = spec(["c"], obj(things=ITEMS, following={"type": "string"}))
    override = {"listThings": {"cursor_param": "c", "items": "things", "next_cursor": "following"}}
    page, _ = paged(tmp_path, doc, pagination=override)
    assert page is not None and page.source == "config"
    assert (page.style, page.cursor_param, page.items_field, page.next_cursor_field) == (
        "cursor",
        "c",
        "things",
        "following",
    )


@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"style": "offset", "param": "nope"}, "W0601"),
        ({"style": "cursor", "next": "meta.missing"}, "W0602"),
        ({"style": "page", "items": "nothing"}, "W0602"),
    ],
)
def test_config_override_that_does_not_fit_warns(
    tmp_path: Path, override: dict[str, Any], code: str
) -> None:
    doc = spec(["offset", "cursor"], obj(items=ITEMS, meta=obj(total={"type": "integer"})))
    page, codes = paged(tmp_path, doc, pagination={"listThings": override})
    assert page is None and code in codes


@pytest.mark.parametrize(
    ("name", "value", "style", "param"),
    [
        (
            "x-speakeasy-pagination",
            {
                "type": "offsetLimit",
                "inputs": [
                    {"name": "skip", "in": "parameters", "type": "offset"},
                    {"name": "limit", "in": "parameters", "type": "limit"},
                ],
                "outputs": {"results": "$.items"},
            },
            "offset",
            "skip",
        ),
        (
            "x-fern-pagination",
            {
                "cursor": "$request.cursor",
                "next_cursor": "$response.meta.after",
                "results": "$response.items",
            },
            "cursor",
            "cursor",
        ),
        ("x-pagination", {"style": "page", "param": "page"}, "page", "page"),
    ],
)
def test_vendor_extensions_are_read(
    tmp_path: Path, name: str, value: dict[str, Any], style: str, param: str
) -> None:
    doc = spec(
        ["skip", "limit", "cursor", "page"],
        obj(items=ITEMS, meta=obj(after={"type": "string"})),
        extra={name: value},
    )
    page, codes = paged(tmp_path, doc)
    assert page is not None and page.source == "extension", codes
    assert (page.style, page.param) == (style, param)


def test_unusable_extension_falls_back_to_inference(tmp_path: Path) -> None:
    doc = spec(["offset"], obj(items=ITEMS), extra={"x-pagination": {"style": "sideways"}})
    page, codes = paged(tmp_path, doc)
    assert "W0604" in codes
    assert page is not None and page.source == "inferred" and page.style == "offset"


@pytest.mark.parametrize(
    "text",
    [
        "pagination:\n  op: {style: sideways}\n",
        "pagination:\n  op: {style: offset, params: offset}\n",
        "pagination:\n  op: {style: page, start: first}\n",
    ],
)
def test_config_schema_rejects_bad_overrides(tmp_path: Path, text: str) -> None:
    path = tmp_path / "codegen.yaml"
    path.write_text(text)
    sink = DiagnosticSink()
    with pytest.raises(Exception):  # noqa: B017 - FatalInputError or a None config, both fine
        if load_config(path, sink) is None or sink.has_errors:
            raise ValueError("rejected")
    assert any(d.code in ("E0504", "E0505") for d in sink.items)
