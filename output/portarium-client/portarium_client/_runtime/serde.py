"""Hot-path value codecs that generated ``from_dict`` / ``to_dict`` methods call.

Decoding speed matters (a generated model must decode faster than a pydantic v2 model), so each
helper tries the fastest stdlib route first and falls back only for inputs it cannot take:

* :func:`parse_datetime` -- RFC 3339 / ISO 8601 date-times with ``Z`` or ``+hh:mm`` offsets and
  fractional seconds of any length (Python 3.10's ``fromisoformat`` accepts neither ``Z`` nor
  fractions other than 3 or 6 digits, so those go through a small normaliser).
* :func:`parse_date`, :func:`parse_time`, :func:`format_datetime`, :func:`parse_uuid`.
* :func:`b64decode` / :func:`b64encode` for ``format: byte`` (padding optional, url-safe accepted).
* ``expect_*`` -- minimal type checks that raise :class:`TypeError` (which the client reports as an
  unexpected response) instead of letting a wrong type flow into a model.
* :func:`field_error` -- called by a generated ``from_dict`` only after a field failed to decode:
  says which JSON path stopped fitting (``$.items[*].createdAt: required property is missing``)
  as a :class:`DecodeError`; decoding that succeeds pays nothing for it.
"""

from __future__ import annotations

import base64
import binascii
import re
import sys
import uuid
from datetime import date, datetime, time
from typing import Any

__all__ = [
    "DecodeError",
    "b64decode",
    "b64encode",
    "expect_bool",
    "expect_dict",
    "expect_float",
    "expect_int",
    "expect_list",
    "expect_str",
    "field_error",
    "format_date",
    "format_datetime",
    "parse_date",
    "parse_datetime",
    "parse_time",
    "parse_uuid",
]

_ISO_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?"
    r"(?:([Zz])|([+-]\d{2}(?::?\d{2})?))?"
)
_FROMISO = datetime.fromisoformat


if sys.version_info >= (3, 11):  # fromisoformat takes "Z" and any fraction length

    def parse_datetime(value: str) -> datetime:
        """Parse an RFC 3339 date-time; offsets give aware datetimes, ``Z`` gives UTC."""
        try:
            return _FROMISO(value)
        except ValueError:
            return _parse_datetime_slow(value)

else:

    def parse_datetime(value: str) -> datetime:
        """Parse an RFC 3339 date-time; offsets give aware datetimes, ``Z`` gives UTC."""
        if value[-1:] in ("Z", "z"):
            value = value[:-1] + "+00:00"
        try:
            return _FROMISO(value)
        except ValueError:
            return _parse_datetime_slow(value)


def _parse_datetime_slow(value: str) -> datetime:
    """Normalise what ``fromisoformat`` refused (fraction length, ``t``, ``+hhmm``) and retry."""
    match = _ISO_DATETIME.fullmatch(value)
    if match is None:
        raise ValueError(f"invalid date-time: {value!r}")
    day, clock, fraction, zulu, offset = match.groups()
    if len(clock) == 5:
        clock += ":00"
    text = f"{day}T{clock}"
    if fraction:
        text += "." + fraction[:6].ljust(6, "0")
    if zulu:
        text += "+00:00"
    elif offset:
        if len(offset) == 3:
            offset += ":00"
        elif ":" not in offset:
            offset = f"{offset[:3]}:{offset[3:]}"
        text += offset
    return _FROMISO(text)


def format_datetime(value: datetime) -> str:
    """ISO 8601 text for a datetime, UTC written as ``Z``."""
    text = value.isoformat()
    if text.endswith("+00:00"):
        return text[:-6] + "Z"
    return text


def parse_date(value: str) -> date:
    """Parse a ``full-date`` (``2024-05-01``)."""
    return date.fromisoformat(value)


def format_date(value: date) -> str:
    """``YYYY-MM-DD`` for a date."""
    return value.isoformat()


