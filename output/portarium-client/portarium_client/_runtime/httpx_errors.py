"""The boundary where httpx's exceptions become this package's: one table, read top to bottom.

========================  ==========================  =========
httpx exception           raised as                   retried?
========================  ==========================  =========
TimeoutException          ApiTimeoutError             yes
NetworkError              ApiConnectionError          yes
RemoteProtocolError       ApiConnectionError          yes
ProxyError                ApiConnectionError          yes
(other) RequestError      ApiConnectionError          no
========================  ==========================  =========

(Connect / read / write / pool timeouts are all ``TimeoutException``; a server that closes the
connection without answering is a ``RemoteProtocolError``.) "Retried" applies only to calls that
:func:`.retries.is_retry_safe` allows. Exception messages name the method and a redacted URL, never
headers.
"""

from __future__ import annotations

from typing import Final

import httpx

from ..errors import _ApiConnectionError, _ApiTimeoutError

__all__ = ["TRANSPORT_ERRORS", "translate"]

_Row = tuple[type[httpx.RequestError], type[_ApiConnectionError], bool]

TRANSPORT_ERRORS: Final[tuple[_Row, ...]] = (
    (httpx.TimeoutException, _ApiTimeoutError, True),
    (httpx.NetworkError, _ApiConnectionError, True),
    (httpx.RemoteProtocolError, _ApiConnectionError, True),
    (httpx.ProxyError, _ApiConnectionError, True),
    (httpx.RequestError, _ApiConnectionError, False),
)


def translate(
    exc: httpx.RequestError, where: str, scrub: tuple[str, ...] = ()
) -> tuple[_ApiConnectionError, bool]:
    """Our exception for ``exc`` and whether the failure is retryable (first matching row wins).

    ``where`` is the method and the already redacted URL; any string in ``scrub`` (a known secret)
    is removed from the httpx message before it is quoted.
    """
    detail = str(exc) or type(exc).__name__
    for secret in scrub:
        if secret:
            detail = detail.replace(secret, "[REDACTED]")
    for foreign, ours, retryable in TRANSPORT_ERRORS:
        if isinstance(exc, foreign):
            kind = "timed out" if ours is _ApiTimeoutError else "failed"
            message = f"{where} {kind}: {detail}"
            try:
                request: httpx.Request | None = exc.request
            except RuntimeError:
                request = None
            return ours(message, request=request), retryable
    raise AssertionError("unreachable: httpx.RequestError is the last row") from exc
