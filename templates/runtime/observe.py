"""Observability without leaks: redaction of credentials and the client's debug log lines.

A :class:`Redactor` knows which header names and query parameter names carry credentials (the
defaults in :data:`SENSITIVE_HEADERS` plus whatever the configured auth methods use) and which
literal secret values to scrub from free text. Everything the client logs, puts in an exception
message or shows in ``repr()`` goes through it.

Log lines go to ``logging.getLogger(<logger_name>)`` at DEBUG level, one per attempt::

    GET https://api.example.com/v1/runs?key=[REDACTED] -> 503 (12.3 ms, attempt 1/3, request id a1)
    retrying GET https://api.example.com/v1/runs in 0.48 s (attempt 2/3): 503
    giving up after attempt 3/3: GET https://api.example.com/v1/runs timed out: ...

The client checks ``logger.isEnabledFor(DEBUG)`` before calling anything here, so the formatting
below costs nothing when debug logging is off.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Final

import httpx

from ..types import _request_id

__all__ = [
    "MIN_SCRUBBED_SECRET",
    "REDACTED",
    "SENSITIVE_HEADERS",
    "Redactor",
    "log_failure",
    "log_response",
    "log_retry",
]

REDACTED: Final = "[REDACTED]"
MIN_SCRUBBED_SECRET: Final = 6
"""Secrets shorter than this are not searched for inside free text (see :meth:`Redactor.text`)."""
_ENCODED: Final = "%5BREDACTED%5D"
SENSITIVE_HEADERS: Final = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)


class Redactor:
    """Replaces credential values with ``[REDACTED]`` in URLs, headers and text."""

    __slots__ = ("headers", "query", "secrets")

    def __init__(
        self, headers: Iterable[str] = (), query: Iterable[str] = (), secrets: Iterable[str] = ()
    ) -> None:
        self.headers = SENSITIVE_HEADERS | {name.lower() for name in headers}
        self.query = frozenset(query)
        # Very short values would be scrubbed out of unrelated words ("t" from "https"); they are
        # still redacted wherever they stand as a header or query value.
        self.secrets = tuple(
            sorted({s for s in secrets if len(s) >= MIN_SCRUBBED_SECRET}, key=len, reverse=True)
        )

    def url(self, url: httpx.URL | str) -> str:
        """``url`` with credential query values and any userinfo password redacted."""
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
        if parsed.password:
            parsed = parsed.copy_with(username=parsed.username, password=REDACTED)
        if self.query and any(name in self.query for name in parsed.params):
            params = [
                (name, REDACTED if name in self.query else value)
                for name, value in parsed.params.multi_items()
            ]
            parsed = parsed.copy_with(params=params)
        return self.text(str(parsed).replace(_ENCODED, REDACTED))

    def header_dict(self, headers: httpx.Headers) -> dict[str, str]:
        """Headers as a dict for display, credential values redacted."""
        return {
            name: (REDACTED if name.lower() in self.headers else value)
            for name, value in headers.items()
        }

    def text(self, text: str) -> str:
        """``text`` with every known literal secret replaced."""
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text


def log_response(
    logger: logging.Logger,
    redactor: Redactor,
    request: httpx.Request,
    response: httpx.Response,
    elapsed: float,
    attempt: int,
    attempts: int,
) -> None:
    """One DEBUG line per answered attempt, then the redacted request headers."""
    logger.debug(
        "%s %s -> %d (%.1f ms, attempt %d/%d, request id %s)",
        request.method,
        redactor.url(request.url),
        response.status_code,
        elapsed * 1000.0,
        attempt,
        attempts,
        _request_id(response.headers),
    )
    logger.debug("request headers: %s", redactor.header_dict(request.headers))


def log_retry(
    logger: logging.Logger,
    redactor: Redactor,
    request: httpx.Request,
    reason: str,
    delay: float,
    attempt: int,
    attempts: int,
) -> None:
    """One DEBUG line announcing a retry (``attempt`` is the 1-based number of the next try)."""
    logger.debug(
        "retrying %s %s in %.2f s (attempt %d/%d): %s",
        request.method,
        redactor.url(request.url),
        delay,
        attempt,
        attempts,
        redactor.text(reason),
    )


def log_failure(logger: logging.Logger, message: str, attempt: int, attempts: int) -> None:
    """One DEBUG line for an attempt that got no response and is not retried.

    ``message`` is the translated exception's message, already redacted.
    """
    logger.debug("giving up after attempt %d/%d: %s", attempt, attempts, message)
