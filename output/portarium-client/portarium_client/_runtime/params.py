"""OpenAPI parameter serialisation: Python values -> the strings that go on the wire.

Pure functions, one per parameter location, following the ``style`` / ``explode`` rules of the
OpenAPI 3 specification:

==========  ===========================  ===========================================
location    styles                        lists / objects (``explode=False`` / ``True``)
==========  ===========================  ===========================================
path        simple, label, matrix         ``a,b`` / ``k,v,k2,v2`` or ``k=v,k2=v2``
query       form, spaceDelimited,         repeated ``name=a&name=b`` or ``name=a,b``;
            pipeDelimited, deepObject,    objects as ``k=v`` pairs or ``name[k]=v``
            tabDelimited (Swagger 2.0's   (``a<TAB>b``: what a 2.0 ``collectionFormat: tsv``
            ``tsv``)                      array becomes)
header      simple                        as path ``simple``
==========  ===========================  ===========================================

OpenAPI 3.2's ``in: querystring`` parameter is the whole query string, written in a media type
(:func:`query_string`): ``application/x-www-form-urlencoded`` gives ``k=v&k2=v2`` (lists as
repeated keys, as ``form`` + ``explode``), JSON gives the percent-encoded JSON text, anything else
the percent-encoded text of the value.

Scalars become text through :func:`to_param_str` (booleans as ``true``/``false``, enums by value,
date-times in ISO 8601). Path values are percent-encoded here, value by value, so the delimiters
a style adds stay literal while the values cannot change the path's shape (``/``, ``..``, ``,``).
``None`` and ``UNSET`` query values add nothing.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Final
from urllib.parse import quote, urlencode

from ..types import Unset
from . import jsonlib
from .serde import format_datetime

__all__ = ["add_query", "header_param", "path_param", "query_string", "to_param_str"]

_unreserved: Final = re.compile(r"[A-Za-z0-9\-._~]*").fullmatch


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


def _segment(value: object) -> str:
    """One value inside a path segment, percent-encoded as RFC 6570 does for ``{var}``.

    Only unreserved characters stay literal, so a value can never add a ``/``, a delimiter
    (``,`` ``;`` ``=``) or a query; ``.`` and ``..`` become ``%2E`` / ``%2E%2E`` so that no
    client or proxy resolves them as dot-segments (``DELETE /things/..`` must not reach ``/``).
    """
    text = value if type(value) is str else to_param_str(value)
    if _unreserved(text) is None:
        return quote(text, safe="")
    if text == "." or text == "..":
        return text.replace(".", "%2E")
    return text


def _segment_object(value: Mapping[object, object], explode: bool, sep: str = ",") -> str:
    pairs = [(_segment(k), _segment(v)) for k, v in _pairs(value)]
    if explode:
        return sep.join(f"{k}={v}" for k, v in pairs)
    return ",".join(f"{k},{v}" for k, v in pairs)


def path_param(
    value: object, *, style: str = "simple", explode: bool = False, name: str = ""
) -> str:
    """A path parameter, serialised and percent-encoded; ``name`` is needed only for ``matrix``.

    The delimiters the style adds (``,`` ``.`` ``;`` ``=``) stay literal; the values are encoded.
    """
    if style == "simple":
        if isinstance(value, (list, tuple)):
            return ",".join(_segment(item) for item in value)
        if isinstance(value, Mapping):
            return _segment_object(value, explode)
        return _segment(value)
    if style == "label":
        if isinstance(value, (list, tuple)):
            sep = "." if explode else ","
            return "." + sep.join(_segment(item) for item in value)
        if isinstance(value, Mapping):
            return "." + _segment_object(value, explode, ".")
        return "." + _segment(value)
    if style == "matrix":
        key = _segment(name)
        if isinstance(value, (list, tuple)):
            if explode:
                return "".join(f";{key}={_segment(item)}" for item in value)
            return f";{key}=" + ",".join(_segment(item) for item in value)
        if isinstance(value, Mapping):
            if explode:
                return "".join(
                    f";{k}={v}" for k, v in ((_segment(k), _segment(v)) for k, v in _pairs(value))
                )
            return f";{key}=" + _segment_object(value, False)
        return f";{key}={_segment(value)}"
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


_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|", "tabDelimited": "\t"}


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


def query_string(value: object, content_type: str) -> str | None:
    """The whole query string of an ``in: querystring`` parameter, percent-encoded (``None``:
    no query string, for ``None`` / ``UNSET``)."""
    if value is None or isinstance(value, Unset):
        return None
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        pairs: list[tuple[str, str]] = []
        if isinstance(value, Mapping):
            for key, item in value.items():
                add_query(pairs, str(key), item, style="form", explode=True)
        else:
            raise TypeError("a form-encoded query string needs an object value")
        return urlencode(pairs, quote_via=quote)
    if media == "application/json" or media.endswith("+json"):
        return quote(jsonlib.dumps(value).decode(), safe="")
    return quote(to_param_str(value), safe="")
