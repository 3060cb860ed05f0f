"""The client every generated ``Client`` subclasses: configuration, the send loop, decoding.

One call goes through four steps, each a method below::

    request(endpoint, parts, spec)
      _prepare   endpoint + parts + per-call options -> _Call (URL, headers, body, limits)
      _build     _Call + auth methods               -> httpx.Request   (again after a 401 refresh)
      _send      attempts: hooks, send, log, 401 refresh, retry/backoff -> httpx.Response
      _decode    ResponseSpec                        -> Response[T] or the right exception

``arequest`` / ``_abuild`` / ``_asend`` are the async twins; the streaming methods share
``_prepare`` and ``_send`` and hand the open response to :mod:`.streams`.

Configuration choices (see ``docs/runtime-contract.md``): the default timeout is 60 s overall and
5 s to connect, never "none"; ``max_retries`` defaults to 2; a caller's own ``httpx.Client`` /
``httpx.AsyncClient`` is used as is (its transport, proxies, TLS, hooks) and never closed by us.
The hot path allocates one small ``_Call`` and one headers dict per call and formats log text only
when DEBUG is enabled for the client's logger.
"""

from __future__ import annotations

import asyncio
import logging
import re
import ssl
import threading
import time
import uuid
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterator,
    Mapping,
    Sequence,
)
from types import TracebackType
from typing import Any, Final, TypeVar
from urllib.parse import quote, urlencode

import httpx

from ..types import NOT_GIVEN, NotGiven, Response
from . import jsonlib
from . import retries as _retries
from .auth import AuthMethod
from .endpoint import Endpoint, RequestParts
from .httpx_errors import translate
from .observe import Redactor, log_failure, log_response, log_retry
from .responses import (
    DECODE_ERRORS,
    ResponseSpec,
    status_error,
    unexpected_body,
    unexpected_status,
)
from .sse import ServerSentEvent
from .streams import aiter_bytes, aiter_events, aiter_lines, iter_bytes, iter_events, iter_lines
from .strict import strict_scope

