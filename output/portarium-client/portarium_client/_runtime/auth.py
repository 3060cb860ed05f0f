"""Credentials: how each security scheme puts its secret on a request.

Every scheme is an :class:`AuthMethod`; the client holds a mapping *scheme name -> method* and,
per call, applies the methods the endpoint's ``security`` asks for. A method writes into the
call's ``headers`` / ``query`` / ``cookies`` containers, and gets the client's own httpx client so
that a method that must talk to a server (:class:`ClientCredentials`) uses the same transport,
proxies, TLS settings and test mocks as the API calls::

    AuthMethod
    ├── BearerToken     "Authorization: Bearer <token>"; token fixed, or asked per request from a
    │                   token provider: a sync or async callable, or a TokenSource
    ├── ApiKey          a key in a header, query parameter or cookie
    └── HttpBasic       "Authorization: Basic base64(user:password)"

    TokenSource (protocol)
    └── ClientCredentials   OAuth2 client-credentials exchange, cached until shortly before
                            expiry, one exchange at a time however many threads / tasks ask

On a 401 the client calls :meth:`AuthMethod.on_unauthorized` with the rejected request; a method
that can obtain a fresh credential (a token provider) says so, and the client retries the call
once. Methods report the header / query names and literal values that must never be logged.
"""

from __future__ import annotations

import abc
import asyncio
import base64
import inspect
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal, Protocol, runtime_checkable

import httpx

from ..errors import _status_error_class, _UnexpectedResponseError
from .httpx_errors import translate

__all__ = [
    "ApiKey",
    "AuthMethod",
    "BearerToken",
    "ClientCredentials",
    "HttpBasic",
    "TokenProvider",
    "TokenSource",
]


class AuthMethod(abc.ABC):
    """One security scheme's way of attaching credentials to a request."""

    @abc.abstractmethod
    def apply(
        self,
        headers: dict[str, str],
        query: list[tuple[str, str]],
        cookies: dict[str, str],
        http: httpx.Client,
    ) -> None:
        """Add credentials to the request being built (sync client)."""

    @abc.abstractmethod
    async def aapply(
        self,
        headers: dict[str, str],
        query: list[tuple[str, str]],
        cookies: dict[str, str],
        http: httpx.AsyncClient,
    ) -> None:
        """Add credentials to the request being built (async client)."""

    def on_unauthorized(self, request: httpx.Request) -> bool:
        """The server answered 401 to ``request``: return True if a retry may now succeed."""
        return False

    def sensitive_headers(self) -> Sequence[str]:
        """Header names whose values must be redacted."""
        return ()

    def sensitive_query(self) -> Sequence[str]:
        """Query parameter names whose values must be redacted."""
        return ()

    def secrets(self) -> Sequence[str]:
        """Literal secret values to scrub from any text this client produces."""
        return ()


