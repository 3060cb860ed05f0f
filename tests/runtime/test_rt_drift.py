"""What real servers send that their specs do not say: undocumented 2xx statuses, JSON under
other content types and charsets, SSE streams cut off mid-event, and the accessors users of
openapi-python-client reach for. Lenient by default; ``strict=True`` raises as before.

Each behaviour runs sync and async (``runner``) and lenient and strict.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from mockhttp import Script, reply, stream_reply

PET = {"id": 1, "name": "rex"}


def make(R: SimpleNamespace, script: Script, **options: Any) -> Any:
    return R.pkg.Client(base_url="http://api.test", **script.options(), **options)


def detailed(R: SimpleNamespace, client: Any, spec: Any = None) -> Any:
    spec = spec or R.api.GET_PET_SPEC
    return client.request(R.api.GET_PET, R.api._get_pet_parts(1), spec)


def adetailed(R: SimpleNamespace, client: Any, spec: Any = None) -> Any:
    spec = spec or R.api.GET_PET_SPEC

    async def go() -> Any:
        async with client:
            return await client.arequest(R.api.GET_PET, R.api._get_pet_parts(1), spec)

    return asyncio.run(go())


RUNNERS = pytest.mark.parametrize("runner", [detailed, adetailed], ids=["sync", "async"])


# -- undocumented 2xx --------------------------------------------------------------------------


@RUNNERS
@pytest.mark.parametrize("status", [201, 202, 203])
def test_undocumented_2xx_decodes_with_the_success_type(
    R: SimpleNamespace, runner: Any, status: int
) -> None:
    # Prefect answers 201 where its spec documents 200.
    response = runner(R, make(R, Script(reply(status, PET))))
    assert response.parsed == R.models.Pet(id=1, name="rex")
    assert response.status_code == status


@RUNNERS
def test_undocumented_2xx_strict_raises(R: SimpleNamespace, runner: Any) -> None:
    with pytest.raises(R.errors.UnexpectedResponseError, match="undocumented status 201"):
        runner(R, make(R, Script(reply(201, PET)), strict=True))


@RUNNERS
@pytest.mark.parametrize(
    ("body", "ctype"),
    [(b"", None), (b"<html>created</html>", "text/html"), (b"\x89PNG\r\n", "image/png")],
)
def test_undocumented_2xx_body_that_cannot_fit(
    R: SimpleNamespace, runner: Any, body: bytes, ctype: str | None
) -> None:
    headers = {"Content-Type": ctype} if ctype else None
    with pytest.raises(R.errors.UnexpectedResponseError) as info:
        runner(R, make(R, Script(reply(201, body, headers))))
    assert "undocumented status 201" in str(info.value) and "does not fit" in str(info.value)
    assert info.value.status_code == 201 and info.value.body == body


@RUNNERS
def test_undocumented_2xx_with_a_model_mismatch_still_raises(
    R: SimpleNamespace, runner: Any
) -> None:
    with pytest.raises(R.errors.UnexpectedResponseError, match="does not fit"):
        runner(R, make(R, Script(reply(201, {"id": "one"}))))


@RUNNERS
def test_undocumented_3xx_still_raises(R: SimpleNamespace, runner: Any) -> None:
    with pytest.raises(R.errors.UnexpectedResponseError, match="undocumented status 304"):
        runner(R, make(R, Script(reply(304, PET))))


@RUNNERS
def test_no_fallback_when_the_success_body_is_ambiguous_or_not_json(
    R: SimpleNamespace, runner: Any
) -> None:
    rs = R.responses
    two = rs.ResponseSpec(
        {"200": rs.json_decoder(R.models.Pet.from_dict), "202": rs.json_decoder(dict)}
    )
    empty = rs.ResponseSpec({"204": rs.none_decoder})
    for spec in (two, empty):
        with pytest.raises(R.errors.UnexpectedResponseError, match="undocumented status 201"):
            runner(R, make(R, Script(reply(201, PET))), spec)


@RUNNERS
def test_range_and_default_entries_answer_every_2xx(R: SimpleNamespace, runner: Any) -> None:
    rs = R.responses
    for key in ("2XX", "default"):
        spec = rs.ResponseSpec({key: rs.json_decoder(R.models.Pet.from_dict)})
        for strict in (False, True):
            response = runner(R, make(R, Script(reply(207, PET)), strict=strict), spec)
            assert (response.status_code, response.parsed.name) == (207, "rex")


# -- content types -----------------------------------------------------------------------------

BODY = '{"id": 1, "name": "Zoë"}'
CONTENT = [
    ("text/plain", BODY.encode()),
    ("application/octet-stream", BODY.encode()),
    (None, BODY.encode()),
    ("application/json; charset=utf-8", BODY.encode()),
    ("application/json", b"\xef\xbb\xbf" + BODY.encode()),
    ("text/plain; charset=UTF-8", b"\xef\xbb\xbf" + BODY.encode()),
    ("application/vnd.api+json", BODY.encode()),
    ("application/problem+json", BODY.encode()),
    ("application/json; charset=utf-16", BODY.encode("utf-16")),
]
DECLARED = [
    ("application/json; charset=iso-8859-1", BODY.encode("latin-1")),
    ("text/plain; charset=windows-1252", BODY.encode("cp1252")),
]


def _reply(ctype: str | None, body: bytes, status: int = 200) -> Any:
    return reply(status, body, {"Content-Type": ctype} if ctype else None)


@RUNNERS
@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
@pytest.mark.parametrize(("ctype", "body"), CONTENT)
def test_json_under_any_content_type(
    R: SimpleNamespace, runner: Any, strict: bool, ctype: str | None, body: bytes
) -> None:
    response = runner(R, make(R, Script(_reply(ctype, body)), strict=strict))
    assert response.parsed == R.models.Pet(id=1, name="Zoë")


@RUNNERS
@pytest.mark.parametrize(("ctype", "body"), DECLARED)
def test_json_in_a_declared_charset(
    R: SimpleNamespace, runner: Any, ctype: str, body: bytes
) -> None:
    response = runner(R, make(R, Script(_reply(ctype, body))))
    assert response.parsed == R.models.Pet(id=1, name="Zoë")
    with pytest.raises(R.errors.UnexpectedResponseError, match="does not fit"):
        runner(R, make(R, Script(_reply(ctype, body)), strict=True))


@RUNNERS
def test_error_body_in_a_declared_charset(R: SimpleNamespace, runner: Any) -> None:
    body = '{"title": "Zoë not found"}'.encode("latin-1")
    script = Script(_reply("application/problem+json; charset=iso-8859-1", body, 404))
    with pytest.raises(R.errors.NotFoundError) as info:
        runner(R, make(R, script))
    assert info.value.problem == R.models.Problem(title="Zoë not found")


@RUNNERS
def test_text_that_is_not_json_still_raises(R: SimpleNamespace, runner: Any) -> None:
    for ctype in ("text/plain; charset=iso-8859-1", "text/plain"):
        with pytest.raises(R.errors.UnexpectedResponseError, match="does not fit"):
            runner(R, make(R, Script(_reply(ctype, b"OK caf\xe9"))))


def _lines(R: SimpleNamespace, client: Any) -> list[Any]:
    ep = R.endpoint.Endpoint("GET", "/pets/feed", "feed")
    spec = R.responses.ResponseSpec({})
    return list(client.stream_lines(ep, R.endpoint.RequestParts(), dict, error_spec=spec))


def _alines(R: SimpleNamespace, client: Any) -> list[Any]:
    ep = R.endpoint.Endpoint("GET", "/pets/feed", "feed")
    spec = R.responses.ResponseSpec({})

    async def go() -> list[Any]:
        async with client:
            it = client.astream_lines(ep, R.endpoint.RequestParts(), dict, error_spec=spec)
            return [item async for item in it]

    return asyncio.run(go())


@pytest.mark.parametrize("runner", [_lines, _alines], ids=["sync", "async"])
@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
def test_ndjson_with_a_bom(R: SimpleNamespace, runner: Any, strict: bool) -> None:
    body = b'\xef\xbb\xbf{"n": 1}\n{"n": 2}\n'
    script = Script(stream_reply([body], content_type="application/x-ndjson"))
    assert runner(R, make(R, script, strict=strict)) == [{"n": 1}, {"n": 2}]


# -- SSE streams that end in the middle of an event --------------------------------------------


def _events(R: SimpleNamespace, client: Any, method: str = "GET") -> list[Any]:
    ep = R.endpoint.Endpoint(method, "/pets/events", "watch")
    spec = R.responses.ResponseSpec({})
    it = client.stream_events(ep, R.endpoint.RequestParts(), json.loads, error_spec=spec)
    return list(it)


def _aevents(R: SimpleNamespace, client: Any, method: str = "GET") -> list[Any]:
    ep = R.endpoint.Endpoint(method, "/pets/events", "watch")
    spec = R.responses.ResponseSpec({})

    async def go() -> list[Any]:
        async with client:
            it = client.astream_events(ep, R.endpoint.RequestParts(), json.loads, error_spec=spec)
            return [e async for e in it]

    return asyncio.run(go())


SSE_RUNNERS = pytest.mark.parametrize("runner", [_events, _aevents], ids=["sync", "async"])
CUT = b'id: 1\ndata: {"n": 1}\n\nid: 2\ndata: {"n": '


@SSE_RUNNERS
def test_stream_ending_mid_event_resumes_from_last_event_id(
    R: SimpleNamespace, runner: Any, sleeps: list[float]
) -> None:
    script = Script(
        stream_reply([CUT]),  # the body ends cleanly, but inside event 2
        stream_reply([b'id: 2\ndata: {"n": 2}\n\nid: 3\ndata: {"n": 3}\n\n']),
    )
    got = runner(R, make(R, script))
    assert [e.data for e in got] == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert script.header("Last-Event-ID") == [None, "1"]
    assert len(sleeps) == 1


@SSE_RUNNERS
def test_stream_ending_mid_event_without_ids_on_a_post_raises_connection_error(
    R: SimpleNamespace, runner: Any
) -> None:
    script = Script(stream_reply([b'data: {"n": 1}\n\ndata: {"n": ']))
    with pytest.raises(R.errors.ApiConnectionError, match="middle of an event"):
        runner(R, make(R, script), "POST")
    assert len(script.requests) == 1


@SSE_RUNNERS
def test_stream_ending_mid_event_every_time_gives_up(
    R: SimpleNamespace, runner: Any, sleeps: list[float]
) -> None:
    script = Script(stream_reply([b'id: 7\ndata: {"n": ']))
    with pytest.raises(R.errors.ApiConnectionError, match="middle of an event"):
        runner(R, make(R, script))
    assert len(script.requests) == 6  # the first try and max_reconnects=5


@SSE_RUNNERS
def test_stream_ending_mid_event_strict_raises(R: SimpleNamespace, runner: Any) -> None:
    script = Script(stream_reply([CUT]))
    with pytest.raises(R.errors.UnexpectedResponseError, match="middle of an event"):
        runner(R, make(R, script, strict=True))
    assert len(script.requests) == 1


@SSE_RUNNERS
@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
def test_stream_ending_after_a_blank_line_or_comment_is_clean(
    R: SimpleNamespace, runner: Any, strict: bool
) -> None:
    script = Script(stream_reply([b'data: {"n": 1}\n\n: keep-alive']))
    assert [e.data for e in runner(R, make(R, script, strict=strict))] == [{"n": 1}]
    assert len(script.requests) == 1


@RUNNERS
@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
def test_buffered_event_stream_drops_the_cut_event(
    R: SimpleNamespace, runner: Any, strict: bool
) -> None:
    wire = importlib.import_module("rtpkg._runtime.wire")
    spec = R.responses.ResponseSpec({"200": wire.sse_list_decoder(json.loads)})
    script = Script(_reply("text/event-stream", CUT))
    if strict:
        with pytest.raises(R.errors.UnexpectedResponseError, match="middle of an event"):
            runner(R, make(R, script, strict=True), spec)
    else:
        assert [e.data for e in runner(R, make(R, script), spec).parsed] == [{"n": 1}]


# -- public accessors --------------------------------------------------------------------------


def test_timeout_accessor(R: SimpleNamespace) -> None:
    script = Script(reply(200, PET))
    assert make(R, script).timeout == httpx.Timeout(60.0, connect=5.0)
    assert make(R, script, timeout=7.5).timeout == httpx.Timeout(7.5)
    assert make(R, script, timeout=None).timeout == httpx.Timeout(None)
    own = httpx.Client(timeout=3.0)
    client = R.pkg.Client(base_url="http://api.test", httpx_client=own)
    assert client.timeout == httpx.Timeout(3.0)
    client = R.pkg.Client(base_url="http://api.test", httpx_client=own, timeout=9.0)
    assert client.timeout == httpx.Timeout(9.0)
    own.close()


def test_get_httpx_client(R: SimpleNamespace) -> None:
    script = Script(reply(200, PET))
    client = make(R, script)
    http = client.get_httpx_client()
    assert isinstance(http, httpx.Client) and client.get_httpx_client() is http
    http.headers["X-Added"] = "yes"  # what OPC users do with it
    R.api.get_pet(client, 1)
    assert script.header("X-Added") == ["yes"]
    client.close()
    own = httpx.Client()
    assert R.pkg.Client(base_url="http://x", httpx_client=own).get_httpx_client() is own
    own.close()


def test_get_async_httpx_client(R: SimpleNamespace) -> None:
    script = Script(reply(200, PET))
    client = make(R, script)
    http = client.get_async_httpx_client()  # outside any event loop
    assert isinstance(http, httpx.AsyncClient)
    http.headers["X-Added"] = "yes"

    async def go() -> Any:
        assert client.get_async_httpx_client() is http  # the first loop adopts it
        pet = await R.api.aget_pet(client, 1)
        await client.aclose()
        return pet

    assert asyncio.run(go()).name == "rex"
    assert script.header("X-Added") == ["yes"]
    own = httpx.AsyncClient()
    assert R.pkg.Client(base_url="http://x", async_httpx_client=own).get_async_httpx_client() is own
