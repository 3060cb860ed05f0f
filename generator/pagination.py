"""Which operations are cursor-paginated, and how: inferred from the spec, overridable by config.

An operation is paginated when (a) it has a query parameter whose wire name looks like a cursor
(``cursor``, ``after``, ``page_token``, ``pageToken``, ``starting_after``, ``continue``, ``next``...),
and (b) its single JSON success body is a model with exactly one array field (or one named like
``items``/``data``/``results``) and a string field that carries the next cursor (``nextCursor``,
``next_cursor``, ``next``, ``next_page_token``, ``continue``, ``cursor``...; nested one level under a
``meta``/``pagination``/``metadata`` object is not followed: such APIs need a config override).

Config overrides (``pagination: {operation_id: {cursor_param, items, next_cursor}}`` or ``false``)
win over inference. The result is a :class:`~generator.ir.Pagination` naming the Python attributes
the runtime's page loop reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from generator.diagnostics import DiagnosticSink
from generator.ir import AnyModel, ListOf, Model, ModelRef, Operation, Pagination, Prim

CURSOR_PARAMS = (
    "cursor",
    "page_token",
    "pagetoken",
    "after",
    "starting_after",
    "next_token",
    "nexttoken",
    "continuation_token",
    "continuationtoken",
    "continue",
    "page_cursor",
    "next",
    "marker",
)
NEXT_FIELDS = (
    "nextcursor",
    "next_cursor",
    "next_page_token",
    "nextpagetoken",
    "next_token",
    "nexttoken",
    "continuation_token",
    "continuationtoken",
    "continue",
    "next",
    "cursor",
    "after",
    "last_id",
)
ITEM_FIELDS = ("items", "data", "results", "entries", "records", "values", "nodes")


def _success_model(op: Operation, models: Mapping[str, AnyModel | None]) -> Model | None:
    bodies = [r for r in op.responses if not r.is_error]
    if len(bodies) != 1 or bodies[0].kind != "json" or not isinstance(bodies[0].type, ModelRef):
        return None
    model = models.get(bodies[0].type.model_id)
    return model if isinstance(model, Model) else None


def infer(op: Operation, models: Mapping[str, AnyModel | None]) -> Pagination | None:
    cursor = next(
        (
            p
            for p in op.params
            if p.location == "query"
            and p.wire_name.lower() in CURSOR_PARAMS
            and isinstance(p.type, Prim)
            and p.type.kind == "str"
            and not p.required
        ),
        None,
    )
    if cursor is None:
        return None
    model = _success_model(op, models)
    if model is None:
        return None
    arrays = [f for f in model.fields if isinstance(f.type, ListOf)]
    if len(arrays) > 1:
        arrays = [f for f in arrays if f.wire_name.lower() in ITEM_FIELDS]
    if len(arrays) != 1:
        return None
    strings = {
        f.wire_name.lower(): f
        for f in model.fields
        if isinstance(f.type, Prim) and f.type.kind == "str"
    }
    nxt = next((strings[n] for n in NEXT_FIELDS if n in strings), None)
    if nxt is None:
        return None
    return Pagination(
        cursor_param=cursor.name,
        items_field=arrays[0].name,
        next_cursor_field=nxt.name,
        item_type=arrays[0].type.item,  # type: ignore[union-attr]
        page_model_id=model.id,
        source="inferred",
    )


def from_config(
    op: Operation,
    spec: Mapping[str, Any],
    models: Mapping[str, AnyModel | None],
    sink: DiagnosticSink,
) -> Pagination | None:
    """A pagination override from config: names are wire names of the param and body fields."""
    model = _success_model(op, models)
    param = next((p for p in op.params if p.wire_name == spec.get("cursor_param")), None)
    if model is None or param is None:
        sink.warning(
            "W0601",
            f"pagination override for {op.id!r} does not match the operation "
            "(cursor_param must be a query parameter and the success body a model)",
            op.pointer,
        )
        return None
    by_wire = {f.wire_name: f for f in model.fields}
    items = by_wire.get(str(spec.get("items", "")))
    nxt = by_wire.get(str(spec.get("next_cursor", "")))
    if items is None or nxt is None or not isinstance(items.type, ListOf):
        sink.warning(
            "W0602",
            f"pagination override for {op.id!r} names fields the success body does not have",
            op.pointer,
        )
        return None
    return Pagination(param.name, items.name, nxt.name, items.type.item, model.id, "config")


def attach(
    ops: list[Operation],
    models: Mapping[str, AnyModel | None],
    overrides: Mapping[str, Any],
    sink: DiagnosticSink,
) -> list[Operation]:
    """Return ``ops`` with ``pagination`` filled in."""
    out: list[Operation] = []
    for op in ops:
        override = overrides.get(op.id, overrides.get(op.name))
        if override is False:
            page = None
        elif isinstance(override, Mapping):
            page = from_config(op, override, models, sink)
        else:
            page = infer(op, models) if op.stream is None else None
        out.append(replace(op, pagination=page) if page else op)
    return out
