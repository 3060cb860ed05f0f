"""FastAPI's default operationIds (``create_flow_flows__post``) shortened to the function name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.build import build_api
from generator.config import Config, load_config
from generator.diagnostics import DiagnosticSink, FatalInputError
from generator.ir import Api
from generator.loader import load_spec
from generator.naming import fastapi_stem

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "specs"


@pytest.mark.parametrize(
    ("op_id", "path", "method", "stem"),
    [
        ("create_flow_flows__post", "/flows/", "post", "create_flow"),
        ("read_flow_flows__id__get", "/flows/{id}", "get", "read_flow"),
        (
            "read_flow_by_name_flows_name__name__get",
            "/flows/name/{name}",
            "get",
            "read_flow_by_name",
        ),
        ("health_check_health_get", "/health", "GET", "health_check"),
        ("get_item_items__item_id__get", "/items/{item_id}", "get", "get_item"),
        ("list_v1_models_get", "/v1/models", "get", "list"),
        ("a_b_c_d_e__f__put", "/b.c-d/e/{f}", "put", "a"),
        # not FastAPI's suffix for this operation's own path and method
        ("read_flow_flows__id__get", "/flows/{id}", "delete", ""),
        ("list_pets_get", "/animals", "get", ""),
        ("create_flow", "/flows/", "post", ""),
        ("_flows__post", "/flows/", "post", ""),  # nothing left but the suffix
        ("9x_flows__post", "/flows/", "post", ""),  # what is left is no identifier
        ("__init___flows__post", "/flows/", "post", ""),
    ],
)
def test_fastapi_stem(op_id: str, path: str, method: str, stem: str) -> None:
    assert fastapi_stem(op_id, path, method) == stem


def _op(op_id: str, tag: str = "flows") -> dict[str, Any]:
    return {"operationId": op_id, "tags": [tag], "responses": {"204": {"description": "ok"}}}


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "T", "version": "1"},
    "paths": {
        "/flows/": {"post": _op("create_flow_flows__post")},
        "/flows/{id}": {
            "get": _op("read_flow_flows__id__get"),
            "delete": _op("delete_flow_flows__id__delete"),
        },
        # two routes with one function name in one module: both keep their whole ids
        "/templates/validate": {"post": _op("validate_template_templates_validate_post")},
        "/automations/templates/validate": {
            "post": _op("validate_template_automations_templates_validate_post")
        },
        # a short name taken by an operation whose own id is that name
        "/runs/": {"get": _op("list_runs_runs__get", "runs")},
        "/runs/all": {"get": _op("list_runs", "runs")},
        # the same short name in another module is fine
        "/other/flows/": {"post": _op("create_flow_other_flows__post", "other")},
        # not FastAPI-built
        "/pets": {"get": _op("listPets", "pets")},
    },
}


def build(tmp_path: Path, **config: Any) -> tuple[Api, DiagnosticSink]:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC))
    sink = DiagnosticSink()
    loaded = load_spec(path, sink)
    return build_api(loaded, Config(package_name="pkg", **config), sink).api, sink


def test_shortened_where_unique_in_its_module(tmp_path: Path) -> None:
    api, sink = build(tmp_path)
    names = {op.id: f"{op.tag_module}.{op.name}" for op in api.operations}
    assert names == {
        "create_flow_flows__post": "flows.create_flow",
        "read_flow_flows__id__get": "flows.read_flow",
        "delete_flow_flows__id__delete": "flows.delete_flow",
        "validate_template_templates_validate_post": (
            "flows.validate_template_templates_validate_post"
        ),
        "validate_template_automations_templates_validate_post": (
            "flows.validate_template_automations_templates_validate_post"
        ),
        "list_runs_runs__get": "runs.list_runs_runs_get",
        "list_runs": "runs.list_runs",
        "create_flow_other_flows__post": "other.create_flow",
        "listPets": "pets.list_pets",
    }
    # the operationId itself (Endpoint.operation_id, pagination and rename keys) is unchanged
    shortened = sorted(d.message.split("'")[1] for d in sink.items if d.code == "N0561")
    kept = sorted(d.message.split("'")[1] for d in sink.items if d.code == "N0562")
    assert shortened == [
        "create_flow_flows__post",
        "create_flow_other_flows__post",
        "delete_flow_flows__id__delete",
        "read_flow_flows__id__get",
    ]
    assert kept == [
        "list_runs_runs__get",
        "validate_template_automations_templates_validate_post",
        "validate_template_templates_validate_post",
    ]
    assert all(d.pointer.startswith("#/paths/") for d in sink.items if d.code.startswith("N056"))


def test_raw_keeps_every_id(tmp_path: Path) -> None:
    api, sink = build(tmp_path, operation_ids="raw")
    assert {op.name for op in api.operations} >= {
        "create_flow_flows_post",
        "read_flow_flows_id_get",
    }
    assert not [d for d in sink.items if d.code.startswith("N056")]


def test_a_rename_wins(tmp_path: Path) -> None:
    api, _ = build(tmp_path, operation_renames={"create_flow_flows__post": "make_flow"})
    assert "make_flow" in {op.name for op in api.operations}


def test_config_key(tmp_path: Path) -> None:
    cfg = tmp_path / "codegen.yaml"
    cfg.write_text("naming:\n  operation_ids: raw\n")
    sink = DiagnosticSink()
    assert load_config(cfg, sink).operation_ids == "raw"
    cfg.write_text("naming:\n  operation_ids: shortest\n")
    sink = DiagnosticSink()
    with pytest.raises(FatalInputError):
        load_config(cfg, sink)
    assert [d.code for d in sink.items] == ["E0505"]


@pytest.mark.parametrize("name", ["letta-fastapi.json", "hf-tgi.json"])
def test_corpus_fastapi_specs(name: str) -> None:
    # Letta and TGI set their own operationIds: nothing to shorten, nothing renamed.
    sink = DiagnosticSink()
    loaded = load_spec(CORPUS / name, sink)
    api = build_api(loaded, Config(package_name="pkg"), sink).api
    assert api.operations
    assert not [d for d in sink.items if d.code.startswith("N056")]
