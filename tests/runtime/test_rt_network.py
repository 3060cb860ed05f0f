"""The runtime against a real socket: the fault-injecting server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import email.utils
import json
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
from fault_server import Drop, FaultServer, Reply, Seen, Stream

PET = {"id": 1, "name": "rex"}


def client(R: SimpleNamespace, server: FaultServer, **kw: Any) -> Any:
    return R.pkg.Client(base_url=server.url, **kw)


def run(coro_fn: Any) -> Any:
    return asyncio.run(coro_fn())


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_dropped_connection_retried_for_get(
    R: SimpleNamespace, server: FaultServer, mode: str
) -> None:
    server.script("/pets/1", Drop(), Reply(200, PET))
    c = client(R, server)
    if mode == "sync":
        with c:
            pet = R.api.get_pet(c, 1)
    else:

        async def go() -> Any:
            async with c:
                return await R.api.aget_pet(c, 1)

        pet = run(go)
    assert pet.name == "rex"
    assert len(server.seen("/pets/1")) == 2


def test_dropped_connection_post_sent_once(R: SimpleNamespace, server: FaultServer) -> None:
    server.script("/pets", Drop(), Reply(201, PET))
    with client(R, server) as c, pytest.raises(R.errors.ApiConnectionError) as info:
        R.api.create_pet(c, R.models.Pet(id=1, name="rex"))
    assert not isinstance(info.value, R.errors.ApiTimeoutError)
    assert len(server.seen("/pets")) == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_slow_response_times_out(R: SimpleNamespace, server: FaultServer, mode: str) -> None:
    server.script("/pets/1", Reply(200, PET, delay=3.0))
    c = client(R, server, timeout=0.3)
    if mode == "sync":
        with c, pytest.raises(R.errors.ApiTimeoutError):
            R.api.get_pet(c, 1)
    else:

        async def go() -> None:
            async with c:
                await R.api.aget_pet(c, 1)

        with pytest.raises(R.errors.ApiTimeoutError):
            run(go)
    assert len(server.seen("/pets/1")) == 3  # GET: timeouts are retried (max_retries=2)


def test_per_call_timeout_then_success(R: SimpleNamespace, server: FaultServer) -> None:
    server.script("/pets/1", Reply(200, PET, delay=1.0), Reply(200, PET))
    with client(R, server, max_retries=0) as c:
        with pytest.raises(R.errors.ApiTimeoutError):
            R.api.get_pet(c, 1, timeout=0.2)
        assert R.api.get_pet(c, 1).id == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_429_and_503_with_retry_after(
    R: SimpleNamespace, server: FaultServer, sleeps: list[float], mode: str
) -> None:
    when = email.utils.formatdate(time.time() + 10, usegmt=True)
    server.script(
        "/pets/1",
        Reply(429, {"title": "slow"}, {"Retry-After": "2"}),
        Reply(503, b"busy", {"Retry-After": when}),
        Reply(200, PET),
    )
    c = client(R, server)
    if mode == "sync":
        with c:
            R.api.get_pet(c, 1)
    else:

        async def go() -> None:
            async with c:
                await R.api.aget_pet(c, 1)

        run(go)
    assert sleeps[0] == 2.0 and 5 <= sleeps[1] <= 10.5
    assert len(server.seen("/pets/1")) == 3


def test_rate_limited_until_retries_run_out(R: SimpleNamespace, server: FaultServer) -> None:
    server.script("/pets/1", Reply(429, {"title": "slow"}, {"Retry-After": "4"}))
    with client(R, server) as c, pytest.raises(R.errors.RateLimitError) as info:
        R.api.get_pet(c, 1)
    assert info.value.retry_after == 4.0
    assert info.value.problem == R.models.Problem(title="slow")
    assert len(server.seen("/pets/1")) == 3


def test_post_without_idempotency_key_sent_once_after_503(
    R: SimpleNamespace, server: FaultServer
) -> None:
    server.script("/pets", Reply(503, b"busy"), Reply(201, PET))
    with client(R, server) as c, pytest.raises(R.errors.ServerError):
        R.api.create_pet(c, R.models.Pet(id=1, name="rex"))
    assert len(server.seen("/pets")) == 1
    assert "idempotency-key" not in server.seen("/pets")[0].headers


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_idempotency_key_reused_after_503(
    R: SimpleNamespace, server: FaultServer, mode: str
) -> None:
    server.script("/pets/safe", Reply(503, b"busy"), Reply(201, PET))
    c = client(R, server)
    if mode == "sync":
        with c:
            R.api.create_pet(c, R.models.Pet(id=1, name="rex"), idempotent=True)
    else:

        async def go() -> None:
            async with c:
                await c.arequest(
                    R.api.CREATE_PET_IDEMPOTENT,
                    R.endpoint.RequestParts(json=PET),
                    R.api.CREATE_PET_SPEC,
                )

        run(go)
    seen = server.seen("/pets/safe")
    assert len(seen) == 2
    keys = [s.headers["idempotency-key"] for s in seen]
    assert keys[0] == keys[1] and len(keys[0]) == 36
    assert [json.loads(s.body) for s in seen] == [PET, PET]


def test_html_502_from_proxy(R: SimpleNamespace, server: FaultServer) -> None:
    html = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    server.script("/pets/1", Reply(502, html, {"Content-Type": "text/html"}))
    with client(R, server, max_retries=0) as c, pytest.raises(R.errors.ServerError) as info:
        R.api.get_pet(c, 1)
    assert info.value.problem is None and info.value.body == html


SSE_FIRST = [b"retry: 250\n", b"id: 1\ndata: one\n\n", b"id: 2\nda", b"ta: tw"]
SSE_SECOND = [b"id: 2\ndata: two\n\n", b"id: 3\ndata: three\n\n"]


def _resume(seen: Seen) -> Stream:
    assert seen.headers.get("last-event-id") == "1"
    return Stream(SSE_SECOND)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_sse_cut_mid_event_resumes_with_last_event_id(
    R: SimpleNamespace, server: FaultServer, sleeps: list[float], mode: str
) -> None:
    server.script("/pets/events", Stream(SSE_FIRST, cut=True), _resume)
    c = client(R, server)
    if mode == "sync":
        with c:
            got = list(R.api.watch_pets(c))
    else:

        async def go() -> list[Any]:
            async with c:
                return [e async for e in R.api.awatch_pets(c)]

        got = run(go)
    assert [(e.id, e.data) for e in got] == [("1", "one"), ("2", "two"), ("3", "three")]
    seen = server.seen("/pets/events")
    assert [s.headers.get("last-event-id") for s in seen] == [None, "1"]
    assert sleeps == [0.25]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_sse_events_arrive_before_stream_ends(
    R: SimpleNamespace, server: FaultServer, mode: str
) -> None:
    gate = threading.Event()
    server.script("/pets/events", Stream([b"data: first\n\n", gate, b"data: second\n\n"]))
    states: list[tuple[str, bool]] = []
    c = client(R, server)
    if mode == "sync":
        with c:
            for event in R.api.watch_pets(c):
                states.append((event.data, gate.is_set()))
                gate.set()
    else:

        async def go() -> None:
            async with c:
                async for event in R.api.awatch_pets(c):
                    states.append((event.data, gate.is_set()))
                    gate.set()

        run(go)
    assert states == [("first", False), ("second", True)]


def test_sse_error_status_on_connect(R: SimpleNamespace, server: FaultServer) -> None:
    server.script("/pets/events", Reply(404, {"title": "no feed"}))
    with client(R, server) as c, pytest.raises(R.errors.NotFoundError) as info:
        list(R.api.watch_pets(c))
    assert info.value.problem == R.models.Problem(title="no feed")


def _token_endpoint() -> Any:
    issued: list[str] = []

    def handle(seen: Seen) -> Reply:
        assert b"grant_type=client_credentials" in seen.body
        issued.append(f"token-{len(issued) + 1}")
        return Reply(200, {"access_token": issued[-1], "expires_in": 3600, "token_type": "Bearer"})

    return handle


def _secure(seen: Seen) -> Reply:
    if seen.headers.get("authorization") == "Bearer token-2":
        return Reply(200, {"id": 5, "name": "ok"})
    return Reply(401, {"title": "token expired"})


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_401_then_200_with_token_refresh(
    R: SimpleNamespace, server: FaultServer, mode: str
) -> None:
    server.script("/oauth/token", _token_endpoint())
    server.script("/pets/5", _secure)
    creds = R.auth.ClientCredentials("cid", "csecret", server.url + "/oauth/token")
    c = client(R, server, client_credentials=creds)
    if mode == "sync":
        with c:
            pet = R.api.get_pet(c, 5)
    else:

        async def go() -> Any:
            async with c:
                return await R.api.aget_pet(c, 5)

        pet = run(go)
    assert pet.name == "ok"
    assert len(server.seen("/oauth/token")) == 2
    auths = [s.headers.get("authorization") for s in server.seen("/pets/5")]
    assert auths == ["Bearer token-1", "Bearer token-2"]


def test_401_with_static_token_raises(R: SimpleNamespace, server: FaultServer) -> None:
    server.script("/pets/5", _secure)
    with client(R, server, token="stale") as c, pytest.raises(R.errors.UnauthorizedError) as info:
        R.api.get_pet(c, 5)
    assert "stale" not in str(info.value)
    assert len(server.seen("/pets/5")) == 1


def test_async_client_survives_new_event_loops(R: SimpleNamespace, server: FaultServer) -> None:
    server.script("/pets/1", Reply(200, PET))
    c = client(R, server, max_retries=0)
    for _ in range(3):  # each asyncio.run has its own loop; pooled connections must not leak over
        assert asyncio.run(R.api.aget_pet(c, 1)).id == 1
    asyncio.run(c.aclose())  # from yet another loop: drops the stale client, no error

    async def last() -> Any:
        pet = await R.api.aget_pet(c, 1)
        mine = c._ahttp
        await c.aclose()
        return pet, mine

    pet, mine = asyncio.run(last())
    assert pet.id == 1 and mine.is_closed
