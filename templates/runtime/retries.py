"""Retry policy: which calls may be repeated, when, and how long to wait in between.

A call is retried only when repeating it cannot do something twice: the method is idempotent
(GET, HEAD, OPTIONS, PUT, DELETE, and QUERY, which is safe like GET but carries a body) or the
endpoint takes an idempotency key, which the client fills once per call and resends on every
attempt. A POST or PATCH without one is never retried.

What is retried: connection failures and timeouts (see :mod:`.httpx_errors`) and the statuses in
:data:`RETRY_STATUSES`. The wait before retry ``n`` (0-based) is the server's ``Retry-After``
(seconds or an HTTP date; ``retry-after-ms`` too), capped at :data:`MAX_RETRY_AFTER`; without one
it is ``0.5 s * 2**n`` capped at :data:`MAX_BACKOFF`, minus up to 25 % random jitter.

The client sleeps through :func:`_sleep` / :func:`_asleep`, looked up on this module at call
time, so tests can replace them (``monkeypatch.setattr(retries, "_sleep", ...)``).
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from typing import Final

import httpx

from .endpoint import Endpoint

__all__ = [
    "INITIAL_BACKOFF",
    "MAX_BACKOFF",
    "MAX_RETRY_AFTER",
    "RETRY_SAFE_METHODS",
    "RETRY_STATUSES",
    "backoff_delay",
    "is_retry_safe",
    "retry_after_seconds",
    "retry_delay",
]

RETRY_STATUSES: Final = frozenset({408, 429, 502, 503, 504})
RETRY_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "QUERY"})
INITIAL_BACKOFF: Final = 0.5
MAX_BACKOFF: Final = 8.0
MAX_RETRY_AFTER: Final = 60.0


def is_retry_safe(endpoint: Endpoint) -> bool:
    """Whether repeating a call to ``endpoint`` cannot perform its effect twice."""
    return endpoint.method in RETRY_SAFE_METHODS or endpoint.idempotency_header is not None


def backoff_delay(attempt: int) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based) when the server gave no hint."""
    base = min(INITIAL_BACKOFF * (2.0**attempt), MAX_BACKOFF)
    return base * (1.0 - 0.25 * random.random())


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """The wait the server asked for in ``retry-after-ms`` / ``Retry-After``, uncapped, or None."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(float(millis) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - time.time(), 0.0)


def retry_delay(attempt: int, response: httpx.Response | None) -> float:
    """The wait before retry ``attempt``: ``Retry-After`` (capped) if present, else backoff."""
    if response is not None:
        hinted = retry_after_seconds(response.headers)
        if hinted is not None:
            return min(hinted, MAX_RETRY_AFTER)
    return backoff_delay(attempt)


def _sleep(seconds: float) -> None:
    """How the sync client waits between attempts (replaceable in tests)."""
    time.sleep(seconds)


async def _asleep(seconds: float) -> None:
    """How the async client waits between attempts (replaceable in tests)."""
    await asyncio.sleep(seconds)
