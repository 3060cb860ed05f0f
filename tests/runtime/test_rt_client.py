"""BaseClient through httpx.MockTransport: decoding, errors, retries, timeouts, options, hooks."""

from __future__ import annotations

import asyncio
import json
import uuid
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from mockhttp import Script, reply

PET = {"id": 1, "name": "rex"}


def make(R: SimpleNamespace, script: Script, **options: Any) -> Any:
    return R.pkg.Client(base_url="http://api.test/v1/", **script.options(), **options)


def ep(R: SimpleNamespace, method: str = "GET", path: str = "/pets", **kw: Any) -> Any:
    return R.endpoint.Endpoint(method, path, "op", **kw)


def spec(R: SimpleNamespace, **success: Any) -> Any:
    decoders = success or {"200": R.responses.json_decoder(lambda v: v)}
    return R.responses.ResponseSpec(decoders, {"4XX": R.models.Problem.from_dict})


def call(R: SimpleNamespace, client: Any, *, method: str = "GET", **kw: Any) -> Any:
    return client.request(ep(R, method), R.endpoint.RequestParts(), spec(R), **kw)


def acall(R: SimpleNamespace, client: Any, *, method: str = "GET", **kw: Any) -> Any:
    async def go() -> Any:
        async with client:
            return await client.arequest(ep(R, method), R.endpoint.RequestParts(), spec(R), **kw)

    return asyncio.run(go())


# -- decoding and the status table ------------------------------------------------------------


def test_success_response(R: SimpleNamespace) -> None:
    script = Script(reply(200, PET, {"x-request-id": "r1"}))
    response = R.api.get_pet_detailed(make(R, script), 1)
    assert isinstance(response, R.types.Response)
    assert response.parsed == R.models.Pet(id=1, name="rex")
    assert (response.status_code, response.request_id) == (200, "r1")
    assert json.loads(response.content) == PET
    assert str(script.requests[0].url) == "http://api.test/v1/pets/1"


def test_async_success(R: SimpleNamespace) -> None:
    script = Script(reply(200, PET))

    async def go() -> Any:
        async with make(R, script) as client:
            return await R.api.aget_pet(client, 1)

    assert asyncio.run(go()) == R.models.Pet(id=1, name="rex")


def test_status_lookup_order(R: SimpleNamespace) -> None:
    table = R.responses.ResponseSpec(
        {"200": "exact", "2XX": "range", "default": "default"},
        {"404": "nf", "4xx": "4", "default": "d"},
    )
    assert table.decoder_for(200) == "exact"
    assert table.decoder_for(201) == "range"
    assert table.decoder_for(302) == "default"
    assert table.error_parser_for(404) == "nf"
    assert table.error_parser_for(400) == "4"
    assert table.error_parser_for(500) == "d"
    assert R.responses.ResponseSpec({"201": "x"}).decoder_for(200) is None


def test_error_status_raises_with_problem(R: SimpleNamespace) -> None:
    script = Script(reply(404, {"title": "gone", "detail": "no pet"}, {"x-request-id": "r9"}))
    with pytest.raises(R.errors.NotFoundError) as info:
        R.api.get_pet(make(R, script), 7)
    err = info.value
    assert err.status_code == 404
    assert err.problem == R.models.Problem(title="gone", detail="no pet")
    assert err.request_id == "r9"
    assert json.loads(err.body)["title"] == "gone"
    assert "404" in str(err) and "GET http://api.test/v1/pets/7" in str(err)
    assert "r9" in str(err)


@pytest.mark.parametrize(
    ("status", "name"),
    [(400, "BadRequestError"), (401, "UnauthorizedError"), (403, "ForbiddenError"),
     (409, "ConflictError"), (422, "UnprocessableEntityError"), (418, "ClientError"),
     (500, "ServerError"), (501, "ServerError")],
)  # fmt: skip
def test_each_error_status(R: SimpleNamespace, status: int, name: str) -> None:
    script = Script(reply(status, {"title": "t"}))
    with pytest.raises(getattr(R.errors, name)) as info:
        call(R, make(R, script))
    assert type(info.value) is getattr(R.errors, name)
    assert len(script.requests) == 1


