"""Generated models meet servers that drop null fields (Go ``omitempty``, Jackson ``NON_NULL``,
pydantic ``exclude_none``): a required nullable property that is absent decodes as None; a required
non-nullable one that is absent raises, naming its JSON path. Sync and async, lenient and strict.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from construct_support import GenerateFn

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Drift", "version": "1.0"},
    "paths": {
        "/flows/{id}": {
            "get": {
                "operationId": "getFlow",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Flow"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Flow": {
                "type": "object",
                "required": [
                    "id",
                    "name",
                    "tags",
                    "updated",
                    "parent",
                    "state",
                    "anything",
                    "runs",
                ],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": ["string", "null"]},
                    "tags": {"type": ["array", "null"], "items": {"type": "string"}},
                    "updated": {"type": ["string", "null"], "format": "date-time"},
                    "parent": {"anyOf": [{"$ref": "#/components/schemas/Ref"}, {"type": "null"}]},
                    "state": {"anyOf": [{"$ref": "#/components/schemas/State"}, {"type": "null"}]},
                    "anything": {},
                    "runs": {"type": "array", "items": {"$ref": "#/components/schemas/Run"}},
                },
            },
            "Ref": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}},
            },
            "State": {"type": "string", "enum": ["ok", "failed"]},
            "Run": {
                "type": "object",
                "required": ["run_id", "note"],
                "properties": {
                    "run_id": {"type": "integer"},
                    "note": {"type": ["string", "null"]},
                },
            },
        }
    },
}

FULL = {
    "id": "f1",
    "name": "n",
    "tags": ["a"],
    "updated": "2024-01-02T03:04:05Z",
    "parent": {"id": "p"},
    "state": "ok",
    "anything": 3,
    "runs": [{"run_id": 1, "note": "x"}],
}
NULLS_DROPPED = {"id": "f1", "runs": [{"run_id": 1}, {"run_id": 2, "note": "y"}]}


def _get(gen: Any, body: dict[str, Any], asynchronous: bool, **options: Any) -> Any:
    op = gen.op("default", "get_flow")

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body)

    mock = httpx.MockTransport(answer)
    client = gen.client(answer, async_transport=mock, **options)
    if not asynchronous:
        return op.sync(client=client, id="f1")

    async def go() -> Any:
        async with client:
            return await op.asyncio(client=client, id="f1")

    return asyncio.run(go())


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_omitted_nulls(generate: GenerateFn, asynchronous: bool) -> None:
    g = generate(SPEC)
    flow = _get(g, NULLS_DROPPED, asynchronous)
    assert (flow.name, flow.tags, flow.updated, flow.parent, flow.state, flow.anything) == (
        None,
        None,
        None,
        None,
        None,
        None,
    )
    assert [(r.run_id, r.note) for r in flow.runs] == [(1, None), (2, "y")]
    # present values still decode, nulls given explicitly too
    full = _get(g, FULL, asynchronous)
    assert (full.parent.id, full.state.value, full.updated.year) == ("p", "ok", 2024)
    explicit = _get(g, {**FULL, "name": None, "parent": None}, asynchronous)
    assert (explicit.name, explicit.parent) == (None, None)
    # strict: absent is not null
    with pytest.raises(g.module("errors").UnexpectedResponseError, match=r"\$\.name: required"):
        _get(g, NULLS_DROPPED, asynchronous, strict=True)
    assert _get(g, FULL, asynchronous, strict=True).name == "n"


def test_missing_required_property_names_its_json_path(generate: GenerateFn) -> None:
    g = generate(SPEC)
    errors = g.module("errors")
    cases = [
        ({k: v for k, v in FULL.items() if k != "id"}, r"\$\.id: required property is missing"),
        (
            {**FULL, "runs": [{"run_id": 1, "note": None}, {"note": "x"}]},
            r"\$\.runs\[\*\]\.run_id: required",
        ),
        ({**FULL, "parent": {}}, r"\$\.parent\.id: required property is missing"),
        ({**FULL, "updated": "yesterday"}, r"\$\.updated: ValueError"),
    ]
    for body, pattern in cases:
        for asynchronous in (False, True):
            for strict in (False, True):
                with pytest.raises(errors.UnexpectedResponseError, match=pattern):
                    _get(g, body, asynchronous, strict=strict)


def test_decode_error_is_a_value_error(generate: GenerateFn) -> None:
    g = generate(SPEC)
    flow_cls = g.models().Flow
    with pytest.raises(ValueError, match=r"^\$\.runs\[\*\]\.run_id: required") as info:
        flow_cls.from_dict({**FULL, "runs": [{"note": None}]})
    assert info.value.path == ".runs[*].run_id"
    assert json.loads(json.dumps(flow_cls.from_dict(FULL).to_dict())) == FULL
