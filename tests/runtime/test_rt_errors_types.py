"""errors.py (rendered) and types.py: hierarchy, status mapping, sentinels, containers."""

from __future__ import annotations

import ast
import copy
import dataclasses
import email.utils
import pickle
import time
from types import SimpleNamespace

import httpx
import pytest
from rtpkg_builder import DEFAULT_ERROR_NAMES, render_errors


def _response(
    status: int, headers: dict[str, str] | None = None, body: bytes = b""
) -> httpx.Response:
    return httpx.Response(
        status, headers=headers, content=body, request=httpx.Request("GET", "http://x/y")
    )


def test_hierarchy(R: SimpleNamespace) -> None:
    e = R.errors
    assert issubclass(e.ApiStatusError, e.ApiError)
    assert issubclass(e.ClientError, e.ApiStatusError)
    assert issubclass(e.ServerError, e.ApiStatusError)
    for cls in (
        e.BadRequestError,
        e.UnauthorizedError,
        e.ForbiddenError,
        e.NotFoundError,
        e.ConflictError,
        e.UnprocessableEntityError,
        e.RateLimitError,
    ):
        assert issubclass(cls, e.ClientError)
    assert issubclass(e.ApiTimeoutError, e.ApiConnectionError)
    assert issubclass(e.ApiConnectionError, e.ApiError)
    assert issubclass(e.UnexpectedResponseError, e.ApiError)
    assert not issubclass(e.UnexpectedResponseError, e.ApiStatusError)


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (400, "BadRequestError"),
        (401, "UnauthorizedError"),
        (403, "ForbiddenError"),
        (404, "NotFoundError"),
        (409, "ConflictError"),
        (422, "UnprocessableEntityError"),
        (429, "RateLimitError"),
        (418, "ClientError"),
        (451, "ClientError"),
        (500, "ServerError"),
        (502, "ServerError"),
        (599, "ServerError"),
        (600, "ApiStatusError"),
    ],
)
def test_status_error_class(R: SimpleNamespace, status: int, name: str) -> None:
    assert R.errors._status_error_class(status) is getattr(R.errors, name)


def test_stable_aliases(R: SimpleNamespace) -> None:
    e = R.errors
    assert e._ApiError is e.ApiError
    assert e._ApiStatusError is e.ApiStatusError
    assert e._ApiConnectionError is e.ApiConnectionError
    assert e._ApiTimeoutError is e.ApiTimeoutError
    assert e._UnexpectedResponseError is e.UnexpectedResponseError


def test_all_lists_public_names(R: SimpleNamespace) -> None:
    public = {
        n
        for n, v in vars(R.errors).items()
        if not n.startswith("_") and isinstance(v, type) and issubclass(v, Exception)
    }
    assert set(R.errors.__all__) == public
    defined = {
        n
        for n, v in vars(R.types).items()
        if not n.startswith("_") and getattr(v, "__module__", None) == "rtpkg.types"
    }
    assert defined | {"UNSET", "NOT_GIVEN", "Timeout"} == set(R.types.__all__)


def test_status_error_attributes(R: SimpleNamespace) -> None:
    response = _response(404, {"x-request-id": "req-1"}, b'{"title": "gone"}')
    err = R.errors.NotFoundError("404 Not Found", response=response, body=b"raw", problem={"a": 1})
    assert err.status_code == 404
    assert err.response is response
    assert err.body == b"raw"
    assert err.problem == {"a": 1}
    assert err.request_id == "req-1"
    assert str(err) == "404 Not Found"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({}, None),
        ({"Retry-After": "soon"}, None),
    ],
)
def test_rate_limit_retry_after(
    R: SimpleNamespace, headers: dict[str, str], expected: float | None
) -> None:
    err = R.errors.RateLimitError("429", response=_response(429, headers), body=b"", problem=None)
    assert err.retry_after == expected


def test_rate_limit_retry_after_http_date(R: SimpleNamespace) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    err = R.errors.RateLimitError(
        "429", response=_response(429, {"Retry-After": when}), body=b"", problem=None
    )
    assert err.retry_after is not None and 25 <= err.retry_after <= 31


def test_unexpected_response_keeps_raw(R: SimpleNamespace) -> None:
    response = _response(299, body=b"<html>")
    err = R.errors.UnexpectedResponseError("odd", response=response)
    assert (err.status_code, err.body, err.response) == (299, b"<html>", response)


def test_connection_error_keeps_request(R: SimpleNamespace) -> None:
    request = httpx.Request("GET", "http://x")
    err = R.errors.ApiTimeoutError("timed out", request=request)
    assert err.request is request and err.message == "timed out"


def test_docstring_draws_tree(R: SimpleNamespace) -> None:
    doc = R.errors.__doc__
    assert doc is not None
    assert "├── ApiStatusError" in doc
    assert "│   └── ApiTimeoutError" in doc
    assert "└── RateLimitError  429" in doc


def test_renamed_classes_render(tmp_path: object) -> None:
    names = dataclasses.replace(
        DEFAULT_ERROR_NAMES,
        api_error="PortariumError",
        not_found="MissingError",
        status_classes=((404, "MissingError"), (429, "RateLimitError")),
    )
    text = render_errors(names, package="portarium_client")
    tree = ast.parse(text)
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    assert {"PortariumError", "MissingError"} <= classes
    assert "ApiError" not in classes
    assert "_ApiError = PortariumError" in text
    assert "404: MissingError" in text
    assert "portarium_client" in text


def test_unset_sentinel(R: SimpleNamespace) -> None:
    t = R.types
    assert t.Unset() is t.UNSET
    assert not t.UNSET
    assert repr(t.UNSET) == "UNSET"
    assert copy.copy(t.UNSET) is t.UNSET and copy.deepcopy(t.UNSET) is t.UNSET
    assert pickle.loads(pickle.dumps(t.UNSET)) is t.UNSET
    assert t.UNSET is not None


def test_not_given_sentinel(R: SimpleNamespace) -> None:
    t = R.types
    assert t.NotGiven() is t.NOT_GIVEN
    assert not t.NOT_GIVEN
    assert repr(t.NOT_GIVEN) == "NOT_GIVEN"
    assert copy.deepcopy(t.NOT_GIVEN) is t.NOT_GIVEN
    assert pickle.loads(pickle.dumps(t.NOT_GIVEN)) is t.NOT_GIVEN


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-request-id": "a"}, "a"),
        ({"request-id": "b"}, "b"),
        ({"x-amzn-requestid": "c"}, "c"),
        ({"cf-ray": "d"}, "d"),
        ({"request-id": "b", "x-request-id": "a"}, "a"),
        ({}, None),
    ],
)
def test_response_request_id(
    R: SimpleNamespace, headers: dict[str, str], expected: str | None
) -> None:
    response = R.types.Response(200, httpx.Headers(headers), b"{}", {"x": 1})
    assert response.request_id == expected
    with pytest.raises(AttributeError):
        response.status_code = 201  # type: ignore[misc]


def test_file_to_tuple(R: SimpleNamespace) -> None:
    f = R.types.File(b"data", "a.txt", "text/plain")
    assert f.to_tuple() == ("a.txt", b"data", "text/plain")
    assert R.types.File(b"x").to_tuple() == (None, b"x", None)


def test_timeout_reexport(R: SimpleNamespace) -> None:
    assert R.types.Timeout is httpx.Timeout
