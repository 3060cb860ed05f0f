"""Logging and redaction: debug lines carry what they should and never a secret."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from mockhttp import Script, reply

SECRETS = ("tok-SECRET-1", "key-SECRET-2", "qkey-SECRET-3", "pw-SECRET-4", "cc-SECRET-5")


def ep(R: SimpleNamespace) -> Any:
    return R.endpoint.Endpoint("GET", "/pets", "listPets")


def spec(R: SimpleNamespace) -> Any:
    return R.responses.ResponseSpec({"200": R.responses.json_decoder(lambda v: v)})


def secret_client(R: SimpleNamespace, script: Script, **kw: Any) -> Any:
    return R.pkg.Client(
        base_url="http://user:pw-SECRET-4@api.test",
        token="tok-SECRET-1",
        api_key="key-SECRET-2",
        query_key="qkey-SECRET-3",
        username="ann",
        password="pw-SECRET-4",
        **script.options(),
        **kw,
    )


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_debug_log_lines(R: SimpleNamespace, caplog: pytest.LogCaptureFixture) -> None:
    script = Script(reply(503), reply(200, {}, {"x-request-id": "req-42"}))
    client = R.pkg.Client(base_url="http://api.test", **script.options())
    with caplog.at_level(logging.DEBUG, logger="rtpkg"):
        client.request(ep(R), R.endpoint.RequestParts(query=[("a", "1")]), spec(R))
    lines = [r.getMessage() for r in caplog.records if r.name == "rtpkg"]
    responses = [line for line in lines if "->" in line]
    assert len(responses) == 2
    assert responses[0].startswith("GET http://api.test/pets?a=1 -> 503 (")
    assert "attempt 1/3" in responses[0] and "request id None" in responses[0]
    assert "ms," in responses[1] and "attempt 2/3" in responses[1]
    assert "request id req-42" in responses[1]
    assert any(line.startswith("retrying GET http://api.test/pets?a=1 in ") for line in lines)


def test_logs_redacted(R: SimpleNamespace, caplog: pytest.LogCaptureFixture) -> None:
    script = Script(reply(503), httpx.ConnectError("refused qkey-SECRET-3"), reply(200, {}))
    client = secret_client(R, script)
    with caplog.at_level(logging.DEBUG, logger="rtpkg"):
        client.request(ep(R), R.endpoint.RequestParts(cookies={"c": "v"}), spec(R))
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert_clean(text)
    assert "http://user:[REDACTED]@api.test/pets?api_key=[REDACTED] -> 503" in text
    assert "'authorization': '[REDACTED]'" in text
    assert "'x-api-key': '[REDACTED]'" in text
    assert "'cookie': '[REDACTED]'" in text
    # the secrets really were sent
    sent = script.requests[-1]
    assert sent.url.params["api_key"] == "qkey-SECRET-3"


def test_no_formatting_when_debug_off(
    R: SimpleNamespace, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("log helper called with debug off")

    monkeypatch.setattr(R.base_client, "log_response", boom)
    monkeypatch.setattr(R.base_client, "log_retry", boom)
    script = Script(reply(503), reply(200, {}))
    with caplog.at_level(logging.INFO, logger="rtpkg"):
        R.pkg.Client(base_url="http://api.test", **script.options()).request(
            ep(R), R.endpoint.RequestParts(), spec(R)
        )


def test_async_logs(R: SimpleNamespace, caplog: pytest.LogCaptureFixture) -> None:
    script = Script(reply(200, {}))
    client = secret_client(R, script)

    async def go() -> None:
        async with client:
            await client.arequest(ep(R), R.endpoint.RequestParts(), spec(R))

    with caplog.at_level(logging.DEBUG, logger="rtpkg"):
        asyncio.run(go())
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "rtpkg")
    assert "-> 200" in text
    assert_clean(text)


def test_repr_redacted(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    creds = R.auth.ClientCredentials("id", "cc-SECRET-5", "http://auth.test/token")
    client = secret_client(R, script, client_credentials=creds)
    text = repr(client)
    assert_clean(text)
    assert "Client(base_url=" in text and "bearerAuth=" in text and "[REDACTED]" in text
    for method in client._auth.values():
        assert_clean(repr(method))
    assert_clean(repr(creds))


def test_exception_messages_redacted(R: SimpleNamespace) -> None:
    script = Script(reply(404, {"title": "x"}))
    client = secret_client(R, script)
    with pytest.raises(R.errors.NotFoundError) as info:
        client.request(ep(R), R.endpoint.RequestParts(), spec(R))
    assert_clean(str(info.value))
    assert "api_key=" in str(info.value)

    script = Script(httpx.ConnectError("failed for tok-SECRET-1 / pw-SECRET-4"))
    client = secret_client(R, script, max_retries=0)
    with pytest.raises(R.errors.ApiConnectionError) as conn:
        client.request(ep(R), R.endpoint.RequestParts(), spec(R))
    assert_clean(str(conn.value))

    script = Script(reply(200, b"not json"))
    client = secret_client(R, script)
    with pytest.raises(R.errors.UnexpectedResponseError) as bad:
        client.request(ep(R), R.endpoint.RequestParts(), spec(R))
    assert_clean(str(bad.value))


def test_redactor_units(R: SimpleNamespace) -> None:
    red = R.observe.Redactor(headers=["X-Token"], query=["sig"], secrets=["hunter2", ""])
    assert red.url("http://h/p?sig=abc&x=1") == "http://h/p?sig=[REDACTED]&x=1"
    assert red.url("http://u:hunter2@h/p") == "http://u:[REDACTED]@h/p"
    assert red.text("pw is hunter2!") == "pw is [REDACTED]!"
    headers = httpx.Headers({"X-Token": "t", "authorization": "a", "Accept": "x"})
    assert red.header_dict(headers) == {
        "x-token": "[REDACTED]",
        "authorization": "[REDACTED]",
        "accept": "x",
    }


def test_final_failure_logged(R: SimpleNamespace, caplog: pytest.LogCaptureFixture) -> None:
    script = Script(httpx.ConnectError("refused"))
    client = secret_client(R, script, max_retries=1)
    with caplog.at_level(logging.DEBUG, logger="rtpkg"), pytest.raises(R.errors.ApiConnectionError):
        client.request(ep(R), R.endpoint.RequestParts(), spec(R))
    lines = [r.getMessage() for r in caplog.records if r.name == "rtpkg"]
    assert lines[-1].startswith("giving up after attempt 2/2: GET http://user:[REDACTED]@api.test")
    assert_clean("\n".join(lines))


def test_short_secrets_are_not_scrubbed_out_of_words(R: SimpleNamespace) -> None:
    redactor = R.observe.Redactor(secrets=["t", "s3cr3t-token"])
    text = redactor.text("https://api.example.com failed with s3cr3t-token")
    assert text == "https://api.example.com failed with [REDACTED]"