def test_html_error_body_never_crashes(R: SimpleNamespace) -> None:
    html = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    script = Script(reply(502, html, {"Content-Type": "text/html"}))
    with pytest.raises(R.errors.ServerError) as info:
        call(R, make(R, script), max_retries=0)
    assert info.value.problem is None
    assert info.value.body == html
    assert info.value.status_code == 502


@pytest.mark.parametrize(
    "body", [b"", b"not json", b"\xff\xfe", b'{"unexpected": true}', b"[1, 2]", b"null"]
)
def test_error_body_that_does_not_fit(R: SimpleNamespace, body: bytes) -> None:
    script = Script(reply(400, body))
    with pytest.raises(R.errors.BadRequestError) as info:
        call(R, make(R, script))
    assert info.value.problem is None and info.value.body == body


def test_undocumented_success_status(R: SimpleNamespace) -> None:
    # strict: an undocumented 2xx raises (lenient decoding: see test_rt_drift.py)
    script = Script(reply(202, PET))
    with pytest.raises(R.errors.UnexpectedResponseError) as info:
        call(R, make(R, script, strict=True))
    assert info.value.status_code == 202 and info.value.response.status_code == 202
    assert json.loads(info.value.body) == PET


@pytest.mark.parametrize("body", [b"<html>", b"", b'{"id": "one", "name": "rex"}', b"[]"])
def test_body_not_fitting_schema(R: SimpleNamespace, body: bytes) -> None:
    script = Script(reply(200, body))
    with pytest.raises(R.errors.UnexpectedResponseError) as info:
        R.api.get_pet(make(R, script), 1)
    assert info.value.body == body
    assert "does not fit" in str(info.value)


def test_other_decoders(R: SimpleNamespace) -> None:
    rs = R.responses
    for decoder, body, expected in [
        (rs.text_decoder, "héllo", "héllo"),
        (rs.bytes_decoder, b"\x00\x01", b"\x00\x01"),
        (rs.none_decoder, b"", None),
    ]:
        script = Script(reply(200, body))
        spec_ = rs.ResponseSpec({"2XX": decoder})
        result = make(R, script).request(ep(R), R.endpoint.RequestParts(), spec_)
        assert result.parsed == expected


# -- strict mode ------------------------------------------------------------------------------


def test_lenient_keeps_unknown_values(R: SimpleNamespace) -> None:
    script = Script(reply(200, {**PET, "status": "adopted", "color": "brown"}))
    pet = R.api.get_pet(make(R, script), 1)
    assert pet.status == "adopted"
    assert pet.additional_properties == {"color": "brown"}


@pytest.mark.parametrize("extra", [{"status": "adopted"}, {"color": "brown"}])
def test_strict_rejects_unknown_values(R: SimpleNamespace, extra: dict[str, str]) -> None:
    script = Script(reply(200, {**PET, **extra}))
    with pytest.raises(R.errors.UnexpectedResponseError):
        R.api.get_pet(make(R, script, strict=True), 1)
    assert R.strict.strict_mode() is False


def test_strict_async(R: SimpleNamespace) -> None:
    script = Script(reply(200, {**PET, "color": "brown"}))

    async def go() -> None:
        async with make(R, script, strict=True) as client:
            await R.api.aget_pet(client, 1)

    with pytest.raises(R.errors.UnexpectedResponseError):
        asyncio.run(go())


# -- request building ----------------------------------------------------------------------


