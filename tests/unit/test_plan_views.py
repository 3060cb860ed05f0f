"""The plan stage computes each model's and operation's view once.

:func:`generator.bindings.bind_names` computes every view to learn the names each module binds,
and :meth:`generator.plan.Planner.files` reuses them. A field rename (a field called ``object``)
replaces the API being planned; the views of everything the rename left as it was must survive
that, or every model view is computed a second time (a tenth of a second on GitHub's spec);
only the renamed model needs a new one.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from generator.bindings import bind_names
from generator.build import build_api
from generator.config import Config
from generator.diagnostics import DiagnosticSink
from generator.ir import Model
from generator.loader import load_spec
from generator.plan import ModelView, Planner
from generator.plan_operations import OperationView

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Views", "version": "1.0.0"},
    "paths": {
        "/refs": {
            "get": {
                "operationId": "listRefs",
                "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/RefPage"}}
                        },
                    }
                },
            }
        },
        "/tags/{id}": {
            "get": {
                "operationId": "getTag",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Tag"}}
                        },
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            # ``object`` is a builtin the model module's code uses: the field is renamed
            "GitRef": {
                "type": "object",
                "properties": {"object": {"type": "string"}, "ref": {"type": "string"}},
            },
            "RefPage": {
                "type": "object",
                "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/GitRef"}},
                    "next": {"type": "string"},
                },
            },
            "Tag": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "target": {"$ref": "#/components/schemas/GitRef"},
                },
            },
        }
    },
}


@pytest.fixture
def planner(tmp_path: Path) -> Planner:
    path = tmp_path / "views.json"
    path.write_text(json.dumps(SPEC), encoding="utf-8")
    sink = DiagnosticSink()
    api = build_api(load_spec(path, sink), Config(package_name="v", project_name="v"), sink).api
    return Planner(api, "1.0.0")


def test_every_view_is_computed_once_across_a_field_rename(
    planner: Planner, monkeypatch: pytest.MonkeyPatch
) -> None:
    model_views: Counter[str] = Counter()
    operation_views: Counter[str] = Counter()
    model_view, operation_view = Planner.model_view, Planner.operation_view

    def counted_model(self: Planner, model: Model) -> ModelView:
        model_views[model.id] += 1
        return model_view(self, model)

    def counted_operation(self: Planner, op: Any) -> OperationView:
        operation_views[op.id] += 1
        return operation_view(self, op)

    monkeypatch.setattr(Planner, "model_view", counted_model)
    monkeypatch.setattr(Planner, "operation_view", counted_operation)
    sink = DiagnosticSink()
    bind_names(planner, sink)
    planned = planner.files()

    assert [d.code for d in sink.items] == ["N0557"]  # the rename happened
    models = [m for m in planner.api.models if isinstance(m, Model)]
    assert len(models) == 3
    # GitRef's view showed the clash, and the renamed GitRef needs its own
    renamed = "#/components/schemas/GitRef"
    assert model_views == Counter({m.id: 2 if m.id == renamed else 1 for m in models})
    assert operation_views == Counter({op.id: 1 for op in planner.api.operations})
    # ... and the views planned are those of the renamed API
    views = [pf.context.get("model") for pf in planned]
    git_ref = [v for v in views if isinstance(v, ModelView) and v.class_name == "GitRef"]
    assert [f.name for f in git_ref[0].fields] == ["object_", "ref"]