__all__ = ["DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "BaseClient", "EventHook"]

T = TypeVar("T")
C = TypeVar("C", bound="BaseClient")

DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES: Final = 2

EventHook = Callable[[Any], Any]
"""Called with each ``httpx.Request`` before it is sent / each ``httpx.Response`` on arrival
(on every attempt). The async client awaits a hook that returns an awaitable."""

TimeoutArg = float | httpx.Timeout | None
_PATH_SAFE: Final = "!$&'()*+,;=:@%"
# Path values come encoded by params.path_param; anything else a caller put in RequestParts is
# quoted here, and a bare dot-segment is never sent.
_encoded_segment: Final = re.compile(
    r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*"
).fullmatch
_USE_CLIENT_DEFAULT: Final = httpx.USE_CLIENT_DEFAULT


def _has_header(headers: Mapping[str, str], name: str) -> bool:
    """Whether ``headers`` (a plain dict) holds ``name`` in any letter case."""
    wanted = name.lower()
    return any(key.lower() == wanted for key in headers)


class _Call:
    """Everything about one call that does not change between its attempts."""

    __slots__ = (
        "auth",
        "endpoint",
        "extra_headers",
        "headers",
        "max_retries",
        "parts",
        "retry_safe",
        "timeout",
        "url",
    )

    def __init__(
        self,
        endpoint: Endpoint,
        parts: RequestParts,
        url: str,
        headers: dict[str, str],
        timeout: httpx.Timeout | httpx._client.UseClientDefault,
        max_retries: int,
        retry_safe: bool,
        auth: tuple[AuthMethod, ...],
        extra_headers: Mapping[str, str] | None,
    ) -> None:
        self.endpoint = endpoint
        self.parts = parts
        self.url = url
        self.headers = headers
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_safe = retry_safe
        self.auth = auth
        self.extra_headers = extra_headers


def _ssl_verify(verify: bool | str | ssl.SSLContext) -> bool | ssl.SSLContext:
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    return verify


def _replayable(parts: RequestParts) -> bool:
    """Whether the body can be sent again (a one-shot stream or open file cannot)."""
    if parts.content is not None and not isinstance(parts.content, (bytes, str)):
        return False
    return parts.files is None or all(isinstance(f[1][1], bytes) for f in parts.files)


class BaseClient:
    """Holds the configuration and the httpx clients; generated code calls its request methods.

    ``httpx_client`` / ``async_httpx_client``: use these (never closed here) instead of clients
    built from ``transport`` / ``async_transport``, ``verify_ssl`` and ``follow_redirects``.
    ``timeout``: not given -> 60 s overall, 5 s connect for clients built here and the caller's
    own client's setting otherwise; ``None`` -> no timeout. ``auth``: security scheme name ->
    :class:`~.auth.AuthMethod`. ``event_hooks``: ``{"request": [...], "response": [...]}``.
    """

    def __init__(
        self,
        *,
        base_url: str,
        headers: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        verify_ssl: bool | str | ssl.SSLContext = True,
        follow_redirects: bool = False,
        httpx_client: httpx.Client | None = None,
        async_httpx_client: httpx.AsyncClient | None = None,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        event_hooks: Mapping[str, Sequence[EventHook]] | None = None,
        strict: bool = False,
        auth: Mapping[str, AuthMethod] | None = None,
        logger_name: str = "portarium_client",
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self._base_url = base_url.rstrip("/")
        self._headers = dict(headers or {})
        self._cookies = dict(cookies or {})
        self._max_retries = max_retries
        self._strict = strict
        self._auth = dict(auth or {})
        self._logger = logging.getLogger(logger_name)
        hooks = event_hooks or {}
        self._request_hooks = tuple(hooks.get("request", ()))
        self._response_hooks = tuple(hooks.get("response", ()))
        unknown_hooks = set(hooks) - {"request", "response"}
        if unknown_hooks:
            raise ValueError(f"unknown event hook kind(s): {sorted(unknown_hooks)}")

        own_timeout = DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else httpx.Timeout(timeout)
        self._client_options: dict[str, Any] = {
            "timeout": own_timeout,
            "verify": _ssl_verify(verify_ssl),
            "follow_redirects": follow_redirects,
        }
        # Per-call timeout for requests through each side's client: clients built here carry the
        # timeout themselves; a caller's client keeps its own unless one was given explicitly.
        explicit = None if isinstance(timeout, NotGiven) else own_timeout
        self._http = httpx_client
        self._owns_http = httpx_client is None
        self._transport = transport
        self._sync_timeout = (
            _USE_CLIENT_DEFAULT if explicit is None or self._owns_http else explicit
        )
        self._ahttp = async_httpx_client
        self._ahttp_loop: asyncio.AbstractEventLoop | None = None
        self._owns_ahttp = async_httpx_client is None
        self._async_transport = async_transport
        self._async_timeout = (
            _USE_CLIENT_DEFAULT if explicit is None or self._owns_ahttp else explicit
        )
        self._lock = threading.Lock()
        self._security: dict[tuple[tuple[str, ...], ...] | None, tuple[AuthMethod, ...]] = {}
        # id(endpoint) -> (endpoint, its auth methods, whether it may be retried); endpoints are
        # module constants, so this is filled once per operation and read on every call.
        self._plans: dict[int, tuple[Endpoint, tuple[AuthMethod, ...], bool]] = {}

        methods = self._auth.values()
        self._redactor = Redactor(
            headers=[h for m in methods for h in m.sensitive_headers()],
            query=[q for m in methods for q in m.sensitive_query()],
            secrets=[s for m in methods for s in m.secrets()],
        )

    @property
    def base_url(self) -> str:
        """The base URL every request goes to (without a trailing slash)."""
        return self._base_url

    @property
    def logger(self) -> logging.Logger:
        """The logger retries and the pagination loop report to."""
        return self._logger

    # -- lifecycle -------------------------------------------------------------------------

    def __repr__(self) -> str:
        schemes = ", ".join(f"{name}={method!r}" for name, method in self._auth.items())
        base_url = self._redactor.url(self._base_url)
        return f"{type(self).__name__}(base_url={base_url!r}, auth={{{schemes}}})"

    def _sync_http(self) -> httpx.Client:
        http = self._http
        if http is None:
            with self._lock:
                http = self._http
                if http is None:
                    http = self._http = httpx.Client(
                        transport=self._transport, **self._client_options
                    )
        return http

    def _async_http(self) -> httpx.AsyncClient:
        """The async httpx client; one built here is rebuilt when the event loop changes.

        (Pooled connections belong to the loop that opened them, so reusing a client after
        ``asyncio.run`` returned fails with "Event loop is closed". A caller's own client is
        used as given.)
        """
        http = self._ahttp
        if not self._owns_ahttp:
            assert http is not None
            return http
        loop = asyncio.get_running_loop()
        if http is None or self._ahttp_loop is not loop:
            with self._lock:
                if self._ahttp is None or self._ahttp_loop is not loop:
                    self._ahttp = httpx.AsyncClient(
                        transport=self._async_transport, **self._client_options
                    )
                    self._ahttp_loop = loop
                http = self._ahttp
        return http

    def close(self) -> None:
        """Close the sync httpx client if this object created it."""
        if self._owns_http and self._http is not None:
            self._http.close()
            self._http = None

    async def aclose(self) -> None:
        """Close the httpx clients this object created (async and sync)."""
        if self._owns_ahttp and self._ahttp is not None:
            # A client from an earlier (finished) event loop cannot be closed from this one.
            if self._ahttp_loop is asyncio.get_running_loop():
                await self._ahttp.aclose()
            self._ahttp = None
        self.close()

    def __enter__(self: C) -> C:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self: C) -> C:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- preparing and building ------------------------------------------------------------

    def _auth_for(self, endpoint: Endpoint) -> tuple[AuthMethod, ...]:
        """The auth methods for ``endpoint.security`` (first fully configured alternative)."""
        security = endpoint.security
        found = self._security.get(security)
        if found is None:
            if security is None:
                found = tuple(self._auth.values())
            else:
                found = ()
                for alternative in security:
                    if all(name in self._auth for name in alternative):
                        found = tuple(self._auth[name] for name in alternative)
                        break
            # One method may serve several schemes (a bearer token for "bearer" and "oauth2"):
            # apply it once per request, not once per scheme.
            found = tuple({id(method): method for method in found}.values())
            self._security[security] = found
        return found

    def _plan(self, endpoint: Endpoint) -> tuple[Endpoint, tuple[AuthMethod, ...], bool]:
        plan = self._plans.get(id(endpoint))
        if plan is None or plan[0] is not endpoint:
            if len(self._plans) > 4096:  # endpoints built per call: do not grow without bound
                self._plans.clear()
            plan = (endpoint, self._auth_for(endpoint), _retries.is_retry_safe(endpoint))
            self._plans[id(endpoint)] = plan
        return plan

    def _prepare(
        self,
        endpoint: Endpoint,
        parts: RequestParts,
        extra_headers: Mapping[str, str] | None,
        timeout: TimeoutArg | NotGiven,
        max_retries: int | NotGiven,
        default_timeout: httpx.Timeout | httpx._client.UseClientDefault,
    ) -> _Call:
        path = endpoint.path
        for name, value in parts.path_params.items():
            if _encoded_segment(value) is None:
                value = quote(value, safe=_PATH_SAFE)
            if value == "." or value == "..":
                value = value.replace(".", "%2E")
            path = path.replace("{" + name + "}", value)
        headers = self._headers.copy()
        if parts.headers:
            headers.update(parts.headers)
        if extra_headers:
            headers.update(extra_headers)
        if parts.content_type is not None:
            headers["Content-Type"] = parts.content_type
        _, auth, retry_safe = self._plan(endpoint)
        idempotency_header = endpoint.idempotency_header
        if idempotency_header is not None and not _has_header(headers, idempotency_header):
            headers[idempotency_header] = str(uuid.uuid4())
        if retry_safe and (parts.content is not None or parts.files is not None):
            retry_safe = _replayable(parts)
        return _Call(
            endpoint,
            parts,
            self._base_url + path if parts.url is None else parts.url,
            headers,
            default_timeout if isinstance(timeout, NotGiven) else httpx.Timeout(timeout),
            self._max_retries if isinstance(max_retries, NotGiven) else max_retries,
            retry_safe,
            auth,
            extra_headers,
        )

    def _finish_request(
        self,
        call: _Call,
        http: httpx.Client | httpx.AsyncClient,
        query: list[tuple[str, str]],
        cookies: dict[str, str],
    ) -> httpx.Request:
        parts = call.parts
        headers = call.headers
        if cookies or self._cookies:
            jar = {**self._cookies, **cookies}
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in jar.items())
        body = parts.json
        content = parts.content
        if not isinstance(body, NotGiven):
            # Serialised here (orjson when installed) rather than by httpx's ``json=``.
            content = b"null" if body is None else jsonlib.dumps(body)
            if not _has_header(headers, "Content-Type"):
                headers["Content-Type"] = "application/json"
        params: Any = query or None  # httpx's own annotation is narrower than what it takes
        url = call.url
        if parts.query_string:
            # A whole query string (OpenAPI 3.2 ``querystring``) goes on the URL as written:
            # httpx would re-encode it as name=value pairs.
            url = "&".join(filter(None, (f"{url}?{parts.query_string}", urlencode(query or []))))
            params = None
        return http.build_request(
            call.endpoint.method if parts.method is None else parts.method,
            url,
            params=params,
            headers=headers,
            content=content,
            data=parts.data,
            files=parts.files,
            timeout=call.timeout,
        )

    def _build(self, call: _Call, http: httpx.Client) -> httpx.Request:
        parts = call.parts
        if not call.auth:
            return self._finish_request(call, http, parts.query, parts.cookies)
        query = parts.query.copy()
        cookies = parts.cookies.copy()
        for method in call.auth:
            method.apply(call.headers, query, cookies, http)
        if call.extra_headers:  # the caller's per-call headers win, Authorization included
            call.headers.update(call.extra_headers)
        return self._finish_request(call, http, query, cookies)

    async def _abuild(self, call: _Call, http: httpx.AsyncClient) -> httpx.Request:
        parts = call.parts
        if not call.auth:
            return self._finish_request(call, http, parts.query, parts.cookies)
        query = parts.query.copy()
        cookies = parts.cookies.copy()
        for method in call.auth:
            await method.aapply(call.headers, query, cookies, http)
        if call.extra_headers:
            call.headers.update(call.extra_headers)
        return self._finish_request(call, http, query, cookies)

    def _where(self, request: httpx.Request) -> str:
        """``METHOD url`` with credentials redacted, for messages."""
        return f"{request.method} {self._redactor.url(request.url)}"

    def _reauthorize(self, call: _Call, request: httpx.Request) -> bool:
        """After a 401: let every method react; True if any obtained a fresh credential."""
        return any([method.on_unauthorized(request) for method in call.auth])

    # -- sending ---------------------------------------------------------------------------

    def _send(self, call: _Call, stream: bool) -> httpx.Response:
        """Send ``call``, retrying and re-authorizing as allowed; return the final response."""
        http = self._http or self._sync_http()
        request = self._build(call, http)
        logger = self._logger
        debug = logger.isEnabledFor(logging.DEBUG)
        attempt = 0
        reauthorized = False
        started = 0.0
        while True:
            for hook in self._request_hooks:
                hook(request)
            if debug:
                started = time.perf_counter()
            try:
                response = http.send(request, stream=stream)
            except httpx.RequestError as exc:
                error, retryable = translate(exc, self._where(request), self._redactor.secrets)
                if retryable and call.retry_safe and attempt < call.max_retries:
                    delay = _retries.retry_delay(attempt, None)
                    attempt += 1
                    if debug:
                        log_retry(
                            logger,
                            self._redactor,
                            request,
                            error.message,
                            delay,
                            attempt + 1,
                            call.max_retries + 1,
                        )
                    _retries._sleep(delay)
                    continue
                if debug:
                    log_failure(logger, error.message, attempt + 1, call.max_retries + 1)
                raise error from exc
            for hook in self._response_hooks:
                hook(response)
            if debug:
                elapsed = time.perf_counter() - started
                log_response(
                    logger,
                    self._redactor,
                    request,
                    response,
                    elapsed,
                    attempt + 1,
                    call.max_retries + 1,
                )
            status = response.status_code
            if status == 401 and call.auth and not reauthorized:
                reauthorized = True
                if self._reauthorize(call, request):
                    response.close()
                    request = self._build(call, http)
                    continue
            if status in _retries.RETRY_STATUSES and call.retry_safe and attempt < call.max_retries:
                delay = _retries.retry_delay(attempt, response)
                attempt += 1
                response.close()
                if debug:
                    log_retry(
                        logger,
                        self._redactor,
                        request,
                        f"status {status}",
                        delay,
                        attempt + 1,
                        call.max_retries + 1,
                    )
                _retries._sleep(delay)
                continue
            return response

    async def _asend(self, call: _Call, stream: bool) -> httpx.Response:
        """Async twin of :meth:`_send`."""
        http = self._async_http()
        request = await self._abuild(call, http)
        logger = self._logger
        debug = logger.isEnabledFor(logging.DEBUG)
        attempt = 0
        reauthorized = False
        started = 0.0
        while True:
            for hook in self._request_hooks:
                result = hook(request)
                if isinstance(result, Awaitable):
                    await result
            if debug:
                started = time.perf_counter()
            try:
                response = await http.send(request, stream=stream)
            except httpx.RequestError as exc:
                error, retryable = translate(exc, self._where(request), self._redactor.secrets)
                if retryable and call.retry_safe and attempt < call.max_retries:
                    delay = _retries.retry_delay(attempt, None)
                    attempt += 1
                    if debug:
                        log_retry(
                            logger,
                            self._redactor,
                            request,
                            error.message,
                            delay,
                            attempt + 1,
                            call.max_retries + 1,
                        )
                    await _retries._asleep(delay)
                    continue
                if debug:
                    log_failure(logger, error.message, attempt + 1, call.max_retries + 1)
                raise error from exc
            for hook in self._response_hooks:
                result = hook(response)
                if isinstance(result, Awaitable):
                    await result
            if debug:
                elapsed = time.perf_counter() - started
                log_response(
                    logger,
                    self._redactor,
                    request,
                    response,
                    elapsed,
                    attempt + 1,
                    call.max_retries + 1,
                )
            status = response.status_code
            if status == 401 and call.auth and not reauthorized:
                reauthorized = True
                if self._reauthorize(call, request):
                    await response.aclose()
                    request = await self._abuild(call, http)
                    continue
            if status in _retries.RETRY_STATUSES and call.retry_safe and attempt < call.max_retries:
                delay = _retries.retry_delay(attempt, response)
                attempt += 1
                await response.aclose()
                if debug:
                    log_retry(
                        logger,
                        self._redactor,
                        request,
                        f"status {status}",
                        delay,
                        attempt + 1,
                        call.max_retries + 1,
                    )
                await _retries._asleep(delay)
                continue
            return response

    # -- decoding --------------------------------------------------------------------------

    def _decode(self, response: httpx.Response, spec: ResponseSpec[T]) -> Response[T]:
        status = response.status_code
        if status >= 400:
            raise status_error(response, spec, self._where(response.request))
        decoder = spec.decoder_for(status)
        if decoder is None:
            raise unexpected_status(response, self._where(response.request))
        try:
            if self._strict:
                with strict_scope():
                    parsed = decoder(response)
            else:
                parsed = decoder(response)
        except DECODE_ERRORS as exc:
            raise unexpected_body(response, self._where(response.request), exc) from exc
        return Response(status, response.headers, response.content, parsed, response.request.url)

    def _strict_decode(self, decode: Callable[[Any], T]) -> Callable[[Any], T]:
        if not self._strict:
            return decode

        def strict_decode(value: Any) -> T:
            with strict_scope():
                return decode(value)

        return strict_decode

    def _check_stream(self, response: httpx.Response, spec: ResponseSpec[Any]) -> None:
        """Raise for an error (or undocumented non-2xx) status on a freshly opened stream."""
        status = response.status_code
        if status < 300:
            return
        where = self._where(response.request)
        try:
            response.read()
        except httpx.RequestError as exc:
            raise translate(exc, where, self._redactor.secrets)[0] from exc
        finally:
            response.close()
        if status >= 400:
            raise status_error(response, spec, where)
        raise unexpected_status(response, where)

    async def _acheck_stream(self, response: httpx.Response, spec: ResponseSpec[Any]) -> None:
        status = response.status_code
        if status < 300:
            return
        where = self._where(response.request)
        try:
            await response.aread()
        except httpx.RequestError as exc:
            raise translate(exc, where, self._redactor.secrets)[0] from exc
        finally:
            await response.aclose()
        if status >= 400:
            raise status_error(response, spec, where)
        raise unexpected_status(response, where)

    # -- the calls generated code makes ----------------------------------------------------

    def request(
        self,
        endpoint: Endpoint,
        parts: RequestParts,
        spec: ResponseSpec[T],
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Response[T]:
        """Send one call and decode its response (sync)."""
        call = self._prepare(
            endpoint, parts, extra_headers, timeout, max_retries, self._sync_timeout
        )
        return self._decode(self._send(call, False), spec)

    async def arequest(
        self,
        endpoint: Endpoint,
        parts: RequestParts,
        spec: ResponseSpec[T],
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Response[T]:
        """Send one call and decode its response (async)."""
        call = self._prepare(
            endpoint, parts, extra_headers, timeout, max_retries, self._async_timeout
        )
        return self._decode(await self._asend(call, False), spec)

    def stream_events(
        self,
        endpoint: Endpoint,
        parts: RequestParts,
        decode_data: Callable[[str], T],
        *,
        error_spec: ResponseSpec[Any],
        extra_headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        max_reconnects: int = 5,
    ) -> Iterator[ServerSentEvent[T]]:
        """Server-Sent Events from ``endpoint``, yielded as they arrive (sync)."""
        call = self._prepare(
            endpoint, parts, extra_headers, timeout, max_retries, self._sync_timeout
        )
        call.headers.setdefault("Accept", "text/event-stream")

        def open_stream(last_event_id: str | None) -> httpx.Response:
            if last_event_id is not None:
                call.headers["Last-Event-ID"] = last_event_id
            response = self._send(call, True)
            self._check_stream(response, error_spec)
            return response

        return iter_events(
            open_stream,
            self._strict_decode(decode_data),
            where=f"{endpoint.method} {self._redactor.url(call.url)}",
            retry_safe=call.retry_safe,
            max_reconnects=max_reconnects,
        )

    def astream_events(
        self,
        endpoint: Endpoint,
        parts: RequestParts,
        decode_data: Callable[[str], T],
        *,
        error_spec: ResponseSpec[Any],
        extra_headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        max_reconnects: int = 5,
    ) -> AsyncIterator[ServerSentEvent[T]]:
        """Server-Sent Events from ``endpoint``, yielded as they arrive (async)."""
        call = self._prepare(
            endpoint, parts, extra_headers, timeout, max_retries, self._async_timeout
        )
        call.headers.setdefault("Accept", "text/event-stream")

        async def open_stream(last_event_id: str | None) -> httpx.Response:
            if last_event_id is not None:
                call.headers["Last-Event-ID"] = last_event_id
            response = await self._asend(call, True)
            await self._acheck_stream(response, error_spec)
            return response

        return aiter_events(
            open_stream,
            self._strict_decode(decode_data),
            where=f"{endpoint.method} {self._redactor.url(call.url)}",
            retry_safe=call.retry_safe,
            max_reconnects=max_reconnects,
        )

    def stream_lines(
        self,
        endpoint: Endpoint,
        parts: RequestParts,
        decode_line: Callable[[Any], T],
        *,
        error_spec: ResponseSpec[Any],
        extra_headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Iterator[T]:
        """One decoded value per NDJSON line, yielded as lines arrive (sync)."""
        call = self._prepare(
            endpoint, parts, extra_headers, timeout, max_retries, self._sync_timeout
        )
        response = self._send(call, True)
        self._check_stream(response, error_spec)
        where = self._where(response.request)
        yield from iter_lines(response, self._strict_decode(decode_line), where=where)

    async def astream_lines(
        self,
        endpoint: Endpoint,
        parts: RequestParts,
        decode_line: Callable[[Any], T],
        *,
        error_spec: ResponseSpec[Any],
        extra_headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncIterator[T]:
        """One decoded value per NDJSON line, yielded as lines arrive (async)."""
        call = self._prepare(
            endpoint, parts, extra_headers, timeout, max_retries, self._async_timeout
        )
        response = await self._asend(call, True)
        await self._acheck_stream(response, error_spec)
        where = self._where(response.request)
        async for item in aiter_lines(response, self._strict_decode(decode_line), where=where):
            yield item

    def stream_bytes(
        self,
        endpoint: Endpoint,
        parts: RequestParts,
        *,
        error_spec: ResponseSpec[Any],
        extra_headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Iterator[bytes]:
        """The raw body in chunks as they arrive (sync)."""
        call = self._prepare(
            endpoint, parts, extra_headers, timeout, max_retries, self._sync_timeout
        )
        response = self._send(call, True)
        self._check_stream(response, error_spec)
        yield from iter_bytes(response, where=self._where(response.request))

    async def astream_bytes(
        self,
        endpoint: Endpoint,
        parts: RequestParts,
        *,
        error_spec: ResponseSpec[Any],
        extra_headers: Mapping[str, str] | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncIterator[bytes]:
        """The raw body in chunks as they arrive (async)."""
        call = self._prepare(
            endpoint, parts, extra_headers, timeout, max_retries, self._async_timeout
        )
        response = await self._asend(call, True)
        await self._acheck_stream(response, error_spec)
        async for chunk in aiter_bytes(response, where=self._where(response.request)):
            yield chunk
