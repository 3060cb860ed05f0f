"""OpenAPI 3.2 documents, one per feature, written from the published 3.2.0 specification: the
``query`` method, ``additionalOperations`` (custom methods), ``in: querystring`` parameters,
``itemSchema`` on sequential media types (SSE, JSON Lines, NDJSON, json-seq) as typed streams,
``$self`` as the base URI of references, tag ``parent``/``kind``, and the rest of 3.2 (reusable
media types, device-authorization OAuth flows, example ``dataValue``/``serializedValue``, server
``name``, response ``summary``, discriminator ``defaultMapping``) parsed without failing.

Each test generates a client with the real CLI and drives it through ``httpx.MockTransport``.
"""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from typing import Any

import httpx
import pytest
from construct_support import GenerateFn, Recorder


def _doc(
    paths: dict[str, Any], schemas: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": "3.2.0",
        "info": {"title": "Feature", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": schemas or {}},
    }
    doc.update(extra)
    return doc


PRODUCT = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "string"}, "price": {"type": "number"}},
}
SEARCH = {
    "type": "object",
    "properties": {
        "q": {"type": "string"},
        "limit": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
}
PRODUCTS = {"type": "array", "items": {"$ref": "#/components/schemas/Product"}}


def _aclient(gen: Any, handler: Any) -> Any:
    """A generated client whose async calls go through ``handler`` too."""
    return gen.client(handler, async_transport=httpx.MockTransport(handler))


def _ok(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {media: {"schema": schema}}}}


def test_query_method_sends_a_body_and_is_retried(generate: GenerateFn) -> None:
    gen = generate(
        _doc(
            {
                "/products": {
                    "query": {
                        "operationId": "searchProducts",
                        "requestBody": {
                            "required": True,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Search"}
                                }
                            },
                        },
                        "responses": _ok(PRODUCTS),
                    }
                }
            },
            {"Search": SEARCH, "Product": PRODUCT},
        )
    )
    assert gen.report["operations"]["total"] == 1 == gen.report["operations"]["generated"]
    attempts: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        if len(attempts) == 1:  # QUERY is safe: a 503 is retried like a GET
            return httpx.Response(503, headers={"Retry-After": "0"})
        return httpx.Response(200, json=[{"id": "p1", "price": 2.5}])

    recorder = Recorder(answer)
    op = gen.op("default", "search_products")
    body = gen.models().Search(q="lamp", limit=3)
    found = op.sync(client=gen.client(recorder, max_retries=2), body=body)
    assert [p.id for p in found] == ["p1"]
    assert [r.method for r in recorder.requests] == ["QUERY", "QUERY"]
    assert json.loads(recorder.last.content) == {"q": "lamp", "limit": 3}
    assert recorder.last.headers["content-type"] == "application/json"

    async def run() -> Any:
        return await op.asyncio(client=_aclient(gen, Recorder(answer)), body=body)

    assert [p.id for p in asyncio.run(run())] == ["p1"]
    gen.import_all()
    gen.mypy()


def test_additional_operations_are_custom_methods(generate: GenerateFn) -> None:
    gen = generate(
        _doc(
            {
                "/products/{id}": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "get": {"operationId": "getProduct", "responses": _ok(PRODUCT)},
                    "additionalOperations": {
                        "LINK": {
                            "operationId": "linkProduct",
                            "parameters": [
                                {"name": "Link", "in": "header", "schema": {"type": "string"}}
                            ],
                            "responses": {"204": {"description": "linked"}},
                        },
                        "purge": {"responses": {"202": {"description": "purged"}}},
                        # repeats a fixed field: ignored with a warning, `get` wins
                        "get": {"operationId": "shadowGet", "responses": _ok(PRODUCT)},
                    },
                }
            },
            {"Product": PRODUCT},
        )
    )
    assert gen.report["operations"]["generated"] == 3
    assert "W0180" in gen.codes()
    recorder = Recorder(lambda r: httpx.Response(204 if r.method == "LINK" else 202))
    client = gen.client(recorder)
    assert gen.op("default", "link_product").sync(client=client, id="a b", link="</x>") is None
    sent = recorder.last
    assert sent.method == "LINK" and sent.url.raw_path == b"/products/a%20b"
    assert sent.headers["link"] == "</x>"
    # no operationId: named from the method as written and the path; sent as written
    purge = gen.op("default", "purge_products_id")
    assert purge.sync(client=client, id="7") is None
    assert recorder.last.method == "PURGE"  # httpx sends every method upper-cased
    assert not hasattr(gen.module("api.default"), "shadow_get")
    gen.import_all()
    gen.mypy()


