"""Streamed response bodies, consumed as they arrive: SSE events, NDJSON lines, raw bytes.

The client opens the stream (auth, retries and error statuses are handled there, exactly as for a
plain request) and hands these loops an ``open_stream`` function; the loops own what happens while
the body is flowing:

* :func:`iter_events` feeds :class:`~.sse.SSEDecoder` from ``response.iter_bytes()`` and yields
  each event the moment its blank line arrives. If the connection drops mid-stream (any httpx
  transport error, including a read timeout) it reconnects with ``Last-Event-ID``, after the
  server's ``retry:`` hint (or the usual backoff), at most ``max_reconnects`` times in a row; a
  half-received event is discarded and re-sent by the server. It only resumes when that is safe:
  the call is retry-safe or the server has given event ids. A clean end of stream ends iteration.
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
from .responses import DECODE_ERRORS, unexpected_body
from .sse import ServerSentEvent, SSEDecoder

__all__ = ["aiter_bytes", "aiter_events", "aiter_lines", "iter_bytes", "iter_events", "iter_lines"]

T = TypeVar("T")

OpenStream = Callable[[str | None], httpx.Response]
"""Opens the stream (argument: the ``Last-Event-ID`` to resume from, or None)."""
AsyncOpenStream = Callable[[str | None], Awaitable[httpx.Response]]


def _event(
    raw: ServerSentEvent[str], decode: Callable[[str], T], response: httpx.Response, where: str
) -> ServerSentEvent[T]:
    try:
        data = decode(raw.data)
    except DECODE_ERRORS as exc:
        raise unexpected_body(response, where, exc) from exc
    return ServerSentEvent(raw.event, data, raw.id, raw.retry, raw.raw)


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
) -> Iterator[ServerSentEvent[T]]:
    """Yield Server-Sent Events, reconnecting with ``Last-Event-ID`` after a dropped connection."""
    decoder = SSEDecoder()
    failures = 0
    response = open_stream(None)
    while True:
        try:
            try:
                for chunk in response.iter_bytes():
                    for raw in decoder.feed(chunk):
                        failures = 0
                        yield _event(raw, decode, response, where)
                tail = decoder.close()
            finally:
                response.close()
        except httpx.TransportError as exc:
            resumable = retry_safe or decoder.last_event_id is not None
            if not resumable or failures >= max_reconnects:
                raise translate(exc, where)[0] from exc
            failures += 1
            _retries._sleep(_reconnect_delay(decoder, failures))
            decoder = SSEDecoder(decoder.last_event_id, decoder.retry)
            response = open_stream(decoder.last_event_id)
            continue
        for raw in tail:
            yield _event(raw, decode, response, where)
        return


async def aiter_events(
    open_stream: AsyncOpenStream,
    decode: Callable[[str], T],
    *,
    where: str,
    retry_safe: bool,
    max_reconnects: int,
) -> AsyncIterator[ServerSentEvent[T]]:
    """Async twin of :func:`iter_events`."""
    decoder = SSEDecoder()
    failures = 0
    response = await open_stream(None)
    while True:
        try:
            try:
                async for chunk in response.aiter_bytes():
                    for raw in decoder.feed(chunk):
                        failures = 0
                        yield _event(raw, decode, response, where)
                tail = decoder.close()
            finally:
                await response.aclose()
        except httpx.TransportError as exc:
            resumable = retry_safe or decoder.last_event_id is not None
            if not resumable or failures >= max_reconnects:
                raise translate(exc, where)[0] from exc
            failures += 1
            await _retries._asleep(_reconnect_delay(decoder, failures))
            decoder = SSEDecoder(decoder.last_event_id, decoder.retry)
            response = await open_stream(decoder.last_event_id)
            continue
        for raw in tail:
            yield _event(raw, decode, response, where)
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
