"""OpenAPI parameter serialisation: Python values -> the strings that go on the wire.

Pure functions, one per parameter location, following the ``style`` / ``explode`` rules of the
OpenAPI 3 specification:

==========  ===========================  ===========================================
location    styles                        lists / objects (``explode=False`` / ``True``)
==========  ===========================  ===========================================
path        simple, label, matrix         ``a,b`` / ``k,v,k2,v2`` or ``k=v,k2=v2``
query       form, spaceDelimited,         repeated ``name=a&name=b`` or ``name=a,b``;
            pipeDelimited, deepObject     objects as ``k=v`` pairs or ``name[k]=v``
header      simple                        as path ``simple``
==========  ===========================  ===========================================

Scalars become text through :func:`to_param_str` (booleans as ``true``/``false``, enums by value,
date-times in ISO 8601). Path values are **not** percent-encoded here: the client does that when
it fills the path template. ``None`` and ``UNSET`` query values add nothing.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from datetime import date, datetime

from ..types import Unset
from .serde import format_datetime

__all__ = ["add_query", "header_param", "path_param", "to_param_str"]


def to_param_str(value: object) -> str:
    """One scalar as parameter text."""
    if isinstance(value, str):
        if isinstance(value, enum.Enum):
            return str(value.value)
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return to_param_str(value.value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None:
        return ""
    return str(value)


def _pairs(value: Mapping[object, object]) -> list[tuple[str, str]]:
    return [(to_param_str(k), to_param_str(v)) for k, v in value.items()]


def _join_object(value: Mapping[object, object], explode: bool, sep: str = ",") -> str:
    if explode:
        return sep.join(f"{k}={v}" for k, v in _pairs(value))
    return ",".join(f"{k},{v}" for k, v in _pairs(value))


def path_param(
    value: object, *, style: str = "simple", explode: bool = False, name: str = ""
) -> str:
    """A path parameter's text; ``name`` is needed only for ``style="matrix"``."""
    if type(value) is str and style == "simple":
        return value
    if style == "simple":
        return header_param(value, explode=explode)
    if style == "label":
        if isinstance(value, (list, tuple)):
            sep = "." if explode else ","
            return "." + sep.join(to_param_str(item) for item in value)
        if isinstance(value, Mapping):
            return "." + _join_object(value, explode, ".")
        return "." + to_param_str(value)
    if style == "matrix":
        if isinstance(value, (list, tuple)):
            if explode:
                return "".join(f";{name}={to_param_str(item)}" for item in value)
            return f";{name}=" + ",".join(to_param_str(item) for item in value)
        if isinstance(value, Mapping):
            if explode:
                return "".join(f";{k}={v}" for k, v in _pairs(value))
            return f";{name}=" + _join_object(value, False)
        return f";{name}={to_param_str(value)}"
    raise ValueError(f"unsupported path parameter style: {style!r}")


def header_param(value: object, *, explode: bool = False) -> str:
    """A header (or ``simple``-style path) parameter's text."""
    if type(value) is str:
        return value
    if isinstance(value, (list, tuple)):
        return ",".join(to_param_str(item) for item in value)
    if isinstance(value, Mapping):
        return _join_object(value, explode)
    return to_param_str(value)


_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def add_query(
    query: list[tuple[str, str]],
    name: str,
    value: object,
    *,
    style: str = "form",
    explode: bool = True,
) -> None:
    """Append the ``(name, value)`` pairs of one query parameter to ``query``."""
    if value is None or isinstance(value, Unset):
        return
    if isinstance(value, (list, tuple)):
        if not value:
            return
        if explode and style != "deepObject":
            query.extend((name, to_param_str(item)) for item in value)
            return
        sep = _DELIMITERS.get(style)
        if sep is None:
            raise ValueError(f"style {style!r} does not apply to arrays")
        query.append((name, sep.join(to_param_str(item) for item in value)))
        return
    if isinstance(value, Mapping):
        if style == "deepObject":
            query.extend((f"{name}[{k}]", v) for k, v in _pairs(value))
        elif style == "form" and explode:
            query.extend(_pairs(value))
        elif style in _DELIMITERS:
            sep = _DELIMITERS[style]
            query.append((name, sep.join(f"{k}{sep}{v}" for k, v in _pairs(value))))
        else:
            raise ValueError(f"unsupported query parameter style: {style!r}")
        return
    query.append((name, to_param_str(value)))