def parse_time(value: str) -> time:
    """Parse a ``partial-time`` / ``full-time`` (``12:30:00``, ``12:30:00.5Z``)."""
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    try:
        return time.fromisoformat(value)
    except ValueError:
        return _parse_datetime_slow("1970-01-01T" + value).timetz()


def parse_uuid(value: str) -> uuid.UUID:
    """Parse a UUID in any form :class:`uuid.UUID` accepts."""
    if not isinstance(value, str):
        raise TypeError(f"expected a uuid string, got {type(value).__name__}")
    return uuid.UUID(value)


def b64decode(value: str) -> bytes:
    """Decode ``format: byte`` text: standard or url-safe alphabet, padding optional."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        text = value.strip().replace("-", "+").replace("_", "/")
        text += "=" * (-len(text) % 4)
        try:
            return base64.b64decode(text, validate=True)
        except binascii.Error as exc:
            raise ValueError(f"invalid base64 data: {exc}") from None


def b64encode(value: bytes) -> str:
    """Standard base64 text (with padding) for ``format: byte``."""
    return base64.b64encode(value).decode("ascii")


def expect_str(value: Any) -> str:
    """``value`` if it is a string, else :class:`TypeError`."""
    if isinstance(value, str):
        return value
    raise TypeError(f"expected a string, got {type(value).__name__}")


def expect_int(value: Any) -> int:
    """``value`` if it is an integer (``bool`` is not; ``3.0`` is accepted as ``3``)."""
    if type(value) is int:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise TypeError(f"expected an integer, got {type(value).__name__}")


def expect_float(value: Any) -> float:
    """``value`` as a float; integers are widened, ``bool`` is rejected."""
    if type(value) is float:
        return value
    if type(value) is int:
        return float(value)
    raise TypeError(f"expected a number, got {type(value).__name__}")


def expect_bool(value: Any) -> bool:
    """``value`` if it is a boolean."""
    if type(value) is bool:
        return value
    raise TypeError(f"expected a boolean, got {type(value).__name__}")


def expect_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array."""
    if type(value) is list:
        return value
    raise TypeError(f"expected an array, got {type(value).__name__}")


def expect_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object."""
    if type(value) is dict:
        return value
    raise TypeError(f"expected an object, got {type(value).__name__}")


class DecodeError(KeyError, TypeError, ValueError):
    """A JSON value that does not fit its model, with where: ``path`` is relative to the body
    (``.items[*].id``; ``[*]`` stands for any element of a list) and ``str()`` shows it as
    ``$.items[*].id: reason``.

    A subclass of all three errors ``from_dict`` has always raised, so code that catches the one it
    expects (``except KeyError`` for a missing property) still catches it."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"${self.path}: {self.reason}"


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").fullmatch


def field_error(
    exc: Exception, obj: object, wire_fields: tuple[tuple[str, str, Any], ...], src: Any
) -> DecodeError:
    """The error to raise for ``exc``, which stopped a ``from_dict`` filling ``obj``.

    The field that failed is the first in ``wire_fields`` (the model's ``_wire_`` table, in the
    order ``from_dict`` assigns) that ``obj`` does not have yet (none: the failure came after the
    fields, and the path stays where it was).
    """
    wire = next((w for attr, w, _ in wire_fields if not hasattr(obj, attr)), None)
    segment = "" if wire is None else f".{wire}" if _NAME(wire) else f"[{wire!r}]"
    if isinstance(exc, DecodeError):
        inner, reason = exc.path, exc.reason
        value = src.get(wire) if wire is not None and isinstance(src, dict) else None
        if isinstance(value, list) and not inner.startswith("["):
            inner = "[*]" + inner
    elif wire is not None and isinstance(exc, KeyError) and exc.args == (wire,):
        inner, reason = "", "required property is missing"
    else:
        inner, reason = "", f"{type(exc).__name__}: {exc}"
    return DecodeError(segment + inner, reason)