def test_path_query_headers_cookies(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    client = make(R, script, headers={"User-Agent": "rt/1"}, cookies={"session": "s1"})
    parts = R.endpoint.RequestParts(
        path_params={"id": "a%2Fb%20c%25d", "sub": "x,y"},  # as params.path_param encodes them
        query=[("tag", "1"), ("tag", "2"), ("q", "a&b")],
        headers={"X-Trace": "t"},
        cookies={"pref": "dark"},
    )
    client.request(ep(R, path="/things/{id}/{sub}"), parts, spec(R), extra_headers={"X-Extra": "e"})
    sent = script.requests[0]
    assert sent.url.raw_path == b"/v1/things/a%2Fb%20c%25d/x,y?tag=1&tag=2&q=a%26b"
    assert sent.headers["User-Agent"] == "rt/1"
    assert sent.headers["X-Trace"] == "t" and sent.headers["X-Extra"] == "e"
    assert sent.headers["Cookie"] == "session=s1; pref=dark"
    assert parts.query == [("tag", "1"), ("tag", "2"), ("q", "a&b")]  # not mutated


def test_extra_headers_override(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    client = make(R, script, headers={"X-Mode": "default"})
    call(R, client, extra_headers={"X-Mode": "call"})
    assert script.header("X-Mode") == ["call"]


def test_bodies(R: SimpleNamespace) -> None:
    script = Script(reply(201, PET))
    client = make(R, script)
    R.api.create_pet(client, R.models.Pet(id=1, name="rex"))
    assert script.requests[-1].headers["Content-Type"] == "application/json"
    assert script.json() == PET

    parts = R.endpoint.RequestParts(json=None)
    client.request(ep(R, "POST"), parts, spec(R, **{"201": R.responses.none_decoder}))
    assert script.requests[-1].content == b"null"

    parts = R.endpoint.RequestParts(content=b"raw", content_type="application/octet-stream")
    client.request(ep(R, "PUT"), parts, spec(R, **{"201": R.responses.none_decoder}))
    assert script.requests[-1].content == b"raw"
    assert script.requests[-1].headers["Content-Type"] == "application/octet-stream"

    parts = R.endpoint.RequestParts(data={"a": "1", "b": ["x", "y"]})
    client.request(ep(R, "POST"), parts, spec(R, **{"201": R.responses.none_decoder}))
    assert script.requests[-1].content == b"a=1&b=x&b=y"

    parts = R.endpoint.RequestParts(
        data={"note": "hi"}, files=[("file", ("a.txt", b"hello", "text/plain"))]
    )
    client.request(ep(R, "POST"), parts, spec(R, **{"201": R.responses.none_decoder}))
    sent = script.requests[-1]
    assert sent.headers["Content-Type"].startswith("multipart/form-data")
    assert b'filename="a.txt"' in sent.content and b"hello" in sent.content


# -- retries ----------------------------------------------------------------------------------


def test_get_retried_with_backoff(R: SimpleNamespace, sleeps: list[float]) -> None:
    script = Script(reply(503), reply(503), reply(200, {"ok": True}))
    assert call(R, make(R, script)).parsed == {"ok": True}
    assert len(script.requests) == 3
    assert len(sleeps) == 2
    assert 0.375 <= sleeps[0] <= 0.5 and 0.75 <= sleeps[1] <= 1.0


def test_backoff_schedule(R: SimpleNamespace) -> None:
    for attempt, cap in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)]:
        delays = [R.retries.backoff_delay(attempt) for _ in range(50)]
        assert all(0.75 * cap <= d <= cap for d in delays)
        assert len(set(delays)) > 1  # jitter


def test_retries_exhausted(R: SimpleNamespace, sleeps: list[float]) -> None:
    script = Script(reply(503))
    with pytest.raises(R.errors.ServerError):
        call(R, make(R, script))
    assert len(script.requests) == 3 and len(sleeps) == 2


@pytest.mark.parametrize("status", [408, 429, 502, 503, 504])
def test_retried_statuses(R: SimpleNamespace, status: int) -> None:
    script = Script(reply(status), reply(200, {}))
    call(R, make(R, script))
    assert len(script.requests) == 2


