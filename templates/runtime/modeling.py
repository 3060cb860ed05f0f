"""Helpers generated models call: open enums and union dispatch.

Generated enum classes delegate ``_missing_`` to :func:`missing_enum_member`, which (outside strict
mode) mints a pseudo-member carrying the unknown value, so a server that adds an enum value does not
break old clients, and the value still round-trips with its original type. Generated unions
declare their variants as data and call :func:`decode_tagged` (discriminator dispatch) or
:func:`decode_untagged` (first matching variant); a payload that fits no variant is kept as the raw
mapping (or raw value), again unless strict mode is on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

from .serde import b64encode, format_date, format_datetime
from .strict import unknown_enum_value, unknown_variant

_DECODING: ContextVar[frozenset[tuple[str, int]]] = ContextVar(
    "_portarium_decoding_unions", default=frozenset()
)

E = TypeVar("E", bound=Enum)
T = TypeVar("T")


def member_table(cls: type[E]) -> dict[object, E]:
    """``{value: member}`` for ``cls``: what generated ``from_dict`` methods look values up in.

    A dict lookup is several times faster than calling the enum class; values the table lacks
    (unknown or falsy members) still go through ``cls(value)``, so the result is the same.
    """
    return {member._value_: member for member in cls}


def missing_enum_member(cls: type[E], value: object) -> E | None:
    """An extra member of ``cls`` for ``value`` (cached per value), or ``None`` in strict mode.

    Returning ``None`` makes ``Enum`` raise its usual ``ValueError``.
    """
    base = str if issubclass(cls, str) else int if issubclass(cls, int) else None
    if base is None or not isinstance(value, base) or isinstance(value, bool):
        return None
    unknown_enum_value(cls.__name__, value)
    cache: dict[object, E] = cls.__dict__.get("_unknown_members_", {})
    if value in cache:
        return cache[value]
    member = base.__new__(cls, value)
    member._name_ = f"UNKNOWN_{value}"
    member._value_ = value
    cache[value] = member
    type.__setattr__(cls, "_unknown_members_", cache)
    return member


def decode_tagged(
    src: Any,
    prop: str,
    table: Mapping[str, Callable[[Any], T]],
    union_name: str,
) -> T | dict[str, Any]:
    """Dispatch on ``src[prop]``; an unknown or missing tag keeps ``src`` as a dict."""
    if isinstance(src, dict):
        decode = table.get(src.get(prop))  # type: ignore[arg-type]
        if decode is not None:
            return decode(src)
        unknown_variant(union_name, src.get(prop))
        return src
    raise TypeError(f"{union_name}: expected an object, got {type(src).__name__}")


def decode_untagged(
    src: Any,
    variants: Sequence[tuple[Callable[[Any], bool], Callable[[Any], Any]]],
    union_name: str,
) -> Any:
    """Decode with the first variant whose check accepts ``src`` and whose decoder succeeds.

    Checks are ordered by the generator, most specific first (more required keys, then fewer).
    Values no variant accepts are kept raw (strict mode raises instead).
    """
    # Mutually recursive unions (``U = A | V``, ``V = B | U``) would try each other forever on a
    # value neither matches: a union already decoding this very value declines the nested attempt.
    key = (union_name, id(src))
    active = _DECODING.get()
    if key in active:
        raise ValueError(f"{union_name}: no variant matches (recursive union)")
    token = _DECODING.set(active | {key})
    try:
        for check, decode in variants:
            if check(src):
                try:
                    return decode(src)
                except (KeyError, TypeError, ValueError):
                    continue
    finally:
        _DECODING.reset(token)
    unknown_variant(union_name, src if not isinstance(src, dict) else sorted(src)[:5])
    return src


def encode_value(value: Any) -> Any:
    """JSON form of any generated value: models, enums, lists, dicts, dates and times (ISO 8601),
    UUIDs (text), bytes (base64), or plain JSON."""
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None:
        return to_dict()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):  # before ``date``: a datetime is a date
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return b64encode(bytes(value))
    if isinstance(value, list):
        return [encode_value(v) for v in value]
    if isinstance(value, dict):
        return {k: encode_value(v) for k, v in value.items()}
    return value


def has_keys(
    required: frozenset[str], consts: Mapping[str, Sequence[Any]] | None = None
) -> Callable[[Any], bool]:
    """A variant check: ``src`` is a mapping containing every key in ``required``, and each key of
    ``consts`` (a required property with a ``const``/single-value ``enum``) holds one of its values.
    """
    fixed = dict(consts or {})

    def check(src: Any) -> bool:
        return (
            isinstance(src, dict)
            and required <= src.keys()
            and all(src.get(key) in values for key, values in fixed.items())
        )

    return check


def any_check(*checks: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """A variant check for a nested union: any of its own variants' checks accepts ``src``."""

    def check(src: Any) -> bool:
        return any(c(src) for c in checks)

    return check


def is_instance(*types: type) -> Callable[[Any], bool]:
    """A variant check for plain JSON values (``bool`` is never accepted as an ``int``)."""
    wants_bool = bool in types

    def check(src: Any) -> bool:
        if isinstance(src, bool) and not wants_bool:
            return False
        return isinstance(src, types)

    return check
