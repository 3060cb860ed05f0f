"""Spec values made to fit their schema: ``default``, ``enum`` and ``const`` of the wrong JSON type.

Real specs write ``default: "true"`` on a boolean, ``default: "5"`` on an integer, ``enum: ["1",
"2"]`` on an integer schema, or a date string as the default of a ``format: date`` string. Pasted
as is, such a value makes generated code that does not type-check (``flag: bool = "true"``). The
recovery (docs/recovery.md) is decided here:

- a value is **coerced** when the conversion is lossless and unambiguous (``W0263``):
  ``"true"``/``"false"`` -> booleans; integral strings and floats (``"5"``, ``5.0``) -> integers;
  numeric strings -> numbers; integers and booleans -> strings (their JSON text); date, date-time
  and UUID strings are checked and normalised (the plan writes ``date(2024, 1, 1)``,
  ``datetime.fromisoformat(...)`` and ``UUID(...)`` for them);
- anything else is **dropped** (``W0264``): no default, or no such enum member.

The IR keeps JSON values (a coerced date stays its ISO string); only the plan turns them into
Python expressions (:func:`default_expression`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping

from generator.ir import AnyModel, AnyOf, EnumModel, LiteralOf, ModelRef, Prim, TypeRef
from generator.records import record

_INT = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_INT_DIGITS = 100


@record(slots=True)
class Fitted:
    """The outcome of fitting one value: ``ok`` with the (possibly converted) ``value``."""

    ok: bool
    value: object = None
    changed: bool = False


_NO = Fitted(False)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def fit_kind(kind: str, value: object) -> Fitted:
    """Fit a JSON scalar to a primitive kind (:data:`generator.ir.PrimKind`)."""
    if kind == "str":
        if isinstance(value, str):
            return Fitted(True, value)
        if isinstance(value, bool):
            return Fitted(True, "true" if value else "false", True)
        if _is_int(value):
            return Fitted(True, str(value), True)
        return _NO
    if kind == "int":
        if _is_int(value):
            return Fitted(True, value)
        if isinstance(value, float) and value.is_integer():
            return Fitted(True, int(value), True)
        if isinstance(value, str) and _INT.match(value) and len(value) <= _MAX_INT_DIGITS:
            return Fitted(True, int(value), True)
        return _NO
    if kind == "float":
        if _is_int(value) or (isinstance(value, float) and value == value):
            return Fitted(True, value)
        if isinstance(value, str) and _NUMBER.match(value) and len(value) <= _MAX_INT_DIGITS:
            number = float(value)
            if number in (float("inf"), float("-inf")):
                return _NO
            return Fitted(True, int(value) if _INT.match(value) else number, True)
        return _NO
    if kind == "bool":
        if isinstance(value, bool):
            return Fitted(True, value)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return Fitted(True, value.lower() == "true", True)
        return _NO
    if kind == "date":
        if isinstance(value, str) and _DATE.match(value):
            try:
                return Fitted(True, datetime.date.fromisoformat(value).isoformat())
            except ValueError:
                return _NO
        return _NO
    if kind == "datetime":
        parsed = _datetime(value)
        if parsed is None:
            return _NO
        return Fitted(True, parsed.isoformat())  # the same instant, written for fromisoformat
    if kind == "uuid":
        if isinstance(value, str):
            try:
                import uuid  # rare (a uuid default or example), and it loads `platform`

                return Fitted(True, str(uuid.UUID(value)))
            except ValueError:
                return _NO
        return _NO
    if kind == "any":
        return Fitted(True, value)
    if kind == "none":
        return Fitted(value is None, None)
    return _NO  # base64 / binary: no default is ever emitted for bytes


def _datetime(value: object) -> datetime.datetime | None:
    if not isinstance(value, str) or len(value) < 10 or not _DATE.match(value[:10]):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return None


def fit(t: TypeRef, value: object, models: Mapping[str, AnyModel | None]) -> Fitted:
    """Fit a JSON scalar to a type: exactly when it fits, else the first lossless conversion."""
    if value is None:
        return Fitted(bool(getattr(t, "nullable", False)) or t == Prim("any"), None)
    if isinstance(value, (dict, list)):
        return _NO
    if isinstance(t, Prim):
        return fit_kind(t.kind, value)
    if isinstance(t, LiteralOf):
        return fit_among(list(t.values), value)
    if isinstance(t, ModelRef):
        model = models.get(t.model_id)
        if isinstance(model, EnumModel):
            return fit_among([m.value for m in model.members], value)
        return _NO
    if isinstance(t, AnyOf):
        tried = [fit(m, value, models) for m in t.members]
        exact = next((f for f in tried if f.ok and not f.changed), None)
        return exact or next((f for f in tried if f.ok), _NO)
    return _NO


def fit_among(allowed: list[object], value: object) -> Fitted:
    """Fit a value to one of ``allowed`` (enum members, literal values)."""
    for candidate in allowed:
        if type(candidate) is type(value) and candidate == value:
            return Fitted(True, value)
    for candidate in allowed:
        kind = _KIND_OF.get(type(candidate))
        if kind is None:
            continue
        converted = fit_kind(kind, value)
        if converted.ok and converted.value == candidate:
            return Fitted(True, candidate, True)
    return _NO


_KIND_OF: dict[type, str] = {str: "str", int: "int", float: "float", bool: "bool"}


def schema_kind(type_name: str) -> str:
    """The primitive kind the ``enum``/``const`` values of a ``type`` must fit ("": any)."""
    return {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}.get(
        type_name, ""
    )


def default_expression(kind: str, value: object) -> str | None:
    """A Python expression for a date, date-time or UUID default (``None``: a plain literal)."""
    if not isinstance(value, str):
        return None
    if kind == "date":
        day = datetime.date.fromisoformat(value)
        return f"date({day.year}, {day.month}, {day.day})"
    if kind == "datetime":
        return f"datetime.fromisoformat({value!r})"
    if kind == "uuid":
        return f"UUID({value!r})"
    return None
