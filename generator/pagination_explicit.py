"""Pagination stated by the user: config overrides and the vendor extensions specs already carry.

Config (``pagination: {operation_id: ...}``, see ``docs/config.md``) and ``x-pagination`` share
one form: ``{style, param, location, size_param, items, next, has_more, total, pages, item_id,
start}``; only ``style`` is required, and what is left out is looked up as inference would (the
``offset`` parameter of an ``offset`` style, the item array, ...). Paths are dotted wire names
(``meta.next_cursor``; ``items: ""`` for a bare-array page). The 1.x form ``{cursor_param, items,
next_cursor}`` still means a ``cursor`` style.

``x-speakeasy-pagination`` (``type: offsetLimit|cursor|url`` with ``inputs``/``outputs``) and
``x-fern-pagination`` (``cursor``/``next_cursor``/``results``, or ``offset``/``results``/
``has-next-page``) are translated to that form. An override that does not fit the operation is a
``W0601``/``W0602`` warning and the operation stays unpaged; an extension that does not fit is a
``W0604`` warning and inference takes over.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

from generator import pagination as inference
from generator.diagnostics import DiagnosticSink
from generator.ir import ListOf, Model, Operation, Pagination
from generator.pagination_hints import (
    CURSOR_PARAMS,
    ITEM_CURSOR_PARAMS,
    LAST_ID_FIELDS,
    NEXT_CURSOR_FIELDS,
    NEXT_URL_FIELDS,
    OFFSET_PARAMS,
    PAGE_PARAMS,
    SIZE_PARAMS,
    norm,
)

STYLES = ("cursor", "item_cursor", "offset", "page", "link_header", "next_url")
W_EXTENSION = "W0604"


class Mismatch(Exception):
    """The stated pagination does not fit the operation (``code``: W0601 or W0602)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def from_config(
    op: Operation, spec: Mapping[str, Any], models: inference.Models, sink: DiagnosticSink
) -> Pagination | None:
    """A ``pagination:`` config entry for ``op`` (warns and returns None when it does not fit)."""
    try:
        return build(op, spec, models, "config")
    except Mismatch as exc:
        sink.warning(exc.code, f"pagination override for {op.id!r}: {exc}", op.pointer)
        return None


def from_extension(
    op: Operation,
    extensions: Sequence[tuple[str, Any]],
    models: inference.Models,
    sink: DiagnosticSink,
) -> Pagination | None:
    """The first usable vendor extension of ``op`` (warns about unusable ones)."""
    for name, value in extensions:
        try:
            spec = translate(name, value)
            return build(op, spec, models, "extension")
        except (Mismatch, ValueError) as exc:
            sink.warning(
                W_EXTENSION,
                f"{name} of {op.id!r} cannot be used ({exc}); pagination is inferred instead",
                op.pointer,
            )
    return None


# ------------------------------------------------------------------------------------------------
# vendor extensions -> the config form
# ------------------------------------------------------------------------------------------------


def _jsonpath(value: object) -> str:
    """``$.data.items`` / ``$response.data`` / ``$request.cursor`` -> ``data.items``, ..."""
    text = str(value).strip()
    for prefix in ("$response.body.", "$response.", "$request.body.", "$request.", "$."):
        if text.startswith(prefix):
            return text[len(prefix) :]
    if text in ("$", "$response", "$response.body"):
        return ""
    return text