@pytest.mark.parametrize("status", [400, 401, 404, 409, 500, 501])
def test_not_retried_statuses(R: SimpleNamespace, status: int) -> None:
    script = Script(reply(status), reply(200, {}))
    with pytest.raises(R.errors.ApiStatusError):
        call(R, make(R, script))
    assert len(script.requests) == 1


def test_max_retries_per_client_and_call(R: SimpleNamespace) -> None:
    script = Script(reply(503))
    with pytest.raises(R.errors.ServerError):
        call(R, make(R, script, max_retries=5))
    assert len(script.requests) == 6
    script = Script(reply(503))
    with pytest.raises(R.errors.ServerError):
        call(R, make(R, script, max_retries=5), max_retries=0)
    assert len(script.requests) == 1
    with pytest.raises(ValueError):
        make(R, script, max_retries=-1)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"Retry-After": "3"}, 3.0), ({"Retry-After": "600"}, 60.0), ({"retry-after-ms": "20"}, 0.02)],
)
def test_retry_after_honoured_and_capped(
    R: SimpleNamespace, sleeps: list[float], headers: dict[str, str], expected: float
) -> None:
    script = Script(reply(429, None, headers), reply(200, {}))
    call(R, make(R, script))
    assert sleeps == [pytest.approx(expected)]


def test_retry_after_http_date(R: SimpleNamespace, sleeps: list[float]) -> None:
    import email.utils
    import time

    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    script = Script(reply(503, None, {"Retry-After": when}), reply(200, {}))
    call(R, make(R, script))
    assert 15 <= sleeps[0] <= 21


def test_rate_limit_error_after_retries(R: SimpleNamespace) -> None:
    script = Script(reply(429, {"title": "slow down"}, {"Retry-After": "2"}))
    with pytest.raises(R.errors.RateLimitError) as info:
        call(R, make(R, script))
    assert info.value.retry_after == 2.0
    assert info.value.problem == R.models.Problem(title="slow down")


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
def test_idempotent_methods_retried(R: SimpleNamespace, method: str) -> None:
    script = Script(reply(503), reply(200, {}))
    call(R, make(R, script), method=method)
    assert len(script.requests) == 2


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_post_without_idempotency_key_sent_exactly_once_after_503(
    R: SimpleNamespace, method: str, sleeps: list[float]
) -> None:
    script = Script(reply(503), reply(200, {}))
    with pytest.raises(R.errors.ServerError):
        call(R, make(R, script, max_retries=5), method=method)
    assert len(script.requests) == 1 and sleeps == []


def test_post_without_idempotency_key_not_retried_on_connection_error(R: SimpleNamespace) -> None:
    script = Script(httpx.ConnectError("refused"), reply(200, {}))
    with pytest.raises(R.errors.ApiConnectionError):
        call(R, make(R, script), method="POST")
    assert len(script.requests) == 1


def test_idempotency_key_same_on_every_attempt(R: SimpleNamespace) -> None:
    script = Script(reply(503), reply(201, PET))
    client = make(R, script)
    R.api.create_pet(client, R.models.Pet(id=1, name="rex"), idempotent=True)
    keys = script.header("Idempotency-Key")
    assert len(keys) == 2 and keys[0] == keys[1]
    assert uuid.UUID(keys[0] or "").version == 4
    # a new call gets a new key
    R.api.create_pet(client, R.models.Pet(id=1, name="rex"), idempotent=True)
    assert script.header("Idempotency-Key")[2] != keys[0]


def test_caller_idempotency_key_kept(R: SimpleNamespace) -> None:
    script = Script(reply(503), reply(200, {}))
    endpoint = ep(R, "POST", idempotency_header="Idempotency-Key")
    make(R, script).request(
        endpoint,
        R.endpoint.RequestParts(),
        spec(R),
        extra_headers={"idempotency-key": "mine"},
    )
    assert script.header("Idempotency-Key") == ["mine", "mine"]


