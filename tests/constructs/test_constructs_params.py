"""Parameters: locations, style/explode, defaults (incl. path), names that collide or shadow.

Requests are checked through ``httpx.MockTransport``: the generated function is called and the
recorded request's URL, headers and cookies are compared with what the spec's style rules say.
"""

from __future__ import annotations

import inspect
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
from construct_support import GenerateFn, Recorder


def q(name: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, **extra}


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Params", "version": "1"},
    "paths": {
        "/items/{item_id}/{self}/{labels}": {
            "parameters": [
                {"name": "self", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "get": {
                "operationId": "getItem",
                "tags": ["items"],
                "parameters": [
                    {
                        "name": "item_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "default": "a b"},
                    },
                    {
                        "name": "labels",
                        "in": "path",
                        "required": True,
                        "style": "label",
                        "explode": False,
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                    q("DateCreated", {"type": "string"}),
                    q("DateCreated<", {"type": "string"}),
                    q("DateCreated>", {"type": "string"}),
                    q("quote", {"type": "string"}),
                    q("client", {"type": "string"}),
                    q("json", {"type": "string"}),
                    q("body", {"type": "string"}),
                    q("httpx", {"type": "string"}),
                    q("class", {"type": "string"}),
                    q("parts", {"type": "string"}),
                    q("limit", {"type": "integer", "default": 10}),
                    q("tags", {"type": "array", "items": {"type": "string"}}),
                    q(
                        "ids",
                        {"type": "array", "items": {"type": "integer"}},
                        style="form",
                        explode=False,
                    ),
                    q(
                        "pipes",
                        {"type": "array", "items": {"type": "string"}},
                        style="pipeDelimited",
                        explode=False,
                    ),
                    q(
                        "filter",
                        {
                            "type": "object",
                            "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
                        },
                        style="deepObject",
                        explode=True,
                    ),
                    {
                        "name": "X-Trace",
                        "in": "header",
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                    {"name": "X-Count", "in": "header", "schema": {"type": "integer"}},
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                ],
                "responses": {"204": {"description": "none"}},
            },
        }
    },
}


def test_parameter_locations_styles_defaults_and_names(
    generate: GenerateFn, recorder: Recorder
) -> None:
    gen = generate(SPEC)
    op = gen.op("items", "get_item")
    params = inspect.signature(op.sync).parameters
    # Names that collide after conversion stay distinct; shadowing names and keywords get a suffix.
    for name in (
        "date_created",
        "date_created_lt",
        "date_created_gt",
        "quote_",
        "client_",
        "json_",
        "body_",
        "httpx_",
        "class_",
        "parts_",
        "self_",
    ):
        assert name in params, sorted(params)
    assert params["item_id"].default == "a b"  # default on a path parameter
    assert params["limit"].default == 10
    assert {"N0505"} <= set(gen.codes()) or any("N05" in c for c in gen.codes())

    recorder.answer = lambda request: httpx.Response(204)
    client = gen.client(recorder)
    result = op.sync(
        client=client,
        self_=3,
        labels=["x", "y"],
        date_created="d",
        date_created_lt="lt",
        date_created_gt="gt",
        quote_="q",
        client_="c",
        json_="j",
        body_="b",
        httpx_="h",
        class_="k",
        parts_="p",
        tags=["a", "b"],
        ids=[1, 2],
        pipes=["p", "q"],
        filter=gen.models().GetItemFilter(a="z", b=1),
        x_trace=["t1", "t2"],
        x_count=5,
        session="s1",
    )
    assert result is None
    req = recorder.last
    url = urlsplit(str(req.url))
    assert unquote(url.path) == "/items/a b/3/.x,y"
    query = parse_qsl(url.query)
    assert ("DateCreated", "d") in query
    assert ("DateCreated<", "lt") in query and ("DateCreated>", "gt") in query
    for wire, value in (
        ("quote", "q"),
        ("client", "c"),
        ("json", "j"),
        ("body", "b"),
        ("httpx", "h"),
        ("class", "k"),
        ("parts", "p"),
        ("limit", "10"),
    ):
        assert (wire, value) in query, (wire, query)
    assert [v for k, v in query if k == "tags"] == ["a", "b"]  # form, exploded
    assert ("ids", "1,2") in query  # form, not exploded
    assert ("pipes", "p|q") in query  # pipeDelimited
    assert ("filter[a]", "z") in query and ("filter[b]", "1") in query  # deepObject
    assert req.headers["X-Trace"] == "t1,t2"
    assert req.headers["X-Count"] == "5"
    assert "session=s1" in req.headers["Cookie"]

    # Optional parameters left out are not sent at all.
    op.sync(client=client, self_=1, labels=["z"])
    query = parse_qsl(urlsplit(str(recorder.last.url)).query)
    assert query == [("limit", "10")]
    assert "X-Trace" not in recorder.last.headers and "Cookie" not in recorder.last.headers
    gen.mypy()
