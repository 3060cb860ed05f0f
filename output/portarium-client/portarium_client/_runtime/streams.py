"""Streamed response bodies, consumed as they arrive: SSE events, NDJSON lines, raw bytes.

The client opens the stream (auth, retries and error statuses are handled there, exactly as for a
plain request) and hands these loops an ``open_stream`` function; the loops own what happens while
the body is flowing:

* :func:`iter_events` feeds :class:`~.sse.SSEDecoder` from ``response.iter_bytes()`` and yields
  each event the moment its blank line arrives. If the connection drops mid-stream (any httpx
  transport error, including a read timeout) it reconnects with ``Last-Event-ID``, after the
  server's ``retry:`` hint (or the usual backoff), at most ``max_reconnects`` times in a row; a
  half-received event is discarded and re-sent by the server. It only resumes when that is safe:
  the call is retry-safe or the server has given event ids. A stream that ends in the middle of an
  event (no blank line after its last lines) counts as a dropped connection, never as an event
  (at most ``max_reconnects`` such ends per stream, events in between or not);
  with ``strict=True`` it is an unexpected-response error instead. A clean end of stream (after a
  blank line, or after comments only) ends iteration.
* :func:`iter_lines` yields one decoded value per non-blank NDJSON line (JSON Lines, and
  ``application/json-seq`` records, whose leading RS is dropped).
* :func:`iter_bytes` yields the body's chunks.

A transport failure that is not resumed is raised as the package's connection / timeout error; a
body that does not decode is an unexpected-response error. Each loop closes its response when it
finishes, fails, or the caller stops iterating early. ``a``-prefixed twins are the async versions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeVar

import httpx

from . import jsonlib
from . import retries as _retries
from .httpx_errors import translate
from .responses import DECODE_ERRORS, ResponseSpec, status_error, unexpected_body, unexpected_status
from .sse import ServerSentEvent, SSEDecoder

__all__ = [
    "acheck_stream",
    "aiter_bytes",
    "aiter_events",
    "aiter_lines",
    "check_stream",
    "iter_bytes",
    "iter_events",
    "iter_lines",
]

T = TypeVar("T")

OpenStream = Callable[[str | None], httpx.Response]
"""Opens the stream (argument: the ``Last-Event-ID`` to resume from, or None)."""
AsyncOpenStream = Callable[[str | None], Awaitable[httpx.Response]]


def check_stream(
    response: httpx.Response, spec: ResponseSpec[Any], where: str, secrets: tuple[str, ...]
) -> None:
    """Raise for an error (or undocumented non-2xx) status on a freshly opened stream, after
    reading its body (``secrets``: redacted from transport error messages)."""
    status = response.status_code
    if status < 300:
        return
    try:
        response.read()
    except httpx.RequestError as exc:
        raise translate(exc, where, secrets)[0] from exc
    finally:
        response.close()
    if status >= 400:
        raise status_error(response, spec, where)
    raise unexpected_status(response, where)


async def acheck_stream(
    response: httpx.Response, spec: ResponseSpec[Any], where: str, secrets: tuple[str, ...]
) -> None:
    """Async twin of :func:`check_stream`."""
    status = response.status_code
    if status < 300:
        return
    try:
        await response.aread()
    except httpx.RequestError as exc:
        raise translate(exc, where, secrets)[0] from exc
    finally:
        await response.aclose()
    if status >= 400:
        raise status_error(response, spec, where)
    raise unexpected_status(response, where)


def _event(
    raw: ServerSentEvent[str], decode: Callable[[str], T], response: httpx.Response, where: str
) -> ServerSentEvent[T]:
    try:
        data = decode(raw.data)
    except DECODE_ERRORS as exc:
        raise unexpected_body(response, where, exc) from exc
    return ServerSentEvent(raw.event, data, raw.id, raw.retry, raw.raw)


CUT_OFF = "the stream ended in the middle of an event"


class _CutOff(httpx.RemoteProtocolError):
    """The body ended inside an event: handled like a dropped connection."""


def _cut_off(response: httpx.Response, where: str, strict: bool) -> Exception:
    """What an end of stream inside an event raises: a dropped connection (resumed with
    ``Last-Event-ID`` like any other), or in strict mode an unexpected-response error."""
    if strict:
        return unexpected_body(response, where, ValueError(CUT_OFF))
    return _CutOff(CUT_OFF)


def _reconnect_delay(decoder: SSEDecoder, failures: int) -> float:
    if decoder.retry is not None:
        return min(decoder.retry / 1000.0, _retries.MAX_RETRY_AFTER)
    return _retries.backoff_delay(failures - 1)


def iter_events(
    open_stream: OpenStream,
    decode: Callable[[str], T],
    *,
    where: str,
    retry_safe: bool,
    max_reconnects: int,
    strict: bool = False,
) -> Iterator[ServerSentEvent[T]]:
    """Yield Server-Sent Events, reconnecting with ``Last-Event-ID`` after a dropped connection."""
    decoder = SSEDecoder()
    failures = cut_offs = 0
    response = open_stream(None)
    while True:
        try:
            try:
                for chunk in response.iter_bytes():
                    for raw in decoder.feed(chunk):
                        failures = 0
                        yield _event(raw, decode, response, where)
                if decoder.end():
                    raise _cut_off(response, where, strict)
            finally:
                response.close()
        except httpx.TransportError as exc:
            # Cut-off ends count without resetting: a server that replays the same events and
            # cuts off again would otherwise be reconnected to for ever.
            cut_offs += isinstance(exc, _CutOff)
            resumable = retry_safe or decoder.last_event_id is not None
            if not resumable or max(failures, cut_offs - 1) >= max_reconnects:
                raise translate(exc, where)[0] from exc
            failures += 1
            _retries._sleep(_reconnect_delay(decoder, failures))
            decoder = SSEDecoder(decoder.last_event_id, decoder.retry)
            response = open_stream(decoder.last_event_id)
            continue
        return


async def aiter_events(
    open_stream: AsyncOpenStream,
    decode: Callable[[str], T],
    *,
    where: str,
    retry_safe: bool,
    max_reconnects: int,
    strict: bool = False,
) -> AsyncIterator[ServerSentEvent[T]]:
    """Async twin of :func:`iter_events`."""
    decoder = SSEDecoder()
    failures = cut_offs = 0
    response = await open_stream(None)
    while True:
        try:
            try:
                async for chunk in response.aiter_bytes():
                    for raw in decoder.feed(chunk):
                        failures = 0
                        yield _event(raw, decode, response, where)
                if decoder.end():
                    raise _cut_off(response, where, strict)
            finally:
                await response.aclose()
        except httpx.TransportError as exc:
            # Cut-off ends count without resetting: a server that replays the same events and
            # cuts off again would otherwise be reconnected to for ever.
            cut_offs += isinstance(exc, _CutOff)
            resumable = retry_safe or decoder.last_event_id is not None
            if not resumable or max(failures, cut_offs - 1) >= max_reconnects:
                raise translate(exc, where)[0] from exc
            failures += 1
            await _retries._asleep(_reconnect_delay(decoder, failures))
            decoder = SSEDecoder(decoder.last_event_id, decoder.retry)
            response = await open_stream(decoder.last_event_id)
            continue
        return


def _line(line: str, decode: Callable[[Any], T], response: httpx.Response, where: str) -> T:
    try:
        # ``application/json-seq`` (RFC 7464) starts each record with RS (U+001E).
        return decode(jsonlib.loads(line.lstrip("\x1e")))
    except DECODE_ERRORS as exc:
        raise unexpected_body(response, where, exc) from exc


def iter_lines(response: httpx.Response, decode: Callable[[Any], T], *, where: str) -> Iterator[T]:
    """Yield ``decode(jsonlib.loads(line))`` for each non-blank line of an NDJSON body."""
    try:
        for line in response.iter_lines():
            if line.strip():
                if line[0] == "\ufeff":  # a UTF-8 BOM before the first line (RFC 8259 s. 8.1)
                    line = line[1:]
                yield _line(line, decode, response, where)
    except httpx.TransportError as exc:
        raise translate(exc, where)[0] from exc
    finally:
        response.close()


async def aiter_lines(
    response: httpx.Response, decode: Callable[[Any], T], *, where: str
) -> AsyncIterator[T]:
    """Async twin of :func:`iter_lines`."""
    try:
        async for line in response.aiter_lines():
            if line.strip():
                if line[0] == "\ufeff":
                    line = line[1:]
                yield _line(line, decode, response, where)
    except httpx.TransportError as exc:
        raise translate(exc, where)[0] from exc
    finally:
        await response.aclose()


def iter_bytes(response: httpx.Response, *, where: str) -> Iterator[bytes]:
    """Yield the body's chunks as they arrive."""
    try:
        yield from response.iter_bytes()
    except httpx.TransportError as exc:
        raise translate(exc, where)[0] from exc
    finally:
        response.close()


async def aiter_bytes(response: httpx.Response, *, where: str) -> AsyncIterator[bytes]:
    """Async twin of :func:`iter_bytes`."""
    try:
        async for chunk in response.aiter_bytes():
            yield chunk
    except httpx.TransportError as exc:
        raise translate(exc, where)[0] from exc
    finally:
        await response.aclose()
