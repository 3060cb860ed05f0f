"""Swagger 2.0 input: every 2.0 construct that shapes a client, generated and driven end to end.

One 2.0 spec holds definitions, global parameters and responses, every kind of security
definition, ``in: body``, ``in: formData`` (urlencoded and, with ``type: file``, multipart),
``consumes``/``produces`` at both levels, each ``collectionFormat``, ``host`` + ``basePath`` +
``schemes``, ``x-nullable``, ``allowEmptyValue``, a string ``discriminator``, ``readOnly``,
response headers, a ``type: file`` response, and operations without ``operationId``. The
generated client is called through ``httpx.MockTransport`` and each request is checked against
what the 2.0 spec says goes on the wire. Diagnostics for 2.0 input point into the 2.0 file.
"""

from __future__ import annotations

import inspect
import json
import textwrap
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from construct_support import GenerateFn, Recorder

from generator.diagnostics import DiagnosticSink
from generator.loader import load_spec


def array_param(name: str, fmt: str | None) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "query", "type": "array"}
    param["items"] = {"type": "string"}
    if fmt is not None:
        param["collectionFormat"] = fmt
    return param


PET_ID = {"name": "petId", "in": "path", "required": True, "type": "string"}

SPEC: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "Pets Two", "version": "1.0"},
    "host": "pets.example.com",
    "basePath": "/v2",
    "schemes": ["http", "https"],
    "consumes": ["application/json"],
    "produces": ["application/json"],
    "securityDefinitions": {
        "basicAuth": {"type": "basic"},
        "queryKey": {"type": "apiKey", "in": "query", "name": "api_key"},
        "headerKey": {"type": "apiKey", "in": "header", "name": "X-Key"},
        "implicit": {
            "type": "oauth2",
            "flow": "implicit",
            "authorizationUrl": "https://auth.example.com/authorize",
            "scopes": {"read": "read pets"},
        },
        "password": {
            "type": "oauth2",
            "flow": "password",
            "tokenUrl": "https://auth.example.com/token",
            "scopes": {},
        },
        "application": {
            "type": "oauth2",
            "flow": "application",
            "tokenUrl": "https://auth.example.com/token",
            "scopes": {"admin": "all"},
        },
        "accessCode": {
            "type": "oauth2",
            "flow": "accessCode",
            "authorizationUrl": "https://auth.example.com/authorize",
            "tokenUrl": "https://auth.example.com/token",
            "scopes": {},
        },
    },
    "parameters": {
        "petId": PET_ID,
        "limit": {"name": "limit", "in": "query", "type": "integer", "default": 10},
        "petBody": {
            "name": "pet",
            "in": "body",
            "required": True,
            "schema": {"$ref": "#/definitions/Pet"},
        },
    },
    "responses": {
        "NotFound": {"description": "not found", "schema": {"$ref": "#/definitions/Error"}}
    },
    "definitions": {
        "Pet": {
            "type": "object",
            "required": ["name", "kind"],
            "discriminator": "kind",
            "properties": {
                "id": {"type": "integer", "readOnly": True},
                "name": {"type": "string"},
                "kind": {"type": "string"},
                "tag": {"type": "string", "x-nullable": True},
            },
        },
        "Dog": {
            "allOf": [
                {"$ref": "#/definitions/Pet"},
                {"type": "object", "properties": {"bark": {"type": "boolean"}}},
            ]
        },
        "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
    },
    "paths": {
        "/pets": {
            "get": {
                "tags": ["pets"],
                "operationId": "listPets",
                "parameters": [
                    {"$ref": "#/parameters/limit"},
                    array_param("plain", None),
                    array_param("csv", "csv"),
                    array_param("ssv", "ssv"),
                    array_param("tsv", "tsv"),
                    array_param("pipes", "pipes"),
                    array_param("multi", "multi"),
                    {"name": "q", "in": "query", "type": "string", "allowEmptyValue": True},
                    {
                        "name": "X-Ids",
                        "in": "header",
                        "type": "array",
                        "items": {"type": "integer"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "headers": {"X-Total": {"type": "integer"}},
                        "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
                    }
                },
            },
            "post": {
                "tags": ["pets"],
                "operationId": "createPet",
                "security": [{"basicAuth": []}],
                "parameters": [{"$ref": "#/parameters/petBody"}],
                "responses": {
                    "201": {"description": "created", "schema": {"$ref": "#/definitions/Pet"}},
                    "404": {"$ref": "#/responses/NotFound"},
                },
            },
        },
        "/pets/{petId}": {
            "parameters": [{"$ref": "#/parameters/petId"}],
            "get": {
                "tags": ["pets"],
                "security": [{"queryKey": []}],
                "responses": {
                    "200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}},
                    "404": {"$ref": "#/responses/NotFound"},
                },
            },
            "delete": {
                "tags": ["pets"],
                "security": [{"headerKey": []}],
                "responses": {"204": {"description": "deleted"}},
            },
        },
        "/pets/{petId}/photo": {
            "parameters": [{"$ref": "#/parameters/petId"}],
            "post": {
                "tags": ["photos"],
                "consumes": ["multipart/form-data"],
                "parameters": [
                    {"name": "file", "in": "formData", "type": "file", "required": True},
                    {"name": "caption", "in": "formData", "type": "string"},
                ],
                "responses": {"204": {"description": "stored"}},
            },
            "get": {
                "tags": ["photos"],
                "produces": ["image/png"],
                "responses": {"200": {"description": "the photo", "schema": {"type": "file"}}},
            },
        },
        "/dogs/{petId}": {
            "get": {
                "tags": ["pets"],
                "operationId": "getDog",
                "parameters": [{"$ref": "#/parameters/petId"}],
                "responses": {
                    "200": {"description": "ok", "schema": {"$ref": "#/definitions/Dog"}}
                },
            }
        },
        "/login": {
            "post": {
                "tags": ["auth"],
                "operationId": "login",
                "consumes": ["application/x-www-form-urlencoded"],
                "parameters": [
                    {"name": "user", "in": "formData", "type": "string", "required": True},
                    {"name": "remember", "in": "formData", "type": "boolean"},
                ],
                "responses": {"200": {"description": "ok", "schema": {"type": "string"}}},
            }
        },
    },
}


