"""Turning an HTTP response into the operation's result -- or into the right exception.

A :class:`ResponseSpec` is the generated table for one operation: status key -> decoder for
successful bodies, status key -> parser for documented error bodies. Keys are exact (``"200"``),
ranges (``"2XX"``) or ``"default"``; an exact key beats a range, a range beats ``default``.

=============================  ============================================================
status                          outcome
=============================  ============================================================
< 400 with a decoder            ``decoder(response)``; KeyError / TypeError / ValueError from
                                it (bad JSON, a body that does not fit) -> unexpected-response
2xx without one, lenient        the operation's one JSON success decoder
                                (:meth:`ResponseSpec.fallback_for`): servers answer 201 where
                                the spec says 200; a body that does not fit -> unexpected-response
< 400 without a decoder         unexpected-response error (undocumented status)
>= 400                          ``_status_error_class(status)``, ``problem`` = the documented
                                parser applied to the JSON body, or ``None`` when there is no
                                parser, the body is not JSON (an HTML 502) or does not fit
=============================  ============================================================

JSON bodies are read whatever the ``Content-Type`` says (``text/plain``, ``octet-stream``, none,
any ``+json``): the operation documents JSON there and the bytes decide. A UTF-8 BOM is skipped
(RFC 8259 lets parsers ignore it). Bytes that are not UTF-8 (a server that declares
``charset=iso-8859-1`` and means it) are read in the declared charset, unless strict.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx

from ..errors import _ApiStatusError, _status_error_class, _UnexpectedResponseError
from ..types import Response, _request_id
from . import jsonlib
from .strict import is_strict, strict_scope

__all__ = [
    "DECODE_ERRORS",
    "Decoder",
    "JsonDecoder",
    "ResponseSpec",
    "bytes_decoder",
    "decode_response",
    "json_decoder",
    "json_payload",
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


def _declared_text(response: httpx.Response) -> str | None:
    """The body in its declared non-UTF-8 charset, or None (strict, none declared, undecodable)."""
    if is_strict():
        return None
    charset = response.charset_encoding
    if charset is None:
        return None
    try:
        if codecs.lookup(charset).name in ("utf-8", "ascii"):
            return None
        text = response.content.decode(charset)
    except (LookupError, ValueError):
        return None
    return text[1:] if text[:1] == "\ufeff" else text


def json_payload(response: httpx.Response) -> Any:
    """The body parsed as JSON (see the module docstring for charsets); ValueError if it is not."""
    try:
        return jsonlib.loads(response.content)
    except ValueError:  # UnicodeDecodeError included
        text = _declared_text(response)
        if text is None:
            raise
        return jsonlib.loads(text)


class JsonDecoder(Generic[T]):
    """A decoder that parses the body as JSON and hands the value to ``parse`` (a ``from_dict``).

    A class rather than a closure so :class:`ResponseSpec` can tell a JSON body from the others.
    """

    __slots__ = ("parse",)

    def __init__(self, parse: Callable[[Any], T]) -> None:
        self.parse = parse

    def __call__(self, response: httpx.Response) -> T:
        try:
            return jsonlib.loads_as(response.content, self.parse)
        except ValueError:
            text = _declared_text(response)
            if text is None:
                raise
            return jsonlib.loads_as(text, self.parse)


def json_decoder(parse: Callable[[Any], T]) -> Decoder[T]:
    """A :class:`JsonDecoder` for ``parse``."""
    return JsonDecoder(parse)


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
    _fallback: Decoder[T] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_success", _StatusTable(self.success))
        object.__setattr__(self, "_errors", _StatusTable(self.errors))
        json_bodies = [d for d in self.success.values() if isinstance(d, JsonDecoder)]
        object.__setattr__(self, "_fallback", json_bodies[0] if len(json_bodies) == 1 else None)

    def decoder_for(self, status: int) -> Decoder[T] | None:
        """The decoder for a non-error status, or None if the status is not documented."""
        return self._success.lookup(status)

    def fallback_for(self, status: int) -> Decoder[T] | None:
        """For an undocumented 2xx: the one documented JSON success decoder, else None.

        (``2XX`` and ``default`` entries already answer every 2xx in :meth:`decoder_for`.)
        """
        return self._fallback if 200 <= status < 300 else None

    def error_parser_for(self, status: int) -> Callable[[Any], Any] | None:
        """The parser for an error status's body, or None."""
        return self._errors.lookup(status)


def parse_problem(response: httpx.Response, spec: ResponseSpec[Any]) -> Any:
    """The documented error body parsed into its model, or None. Never raises."""
    parser = spec.error_parser_for(response.status_code)
    if parser is None:
        return None
    try:
        payload = json_payload(response)
    except ValueError:
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
    response: httpx.Response, where: str, exc: BaseException, *, undocumented: bool = False
) -> _UnexpectedResponseError:
    """The exception for a body that is not JSON or does not fit the documented schema
    (``undocumented``: the status itself was not documented and the body was tried against the
    operation's JSON success body)."""
    status = (
        f"undocumented status {response.status_code}"
        if undocumented
        else (f"{response.status_code} response")
    )
    message = (
        f"{status} for {where} does not fit the documented schema: {type(exc).__name__}: {exc}"
    )
    return _UnexpectedResponseError(message, response=response)


def decode_response(
    response: httpx.Response,
    spec: ResponseSpec[T],
    where: Callable[[httpx.Request], str],
    strict: bool,
) -> Response[T]:
    """The operation's result for ``response``, or the exception the module docstring's table
    names (``where``: formats the request for messages; ``strict``: the client's setting)."""
    status = response.status_code
    if status >= 400:
        raise status_error(response, spec, where(response.request))
    decoder = spec.decoder_for(status)
    undocumented = decoder is None
    if decoder is None:
        decoder = None if strict else spec.fallback_for(status)
        if decoder is None:
            raise unexpected_status(response, where(response.request))
    try:
        if strict:
            with strict_scope():
                parsed = decoder(response)
        else:
            parsed = decoder(response)
    except DECODE_ERRORS as exc:
        raise unexpected_body(
            response, where(response.request), exc, undocumented=undocumented
        ) from exc
    return Response(status, response.headers, response.content, parsed, response.request.url)
