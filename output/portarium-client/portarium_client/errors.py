"""Exceptions raised by the portarium_client client.

Every exception this package raises on purpose derives from :class:`ApiError`::

    ApiError
    ├── ApiStatusError            the server answered with an error status (>= 400)
    │   ├── ClientError            4xx
    │   │   ├── BadRequestError  400
    │   │   ├── UnauthorizedError  401
    │   │   ├── ForbiddenError  403
    │   │   ├── NotFoundError  404
    │   │   ├── ConflictError  409
    │   │   ├── UnprocessableEntityError  422
    │   │   └── RateLimitError  429
    │   └── ServerError            5xx
    ├── ApiConnectionError            no usable response: DNS, refused, reset, TLS, ...
    │   └── ApiTimeoutError           connect, read, write or pool timeout
    └── UnexpectedResponseError         a status the API does not document, or a body
                                                 that does not fit the documented schema

ApiStatusError carries ``status_code``, the raw ``response`` and ``body``, the
``request_id`` the server assigned, and ``problem``: the error body parsed into the model the
operation documents for that status (``None`` when the body is not JSON or does not fit, e.g. an
HTML page from a proxy). RateLimitError adds ``retry_after`` (seconds).

Messages never contain credentials: URLs in them have api-key query values redacted, and request
headers are never included.

The aliases at the bottom (``_ApiError`` ...) are what the package's ``_runtime`` imports, so the
public names above can be changed without touching the runtime.
"""

from __future__ import annotations

from typing import Any

import httpx

from ._runtime.retries import retry_after_seconds
from .types import _request_id

__all__ = [
    "ApiError",
    "ApiStatusError",
    "ClientError",
    "ServerError",
    "BadRequestError",
    "UnauthorizedError",
    "ForbiddenError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "ApiConnectionError",
    "ApiTimeoutError",
    "UnexpectedResponseError",
]


class ApiError(Exception):
    """Base class of every error raised by this client."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ApiStatusError(ApiError):
    """The server answered with an error status (4xx or 5xx)."""

    response: httpx.Response
    body: bytes
    problem: Any

    def __init__(
        self, message: str, *, response: httpx.Response, body: bytes, problem: Any
    ) -> None:
        super().__init__(message)
        self.response = response
        self.body = body
        self.problem = problem

    @property
    def status_code(self) -> int:
        """The HTTP status the server answered with."""
        return self.response.status_code

    @property
    def request_id(self) -> str | None:
        """The server's id for the failed request (``x-request-id`` and friends), if any."""
        return _request_id(self.response.headers)


class ClientError(ApiStatusError):
    """A 4xx status: the request was refused as sent."""


class ServerError(ApiStatusError):
    """A 5xx status: the server (or a proxy in front of it) failed."""


class BadRequestError(ClientError):
    """400 Bad Request."""


class UnauthorizedError(ClientError):
    """401 Unauthorized: credentials missing, wrong or expired."""


class ForbiddenError(ClientError):
    """403 Forbidden: the credentials do not allow this operation."""


class NotFoundError(ClientError):
    """404 Not Found."""


class ConflictError(ClientError):
    """409 Conflict."""


class UnprocessableEntityError(ClientError):
    """422 Unprocessable Entity: the body was well-formed but failed validation."""


class RateLimitError(ClientError):
    """429 Too Many Requests. ``retry_after``: seconds the server asked to wait, or ``None``."""

    retry_after: float | None

    def __init__(
        self, message: str, *, response: httpx.Response, body: bytes, problem: Any
    ) -> None:
        super().__init__(message, response=response, body=body, problem=problem)
        self.retry_after = retry_after_seconds(response.headers)


class ApiConnectionError(ApiError):
    """The request got no usable response (DNS failure, refused or dropped connection, TLS...)."""

    request: httpx.Request | None

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.request = request


class ApiTimeoutError(ApiConnectionError):
    """Connecting, sending, waiting for or reading the response took longer than the timeout."""


class UnexpectedResponseError(ApiError):
    """A status the API does not document, or a body that does not fit the documented schema."""

    response: httpx.Response

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        super().__init__(message)
        self.response = response

    @property
    def status_code(self) -> int:
        """The HTTP status of the unexpected response."""
        return self.response.status_code

    @property
    def body(self) -> bytes:
        """The raw response body (empty for a streamed response that was not read)."""
        try:
            return self.response.content
        except httpx.ResponseNotRead:
            return b""


_STATUS_CLASSES: dict[int, type[ApiStatusError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _status_error_class(status_code: int) -> type[ApiStatusError]:
    """The class raised for ``status_code``: the exact entry, else the 4xx / 5xx base class."""
    exact = _STATUS_CLASSES.get(status_code)
    if exact is not None:
        return exact
    if 400 <= status_code < 500:
        return ClientError
    if 500 <= status_code < 600:
        return ServerError
    return ApiStatusError


# Stable names for the package's _runtime; keep them whatever the classes above are called.
_ApiError = ApiError
_ApiStatusError = ApiStatusError
_ApiConnectionError = ApiConnectionError
_ApiTimeoutError = ApiTimeoutError
_UnexpectedResponseError = UnexpectedResponseError