def route(request: httpx.Request) -> httpx.Response:
    path, method = request.url.path, request.method
    if path == "/v2/pets" and method == "GET":
        return httpx.Response(
            200,
            json=[{"id": 1, "name": "rex", "kind": "Dog", "tag": None}],
            headers={"X-Total": "1"},
        )
    if path == "/v2/pets" and method == "POST":
        return httpx.Response(201, content=request.content)
    if path.endswith("/photo") and method == "GET":
        return httpx.Response(200, content=b"\x89PNG", headers={"content-type": "image/png"})
    if path == "/v2/login":
        return httpx.Response(200, json="welcome")
    if method == "GET":
        return httpx.Response(200, json={"id": 7, "name": "a/b", "kind": "Pet"})
    return httpx.Response(204)


def test_swagger2_constructs_reach_the_wire(generate: GenerateFn) -> None:
    gen = generate(SPEC)
    assert gen.report["operations"]["generated"] == gen.report["operations"]["total"] == 8
    assert gen.module("client").DEFAULT_BASE_URL == "https://pets.example.com/v2"
    recorder = Recorder(route)
    m = gen.models()

    # Operations without operationId are named from method and path.
    pets = gen.module("api.pets")
    assert {"list_pets", "create_pet", "get_pets_pet_id", "delete_pets_pet_id"} <= set(pets.__all__)
    assert {"get_pets_pet_id_photo", "post_pets_pet_id_photo"} <= set(
        gen.module("api.photos").__all__
    )

    # collectionFormat -> style/explode, as the runtime sends them.
    client = gen.client(recorder, base_url="https://pets.example.com/v2")
    listed = gen.op("pets", "list_pets").sync(
        client=client,
        plain=["a", "b"],
        csv=["a", "b"],
        ssv=["a", "b"],
        tsv=["a", "b"],
        pipes=["a", "b"],
        multi=["a", "b"],
        q="",
        x_ids=[1, 2],
    )
    assert listed == [m.Pet(id=1, name="rex", kind="Dog", tag=None)]  # x-nullable: None kept
    query = parse_qsl(urlsplit(str(recorder.last.url)).query, keep_blank_values=True)
    assert query == [
        ("limit", "10"),
        ("plain", "a,b"),  # no collectionFormat: csv, the 2.0 default
        ("csv", "a,b"),
        ("ssv", "a b"),
        ("tsv", "a\tb"),
        ("pipes", "a|b"),
        ("multi", "a"),
        ("multi", "b"),
        ("q", ""),  # allowEmptyValue
    ]
    assert recorder.last.headers["X-Ids"] == "1,2"

    # in: body (through a global parameter), basic auth; readOnly: an optional field.
    assert inspect.signature(m.Pet).parameters["id"].default is None
    auth_client = gen.module("client").AuthenticatedClient(
        transport=httpx.MockTransport(recorder),
        username="u",
        password="p",
        query_key_key="k1",
        header_key_key="k2",
    )
    created = gen.op("pets", "create_pet").sync(
        client=auth_client, body=m.Pet(name="rex", kind="Pet", tag="t")
    )
    assert created.name == "rex"
    assert recorder.last.headers["content-type"] == "application/json"
    assert json.loads(recorder.last.content) == {"name": "rex", "kind": "Pet", "tag": "t"}
    assert recorder.last.headers["authorization"] == "Basic dTpw"

    # A path parameter holding "/" stays one segment; apiKey in query / in header.
    got = gen.op("pets", "get_pets_pet_id").sync(client=auth_client, pet_id="a/b")
    assert got.name == "a/b"
    assert recorder.last.url.raw_path.decode().startswith("/v2/pets/a%2Fb?")
    assert ("api_key", "k1") in parse_qsl(urlsplit(str(recorder.last.url)).query)
    gen.op("pets", "delete_pets_pet_id").sync(client=auth_client, pet_id="x")
    assert recorder.last.headers["X-Key"] == "k2"

    # formData with type: file -> multipart; type: file response -> bytes.
    File = gen.module("types").File
    photos = "photos"
    upload_body = gen.op(photos, "post_pets_pet_id_photo")
    body_type = inspect.signature(upload_body.sync).parameters["body"].annotation
    assert "PostPetsPetIdPhotoBody" in str(body_type)
    upload_body.sync(
        client=client,
        pet_id="7",
        body=m.PostPetsPetIdPhotoBody(file=File(payload=b"img", file_name="p.png"), caption="c"),
    )
    assert recorder.last.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="file"; filename="p.png"' in recorder.last.content
    assert gen.op(photos, "get_pets_pet_id_photo").sync(client=client, pet_id="7") == b"\x89PNG"

    # formData without files -> application/x-www-form-urlencoded.
    assert gen.op("auth", "login").sync(
        client=client, body=m.LoginBody(user="u", remember=True)
    ) == ("welcome")
    assert recorder.last.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qsl(recorder.last.content.decode()) == [("user", "u"), ("remember", "true")]

    # allOf over a definition with a string discriminator.
    dog = gen.op("pets", "get_dog").sync(client=client, pet_id="7")
    assert isinstance(dog, m.Dog) and (dog.id, dog.name, dog.bark) == (7, "a/b", None)
    assert not [c for c in gen.codes() if c.startswith(("E", "W"))], gen.report["diagnostics"]
    gen.mypy()