def translate(name: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError("it is not a mapping")
    if name == "x-pagination":
        return value
    if name == "x-speakeasy-pagination":
        return _speakeasy(value)
    return _fern(value)


def _speakeasy(value: Mapping[str, Any]) -> dict[str, Any]:
    kind = value.get("type")
    raw_inputs, raw_outputs = value.get("inputs"), value.get("outputs")
    inputs: list[Any] = raw_inputs if isinstance(raw_inputs, list) else []
    outputs: Mapping[str, Any] = raw_outputs if isinstance(raw_outputs, Mapping) else {}
    out: dict[str, Any] = {}
    for entry in inputs:
        if not isinstance(entry, Mapping):
            continue
        role, wire = entry.get("type"), entry.get("name")
        location = "body" if entry.get("in") == "requestBody" else "query"
        if role in ("offset", "page", "cursor"):
            out["param"], out["location"] = wire, location
            out["style"] = {"offset": "offset", "page": "page", "cursor": "cursor"}[str(role)]
        elif role == "limit":
            out["size_param"] = wire
    if kind == "url":
        out = {"style": "next_url", "next": _jsonpath(outputs.get("nextUrl", ""))}
    elif kind == "cursor":
        out["style"] = "cursor"
        if "nextCursor" in outputs:
            out["next"] = _jsonpath(outputs["nextCursor"])
    elif kind != "offsetLimit" or "style" not in out:
        raise ValueError(f"type {kind!r} with these inputs is not supported")
    if "results" in outputs:
        out["items"] = _jsonpath(outputs["results"])
    if "numPages" in outputs:
        out["pages"] = _jsonpath(outputs["numPages"])
    return out


def _fern(value: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "cursor" in value:
        out["style"] = "cursor"
        out["param"] = _jsonpath(value["cursor"])
        out["next"] = _jsonpath(value.get("next_cursor", ""))
    elif "offset" in value:
        param = _jsonpath(value["offset"])
        out["style"] = "page" if norm(param) in PAGE_PARAMS else "offset"
        out["param"] = param
        if "step" in value:
            out["size_param"] = _jsonpath(value["step"])
        if "has-next-page" in value:
            out["has_more"] = _jsonpath(value["has-next-page"])
    else:
        raise ValueError("it has neither cursor nor offset")
    if "results" in value:
        out["items"] = _jsonpath(value["results"])
    return out


# ------------------------------------------------------------------------------------------------
# the config form -> Pagination
# ------------------------------------------------------------------------------------------------


def build(
    op: Operation,
    spec: Mapping[str, Any],
    models: inference.Models,
    source: Literal["config", "extension"],
) -> Pagination:
    if "style" not in spec and "cursor_param" in spec:  # the 1.x form
        spec = {
            "style": "cursor",
            "param": spec.get("cursor_param"),
            "items": spec.get("items", ""),
            "next": spec.get("next_cursor", ""),
            "location": "query",
        }
    style = spec.get("style")
    if style not in STYLES:
        raise Mismatch("W0601", f"style must be one of {', '.join(STYLES)}, not {style!r}")
    page = _shape(op, spec, models)
    knobs = inference.knobs(op, models)
    knob = _knob(knobs, spec, str(style))
    size = _find_knob(knobs, spec.get("size_param"), spec.get("location"), SIZE_PARAMS)
    model = page.model
    default_next = {
        "cursor": NEXT_CURSOR_FIELDS,
        "next_url": NEXT_URL_FIELDS,
        "item_cursor": LAST_ID_FIELDS,
    }.get(str(style), ())
    if "next" in spec:
        next_path = _path(model, spec.get("next"), models, "next")
    else:
        kinds = ("str", "href") if style == "next_url" else ("str", "int", "any")
        next_path = inference.find_field(model, default_next, kinds, models) if default_next else ()
    if style in ("cursor", "next_url") and not next_path:
        raise Mismatch("W0602", f"a {style} style needs a `next` field and none was found")
    signals = inference._signals(model, models)
    for key, name in (("has_more", "has_more"), ("total", "total"), ("pages", "pages")):
        if key in spec:
            signals[name] = _path(model, spec.get(key), models, key)
    result = inference._pagination(op, page, str(style), knob, size, next_path, signals, models)
    changes: dict[str, Any] = {"source": source}
    if "item_id" in spec:
        changes["item_id"] = str(spec["item_id"])
    if "start" in spec:
        changes["start"] = int(spec["start"])
    if "total" in spec:
        changes["total_path"] = signals["total"]
    if "pages" in spec:
        changes["pages_path"] = signals["pages"]
    return replace(result, **changes)


def _shape(op: Operation, spec: Mapping[str, Any], models: inference.Models) -> inference.Shape:
    if "items" not in spec:
        found = inference.shape(op, models)
        if isinstance(found, str):
            raise Mismatch("W0602", found)
        return found
    t = inference.success_type(op)
    path = [p for p in str(spec.get("items") or "").split(".") if p]
    if not path:
        if not isinstance(t, ListOf):
            raise Mismatch("W0602", "`items: ''` means a bare-array page; the body is not one")
        return inference.Shape((), (), t.item, None)
    top = inference._model(t, models)
    if top is None:
        raise Mismatch("W0601", "the success body is not an object model")
    model: Model | None = top
    attrs: list[str] = []
    field = None
    for i, part in enumerate(path):
        field = next((f for f in model.fields if f.wire_name == part), None) if model else None
        if field is None:
            raise Mismatch("W0602", f"the success body has no field {'.'.join(path[: i + 1])!r}")
        attrs.append(field.name)
        model = inference._model(field.type, models)
    if field is None or not isinstance(field.type, ListOf):
        raise Mismatch("W0602", f"items {'.'.join(path)!r} is not an array")
    return inference.Shape(tuple(path), tuple(attrs), field.type.item, top)


def _path(
    model: Model | None, value: object, models: inference.Models, key: str
) -> tuple[str, ...]:
    path = tuple(p for p in str(value or "").split(".") if p)
    current = model
    for i, part in enumerate(path):
        field = next((f for f in current.fields if f.wire_name == part), None) if current else None
        if field is None:
            if i == len(path) - 1 and part == "href":
                break
            raise Mismatch(
                "W0602", f"{key}: the success body has no field {'.'.join(path[: i + 1])!r}"
            )
        current = inference._model(field.type, models)
    return path


def _find_knob(
    knobs: list[inference.Knob], wire: object, location: object, names: tuple[str, ...]
) -> inference.Knob | None:
    if wire:
        found = [k for k in knobs if k.wire == wire and (not location or k.location == location)]
        if not found:
            raise Mismatch("W0601", f"the operation has no query parameter or body key {wire!r}")
        return found[0]
    return inference._pick(knobs, names, ("int", "any", "str"))


def _knob(
    knobs: list[inference.Knob], spec: Mapping[str, Any], style: str
) -> inference.Knob | None:
    names = {
        "cursor": CURSOR_PARAMS + ITEM_CURSOR_PARAMS,
        "item_cursor": ITEM_CURSOR_PARAMS,
        "offset": OFFSET_PARAMS,
        "page": PAGE_PARAMS,
    }.get(style)
    if names is None:
        return None
    knob = _find_knob(knobs, spec.get("param"), spec.get("location"), names)
    if knob is None:
        raise Mismatch("W0601", f"a {style} style needs a `param` and none was found")
    return knob