def test_additional_operations_extension_before_3_2(generate: GenerateFn) -> None:
    doc = _doc(
        {
            "/search": {
                "x-oai-additionalOperations": {
                    "QUERY": {
                        "operationId": "search",
                        "requestBody": {
                            "content": {"application/json": {"schema": {"type": "object"}}}
                        },
                        "responses": _ok({"type": "array", "items": {"type": "string"}}),
                    }
                }
            }
        }
    )
    doc["openapi"] = "3.1.0"
    gen = generate(doc)
    recorder = Recorder(lambda r: httpx.Response(200, json=["a"]))
    assert gen.op("default", "search").sync(client=gen.client(recorder), body={"q": 1}) == ["a"]
    assert recorder.last.method == "QUERY"
    gen.mypy()


def _querystring_doc(media: str, schema: dict[str, Any]) -> dict[str, Any]:
    return _doc(
        {
            "/search": {
                "get": {
                    "operationId": "search",
                    "parameters": [
                        {
                            "name": "criteria",
                            "in": "querystring",
                            "content": {media: {"schema": schema}},
                        }
                    ],
                    "responses": _ok(PRODUCTS),
                }
            }
        },
        {"Search": SEARCH, "Product": PRODUCT},
    )


def test_querystring_parameter_form_encoded(generate: GenerateFn) -> None:
    gen = generate(
        _querystring_doc(
            "application/x-www-form-urlencoded", {"$ref": "#/components/schemas/Search"}
        )
    )
    recorder = Recorder(lambda r: httpx.Response(200, json=[{"id": "p"}]))
    op = gen.op("default", "search")
    criteria = gen.models().Search(q="a&b c", tags=["x", "y"])
    assert op.sync(client=gen.client(recorder), criteria=criteria)[0].id == "p"
    assert recorder.last.url.query == b"q=a%26b%20c&tags=x&tags=y"
    assert urllib.parse.parse_qs(recorder.last.url.query.decode()) == {
        "q": ["a&b c"],
        "tags": ["x", "y"],
    }
    op.sync(client=gen.client(recorder))  # optional: no query string at all
    assert recorder.last.url.query == b""
    gen.mypy()


def test_querystring_parameter_json(generate: GenerateFn) -> None:
    gen = generate(_querystring_doc("application/json", {"$ref": "#/components/schemas/Search"}))
    recorder = Recorder(lambda r: httpx.Response(200, json=[]))
    client = gen.client(recorder, headers={"X-Trace": "1"})
    gen.op("default", "search").sync(client=client, criteria=gen.models().Search(q="x", limit=2))
    raw = recorder.last.url.query.decode()
    assert "=" not in raw.replace("%3D", "")  # one value, not name=value pairs
    assert json.loads(urllib.parse.unquote(raw)) == {"q": "x", "limit": 2}
    gen.mypy()


def test_querystring_in_3_1_is_refused_with_a_hint(generate: GenerateFn) -> None:
    doc = _querystring_doc("application/json", {"type": "object"})
    doc["openapi"] = "3.1.0"
    gen = generate(doc, expect_exit=2)
    assert "E0206" in gen.stderr and "querystring" in gen.stderr and "3.2" in gen.stderr


SSE_EVENT = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "event": {"type": "string"},
        "id": {"type": "string"},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": {"$ref": "#/components/schemas/Product"},
        },
    },
}


def _stream_doc(media: str, item_schema: dict[str, Any]) -> dict[str, Any]:
    return _doc(
        {
            "/feed": {
                "get": {
                    "operationId": "feed",
                    "responses": {
                        "200": {
                            "description": "stream",
                            "content": {media: {"itemSchema": item_schema}},
                        }
                    },
                }
            }
        },
        {
            "Product": PRODUCT,
            "Delta": {"type": "object", "properties": {"text": {"type": "string"}}},
        },
    )


def _streaming(body: bytes, media: str) -> Recorder:
    return Recorder(lambda r: httpx.Response(200, content=body, headers={"content-type": media}))