def test_idempotency_key_async(R: SimpleNamespace) -> None:
    script = Script(reply(502), reply(200, {}))
    endpoint = ep(R, "POST", idempotency_header="Idempotency-Key")

    async def go() -> None:
        async with make(R, script) as client:
            await client.arequest(endpoint, R.endpoint.RequestParts(), spec(R))

    asyncio.run(go())
    keys = script.header("Idempotency-Key")
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0]


def test_async_post_sent_once(R: SimpleNamespace) -> None:
    script = Script(reply(503), reply(200, {}))
    with pytest.raises(R.errors.ServerError):
        acall(R, make(R, script), method="POST")
    assert len(script.requests) == 1


def test_async_retries(R: SimpleNamespace, sleeps: list[float]) -> None:
    script = Script(
        httpx.ReadTimeout("slow"), reply(429, None, {"Retry-After": "1"}), reply(200, {})
    )
    assert acall(R, make(R, script)).parsed == {}
    assert len(script.requests) == 3 and sleeps[1] == 1.0


def test_one_shot_body_not_retried(R: SimpleNamespace) -> None:
    script = Script(reply(503), reply(200, {}))
    parts = R.endpoint.RequestParts(content=iter([b"a", b"b"]))
    with pytest.raises(R.errors.ServerError):
        make(R, script).request(ep(R, "PUT"), parts, spec(R))
    assert len(script.requests) == 1


# -- transport errors and timeouts ---------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "error"),
    [
        (httpx.ConnectError("refused"), "ApiConnectionError"),
        (httpx.ReadError("reset"), "ApiConnectionError"),
        (httpx.RemoteProtocolError("closed"), "ApiConnectionError"),
        (httpx.ConnectTimeout("slow"), "ApiTimeoutError"),
        (httpx.ReadTimeout("slow"), "ApiTimeoutError"),
        (httpx.PoolTimeout("full"), "ApiTimeoutError"),
    ],
)
def test_transport_errors_retried_then_translated(
    R: SimpleNamespace, exc: Exception, error: str
) -> None:
    script = Script(exc)
    with pytest.raises(getattr(R.errors, error)) as info:
        call(R, make(R, script))
    assert len(script.requests) == 3
    assert isinstance(info.value.__cause__, type(exc))
    assert isinstance(info.value.request, httpx.Request)
    assert "GET http://api.test/v1/pets" in str(info.value)

    script = Script(exc, reply(200, {}))
    assert call(R, make(R, script)).parsed == {}


def test_unsupported_protocol_not_retried(R: SimpleNamespace) -> None:
    script = Script(httpx.UnsupportedProtocol("ftp"))
    with pytest.raises(R.errors.ApiConnectionError):
        call(R, make(R, script))
    assert len(script.requests) == 1


def test_translation_table_order(R: SimpleNamespace) -> None:
    rows = R.httpx_errors.TRANSPORT_ERRORS
    assert rows[0][0] is httpx.TimeoutException and rows[0][1] is R.errors.ApiTimeoutError
    assert rows[-1][0] is httpx.RequestError and rows[-1][2] is False


