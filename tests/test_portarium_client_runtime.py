"""The committed Portarium client demonstrates the runtime end to end (httpx.MockTransport).

Each test drives generated operation modules, sync and async, through a transport that records
requests, so what is asserted is what would go on the wire: retries and idempotency keys,
pagination, SSE, typed errors, client-credentials auth, strict/forward-compatible decoding.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "output" / "portarium-client"))

from portarium_client import AuthenticatedClient  # noqa: E402
from portarium_client._runtime import retries  # noqa: E402
from portarium_client.api.approvals import decide_approval  # noqa: E402
from portarium_client.api.runs import get_run, list_runs, start_run, stream_run_events  # noqa: E402
from portarium_client.errors import (  # noqa: E402
    NotFoundError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
)
from portarium_client.models import (  # noqa: E402
    DecideApprovalRequest,
    EvidenceEntry,
    Problem,
    Run,
    RunStatus,
    StartRunRequest,
)

BASE = "https://portarium.example.com"
RUN = {
    "id": "run-1",
    "status": "Running",
    "workflowId": "wf-1",
    "workspaceId": "ws-1",
    "createdAt": "2026-01-01T10:00:00Z",
}
APPROVAL = {
    "id": "ap-1",
    "runId": "run-1",
    "status": "Approved",
    "requestedBy": "user-1",
    "prompt": "ok?",
    "createdAt": "2026-01-01T10:00:00Z",
    "decidedAt": "2026-01-01T10:01:00Z",
    "decision": "Approved",
}

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    async def asleep(_: float) -> None:
        return None

    monkeypatch.setattr(retries, "_sleep", lambda _: None)
    monkeypatch.setattr(retries, "_asleep", asleep)


def make_client(handler: Handler, **kw: Any) -> AuthenticatedClient:
    kw.setdefault("token", "secret-token")
    return AuthenticatedClient(
        base_url=BASE,
        transport=httpx.MockTransport(handler),
        async_transport=httpx.MockTransport(handler),
        **kw,
    )


class Recorder:
    def __init__(self, responses: list[httpx.Response]) -> None:
        self.responses = responses
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.responses[min(len(self.requests), len(self.responses)) - 1]


def test_post_without_idempotency_key_is_sent_once_after_503() -> None:
    rec = Recorder([httpx.Response(503, json={"title": "busy"}), httpx.Response(201, json=RUN)])
    client = make_client(rec)
    with pytest.raises(ServerError) as exc:
        start_run.sync(client=client, workspace_id="ws-1", body=StartRunRequest(workflow_id="wf"))
    assert exc.value.status_code == 503
    assert len(rec.requests) == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_decide_approval_retried_after_503_with_the_same_key(mode: str) -> None:
    rec = Recorder(
        [
            httpx.Response(503, headers={"Retry-After": "0"}),
            httpx.Response(200, json=APPROVAL),
        ]
    )
    client = make_client(rec)
    body = DecideApprovalRequest.from_dict({"decision": "Approved", "rationale": "fine"})
    if mode == "sync":
        result = decide_approval.sync(
            client=client, workspace_id="ws-1", approval_id="ap-1", body=body
        )
    else:
        result = asyncio.run(
            decide_approval.asyncio(
                client=client, workspace_id="ws-1", approval_id="ap-1", body=body
            )
        )
    assert result.id == "ap-1"
    assert len(rec.requests) == 2
    keys = [r.headers.get("Idempotency-Key") for r in rec.requests]
    assert keys[0] and keys[0] == keys[1]


def test_caller_supplied_idempotency_key_is_kept() -> None:
    rec = Recorder([httpx.Response(502), httpx.Response(200, json=APPROVAL)])
    client = make_client(rec)
    body = DecideApprovalRequest.from_dict({"decision": "Approved", "rationale": "r"})
    decide_approval.sync(
        client=client, workspace_id="w", approval_id="a", body=body, idempotency_key="mine-1"
    )
    assert [r.headers["Idempotency-Key"] for r in rec.requests] == ["mine-1", "mine-1"]


def test_get_retries_429_then_raises_rate_limit_with_retry_after() -> None:
    rec = Recorder([httpx.Response(429, headers={"Retry-After": "7"}, json={"title": "slow"})])
    client = make_client(rec, max_retries=2)
    with pytest.raises(RateLimitError) as exc:
        get_run.sync(client=client, workspace_id="w", run_id="r")
    assert exc.value.retry_after == 7
    assert len(rec.requests) == 3
    rec2 = Recorder([httpx.Response(429)])
    with pytest.raises(RateLimitError):
        get_run.sync(client=make_client(rec2), workspace_id="w", run_id="r", max_retries=0)
    assert len(rec2.requests) == 1


def test_errors_are_typed_and_carry_the_problem() -> None:
    problem = {"type": "about:blank", "title": "No such run", "status": 404, "detail": "run r"}
    rec = Recorder(
        [
            httpx.Response(
                404,
                json=problem,
                headers={"content-type": "application/problem+json", "x-request-id": "req-9"},
            )
        ]
    )
    with pytest.raises(NotFoundError) as exc:
        get_run.sync(client=make_client(rec), workspace_id="w", run_id="r")
    err = exc.value
    assert err.status_code == 404 and err.request_id == "req-9"
    assert err.problem is not None and err.problem.title == "No such run"
    assert "secret-token" not in str(err)


def test_html_502_from_a_proxy_does_not_crash() -> None:
    rec = Recorder([httpx.Response(502, text="<html>bad gateway</html>")])
    with pytest.raises(ServerError) as exc:
        get_run.sync(client=make_client(rec, max_retries=0), workspace_id="w", run_id="r")
    assert exc.value.problem is None
    assert b"bad gateway" in exc.value.body


def test_body_that_does_not_fit_raises_unexpected_response() -> None:
    rec = Recorder([httpx.Response(200, json={"id": "r"})])  # required fields missing
    with pytest.raises(UnexpectedResponseError) as exc:
        get_run.sync(client=make_client(rec), workspace_id="w", run_id="r")
    assert exc.value.response.status_code == 200


def pages_handler(request: httpx.Request) -> httpx.Response:
    cursor = request.url.params.get("cursor")
    page = int(cursor or 0)
    items = [{**RUN, "id": f"run-{page}-{i}"} for i in range(3)]
    return httpx.Response(
        200, json={"items": items, "nextCursor": str(page + 1) if page < 2 else None}
    )


def test_iterate_and_aiterate_walk_every_page() -> None:
    client = make_client(pages_handler)
    ids = [r.id for r in list_runs.iterate(client=client, workspace_id="w", limit=3)]
    assert len(ids) == 9 and ids[0] == "run-0-0" and ids[-1] == "run-2-2"

    async def collect() -> list[str]:
        return [
            r.id async for r in list_runs.aiterate(client=client, workspace_id="w", max_items=4)
        ]

    assert asyncio.run(collect()) == ["run-0-0", "run-0-1", "run-0-2", "run-1-0"]
    page = list_runs.sync(client=client, workspace_id="w")
    assert page.cursor == "1" and page.next_cursor == "1"


def test_repeated_cursor_stops_iteration() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"items": [RUN], "nextCursor": "same"})

    # Page 2 repeats page 1 byte for byte (the server ignored the cursor): the walk stops before
    # handing out its items again.
    assert len(list(list_runs.iterate(client=make_client(handler), workspace_id="w"))) == 1


def test_sse_stream_yields_typed_events() -> None:
    event = {
        "id": "e1",
        "type": "StatusChanged",
        "runId": "run-1",
        "occurredAt": "2026-01-01T10:00:00Z",
    }
    body = (
        ": keep-alive\r\n"
        f"id: 1\r\nevent: run\r\ndata: {json.dumps(event)}\r\n\r\n"
        f"id: 2\ndata: {json.dumps({**event, 'id': 'e2'})}"
    ).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept"] == "text/event-stream"
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    events = list(
        stream_run_events.stream(client=make_client(handler), workspace_id="w", run_id="r")
    )
    assert [e.id for e in events] == ["1", "2"]
    assert events[0].event == "run" and events[0].data.id == "e1"


def test_unknown_enum_values_and_fields_are_kept_unless_strict() -> None:
    payload = {**RUN, "status": "Hibernating", "brandNew": 1}
    rec = Recorder([httpx.Response(200, json=payload)])
    run = get_run.sync(client=make_client(rec), workspace_id="w", run_id="r")
    assert isinstance(run.status, RunStatus) and run.status.value == "Hibernating"
    assert run.to_dict()["status"] == "Hibernating"
    assert "brandNew" not in run.to_dict()  # Run forbids extra properties: ignored, not kept
    with pytest.raises(UnexpectedResponseError):
        get_run.sync(client=make_client(rec, strict=True), workspace_id="w", run_id="r")


def test_unknown_fields_are_kept_where_the_schema_allows() -> None:
    problem = Problem.from_dict({"title": "t", "traceId": "abc"})
    assert problem.additional_properties == {"traceId": "abc"}
    assert problem.to_dict()["traceId"] == "abc"
    assert Problem.from_dict(problem.to_dict()) == problem


def test_unknown_union_variant_is_kept_as_a_mapping() -> None:
    entry = EvidenceEntry.from_dict(
        {
            "id": "ev-1",
            "category": "Action",
            "occurredAt": "2026-01-01T10:00:00Z",
            "summary": "s",
            "hash": "h",
            "actor": {"kind": "robot", "serial": 7},
        }
    )
    assert entry.actor == {"kind": "robot", "serial": 7}
    assert EvidenceEntry.from_dict(entry.to_dict()) == entry


def test_client_credentials_exchange_is_single_flight_and_cached() -> None:
    token_calls = 0
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal token_calls
        if request.url.path == "/v1/auth/token":
            with lock:
                token_calls += 1
            form = dict(x.split("=") for x in request.content.decode().split("&"))
            assert form["grant_type"] == "client_credentials" and form["client_id"] == "svc"
            return httpx.Response(
                200, json={"access_token": "tok-1", "token_type": "Bearer", "expires_in": 3600}
            )
        assert request.headers["authorization"] == "Bearer tok-1"
        return httpx.Response(200, json=RUN)

    client = AuthenticatedClient(
        base_url=BASE,
        client_id="svc",
        client_secret="shh",
        transport=httpx.MockTransport(handler),
        async_transport=httpx.MockTransport(handler),
    )
    threads = [
        threading.Thread(
            target=get_run.sync, kwargs={"client": client, "workspace_id": "w", "run_id": "r"}
        )
        for _ in range(10)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    async def many() -> list[Run]:
        return list(
            await asyncio.gather(
                *(get_run.asyncio(client=client, workspace_id="w", run_id="r") for _ in range(10))
            )
        )

    assert len(asyncio.run(many())) == 10
    assert token_calls == 1
    assert "shh" not in repr(client)


def test_token_provider_is_asked_again_after_401() -> None:
    tokens: Iterator[str] = itertools.chain(["old"], itertools.repeat("new"))
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(401) if len(seen) == 1 else httpx.Response(200, json=RUN)

    client = make_client(handler, token=None, token_provider=lambda: next(tokens))
    assert get_run.sync(client=client, workspace_id="w", run_id="r").id == "run-1"
    assert seen == ["Bearer old", "Bearer new"]


def test_default_timeout_is_set_and_overridable_per_call() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json=RUN)

    client = make_client(handler)
    get_run.sync(client=client, workspace_id="w", run_id="r")
    get_run.sync(client=client, workspace_id="w", run_id="r", timeout=3.0)
    assert seen[0]["connect"] == 5.0 and seen[0]["read"] == 60.0
    assert seen[1]["read"] == 3.0


def test_extra_headers_per_call_and_logging_redacts_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rec = Recorder([httpx.Response(200, json=RUN)])
    with caplog.at_level("DEBUG", logger="portarium_client"):
        get_run.sync(
            client=make_client(rec), workspace_id="w", run_id="r", extra_headers={"X-Trace": "t1"}
        )
    assert rec.requests[0].headers["X-Trace"] == "t1"
    text = caplog.text
    assert "GET" in text and "secret-token" not in text
