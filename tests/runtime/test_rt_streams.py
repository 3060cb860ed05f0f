"""Streaming calls through MockTransport: SSE (with reconnect), NDJSON lines, raw bytes."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from mockhttp import Script, reply, stream_reply

DROP = httpx.RemoteProtocolError("peer closed connection without sending complete message body")


def make(R: SimpleNamespace, script: Script, **kw: Any) -> Any:
    return R.pkg.Client(base_url="http://api.test", **script.options(), **kw)


def ep(R: SimpleNamespace, method: str = "GET", **kw: Any) -> Any:
    return R.endpoint.Endpoint(method, "/events", "events", **kw)


def errors(R: SimpleNamespace) -> Any:
    return R.responses.ResponseSpec({}, {"4XX": R.models.Problem.from_dict})


def events(R: SimpleNamespace, client: Any, method: str = "GET", **kw: Any) -> list[Any]:
    it = client.stream_events(
        ep(R, method), R.endpoint.RequestParts(), json.loads, error_spec=errors(R), **kw
    )
    return list(it)


def aevents(R: SimpleNamespace, client: Any, method: str = "GET", **kw: Any) -> list[Any]:
    async def go() -> list[Any]:
        async with client:
            it = client.astream_events(
                ep(R, method), R.endpoint.RequestParts(), json.loads, error_spec=errors(R), **kw
            )
            return [e async for e in it]

    return asyncio.run(go())


CHUNKS = [b'id: 1\nevent: tick\ndata: {"n"', b": 1}\n\n", b'id: 2\ndata: {"n": 2}\n', b"\n"]


@pytest.mark.parametrize("runner", [events, aevents])
def test_events_decoded(R: SimpleNamespace, runner: Any) -> None:
    script = Script(stream_reply(CHUNKS))
    got = runner(R, make(R, script))
    assert [(e.event, e.data, e.id) for e in got] == [
        ("tick", {"n": 1}, "1"),
        ("message", {"n": 2}, "2"),
    ]
    assert script.requests[0].headers["Accept"] == "text/event-stream"


@pytest.mark.parametrize("runner", [events, aevents])
def test_reconnect_with_last_event_id(R: SimpleNamespace, runner: Any, sleeps: list[float]) -> None:
    script = Script(
        stream_reply([b"retry: 1500\nid: 1\ndata: 1\n\nid: 2\ndata: 2"], error=DROP),
        stream_reply([b"id: 2\ndata: 22\n\n", b"id: 3\ndata: 3\n\n"]),
    )
    got = runner(R, make(R, script))
    assert [e.data for e in got] == [1, 22, 3]  # the half-received event 2 was dropped
    assert script.header("Last-Event-ID") == [None, "1"]
    assert sleeps == [1.5]


def test_reconnect_without_retry_hint_uses_backoff(R: SimpleNamespace, sleeps: list[float]) -> None:
    script = Script(
        stream_reply([b"id: a\ndata: 1\n\n"], error=httpx.ReadTimeout("idle")),
        stream_reply([b"data: 2\n\n"]),
    )
    assert [e.data for e in events(R, make(R, script))] == [1, 2]
    assert len(sleeps) == 1 and 0.375 <= sleeps[0] <= 0.5


def test_reconnects_bounded(R: SimpleNamespace) -> None:
    script = Script(stream_reply([b"id: 1\ndata: 1\n\n"], error=DROP), stream_reply([], error=DROP))
    got: list[Any] = []
    with pytest.raises(R.errors.ApiConnectionError):
        for event in make(R, script).stream_events(
            ep(R), R.endpoint.RequestParts(), json.loads, error_spec=errors(R), max_reconnects=3
        ):
            got.append(event.data)
    assert got == [1]
    assert len(script.requests) == 4


def test_post_stream_without_ids_not_resumed(R: SimpleNamespace) -> None:
    script = Script(stream_reply([b"data: 1\n\n"], error=DROP), stream_reply([b"data: 2\n\n"]))
    with pytest.raises(R.errors.ApiConnectionError):
        events(R, make(R, script), method="POST")
    assert len(script.requests) == 1


def test_post_stream_with_ids_resumed(R: SimpleNamespace) -> None:
    script = Script(
        stream_reply([b"id: 9\ndata: 1\n\n"], error=DROP), stream_reply([b"data: 2\n\n"])
    )
    assert [e.data for e in events(R, make(R, script), method="POST")] == [1, 2]


@pytest.mark.parametrize("runner", [events, aevents])
def test_error_status_on_connect(R: SimpleNamespace, runner: Any) -> None:
    script = Script(reply(404, {"title": "no stream"}))
    with pytest.raises(R.errors.NotFoundError) as info:
        runner(R, make(R, script))
    assert info.value.problem == R.models.Problem(title="no stream")
    script = Script(reply(502, b"<html>bad gateway</html>"))
    with pytest.raises(R.errors.ServerError) as server:
        runner(R, make(R, script, max_retries=0))
    assert server.value.problem is None and server.value.body == b"<html>bad gateway</html>"


def test_connect_retried_like_requests(R: SimpleNamespace) -> None:
    script = Script(reply(503), stream_reply([b"data: 1\n\n"]))
    assert [e.data for e in events(R, make(R, script))] == [1]
    assert len(script.requests) == 2


def test_undocumented_redirect_status(R: SimpleNamespace) -> None:
    script = Script(reply(302, b"", {"Location": "/elsewhere"}))
    with pytest.raises(R.errors.UnexpectedResponseError):
        events(R, make(R, script))


def test_bad_event_data(R: SimpleNamespace) -> None:
    script = Script(stream_reply([b"data: {not json\n\n"]))
    with pytest.raises(R.errors.UnexpectedResponseError):
        events(R, make(R, script))


def test_stream_is_lazy_and_closed_on_break(R: SimpleNamespace) -> None:
    closed: list[bool] = []

    class Tracked(httpx.SyncByteStream):
        def __iter__(self) -> Any:
            yield b"data: 1\n\ndata: 2\n\n"

        def close(self) -> None:
            closed.append(True)

    script = Script(lambda req: httpx.Response(200, stream=Tracked()))
    it = make(R, script).stream_events(
        ep(R), R.endpoint.RequestParts(), json.loads, error_spec=errors(R)
    )
    assert script.requests == []
    for event in it:
        assert event.data == 1
        break
    it.close()  # type: ignore[attr-defined]
    assert closed == [True]


# -- NDJSON lines and bytes -------------------------------------------------------------------


def test_stream_lines(R: SimpleNamespace) -> None:
    body = [b'{"id": 1, "name": "a"}\n\n{"id": 2,', b' "name": "b"}\r\n{"id": 3, "name": "c"}']
    script = Script(stream_reply(body, content_type="application/x-ndjson"))
    client = make(R, script)
    it = client.stream_lines(
        ep(R), R.endpoint.RequestParts(), R.models.Pet.from_dict, error_spec=errors(R)
    )
    assert [p.id for p in it] == [1, 2, 3]

    async def go() -> list[int]:
        async with make(R, script) as aclient:
            ait = aclient.astream_lines(
                ep(R), R.endpoint.RequestParts(), R.models.Pet.from_dict, error_spec=errors(R)
            )
            return [p.id async for p in ait]

    assert asyncio.run(go()) == [1, 2, 3]


def test_stream_lines_failures(R: SimpleNamespace) -> None:
    script = Script(stream_reply([b'{"id": 1, "name": "a"}\n{"id": "x"}\n']))
    with pytest.raises(R.errors.UnexpectedResponseError):
        list(
            make(R, script).stream_lines(
                ep(R), R.endpoint.RequestParts(), R.models.Pet.from_dict, error_spec=errors(R)
            )
        )
    script = Script(stream_reply([b'{"id": 1, "name": "a"}\n'], error=DROP))
    with pytest.raises(R.errors.ApiConnectionError):
        list(
            make(R, script).stream_lines(
                ep(R), R.endpoint.RequestParts(), R.models.Pet.from_dict, error_spec=errors(R)
            )
        )
    script = Script(reply(409, {"title": "busy"}))
    with pytest.raises(R.errors.ConflictError):
        list(
            make(R, script).stream_lines(
                ep(R), R.endpoint.RequestParts(), R.models.Pet.from_dict, error_spec=errors(R)
            )
        )


def test_stream_bytes(R: SimpleNamespace) -> None:
    script = Script(stream_reply([b"ab", b"cd"], content_type="application/octet-stream"))
    got = b"".join(
        make(R, script).stream_bytes(ep(R), R.endpoint.RequestParts(), error_spec=errors(R))
    )
    assert got == b"abcd"

    async def go() -> bytes:
        async with make(R, script) as client:
            it = client.astream_bytes(ep(R), R.endpoint.RequestParts(), error_spec=errors(R))
            return b"".join([c async for c in it])

    assert asyncio.run(go()) == b"abcd"

    script = Script(stream_reply([b"ab"], error=DROP))

    async def broken() -> None:
        async with make(R, script) as client:
            it = client.astream_bytes(ep(R), R.endpoint.RequestParts(), error_spec=errors(R))
            async for _ in it:
                pass

    with pytest.raises(R.errors.ApiConnectionError):
        asyncio.run(broken())


def test_reconnect_wait_capped(R: SimpleNamespace, sleeps: list[float]) -> None:
    script = Script(
        stream_reply([b"retry: 999999\nid: 1\ndata: 1\n\n"], error=DROP),
        stream_reply([b"data: 2\n\n"]),
    )
    assert [e.data for e in events(R, make(R, script))] == [1, 2]
    assert sleeps == [60.0]
