"""``httpx.MockTransport`` helpers: a scripted handler that records what it was sent."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx

Entry = Callable[[httpx.Request], httpx.Response] | httpx.Response | BaseException


def reply(status: int = 200, body: Any = None, headers: dict[str, str] | None = None) -> Entry:
    """A factory answering ``status`` with ``body`` (JSON unless bytes/str) on every use."""

    def make(request: httpx.Request) -> httpx.Response:
        if body is None:
            return httpx.Response(status, headers=headers)
        if isinstance(body, (bytes, str)):
            return httpx.Response(status, content=body, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return make


class Script:
    """Answers each request with the next entry (the last one repeats) and records requests."""

    def __init__(self, *entries: Entry) -> None:
        self.entries = list(entries)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        entry = self.entries.pop(0) if len(self.entries) > 1 else self.entries[0]
        if isinstance(entry, BaseException):
            raise entry
        if isinstance(entry, httpx.Response):
            return entry
        return entry(request)

    def options(self) -> dict[str, Any]:
        """Client keyword arguments routing both sync and async calls here."""
        return {
            "transport": httpx.MockTransport(self),
            "async_transport": httpx.MockTransport(self),
        }

    def header(self, name: str) -> list[str | None]:
        return [r.headers.get(name) for r in self.requests]

    def json(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


class BrokenStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that yields ``chunks`` and then fails like a dropped connection."""

    def __init__(self, chunks: list[bytes], error: Exception | None = None) -> None:
        self.chunks = chunks
        self.error = error

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks
        if self.error is not None:
            raise self.error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
        if self.error is not None:
            raise self.error


def stream_reply(
    chunks: list[bytes],
    *,
    error: Exception | None = None,
    status: int = 200,
    content_type: str = "text/event-stream",
) -> Entry:
    def make(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status,
            headers={"Content-Type": content_type},
            stream=BrokenStream(chunks, error),
        )

    return make
