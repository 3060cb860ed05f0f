"""build stage: small inline specs -> IR (models, operations, pagination, security)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.build import build_api
from generator.config import Config
from generator.diagnostics import DiagnosticSink
from generator.ir import Api, EnumModel, ListOf, Model, ModelRef, Prim, UnionModel
from generator.loader import load_spec


def build(tmp_path: Path, spec: dict[str, Any], **config: Any) -> tuple[Api, DiagnosticSink]:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    sink = DiagnosticSink()
    loaded = load_spec(path, sink)
    # Every component schema (models: all): these tests are about schema shapes, not reachability.
    cfg = Config(package_name="pkg", project_name="pkg", **{"models": "all", **config})
    return build_api(loaded, cfg, sink).api, sink


PAGED = {
    "openapi": "3.1.0",
    "info": {"title": "T", "version": "1"},
    "paths": {
        "/things": {
            "get": {
                "operationId": "listThings",
                "tags": ["things"],
                "parameters": [
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 10}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ThingPage"}
                            }
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "required": ["id", "kind"],
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "kind": {"type": "string", "enum": ["a", "b", None]},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                    "class": {"type": ["string", "null"]},
                },
            },
            "ThingPage": {
                "type": "object",
                "required": ["items"],
                "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                    "nextCursor": {"type": ["string", "null"]},
                },
            },
            "Pet": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Cat"},
                    {"$ref": "#/components/schemas/Dog"},
                ],
                "discriminator": {"propertyName": "type"},
            },
            "Cat": {"type": "object", "properties": {"type": {"const": "cat"}}},
            "Dog": {"type": "object", "properties": {"type": {"const": "dog"}}},
        }
    },
}


def test_models_enums_recursion_and_reserved_names(tmp_path: Path) -> None:
    api, sink = build(tmp_path, PAGED)
    by_name = {m.class_name: m for m in api.models}
    thing = by_name["Thing"]
    assert isinstance(thing, Model)
    fields = {f.wire_name: f for f in thing.fields}
    assert fields["id"].type == Prim("uuid") and fields["id"].required
    assert fields["class"].name == "class_" and fields["class"].type.nullable
    children = fields["children"].type
    assert isinstance(children, ListOf) and children.item == ModelRef(thing.id)
    kind = fields["kind"].type
    assert isinstance(kind, ModelRef) and kind.nullable
    assert isinstance(by_name["ThingKind"], EnumModel)
    assert not sink.has_errors


def test_discriminator_without_mapping_uses_const(tmp_path: Path) -> None:
    api, _ = build(tmp_path, PAGED)
    pet = next(m for m in api.models if m.class_name == "Pet")
    assert isinstance(pet, UnionModel)
    assert pet.discriminator == "type"
    assert [v.tags for v in pet.variants] == [("cat",), ("dog",)]


def test_pagination_is_inferred(tmp_path: Path) -> None:
    api, _ = build(tmp_path, PAGED)
    op = api.operations[0]
    assert op.name == "list_things" and op.tag_module == "things"
    assert op.pagination is not None
    assert (op.pagination.cursor_param, op.pagination.items_field) == ("cursor", "items")
    assert op.pagination.next_cursor_field == "next_cursor"
    limit = next(p for p in op.params if p.wire_name == "limit")
    assert limit.has_default and limit.default == 10


def test_pagination_override_can_disable(tmp_path: Path) -> None:
    api, _ = build(tmp_path, PAGED, pagination={"listThings": False})
    assert api.operations[0].pagination is None


def test_renames_from_config(tmp_path: Path) -> None:
    api, _ = build(
        tmp_path,
        PAGED,
        model_renames={"Thing": "Widget"},
        field_renames={"Widget": {"children": "kids"}},
        operation_renames={"listThings": "all_things"},
    )
    names = {m.class_name for m in api.models}
    assert "Widget" in names and "Thing" not in names
    widget = next(m for m in api.models if m.class_name == "Widget")
    assert isinstance(widget, Model)
    assert any(f.name == "kids" for f in widget.fields)
    assert api.operations[0].name == "all_things"


def test_tag_subset_prunes_unreferenced_models(tmp_path: Path) -> None:
    api, _ = build(tmp_path, PAGED, include_tags=("things",))
    names = {m.class_name for m in api.models}
    assert "Pet" not in names and "Cat" not in names
    assert "Thing" in names


def test_recursion_through_unions_and_arrays(tmp_path: Path) -> None:
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Json": {
                    "oneOf": [
                        {"type": "string"},
                        {"type": "array", "items": {"$ref": "#/components/schemas/Json"}},
                        {
                            "type": "object",
                            "additionalProperties": {"$ref": "#/components/schemas/Json"},
                        },
                    ]
                },
                "Tree": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
                "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
            }
        },
    }
    api, sink = build(tmp_path, spec)
    names = {m.class_name: m for m in api.models}
    assert isinstance(names["Json"], UnionModel)
    a, b = names["A"], names["B"]
    assert isinstance(a, Model) and isinstance(b, Model)
    assert a.fields[0].type == ModelRef(b.id) and b.fields[0].type == ModelRef(a.id)
    assert not sink.has_errors


def test_unknown_tag_filter_is_reported(tmp_path: Path) -> None:
    api, sink = build(tmp_path, PAGED, include_tags=("thingz",))
    assert api.operations == ()
    assert [d.code for d in sink.warnings()] == ["W0256"]