def test_swagger2_without_host_is_relative(generate: GenerateFn) -> None:
    ok = {"responses": {"200": {"description": "ok"}}}
    spec = {
        "swagger": "2.0",
        "info": {"title": "Rel", "version": "1"},
        "basePath": "/api",
        "paths": {
            "/ping": {"get": ok},
            "/a/{b}": {
                "get": {
                    **ok,
                    "parameters": [{"name": "b", "in": "path", "required": True, "type": "string"}],
                }
            },
            "/a/b": {"get": ok},
            "/a-b": {"get": ok},
        },
    }
    gen = generate(spec)
    # Names from method and path, unique in their module: the first in document order keeps it.
    assert gen.module("api.default").__all__ == ["get_ping", "get_a_b", "get_a_b_2", "get_a_b_3"]
    assert [n["code"] for n in gen.report["diagnostics"]] == ["N0554", "N0554"]
    client_mod = gen.module("client")
    assert client_mod.DEFAULT_BASE_URL == ""  # relative: the caller names the server
    recorder = Recorder(lambda request: httpx.Response(200))
    client = gen.client(recorder, base_url="http://127.0.0.1:9/api")
    gen.op("default", "get_ping").sync(client=client)
    assert recorder.last.url.path == "/api/ping"


BAD = textwrap.dedent("""\
    swagger: "2.0"
    info: {title: Bad, version: "1"}
    paths:
      /a/{id}:
        post:
          operationId: twin
          surprise: 1
          parameters:
            - name: id
              in: path
              required: true
              type: string
            - name: body
              in: body
              schema:
                type: banana
          responses:
            "200": {description: ok}
      /b:
        get:
          operationId: twin
          responses:
            "200": {description: ok}
    """)