def test_item_schema_types_server_sent_events(generate: GenerateFn) -> None:
    gen = generate(_stream_doc("text/event-stream", SSE_EVENT))
    body = b'id: 1\ndata: {"id": "a", "price": 1}\n\nid: 2\ndata: {"id": "b"}\n\n'
    op = gen.op("default", "feed")
    events = list(op.stream(client=gen.client(_streaming(body, "text/event-stream"))))
    product = gen.models().Product
    assert [e.data for e in events] == [product(id="a", price=1), product(id="b")]
    assert [e.id for e in events] == ["1", "2"]

    async def run() -> list[Any]:
        client = _aclient(gen, _streaming(body, "text/event-stream"))
        return [e.data async for e in op.astream(client=client)]

    assert asyncio.run(run()) == [product(id="a", price=1), product(id="b")]
    buffered = op.sync(client=gen.client(_streaming(body, "text/event-stream")))
    assert [e.data.id for e in buffered] == ["a", "b"]
    gen.import_all()
    gen.mypy()


def test_item_schema_event_variants_give_a_union_of_their_data(generate: GenerateFn) -> None:
    variants = {
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    "event": {"const": "product"},
                    "data": {
                        "type": "string",
                        "contentMediaType": "application/json",
                        "contentSchema": {"$ref": "#/components/schemas/Product"},
                    },
                },
            },
            {
                "type": "object",
                "properties": {"event": {"const": "note"}, "data": {"type": "string"}},
            },
        ]
    }
    gen = generate(_stream_doc("text/event-stream", variants))
    source = (gen.root / gen.package / "api" / "default" / "feed.py").read_text()
    assert "Iterator[ServerSentEvent[FeedResponse200Data]]" in source
    alias = (gen.root / gen.package / "models" / "feed_response200_data.py").read_text()
    assert '"Product | str' in alias
    body = b'event: product\ndata: {"id": "a"}\n\nevent: note\ndata: hello there\n\n'
    client = gen.client(_streaming(body, "text/event-stream"))
    events = list(gen.op("default", "feed").stream(client=client))
    assert [e.event for e in events] == ["product", "note"]
    assert [e.data for e in events] == [gen.models().Product(id="a"), "hello there"]
    gen.mypy()


@pytest.mark.parametrize(
    ("media", "body"),
    [
        ("application/jsonl", b'{"id": "a"}\n{"id": "b", "price": 2}\n'),
        ("application/x-ndjson", b'{"id": "a"}\n\n{"id": "b", "price": 2}\n'),
        ("application/json-seq", b'\x1e{"id": "a"}\n\x1e{"id": "b", "price": 2}\n'),
    ],
)
def test_item_schema_types_json_sequences(generate: GenerateFn, media: str, body: bytes) -> None:
    gen = generate(_stream_doc(media, {"$ref": "#/components/schemas/Product"}))
    op = gen.op("default", "feed")
    product = gen.models().Product
    want = [product(id="a"), product(id="b", price=2)]
    assert list(op.stream(client=gen.client(_streaming(body, media)))) == want

    async def run() -> list[Any]:
        return [p async for p in op.astream(client=_aclient(gen, _streaming(body, media)))]

    assert asyncio.run(run()) == want
    assert op.sync(client=gen.client(_streaming(body, media))) == want
    gen.mypy()


def test_self_is_the_base_uri_of_references(generate: GenerateFn) -> None:
    root = """\
openapi: 3.2.0
$self: https://specs.example.com/shop/v1/openapi.yaml
info: {title: Shop, version: "1"}
paths:
  /products:
    get:
      operationId: listProducts
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "https://specs.example.com/shop/common/product.yaml"}
"""
    product = """\
type: object
required: [id]
properties:
  id: {type: string}
  maker: {$ref: "maker.yaml"}
"""
    maker = "type: object\nproperties:\n  name: {type: string}\n"
    # The canonical URIs mirror the files: no network access, no --allow-remote-refs needed.
    gen = generate(
        root,
        files={"../common/product.yaml": product, "../common/maker.yaml": maker},
        args=["--allow-outside-root"],
    )
    recorder = Recorder(lambda r: httpx.Response(200, json=[{"id": "a", "maker": {"name": "m"}}]))
    found = gen.op("default", "list_products").sync(client=gen.client(recorder))
    assert found[0].maker.name == "m"
    gen.mypy()


