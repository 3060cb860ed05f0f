"""Auth methods, token providers, 401 refresh, ClientCredentials caching and single flight."""

from __future__ import annotations

import asyncio
import base64
import threading
import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from mockhttp import Script, reply

TOKEN_URL = "http://auth.test/oauth/token"


def ep(R: SimpleNamespace, security: Any = None, method: str = "GET") -> Any:
    return R.endpoint.Endpoint(method, "/secure", "secure", security=security)


def spec(R: SimpleNamespace) -> Any:
    return R.responses.ResponseSpec({"200": R.responses.json_decoder(lambda v: v)})


def get(R: SimpleNamespace, client: Any, security: Any = None) -> Any:
    return client.request(ep(R, security), R.endpoint.RequestParts(), spec(R))


def aget(R: SimpleNamespace, client: Any, security: Any = None) -> Any:
    async def go() -> Any:
        async with client:
            return await client.arequest(ep(R, security), R.endpoint.RequestParts(), spec(R))

    return asyncio.run(go())


def make(R: SimpleNamespace, script: Script, **kw: Any) -> Any:
    return R.pkg.Client(base_url="http://api.test", **script.options(), **kw)


# -- static methods -------------------------------------------------------------------------


def test_static_bearer(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    get(R, make(R, script, token="tok"))
    aget(R, make(R, script, token="tok"))
    assert script.header("Authorization") == ["Bearer tok", "Bearer tok"]


def test_bearer_custom_header_and_prefix(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    method = R.auth.BearerToken("t", prefix="Token", header="X-Auth")
    client = R.base_client.BaseClient(
        base_url="http://api.test", auth={"b": method}, **script.options()
    )
    get(R, client)
    assert script.header("X-Auth") == ["Token t"]
    with pytest.raises(TypeError):
        R.auth.BearerToken()
    with pytest.raises(TypeError):
        R.auth.BearerToken("a", token_provider=lambda: "b")


def test_api_key_locations(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    client = R.base_client.BaseClient(
        base_url="http://api.test",
        auth={
            "h": R.auth.ApiKey("k1", "X-Api-Key", "header"),
            "q": R.auth.ApiKey("k2", "api_key", "query"),
            "c": R.auth.ApiKey("k3", "sid", "cookie"),
        },
        **script.options(),
    )
    parts = R.endpoint.RequestParts(query=[("a", "1")], cookies={"pref": "x"})
    client.request(ep(R), parts, spec(R))
    client.request(ep(R), parts, spec(R))  # parts are reusable: nothing accumulated
    for sent in script.requests:
        assert sent.headers["X-Api-Key"] == "k1"
        assert sent.url.params.multi_items() == [("a", "1"), ("api_key", "k2")]
        assert sent.headers["Cookie"] == "pref=x; sid=k3"
    assert parts.query == [("a", "1")] and parts.cookies == {"pref": "x"}
    with pytest.raises(ValueError):
        R.auth.ApiKey("k", "n", "body")


def test_http_basic(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    get(R, make(R, script, username="ann", password="pw:1"))
    expected = "Basic " + base64.b64encode(b"ann:pw:1").decode()
    assert script.header("Authorization") == [expected]


def test_security_selection(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    client = make(R, script, token="tok", api_key="key")
    get(R, client, security=None)
    get(R, client, security=())
    get(R, client, security=(("missing",), ("apiKey",), ("bearerAuth",)))
    get(R, client, security=(("bearerAuth", "apiKey"),))
    get(R, client, security=(("missing",),))
    auth = script.header("Authorization")
    keys = script.header("X-Api-Key")
    assert auth == ["Bearer tok", None, None, "Bearer tok", None]
    assert keys == ["key", None, "key", "key", None]


# -- token providers and 401 ----------------------------------------------------------------


def test_sync_provider_asked_per_request(R: SimpleNamespace) -> None:
    tokens = iter(["t1", "t2", "t3"])
    script = Script(reply(200, {}))
    client = make(R, script, token_provider=lambda: next(tokens))
    get(R, client)
    get(R, client)
    assert script.header("Authorization") == ["Bearer t1", "Bearer t2"]


def test_async_provider(R: SimpleNamespace) -> None:
    calls = []

    async def provider() -> str:
        calls.append(1)
        return f"a{len(calls)}"

    script = Script(reply(200, {}))
    aget(R, make(R, script, token_provider=provider))
    assert script.header("Authorization") == ["Bearer a1"]
    with pytest.raises(TypeError, match="async"):
        get(R, make(R, script, token_provider=provider))


def test_sync_provider_in_async_client(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    aget(R, make(R, script, token_provider=lambda: "s"))
    assert script.header("Authorization") == ["Bearer s"]


def test_401_refreshes_provider_once(R: SimpleNamespace) -> None:
    tokens = iter(["old", "new", "newer"])
    script = Script(reply(401), reply(200, {"ok": 1}))
    client = make(R, script, token_provider=lambda: next(tokens))
    assert get(R, client).parsed == {"ok": 1}
    assert script.header("Authorization") == ["Bearer old", "Bearer new"]


def test_401_twice_raises(R: SimpleNamespace) -> None:
    tokens = iter(["a", "b", "c"])
    script = Script(reply(401))
    with pytest.raises(R.errors.UnauthorizedError):
        get(R, make(R, script, token_provider=lambda: next(tokens)))
    assert len(script.requests) == 2


def test_401_static_token_not_retried(R: SimpleNamespace) -> None:
    script = Script(reply(401), reply(200, {}))
    with pytest.raises(R.errors.UnauthorizedError):
        get(R, make(R, script, token="bad"))
    assert len(script.requests) == 1


def test_401_refresh_async(R: SimpleNamespace) -> None:
    tokens = iter(["old", "new"])

    async def provider() -> str:
        return next(tokens)

    script = Script(reply(401), reply(200, {}))
    aget(R, make(R, script, token_provider=provider))
    assert script.header("Authorization") == ["Bearer old", "Bearer new"]


def test_401_refresh_on_post(R: SimpleNamespace) -> None:
    # A 401 means the request was not processed, so re-sending a POST once is safe.
    tokens = iter(["old", "new"])
    script = Script(reply(401), reply(200, {}))
    client = make(R, script, token_provider=lambda: next(tokens))
    client.request(ep(R, method="POST"), R.endpoint.RequestParts(json={"a": 1}), spec(R))
    assert script.header("Authorization") == ["Bearer old", "Bearer new"]
    assert [r.content for r in script.requests] == [b'{"a":1}', b'{"a":1}']


# -- ClientCredentials ----------------------------------------------------------------------


class TokenServer:
    """Handles the token URL (counting exchanges) and the API (checking the bearer token)."""

    def __init__(self, expires_in: Any = 3600, delay: float = 0.0) -> None:
        self.exchanges: list[httpx.Request] = []
        self.api_calls: list[httpx.Request] = []
        self.expires_in = expires_in
        self.delay = delay
        self.lock = threading.Lock()
        self.valid: set[str] = set()

    def _token(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.exchanges.append(request)
            token = f"tok-{len(self.exchanges)}"
            self.valid = {token}
        body: dict[str, Any] = {"access_token": token, "token_type": "Bearer"}
        if self.expires_in is not None:
            body["expires_in"] = self.expires_in
        return httpx.Response(200, json=body)

    def _api(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.api_calls.append(request)
        auth = request.headers.get("Authorization", "")
        if auth.removeprefix("Bearer ") in self.valid:
            return httpx.Response(200, json={"auth": auth})
        return httpx.Response(401, json={"title": "expired"})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        if str(request.url) == TOKEN_URL:
            if self.delay:
                time.sleep(self.delay)
            return self._token(request)
        return self._api(request)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        if str(request.url) == TOKEN_URL:
            if self.delay:
                await asyncio.sleep(self.delay)
            return self._token(request)
        return self._api(request)


def cc_client(R: SimpleNamespace, server: TokenServer, **kw: Any) -> Any:
    creds = R.auth.ClientCredentials("my-id", "my-secret", TOKEN_URL, ["read", "write"], **kw)
    client = R.pkg.Client(
        base_url="http://api.test",
        client_credentials=creds,
        transport=httpx.MockTransport(server),
        async_transport=httpx.MockTransport(server.handle_async),
    )
    return client, creds


def test_exchange_request(R: SimpleNamespace) -> None:
    server = TokenServer()
    client, creds = cc_client(R, server, audience="api://x", extra_params={"resource": "r"})
    assert get(R, client).parsed == {"auth": "Bearer tok-1"}
    (exchange,) = server.exchanges
    assert exchange.method == "POST"
    assert exchange.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert exchange.headers["Accept"] == "application/json"
    assert parse_qs(exchange.content.decode()) == {
        "grant_type": ["client_credentials"],
        "client_id": ["my-id"],
        "client_secret": ["my-secret"],
        "scope": ["read write"],
        "audience": ["api://x"],
        "resource": ["r"],
    }
    assert creds.token_type == "Bearer"


def test_exchange_with_basic_credentials(R: SimpleNamespace) -> None:
    server = TokenServer()
    client, _ = cc_client(R, server, credentials_in="basic")
    get(R, client)
    (exchange,) = server.exchanges
    assert (
        exchange.headers["Authorization"]
        == "Basic " + base64.b64encode(b"my-id:my-secret").decode()
    )
    assert "client_secret" not in exchange.content.decode()


def test_token_cached_until_expiry(R: SimpleNamespace) -> None:
    server = TokenServer(expires_in=3600)
    client, creds = cc_client(R, server)
    for _ in range(3):
        get(R, client)
    assert len(server.exchanges) == 1
    assert 3600 - 30 - 5 < creds._expires_at - time.monotonic() <= 3600 - 30
    creds._expires_at = time.monotonic() - 1  # expired (or within the margin)
    assert get(R, client).parsed == {"auth": "Bearer tok-2"}
    assert len(server.exchanges) == 2


@pytest.mark.parametrize(("expires_in", "low", "high"), [(40, 19, 20), ("100", 69, 70)])
def test_short_lived_and_string_expiry(
    R: SimpleNamespace, expires_in: Any, low: float, high: float
) -> None:
    server = TokenServer(expires_in=expires_in)
    client, creds = cc_client(R, server)
    get(R, client)
    assert low < creds._expires_at - time.monotonic() <= high


def test_no_expiry_kept_until_rejected(R: SimpleNamespace) -> None:
    server = TokenServer(expires_in=None)
    client, creds = cc_client(R, server)
    get(R, client)
    get(R, client)
    assert len(server.exchanges) == 1
    server.valid = set()  # the server revokes tok-1
    assert get(R, client).parsed == {"auth": "Bearer tok-2"}
    assert len(server.exchanges) == 2
    assert len(server.api_calls) == 4


def test_401_refresh_async_cc(R: SimpleNamespace) -> None:
    server = TokenServer()
    client, _ = cc_client(R, server)
    aget(R, client)
    server.valid = set()
    client2 = R.pkg.Client(
        base_url="http://api.test",
        client_credentials=client._auth["oauth"]._source,
        async_transport=httpx.MockTransport(server.handle_async),
    )
    assert aget(R, client2).parsed == {"auth": "Bearer tok-2"}
    assert len(server.exchanges) == 2


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(401, json={"error": "invalid_client"}), "UnauthorizedError"),
        (httpx.Response(400, json={"error": "invalid_scope"}), "BadRequestError"),
        (httpx.Response(503, text="<html>down</html>"), "ServerError"),
        (httpx.Response(200, text="<html>login</html>"), "UnexpectedResponseError"),
        (httpx.Response(200, json={"token_type": "Bearer"}), "UnexpectedResponseError"),
    ],
)
def test_exchange_failures(R: SimpleNamespace, response: httpx.Response, error: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return response if str(request.url) == TOKEN_URL else httpx.Response(200, json={})

    creds = R.auth.ClientCredentials("id", "sec-ret", TOKEN_URL)
    client = R.pkg.Client(
        base_url="http://api.test",
        client_credentials=creds,
        transport=httpx.MockTransport(handler),
    )
    with pytest.raises(getattr(R.errors, error)) as info:
        get(R, client)
    assert "sec-ret" not in str(info.value)
    if error == "UnauthorizedError":
        assert info.value.problem == {"error": "invalid_client"}
        assert "invalid_client" in str(info.value)


def test_exchange_connection_error(R: SimpleNamespace) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    creds = R.auth.ClientCredentials("id", "secret", TOKEN_URL)
    client = R.pkg.Client(
        base_url="http://api.test", client_credentials=creds, transport=httpx.MockTransport(handler)
    )
    with pytest.raises(R.errors.ApiConnectionError):
        get(R, client)


def test_single_flight_threads(R: SimpleNamespace) -> None:
    server = TokenServer(delay=0.2)
    client, _ = cc_client(R, server)
    barrier = threading.Barrier(20)
    results: list[Any] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(get(R, client).parsed)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert len(server.exchanges) == 1
    assert results == [{"auth": "Bearer tok-1"}] * 20


def test_single_flight_tasks(R: SimpleNamespace) -> None:
    server = TokenServer(delay=0.1)
    client, _ = cc_client(R, server)

    async def main() -> list[Any]:
        async with client:
            calls = [client.arequest(ep(R), R.endpoint.RequestParts(), spec(R)) for _ in range(20)]
            return [r.parsed for r in await asyncio.gather(*calls)]

    assert asyncio.run(main()) == [{"auth": "Bearer tok-1"}] * 20
    assert len(server.exchanges) == 1

    # a second event loop gets a fresh lock, and still a single exchange after expiry
    client._auth["oauth"]._source._expires_at = 0.0
    client2 = R.pkg.Client(
        base_url="http://api.test",
        client_credentials=client._auth["oauth"]._source,
        async_transport=httpx.MockTransport(server.handle_async),
    )

    async def again() -> list[Any]:
        async with client2:
            calls = [client2.arequest(ep(R), R.endpoint.RequestParts(), spec(R)) for _ in range(20)]
            return [r.parsed for r in await asyncio.gather(*calls)]

    assert asyncio.run(again()) == [{"auth": "Bearer tok-2"}] * 20
    assert len(server.exchanges) == 2


def test_per_call_authorization_header_wins(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    client = make(R, script, token="client-token")
    client.request(
        ep(R), R.endpoint.RequestParts(), spec(R), extra_headers={"Authorization": "Bearer call"}
    )
    get(R, client)
    assert script.header("Authorization") == ["Bearer call", "Bearer client-token"]