def test_swagger2_diagnostics_point_into_the_2_0_file(generate: GenerateFn) -> None:
    gen = generate(BAD)
    diags = {d["code"]: d for d in gen.report["diagnostics"]}
    dup = diags["W0260"]  # found on the translated form (a recovery: the later one is renamed)
    assert dup["pointer"] == "#/paths/~1b/get/operationId"
    assert dup["file"].endswith("openapi.yaml") and dup["line"] == 21
    extra = diags["W0166"]  # the Swagger 2.0 schema, on the file as written
    assert extra["pointer"] == "#/paths/~1a~1{id}/post/surprise" and extra["line"] == 7

    fixed = BAD.replace("operationId: twin\n      responses", "operationId: other\n      responses")
    gen = generate(fixed)
    banana = [d for d in gen.report["diagnostics"] if d["code"] == "W0403"]
    assert banana, gen.report["diagnostics"]
    # The body schema is requestBody/content/.../schema in the 3.0 form: reported at the 2.0 node.
    assert banana[0]["pointer"] == "#/paths/~1a~1{id}/post/parameters/1/schema/type"
    assert banana[0]["line"] == 16


def test_swagger2_translation(tmp_path: Path) -> None:
    """The 3.0 form the later stages read: servers, security schemes, styles, bodies, refs."""
    path = tmp_path / "swagger.json"
    path.write_text(json.dumps(SPEC), encoding="utf-8")
    sink = DiagnosticSink()
    spec = load_spec(path, sink)
    assert not sink.items and spec.oas == "3.0" and spec.swagger_document is not None
    doc = spec.root
    assert doc["servers"] == [
        {"url": "https://pets.example.com/v2"},
        {"url": "http://pets.example.com/v2"},
    ]
    schemes = doc["components"]["securitySchemes"]
    assert schemes["basicAuth"] == {"type": "http", "scheme": "basic"}
    assert schemes["queryKey"] == {"type": "apiKey", "name": "api_key", "in": "query"}
    assert schemes["implicit"]["flows"] == {
        "implicit": {
            "authorizationUrl": "https://auth.example.com/authorize",
            "scopes": {"read": "read pets"},
        }
    }
    assert list(schemes["password"]["flows"]) == ["password"]
    assert schemes["application"]["flows"]["clientCredentials"]["tokenUrl"] == (
        "https://auth.example.com/token"
    )
    assert set(schemes["accessCode"]["flows"]["authorizationCode"]) == {
        "authorizationUrl",
        "tokenUrl",
        "scopes",
    }
    pet = doc["components"]["schemas"]["Pet"]
    assert pet["discriminator"] == {"propertyName": "kind"}
    assert pet["properties"]["tag"] == {"type": "string", "nullable": True}
    assert pet["properties"]["id"]["readOnly"] is True
    dog = doc["components"]["schemas"]["Dog"]
    assert dog["allOf"][0] == {"$ref": "#/components/schemas/Pet"}
    listing = doc["paths"]["/pets"]["get"]
    styles = {
        p["name"]: (p.get("style"), p.get("explode")) for p in listing["parameters"] if "name" in p
    }
    assert styles["ssv"] == ("spaceDelimited", False) and styles["multi"] == ("form", True)
    assert styles["X-Ids"] == ("simple", False)
    assert listing["parameters"][0] == {"$ref": "#/components/parameters/limit"}
    assert listing["responses"]["200"]["headers"]["X-Total"]["schema"] == {"type": "integer"}
    create = doc["paths"]["/pets"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Pet"
    }
    assert create["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
    photo = doc["paths"]["/pets/{petId}/photo"]
    assert list(photo["post"]["requestBody"]["content"]) == ["multipart/form-data"]
    assert photo["get"]["responses"]["200"]["content"] == {
        "image/png": {"schema": {"type": "string", "format": "binary"}}
    }
    assert list(doc["paths"]["/login"]["post"]["requestBody"]["content"]) == [
        "application/x-www-form-urlencoded"
    ]
    # Every translated pointer maps back to the 2.0 node it came from.
    smap = spec.source_map
    assert smap.original_key("#/components/schemas/Pet/properties/tag") == (
        "#/definitions/Pet/properties/tag"
    )
    assert (
        smap.original_key("#/paths/~1pets/post/requestBody/content/application~1json/schema")
        == "#/parameters/petBody/schema"  # the body parameter is a global one
    )
    assert smap.original_key("#/paths/~1pets/get/parameters/3/schema/items") == (
        "#/paths/~1pets/get/parameters/3/items"
    )
    assert (
        smap.original_key(
            "#/paths/~1login/post/requestBody/content/application~1x-www-form-urlencoded/schema"
            "/properties/remember"
        )
        == "#/paths/~1login/post/parameters/1"
    )
    assert smap.original_key("#/components/securitySchemes/queryKey") == (
        "#/securityDefinitions/queryKey"
    )


def test_swagger2_translation_warnings_are_located(tmp_path: Path) -> None:
    path = tmp_path / "swagger.yaml"
    path.write_text(
        textwrap.dedent("""\
            swagger: "2.0"
            info: {title: W, version: "1"}
            securityDefinitions:
              odd: {type: oauth2, flow: sideways, scopes: {}}
            paths:
              /a/{ids}:
                get:
                  parameters:
                    - {name: ids, in: path, required: true, type: array, items: {type: string},
                       collectionFormat: pipes}
                    - {name: c, in: cookie, type: string}
                  responses: {"200": {description: ok}}
            """),
        encoding="utf-8",
    )
    sink = DiagnosticSink()
    load_spec(path, sink)
    found = {(d.code, d.pointer, d.line) for d in sink.items}
    assert found == {
        ("W0163", "#/securityDefinitions/odd/flow", 4),
        ("W0160", "#/paths/~1a~1{ids}/get/parameters/0/collectionFormat", 10),
        ("W0161", "#/paths/~1a~1{ids}/get/parameters/1/in", 11),
    }, sink.items


def test_swagger2_shared_body_parameter_reports_once(tmp_path: Path) -> None:
    """A global body parameter inlined into two operations: one finding, at the global node."""
    from generator.build import build_api
    from generator.config import Config

    ok = {"200": {"description": "ok"}}
    use = {"parameters": [{"$ref": "#/parameters/b"}], "responses": ok}
    spec = {
        "swagger": "2.0",
        "info": {"title": "Shared", "version": "1"},
        "parameters": {"b": {"name": "b", "in": "body", "schema": {"type": "banana"}}},
        "paths": {"/x": {"post": use}, "/y": {"put": use}},
    }
    path = tmp_path / "swagger.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    sink = DiagnosticSink()
    loaded = load_spec(path, sink)
    build_api(loaded, Config(package_name="shared", project_name="shared"), sink)
    found = [(d.code, d.pointer) for d in sink.items if d.code == "W0403"]
    assert found == [("W0403", "#/parameters/b/schema/type")]


def test_swagger2_schema_findings_are_located_warnings(tmp_path: Path) -> None:
    """The Swagger 2.0 schema (openapi-spec-validator's) over the file as written."""
    from generator.validate import validate_spec

    path = tmp_path / "swagger.yaml"
    path.write_text(
        textwrap.dedent("""\
            swagger: "2.0"
            info: {title: V}
            schemes: [ftp]
            paths:
              /a:
                get:
                  responses: {"200": {description: ok}}
                  colour: blue
            """),
        encoding="utf-8",
    )
    sink = DiagnosticSink()
    spec = load_spec(path, sink)
    validate_spec(spec, sink)
    found = {(d.code, d.pointer, d.line, d.severity.value) for d in sink.items}
    assert found == {
        ("W0167", "#/info", 2, "warning"),
        ("W0165", "#/schemes/0", 3, "warning"),
        ("W0166", "#/paths/~1a/get/colour", 8, "warning"),
    }, sink.items