def test_default_timeouts(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    client = make(R, script)
    call(R, client)
    assert script.requests[0].extensions["timeout"] == {
        "connect": 5.0, "read": 60.0, "write": 60.0, "pool": 60.0
    }  # fmt: skip
    assert httpx.Timeout(60.0, connect=5.0) == R.base_client.DEFAULT_TIMEOUT


def test_client_and_call_timeouts(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    client = make(R, script, timeout=10)
    call(R, client)
    call(R, client, timeout=2.5)
    call(R, client, timeout=httpx.Timeout(9, connect=1))
    call(R, client, timeout=None)
    got = [r.extensions["timeout"] for r in script.requests]
    assert got[0] == dict.fromkeys(("connect", "read", "write", "pool"), 10.0)
    assert got[1] == dict.fromkeys(("connect", "read", "write", "pool"), 2.5)
    assert got[2] == {"connect": 1.0, "read": 9.0, "write": 9.0, "pool": 9.0}
    assert got[3] == dict.fromkeys(("connect", "read", "write", "pool"))
    client = make(R, script, timeout=None)
    call(R, client)
    assert script.requests[-1].extensions["timeout"]["read"] is None


def test_async_call_timeout(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    acall(R, make(R, script), timeout=3)
    assert script.requests[0].extensions["timeout"]["read"] == 3.0


def test_callers_httpx_client(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    mine = httpx.Client(transport=httpx.MockTransport(script), timeout=7)
    with R.pkg.Client(base_url="http://api.test", httpx_client=mine) as client:
        call(R, client)
    assert not mine.is_closed
    assert script.requests[0].extensions["timeout"]["read"] == 7.0
    client = R.pkg.Client(base_url="http://api.test", httpx_client=mine, timeout=3)
    call(R, client)
    assert script.requests[1].extensions["timeout"]["read"] == 3.0
    client.close()
    assert not mine.is_closed
    mine.close()


def test_callers_async_httpx_client(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))

    async def go() -> bool:
        mine = httpx.AsyncClient(transport=httpx.MockTransport(script))
        async with R.pkg.Client(base_url="http://api.test", async_httpx_client=mine) as client:
            await client.arequest(ep(R), R.endpoint.RequestParts(), spec(R))
        closed = mine.is_closed
        await mine.aclose()
        return closed

    assert asyncio.run(go()) is False
    assert len(script.requests) == 1


def test_owned_clients_closed(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    with make(R, script) as client:
        call(R, client)
        http = client._http
    assert http.is_closed and client._http is None

    async def go() -> Any:
        async with make(R, script) as aclient:
            await aclient.arequest(ep(R), R.endpoint.RequestParts(), spec(R))
            return aclient._ahttp

    assert asyncio.run(go()).is_closed


# -- hooks ------------------------------------------------------------------------------------


def test_event_hooks_every_attempt(R: SimpleNamespace) -> None:
    seen: list[str] = []
    hooks = {
        "request": [lambda req: seen.append(f"> {req.method} {req.url.path}")],
        "response": [lambda resp: seen.append(f"< {resp.status_code}")],
    }
    script = Script(reply(503), reply(200, {}))
    call(R, make(R, script, event_hooks=hooks))
    assert seen == ["> GET /v1/pets", "< 503", "> GET /v1/pets", "< 200"]


def test_async_event_hooks_awaited(R: SimpleNamespace) -> None:
    seen: list[str] = []

    async def on_request(req: httpx.Request) -> None:
        seen.append("async-request")

    hooks = {"request": [on_request], "response": [lambda r: seen.append("sync-response")]}
    acall(R, make(R, Script(reply(200, {})), event_hooks=hooks))
    assert seen == ["async-request", "sync-response"]


def test_unknown_hook_kind(R: SimpleNamespace) -> None:
    with pytest.raises(ValueError):
        make(R, Script(reply(200)), event_hooks={"error": []})


# -- pagination through the client ------------------------------------------------------------


def test_iterate_pets_pages(R: SimpleNamespace) -> None:
    def pages(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        data = {
            None: {"items": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}], "next_cursor": "c2"},
            "c2": {"items": [{"id": 3, "name": "c"}], "next_cursor": "c2"},
        }
        return httpx.Response(200, json=data[cursor])

    script = Script(pages)
    assert [p.id for p in R.api.iter_pets(make(R, script), limit=2)] == [1, 2, 3]
    assert [r.url.params.get("cursor") for r in script.requests] == [None, "c2"]
    assert script.requests[0].url.params["limit"] == "2"

    async def go() -> list[int]:
        async with make(R, script) as client:
            return [p.id async for p in R.api.aiter_pets(client)]

    assert asyncio.run(go()) == [1, 2, 3]
