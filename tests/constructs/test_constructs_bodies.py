"""Request bodies and responses by media type, checked through ``httpx.MockTransport``.

JSON and ``+json``, ``multipart/form-data`` with files and arrays, form-urlencoded,
``application/octet-stream`` (bytes or a file object up; bytes or chunks down), ``text/plain``,
NDJSON (typed line iterator), ``*/*``, and several media types on one operation.
"""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import parse_qsl

import httpx
from construct_support import GenerateFn, Recorder


def content(media: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {media: {"schema": schema}}


def ok(media: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": content(media, schema)}}


PET = {"$ref": "#/components/schemas/Pet"}

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Bodies", "version": "1"},
    "paths": {
        "/json": {
            "post": {
                "operationId": "postJson",
                "requestBody": {
                    "required": True,
                    "content": content("application/vnd.api+json", PET),
                },
                "responses": ok("application/problem+json", PET),
            }
        },
        "/upload": {
            "post": {
                "operationId": "upload",
                "requestBody": {
                    "required": True,
                    "content": content(
                        "multipart/form-data",
                        {
                            "type": "object",
                            "required": ["file"],
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "more": {
                                    "type": "array",
                                    "items": {"type": "string", "format": "binary"},
                                },
                                "names": {"type": "array", "items": {"type": "string"}},
                                "meta": PET,
                                "count": {"type": "integer"},
                            },
                        },
                    ),
                },
                "responses": ok(
                    "application/json", {"type": "object", "properties": {"n": {"type": "integer"}}}
                ),
            }
        },
        "/form": {
            "post": {
                "operationId": "postForm",
                "requestBody": {
                    "content": content(
                        "application/x-www-form-urlencoded",
                        {
                            "type": "object",
                            "properties": {
                                "a": {"type": "string"},
                                "n": {"type": "integer"},
                                "list": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    )
                },
                "responses": ok("text/plain", {"type": "string"}),
            }
        },
        "/blob": {
            "put": {
                "operationId": "putBlob",
                "requestBody": {
                    "required": True,
                    "content": content(
                        "application/octet-stream", {"type": "string", "format": "binary"}
                    ),
                },
                "responses": ok("application/octet-stream", {"type": "string", "format": "binary"}),
            }
        },
        "/text": {
            "post": {
                "operationId": "postText",
                "requestBody": {
                    "required": True,
                    "content": content("text/plain", {"type": "string"}),
                },
                "responses": ok("*/*", PET),
            }
        },
        "/lines": {
            "get": {
                "operationId": "getLines",
                "responses": ok("application/x-ndjson", PET),
            }
        },
        "/multi": {
            "post": {
                "operationId": "postMulti",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/xml": {"schema": PET},
                        "application/json": {"schema": PET},
                        "text/plain": {"schema": {"type": "string"}},
                    },
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "text/html": {"schema": {"type": "string"}},
                            "application/json": {"schema": PET},
                        },
                    },
                    "404": {"description": "missing", "content": content("application/json", PET)},
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "tag": {"type": "string"}},
            }
        }
    },
}


def route(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/json":
        return httpx.Response(
            200, content=request.content, headers={"content-type": "application/problem+json"}
        )
    if path == "/upload":
        return httpx.Response(200, json={"n": 1})
    if path == "/form":
        return httpx.Response(200, text="done", headers={"content-type": "text/plain"})
    if path == "/blob":
        return httpx.Response(
            200, content=b"\x00\x01" * 1000, headers={"content-type": "application/octet-stream"}
        )
    if path == "/text":
        return httpx.Response(200, json={"name": request.content.decode()})
    if path == "/lines":
        body = b'{"name": "a"}\n{"name": "b", "tag": "t"}\n'
        return httpx.Response(200, content=body, headers={"content-type": "application/x-ndjson"})
    if path == "/multi":
        return httpx.Response(200, json={"name": "m"})
    return httpx.Response(500)


def test_bodies_and_responses_by_media_type(generate: GenerateFn) -> None:
    gen = generate(SPEC)
    recorder = Recorder(route)
    client = gen.client(recorder)
    m = gen.models()
    api = "api.default"

    pet = gen.module(f"{api}.post_json").sync(client=client, body=m.Pet(name="rex", tag="t"))
    assert pet == m.Pet(name="rex", tag="t")
    assert recorder.last.headers["content-type"] == "application/vnd.api+json"
    assert json.loads(recorder.last.content) == {"name": "rex", "tag": "t"}

    File = gen.module("types").File
    body = m.UploadBody(
        file=File(payload=b"abc", file_name="a.txt", mime_type="text/plain"),
        more=[
            File(payload=b"1", file_name="1.bin"),
            File(payload=io.BytesIO(b"2"), file_name="2.bin"),
        ],
        names=["n1", "n2"],
        meta=m.Pet(name="inner"),
        count=3,
    )
    assert gen.module(f"{api}.upload").sync(client=client, body=body).n == 1
    sent = recorder.last
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    raw = sent.content
    assert b'name="file"; filename="a.txt"' in raw and b"abc" in raw
    assert raw.count(b'name="more"') == 2 and raw.count(b'name="names"') == 2
    assert b'name="count"' in raw
    assert b'{"name": "inner"}' in raw or b'{"name":"inner"}' in raw  # nested object as JSON

    text = gen.module(f"{api}.post_form").sync(
        client=client, body=m.PostFormBody(a="x y", n=2, list_=["p", "q"])
    )
    assert text == "done"
    assert recorder.last.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qsl(recorder.last.content.decode()) == [
        ("a", "x y"),
        ("n", "2"),
        ("list", "p"),
        ("list", "q"),
    ]

    blob = gen.module(f"{api}.put_blob")
    assert blob.sync(client=client, body=b"\x05\x06") == b"\x00\x01" * 1000
    assert recorder.last.content == b"\x05\x06"
    assert recorder.last.headers["content-type"] == "application/octet-stream"
    chunks = list(blob.stream(client=client, body=io.BytesIO(b"streamed up")))
    assert b"".join(chunks) == b"\x00\x01" * 1000
    assert recorder.last.content == b"streamed up"

    echoed = gen.module(f"{api}.post_text").sync(client=client, body="hello")
    assert echoed == m.Pet(name="hello")  # */* response decoded as JSON
    assert recorder.last.headers["content-type"].startswith("text/plain")

    lines = gen.module(f"{api}.get_lines")
    assert lines.sync(client=client) == [m.Pet(name="a"), m.Pet(name="b", tag="t")]
    assert list(lines.stream(client=client)) == [m.Pet(name="a"), m.Pet(name="b", tag="t")]

    multi = gen.module(f"{api}.post_multi")
    assert multi.sync(client=client, body=m.Pet(name="m")) == m.Pet(name="m")
    assert recorder.last.headers["content-type"] == "application/json"  # JSON preferred
    gen.mypy()
