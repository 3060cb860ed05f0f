"""JSON text in and out of the client: ``orjson`` when it is installed, the stdlib otherwise.

``orjson`` parses 2x and serialises 10x+ faster than :mod:`json`; install it with the package's
``speedups`` extra (``pip install '<package>[speedups]'``). Without it everything works the same
with the stdlib. The two routes give the same values:

* :func:`loads` hands whatever ``orjson`` refuses to :func:`json.loads`, which either accepts it
  (``NaN``/``Infinity`` literals, lone surrogate escapes, UTF-16/32 text) or raises its usual
  :class:`ValueError`.
* :func:`dumps` writes compact UTF-8 JSON of plain JSON data and of the values generated code
  holds: models (as their wire form), enums (their value), datetimes (RFC 3339, UTC as ``Z``),
  dates, UUIDs and bytes (base64). With ``orjson`` a model is written from its ``_wire_`` table
  (attribute, wire name, value that omits the key) and ``orjson`` formats the datetimes, enums and
  UUIDs inside it natively, which is what makes request bodies cheap; with the stdlib a model is
  written from its ``to_dict()``. Anything else (other dataclasses, sets, arbitrary objects) is a
  :class:`TypeError` on both routes, and what ``orjson`` cannot write (non-``str`` keys, integers
  past 64 bits) goes through the stdlib.

Differences that remain are all outside interoperable JSON (RFC 8259 section 6, RFC 3339): with
``orjson`` an integer past 64 bits is read as a ``float`` (as JavaScript reads it), a float NaN or
infinity is written as ``null`` where the stdlib raises :class:`ValueError`, and a UTC offset with
seconds (historic local mean times) is written to the minute.
"""

from __future__ import annotations

import gc
import importlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from .modeling import encode_value

__all__ = ["ALWAYS", "FAST", "WireFields", "dumps", "loads", "loads_as"]


T = TypeVar("T")


class _Always:
    """The type of :data:`ALWAYS`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ALWAYS"


ALWAYS: Any = _Always()
"""In a model's ``_wire_`` table: no value leaves this key out (required and defaulted fields)."""

WireFields = tuple[tuple[str, str, Any], ...]
"""A model's ``_wire_`` table: ``(attribute, wire name, value that leaves the key out)`` rows."""

_orjson_loads: Callable[[bytes | bytearray | memoryview | str], Any] | None = None
_orjson_dumps: Callable[..., bytes] | None = None
_OPTIONS = 0
try:  # imported by name so type checkers need no stubs for an optional dependency
    _orjson: Any = importlib.import_module("orjson")
except ImportError:  # pragma: no cover - exercised by the stdlib-only tests
    pass
else:
    _orjson_loads = _orjson.loads
    _orjson_dumps = _orjson.dumps
    _OPTIONS = _orjson.OPT_PASSTHROUGH_DATACLASS | _orjson.OPT_UTC_Z

FAST = _orjson_loads is not None
"""Whether ``orjson`` is in use."""

_std_loads = json.loads


def _wire_form(value: Any) -> Any:
    """``orjson``'s hook for what it does not write itself: models (one level), bytes, ..."""
    table = getattr(type(value), "_wire_", None)
    if table is not None:
        extra = getattr(value, "additional_properties", None)
        out: dict[str, Any] = dict(extra) if extra else {}
        for attr, wire, omit in table:
            item = getattr(value, attr)
            if item is not omit:
                out[wire] = item
        return out
    return _json_form(value)


def _json_form(value: Any) -> Any:
    """The stdlib encoder's hook: models via ``to_dict`` (also any without a ``_wire_`` table),
    enums, dates and times, UUIDs and bytes as :func:`.modeling.encode_value` writes them."""
    encoded = encode_value(value)
    if encoded is value:  # nothing it knows: not JSON
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return encoded


_std_encoder = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_json_form
)


def loads(data: bytes | bytearray | memoryview | str) -> Any:
    """Parse JSON text (bytes in any encoding :func:`json.loads` detects, or ``str``)."""
    if _orjson_loads is not None:
        try:
            return _orjson_loads(data)
        except ValueError:  # orjson.JSONDecodeError; the stdlib decides (and words the error)
            pass
    if isinstance(data, memoryview):
        data = data.tobytes()
    return _std_loads(data)


GC_PAUSE_BYTES = 64 * 1024
"""Bodies at least this large are decoded with the cyclic garbage collector paused."""


def loads_as(data: bytes | bytearray | memoryview | str, parse: Callable[[Any], T]) -> T:
    """``parse(loads(data))``: a response body into its model.

    A large body becomes tens of thousands of new objects, none of them garbage yet, and the cyclic
    collector would walk them over and over while they are made (a quarter of the decoding time of
    a 1.5 MB list). So from :data:`GC_PAUSE_BYTES` on, the collector is paused for the duration
    (reference counting still frees everything as usual) -- unless it is already off, in which case
    it is left alone.
    """
    if len(data) < GC_PAUSE_BYTES or not gc.isenabled():
        return parse(loads(data))
    gc.disable()
    try:
        return parse(loads(data))
    finally:
        gc.enable()


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON for a body: JSON data, models, enums, datetimes, dates, UUIDs, bytes."""
    if _orjson_dumps is not None:
        try:
            return _orjson_dumps(value, default=_wire_form, option=_OPTIONS)
        except TypeError:  # orjson.JSONEncodeError; the stdlib decides (and words the error)
            pass
    return _std_encoder.encode(value).encode("utf-8")
