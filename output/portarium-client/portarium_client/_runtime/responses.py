"""Turning an HTTP response into the operation's result -- or into the right exception.

A :class:`ResponseSpec` is the generated table for one operation: status key -> decoder for
successful bodies, status key -> parser for documented error bodies. Keys are exact (``"200"``),
ranges (``"2XX"``) or ``"default"``; an exact key beats a range, a range beats ``default``.

=============================  ============================================================
status                          outcome
=============================  ============================================================
< 400 with a decoder            ``decoder(response)``; KeyError / TypeError / ValueError from
                                it (bad JSON, a body that does not fit) -> unexpected-response
< 400 without a decoder         unexpected-response error (undocumented status)
>= 400                          ``_status_error_class(status)``, ``problem`` = the documented
                                parser applied to the JSON body, or ``None`` when there is no
                                parser, the body is not JSON (an HTML 502) or does not fit
=============================  ============================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx

from ..errors import _ApiStatusError, _status_error_class, _UnexpectedResponseError
from ..types import _request_id
from . import jsonlib

__all__ = [
    "DECODE_ERRORS",
    "Decoder",
    "ResponseSpec",
    "bytes_decoder",
    "json_decoder",
    "none_decoder",
    "parse_problem",
    "status_error",
    "text_decoder",
    "unexpected_body",
    "unexpected_status",
]

T = TypeVar("T")
V = TypeVar("V")

Decoder = Callable[[httpx.Response], T]
"""Reads a successful response into the operation's return type."""

DECODE_ERRORS = (KeyError, TypeError, ValueError)
"""What a decoder raises for a body that does not fit (``json.JSONDecodeError`` is a ValueError)."""


def json_decoder(parse: Callable[[Any], T]) -> Decoder[T]:
    """A decoder that parses the body as JSON and hands the value to ``parse`` (a ``from_dict``)."""
    loads_as = jsonlib.loads_as

    def decode(response: httpx.Response) -> T:
        return loads_as(response.content, parse)

    return decode


def text_decoder(response: httpx.Response) -> str:
    """The body as text (charset from the ``Content-Type``, else UTF-8)."""
    return response.text


def bytes_decoder(response: httpx.Response) -> bytes:
    """The raw body."""
    return response.content


def none_decoder(response: httpx.Response) -> None:
    """No content (204, or a body the operation does not describe)."""
    return None


class _StatusTable(Generic[V]):
    """Status keys (``"201"``, ``"2XX"``, ``"default"``) compiled for integer lookups."""

    __slots__ = ("default", "exact", "ranges")

    def __init__(self, entries: Mapping[str, V]) -> None:
        self.exact: dict[int, V] = {}
        self.ranges: dict[int, V] = {}
        self.default: V | None = None
        for key, value in entries.items():
            if key == "default":
                self.default = value
            elif len(key) == 3 and key[1:].upper() == "XX" and key[0].isdigit():
                self.ranges[int(key[0])] = value
            else:
                self.exact[int(key)] = value

    def lookup(self, status: int) -> V | None:
        found = self.exact.get(status)
        if found is None:
            found = self.ranges.get(status // 100, self.default)
        return found


@dataclass(frozen=True, slots=True)
class ResponseSpec(Generic[T]):
    """The documented responses of one operation (see the module docstring for lookup order)."""

    success: Mapping[str, Decoder[T]]
    errors: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    _success: _StatusTable[Decoder[T]] = field(init=False, repr=False, compare=False)
    _errors: _StatusTable[Callable[[Any], Any]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_success", _StatusTable(self.success))
        object.__setattr__(self, "_errors", _StatusTable(self.errors))

    def decoder_for(self, status: int) -> Decoder[T] | None:
        """The decoder for a non-error status, or None if the status is not documented."""
        return self._success.lookup(status)

    def error_parser_for(self, status: int) -> Callable[[Any], Any] | None:
        """The parser for an error status's body, or None."""
        return self._errors.lookup(status)


def parse_problem(response: httpx.Response, spec: ResponseSpec[Any]) -> Any:
    """The documented error body parsed into its model, or None. Never raises."""
    parser = spec.error_parser_for(response.status_code)
    if parser is None:
        return None
    try:
        payload = jsonlib.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    try:
        return parser(payload)
    except Exception:
        return None


def status_error(response: httpx.Response, spec: ResponseSpec[Any], where: str) -> _ApiStatusError:
    """The exception for an error status (``where``: method and redacted URL, for the message)."""
    status = response.status_code
    phrase = response.reason_phrase or "error"
    message = f"{status} {phrase} for {where}"
    request_id = _request_id(response.headers)
    if request_id:
        message += f" (request id {request_id})"
    error_class = _status_error_class(status)
    problem = parse_problem(response, spec)
    return error_class(message, response=response, body=response.content, problem=problem)


def unexpected_status(response: httpx.Response, where: str) -> _UnexpectedResponseError:
    """The exception for a non-error status the operation does not document."""
    message = f"undocumented status {response.status_code} for {where}"
    return _UnexpectedResponseError(message, response=response)


def unexpected_body(
    response: httpx.Response, where: str, exc: BaseException
) -> _UnexpectedResponseError:
    """The exception for a body that is not JSON or does not fit the documented schema."""
    message = (
        f"{response.status_code} response for {where} does not fit the documented schema: "
        f"{type(exc).__name__}: {exc}"
    )
    return _UnexpectedResponseError(message, response=response)