@runtime_checkable
class TokenSource(Protocol):
    """A token provider that needs the client's HTTP client and can drop a rejected token."""

    def get_token(self, http: httpx.Client) -> str:
        """A valid token (sync)."""
        ...

    async def aget_token(self, http: httpx.AsyncClient) -> str:
        """A valid token (async)."""
        ...

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (the server rejected it) so the next call fetches a fresh one."""
        ...


TokenProvider = Callable[[], str] | Callable[[], Awaitable[str]] | TokenSource
"""What :class:`BearerToken` accepts as ``token_provider``."""


class BearerToken(AuthMethod):
    """``<header>: <prefix> <token>`` from a fixed token or a provider asked on every request."""

    __slots__ = ("_header", "_prefix", "_provider", "_source", "_static")

    def __init__(
        self,
        token: str | None = None,
        *,
        token_provider: TokenProvider | None = None,
        prefix: str = "Bearer",
        header: str = "Authorization",
    ) -> None:
        if (token is None) == (token_provider is None):
            raise TypeError("BearerToken needs exactly one of token= or token_provider=")
        self._header = header
        self._prefix = f"{prefix} " if prefix else ""
        self._static = None if token is None else self._prefix + token
        self._source: TokenSource | None = None
        self._provider: Callable[[], str | Awaitable[str]] | None = None
        if isinstance(token_provider, TokenSource):
            self._source = token_provider
        elif token_provider is not None:
            self._provider = token_provider

    def apply(
        self,
        headers: dict[str, str],
        query: list[tuple[str, str]],
        cookies: dict[str, str],
        http: httpx.Client,
    ) -> None:
        if self._static is not None:
            headers[self._header] = self._static
        elif self._source is not None:
            headers[self._header] = self._prefix + self._source.get_token(http)
        elif self._provider is not None:
            token = self._provider()
            if inspect.isawaitable(token):
                if inspect.iscoroutine(token):
                    token.close()
                raise TypeError("an async token_provider can only be used with the async methods")
            headers[self._header] = self._prefix + token

    async def aapply(
        self,
        headers: dict[str, str],
        query: list[tuple[str, str]],
        cookies: dict[str, str],
        http: httpx.AsyncClient,
    ) -> None:
        if self._static is not None:
            headers[self._header] = self._static
        elif self._source is not None:
            headers[self._header] = self._prefix + await self._source.aget_token(http)
        elif self._provider is not None:
            token = self._provider()
            if inspect.isawaitable(token):
                token = await token
            headers[self._header] = self._prefix + token

    def on_unauthorized(self, request: httpx.Request) -> bool:
        if self._static is not None:
            return False
        if self._source is not None:
            sent = request.headers.get(self._header, "")
            self._source.invalidate(sent[len(self._prefix) :] if self._prefix else sent)
        return True

    def sensitive_headers(self) -> Sequence[str]:
        return (self._header,)

    def secrets(self) -> Sequence[str]:
        if self._static is not None:
            return (self._static[len(self._prefix) :],)
        source_secrets = getattr(self._source, "secrets", None)
        return tuple(source_secrets()) if callable(source_secrets) else ()

    def __repr__(self) -> str:
        kind = "token=[REDACTED]" if self._static is not None else "token_provider=..."
        return f"BearerToken({kind}, header={self._header!r})"


class ApiKey(AuthMethod):
    """An API key sent as a header, a query parameter or a cookie named ``name``."""

    __slots__ = ("_location", "_name", "_value")

    def __init__(
        self, value: str, name: str, location: Literal["header", "query", "cookie"] = "header"
    ) -> None:
        if location not in ("header", "query", "cookie"):
            raise ValueError(f"unsupported api key location: {location!r}")
        self._value = value
        self._name = name
        self._location = location

    def _write(
        self, headers: dict[str, str], query: list[tuple[str, str]], cookies: dict[str, str]
    ) -> None:
        if self._location == "header":
            headers[self._name] = self._value
        elif self._location == "query":
            query.append((self._name, self._value))
        else:
            cookies[self._name] = self._value

    def apply(
        self,
        headers: dict[str, str],
        query: list[tuple[str, str]],
        cookies: dict[str, str],
        http: httpx.Client,
    ) -> None:
        self._write(headers, query, cookies)

    async def aapply(
        self,
        headers: dict[str, str],
        query: list[tuple[str, str]],
        cookies: dict[str, str],
        http: httpx.AsyncClient,
    ) -> None:
        self._write(headers, query, cookies)

    def sensitive_headers(self) -> Sequence[str]:
        return (self._name,) if self._location == "header" else ()

    def sensitive_query(self) -> Sequence[str]:
        return (self._name,) if self._location == "query" else ()

    def secrets(self) -> Sequence[str]:
        return (self._value,)

    def __repr__(self) -> str:
        return f"ApiKey([REDACTED], name={self._name!r}, location={self._location!r})"


class HttpBasic(AuthMethod):
    """``Authorization: Basic base64(username:password)``."""

    __slots__ = ("_password", "_username", "_value")

    def __init__(self, username: str, password: str) -> None:
        self._username = username
        self._password = password
        pair = f"{username}:{password}".encode()
        self._value = "Basic " + base64.b64encode(pair).decode("ascii")

    def apply(
        self,
        headers: dict[str, str],
        query: list[tuple[str, str]],
        cookies: dict[str, str],
        http: httpx.Client,
    ) -> None:
        headers["Authorization"] = self._value

    async def aapply(
        self,
        headers: dict[str, str],
        query: list[tuple[str, str]],
        cookies: dict[str, str],
        http: httpx.AsyncClient,
    ) -> None:
        headers["Authorization"] = self._value

    def sensitive_headers(self) -> Sequence[str]:
        return ("Authorization",)

    def secrets(self) -> Sequence[str]:
        return (self._password, self._value[len("Basic ") :])

    def __repr__(self) -> str:
        return f"HttpBasic(username={self._username!r}, password=[REDACTED])"


class ClientCredentials:
    """OAuth2 client-credentials grant as a :class:`TokenSource` for :class:`BearerToken`.

    POSTs ``grant_type=client_credentials`` (form-encoded; the id and secret in the body, or as
    HTTP basic with ``credentials_in="basic"``) to ``token_url`` through the calling client's own
    httpx client, and expects JSON with ``access_token`` and optionally ``expires_in`` and
    ``token_type``. The token is cached until ``refresh_margin`` seconds before it expires (or
    half its lifetime, for short-lived tokens); without ``expires_in`` it is kept until the API
    rejects it. Refreshes are single flight: concurrent callers -- threads on the sync side, tasks
    on the async side -- wait for the one exchange in progress instead of starting their own.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        token_url: str,
        scopes: Sequence[str] = (),
        *,
        audience: str | None = None,
        refresh_margin: float = 30.0,
        extra_params: Mapping[str, str] | None = None,
        credentials_in: Literal["body", "basic"] = "body",
    ) -> None:
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = token_url
        self.scopes = tuple(scopes)
        self.audience = audience
        self.refresh_margin = refresh_margin
        self._extra = dict(extra_params or {})
        self._credentials_in = credentials_in
        self.token_type: str | None = None
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        self._alock: asyncio.Lock | None = None
        self._alock_loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return (
            f"ClientCredentials(client_id={self.client_id!r}, client_secret=[REDACTED], "
            f"token_url={self.token_url!r})"
        )

    def secrets(self) -> Sequence[str]:
        """The client secret and the current access token, for scrubbing."""
        return (self._client_secret,) if self._token is None else (self._client_secret, self._token)

    def _cached(self) -> str | None:
        token = self._token
        if token is not None and time.monotonic() < self._expires_at:
            return token
        return None

    def invalidate(self, token: str) -> None:
        if self._token == token:
            self._token = None

    def get_token(self, http: httpx.Client) -> str:
        token = self._cached()
        if token is not None:
            return token
        with self._lock:
            token = self._cached()
            if token is not None:
                return token
            request = self._build_request(http)
            try:
                response = http.send(request)
            except httpx.RequestError as exc:
                raise translate(exc, f"POST {self.token_url}")[0] from exc
            return self._store(response)

    async def aget_token(self, http: httpx.AsyncClient) -> str:
        token = self._cached()
        if token is not None:
            return token
        async with self._async_lock():
            token = self._cached()
            if token is not None:
                return token
            request = self._build_request(http)
            try:
                response = await http.send(request)
            except httpx.RequestError as exc:
                raise translate(exc, f"POST {self.token_url}")[0] from exc
            return self._store(response)

    def _async_lock(self) -> asyncio.Lock:
        """The asyncio lock for the running loop (a lock cannot be shared between loops)."""
        loop = asyncio.get_running_loop()
        if self._alock is None or self._alock_loop is not loop:
            self._alock = asyncio.Lock()
            self._alock_loop = loop
        return self._alock

    def _build_request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        form = {"grant_type": "client_credentials"}
        headers = {"Accept": "application/json"}
        if self._credentials_in == "basic":
            pair = f"{self.client_id}:{self._client_secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        else:
            form["client_id"] = self.client_id
            form["client_secret"] = self._client_secret
        if self.scopes:
            form["scope"] = " ".join(self.scopes)
        if self.audience is not None:
            form["audience"] = self.audience
        form.update(self._extra)
        return http.build_request("POST", self.token_url, data=form, headers=headers)

    def _store(self, response: httpx.Response) -> str:
        """Check the exchange's answer, cache the token and return it."""
        body = response.content
        payload: Any = None
        try:
            payload = response.json()
        except ValueError:
            payload = None
        where = f"token exchange POST {self.token_url}"
        if response.status_code >= 400:
            error_class = _status_error_class(response.status_code)
            message = f"{where} failed with {response.status_code}"
            if isinstance(payload, dict) and isinstance(payload.get("error"), str):
                message += f" ({payload['error']})"
            raise error_class(message, response=response, body=body, problem=payload)
        token = payload.get("access_token") if isinstance(payload, dict) else None
        if not isinstance(token, str) or not token:
            raise _UnexpectedResponseError(f"{where} returned no access_token", response=response)
        assert isinstance(payload, dict)
        lifetime = _seconds(payload.get("expires_in"))
        now = time.monotonic()
        if lifetime is not None:
            usable = lifetime - self.refresh_margin
            self._expires_at = now + (usable if usable > lifetime / 2 else lifetime / 2)
        else:
            self._expires_at = float("inf")
        token_type = payload.get("token_type")
        self.token_type = token_type if isinstance(token_type, str) else None
        self._token = token
        return token


def _seconds(value: object) -> float | None:
    """``expires_in`` as seconds: a JSON number or a numeric string; anything else is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None
