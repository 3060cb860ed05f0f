"""The values a schema carries -- ``default``, ``enum``, ``const`` -- fitted to its type.

:mod:`generator.coerce` decides whether one value converts; this module applies that to what the
build stage reads and reports each recovery at the value (docs/recovery.md):

- :func:`fit_default`: a default of the type is kept, one that converts losslessly is coerced
  (``W0263``), any other is dropped (``W0264``) -- never an ill-typed Python default;
- :func:`fit_values`: ``enum``/``const`` values fitted to the schema's single ``type`` (one
  ``W0263`` / ``W0264`` per keyword, listing the values);
- :func:`literal_or_plain`: ``Literal[...]`` when Python allows one (str, int, bool -- never
  non-integral numbers), else the plain type (``W0265``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from generator import codes
from generator.coerce import fit, fit_kind, schema_kind
from generator.diagnostics import DiagnosticSink
from generator.ir import AnyModel, AnyOf, ListOf, LiteralOf, MapOf, ModelRef, Prim, TypeRef

_PRIM_OF: dict[type, Any] = {str: "str", int: "int", float: "float", bool: "bool"}
_TYPE_PRIM: dict[str, Any] = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
}
_SHOWN = 10


def fit_default(
    t: TypeRef,
    value: object,
    models: Mapping[str, AnyModel | None],
    sink: DiagnosticSink,
    key: str,
) -> tuple[bool, object]:
    """Whether ``value`` (a ``default`` at ``key``) is emitted, and as what."""
    if isinstance(t, ModelRef) and models.get(t.model_id) is None:
        return False, None  # an enum still being built (recursion): no default, as before
    if isinstance(t, ListOf | MapOf):
        return False, None  # scalar defaults of containers are never emitted
    fitted = fit(t, value, models)
    if not fitted.ok:
        sink.warning(
            codes.W_VALUE_DROPPED,
            f"default {value!r} does not fit the schema's type; no default is generated",
            key,
            hint="make the default a value of the schema's type",
        )
        return False, None
    if fitted.changed:
        sink.warning(
            codes.W_VALUE_COERCED,
            f"default {value!r} is not of the schema's type; generated as {fitted.value!r}",
            key,
            hint="write the default as a value of the schema's type",
        )
    return True, fitted.value


def _listed(items: list[str]) -> str:
    more = f" (and {len(items) - _SHOWN} more)" if len(items) > _SHOWN else ""
    return ", ".join(items[:_SHOWN]) + more


def fit_values(
    values: list[Any], type_list: list[str], sink: DiagnosticSink, key: str, what: str
) -> list[Any]:
    """``enum``/``const`` values fitted to the schema's single ``type`` (kept in order)."""
    kind = schema_kind(type_list[0]) if len(type_list) == 1 else ""
    if not kind:
        return values
    out: list[Any] = []
    coerced: list[str] = []
    dropped: list[str] = []
    for v in values:
        fitted = fit_kind(kind, v)
        if not fitted.ok:
            dropped.append(repr(v))
            continue
        if fitted.changed:
            coerced.append(f"{v!r} -> {fitted.value!r}")
        out.append(fitted.value)
    if coerced:
        sink.warning(
            codes.W_VALUE_COERCED,
            f"{what} values of another JSON type than {type_list[0]!r}, coerced: "
            + _listed(coerced),
            key,
        )
    if dropped:
        sink.warning(
            codes.W_VALUE_DROPPED,
            f"{what} values that are not {type_list[0]!r} values, left out: " + _listed(dropped),
            key,
        )
    return out


def literal_or_plain(
    values: list[Any], nullable: bool, type_list: list[str], sink: DiagnosticSink, key: str
) -> TypeRef:
    """``Literal[...]`` of the values when Python allows one, else the plain type."""
    if not any(isinstance(v, float) for v in values):
        return LiteralOf(tuple(values), nullable)
    kinds: list[Prim] = []
    if len(type_list) == 1 and type_list[0] in _TYPE_PRIM:
        kinds = [Prim(_TYPE_PRIM[type_list[0]])]
    else:
        for v in values:
            prim = Prim(_PRIM_OF[type(v)])
            if prim not in kinds:
                kinds.append(prim)
    sink.warning(
        codes.W_ENUM_NOT_LITERAL,
        f"values {values!r} include numbers that are not integers, which Literal[...] cannot "
        f"hold; typed as {' | '.join(k.kind for k in kinds)}",
        key,
    )
    if len(kinds) == 1:
        return replace(kinds[0], nullable=nullable)
    return AnyOf(tuple(kinds), nullable)