def test_self_resolves_absolute_refs_below_its_own_folder(generate: GenerateFn) -> None:
    root = """\
openapi: 3.2.0
$self: https://specs.example.com/shop/openapi.yaml
info: {title: Shop, version: "1"}
paths:
  /products/{id}:
    get:
      operationId: getProduct
      parameters:
        - $ref: "https://specs.example.com/shop/openapi.yaml#/components/parameters/Id"
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "https://specs.example.com/shop/schemas/product.yaml"}
components:
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: string}}
"""
    gen = generate(
        root, files={"schemas/product.yaml": "type: object\nproperties:\n  id: {type: string}\n"}
    )
    recorder = Recorder(lambda r: httpx.Response(200, json={"id": "7"}))
    assert gen.op("default", "get_product").sync(client=gen.client(recorder), id="7").id == "7"
    assert recorder.last.url.path == "/products/7"


def test_tag_parent_and_kind(generate: GenerateFn) -> None:
    doc = _doc(
        {
            "/a": {"get": {"operationId": "a", "tags": ["child"], "responses": _ok(PRODUCT)}},
            "/b": {"get": {"operationId": "b", "tags": ["orphan"], "responses": _ok(PRODUCT)}},
        },
        {"Product": PRODUCT},
        tags=[
            {"name": "top", "summary": "Top level", "kind": "nav"},
            {"name": "child", "parent": "top", "kind": "nav"},
            {"name": "orphan", "parent": "missing", "kind": "badge"},
            {"name": "loop1", "parent": "loop2"},
            {"name": "loop2", "parent": "loop1"},
        ],
    )
    gen = generate(doc)
    codes = gen.codes()
    assert "W0181" in codes and "W0182" in codes
    assert gen.report["operations"]["generated"] == 2
    gen.op("child", "a")
    gen.op("orphan", "b")


def test_the_rest_of_3_2_parses(generate: GenerateFn) -> None:
    doc = _doc(
        {
            "/products": {
                "summary": "Products",
                "post": {
                    "operationId": "createProduct",
                    "requestBody": {
                        "content": {
                            "application/json": {"$ref": "#/components/mediaTypes/ProductJson"}
                        }
                    },
                    "responses": {
                        "201": {
                            "summary": "Created",
                            "content": {
                                "application/json": {"$ref": "#/components/mediaTypes/ProductJson"}
                            },
                        }
                    },
                    "security": [{"device": ["write"]}],
                },
            }
        },
        {
            "Product": PRODUCT,
            "Pet": {
                "type": "object",
                "properties": {"kind": {"type": "string"}},
                "discriminator": {
                    "propertyName": "kind",
                    "defaultMapping": "#/components/schemas/Product",
                },
                "xml": {"nodeType": "element"},
            },
        },
        servers=[{"url": "https://api.example.com", "name": "production", "description": "prod"}],
    )
    doc["components"]["mediaTypes"] = {
        "ProductJson": {
            "schema": {"$ref": "#/components/schemas/Product"},
            "examples": {
                "one": {"dataValue": {"id": "a"}, "serializedValue": '{"id":"a"}'},
            },
        }
    }
    doc["components"]["securitySchemes"] = {
        "device": {
            "type": "oauth2",
            "deprecated": False,
            "oauth2MetadataUrl": "https://auth.example.com/.well-known/oauth-authorization-server",
            "flows": {
                "deviceAuthorization": {
                    "deviceAuthorizationUrl": "https://auth.example.com/device",
                    "tokenUrl": "https://auth.example.com/token",
                    "scopes": {"write": "write"},
                }
            },
        }
    }
    gen = generate(doc)
    assert gen.report["operations"]["generated"] == 1
    assert not [c for c in gen.codes() if c.startswith(("E", "W"))], gen.stderr
    recorder = Recorder(lambda r: httpx.Response(201, json={"id": "a", "price": 1}))
    product = gen.models().Product
    made = gen.op("default", "create_product").sync(
        client=gen.client(recorder), body=product(id="a")
    )
    assert made == product(id="a", price=1)
    assert json.loads(recorder.last.content) == {"id": "a"}
    gen.import_all()
    gen.mypy()
