"""The runtime's JSON functions: orjson when installed, the stdlib otherwise, same results."""

from __future__ import annotations

import dataclasses
import enum
import gc
import json
import math
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest
from mockhttp import Script, reply

VALUES: list[Any] = [
    {"a": [1, 2.5, None, True, False, "x"], "nested": {"é": "ü", "emoji": "\U0001f600"}},
    [],
    "",
    0,
    -(2**63),
    2**63 - 1,
    1e-7,
    {"quote": '"\\/\n\t\x00'},
]


@pytest.fixture(params=["orjson", "stdlib"])
def jl(request: pytest.FixtureRequest, R: SimpleNamespace) -> Iterator[Any]:
    """The runtime's ``jsonlib`` with orjson in use, and again with it switched off."""
    mod = R.jsonlib
    if request.param == "orjson":
        if not mod.FAST:
            pytest.skip("orjson is not installed")
        yield mod
        return
    saved = (mod._orjson_loads, mod._orjson_dumps)
    mod._orjson_loads = mod._orjson_dumps = None
    try:
        yield mod
    finally:
        mod._orjson_loads, mod._orjson_dumps = saved


@pytest.mark.parametrize("value", VALUES)
def test_round_trip_equals_stdlib(jl: Any, value: Any) -> None:
    text = jl.dumps(value)
    assert isinstance(text, bytes)
    assert json.loads(text) == value
    assert jl.loads(text) == value
    assert jl.loads(text.decode()) == value
    assert jl.loads(memoryview(text)) == value


@pytest.mark.parametrize(
    "text",
    [
        b"[NaN, Infinity, -Infinity]",  # not JSON, but json.loads takes it
        b"123456789012345678901234567890",  # past 64 bits
        b'"\\ud800"',  # lone surrogate escape
        '{"a": 1}'.encode("utf-16"),  # UTF-16 with a BOM
    ],
)
def test_loads_accepts_what_stdlib_accepts(jl: Any, text: bytes) -> None:
    expected = json.loads(text)
    got = jl.loads(text)
    if jl._orjson_loads is not None and isinstance(expected, int):
        # The documented difference: orjson reads an integer past 64 bits as a float.
        assert got == float(expected)
        return
    assert repr(got) == repr(expected)  # repr: NaN != NaN


@pytest.mark.parametrize("text", [b"", b"{", b"[1,]", b"\xff"])
def test_loads_rejects_like_stdlib(jl: Any, text: bytes) -> None:
    with pytest.raises(ValueError):
        jl.loads(text)


def test_dumps_falls_back_for_what_orjson_cannot_write(jl: Any) -> None:
    assert json.loads(jl.dumps({1: "int key", "big": 2**70})) == {"1": "int key", "big": 2**70}


@dataclasses.dataclass
class _Point:
    x: int


@pytest.mark.parametrize("value", [_Point(1), {1, 2}, object(), b"x".decode])
def test_dumps_refuses_non_json_objects_on_both_routes(jl: Any, value: Any) -> None:
    with pytest.raises(TypeError):
        jl.dumps({"v": value})


class _Color(str, enum.Enum):
    RED = "red"


class _Level(enum.Enum):
    HIGH = 3


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2024, 5, 1, 12, tzinfo=timezone.utc), '"2024-05-01T12:00:00Z"'),
        (
            datetime(2024, 5, 1, 12, 0, 0, 4500, tzinfo=timezone.utc),
            '"2024-05-01T12:00:00.004500Z"',
        ),
        (
            datetime(2024, 5, 1, 12, tzinfo=timezone(timedelta(hours=-5))),
            '"2024-05-01T12:00:00-05:00"',
        ),
        (datetime(2024, 5, 1, 12), '"2024-05-01T12:00:00"'),
        (date(2024, 5, 1), '"2024-05-01"'),
        (uuid.UUID(int=1), '"00000000-0000-0000-0000-000000000001"'),
        (_Color.RED, '"red"'),
        (_Level.HIGH, "3"),
        (b"\x00\xff", '"AP8="'),
    ],
)
def test_dumps_writes_generated_values_alike_on_both_routes(jl: Any, value: Any, text: str) -> None:
    assert jl.dumps([value]) == f"[{text}]".encode()


def test_dumps_writes_models_from_their_wire_table(R: SimpleNamespace, jl: Any) -> None:
    @dataclasses.dataclass
    class Pet:
        _wire_: ClassVar[Any] = (
            ("name", "name", jl.ALWAYS),
            ("born", "bornAt", None),
            ("tag", "tag", R.types.UNSET),
        )
        name: str
        born: datetime | None = None
        tag: Any = R.types.UNSET
        additional_properties: dict[str, Any] = dataclasses.field(default_factory=dict)

        def to_dict(self) -> dict[str, Any]:
            out: dict[str, Any] = {**self.additional_properties, "name": self.name}
            if self.born is not None:
                out["bornAt"] = R.serde.format_datetime(self.born)
            if self.tag is not R.types.UNSET:
                out["tag"] = self.tag
            return out

    born = datetime(2024, 5, 1, tzinfo=timezone.utc)
    pets = [Pet("rex"), Pet("tom", born, None, {"x": 1}), Pet("kit", tag=Pet("inner"))]
    assert json.loads(jl.dumps(pets)) == [
        {"name": "rex"},
        {"x": 1, "name": "tom", "bornAt": "2024-05-01T00:00:00Z", "tag": None},
        {"name": "kit", "tag": {"name": "inner"}},
    ]
    assert list(json.loads(jl.dumps(pets[1]))) == ["x", "name", "bornAt", "tag"]


def test_dumps_non_finite_floats(jl: Any) -> None:
    if jl._orjson_dumps is None:
        with pytest.raises(ValueError):
            jl.dumps([math.nan])
    else:  # the one documented difference: orjson writes null
        assert jl.dumps([math.nan, math.inf]) == b"[null,null]"


def test_request_body_is_compact_json_with_content_type(R: SimpleNamespace, jl: Any) -> None:
    script = Script(reply(200, {}))
    parts = R.endpoint.RequestParts(json={"name": "Rex", "tags": ["é"]})
    make(R, script).request(ep(R), parts, spec(R))
    sent = script.requests[0]
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.content == '{"name":"Rex","tags":["é"]}'.encode()
    assert sent.headers["Content-Length"] == str(len(sent.content))


def test_request_body_keeps_a_callers_content_type(R: SimpleNamespace) -> None:
    script = Script(reply(200, {}))
    parts = R.endpoint.RequestParts(json={"a": 1})
    make(R, script).request(
        ep(R), parts, spec(R), extra_headers={"content-type": "application/merge-patch+json"}
    )
    sent = script.requests[0]
    assert sent.headers.get_list("Content-Type") == ["application/merge-patch+json"]


def make(R: SimpleNamespace, script: Script) -> Any:
    return R.pkg.Client(base_url="http://api.test/v1/", **script.options())


def ep(R: SimpleNamespace) -> Any:
    return R.endpoint.Endpoint("POST", "/things", "createThing")


def spec(R: SimpleNamespace) -> Any:
    return R.responses.ResponseSpec({"2XX": R.responses.json_decoder(lambda v: v)})


def test_loads_as_pauses_the_collector_only_for_large_bodies(
    jl: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []

    def parse(value: Any) -> Any:
        seen.append(gc.isenabled())
        return value

    small = jl.dumps({"a": 1})
    large = jl.dumps(["x" * 100] * (jl.GC_PAUSE_BYTES // 100))
    assert gc.isenabled()
    assert jl.loads_as(small, parse) == {"a": 1}
    assert jl.loads_as(large, parse) == json.loads(large)
    assert seen == [True, False] and gc.isenabled()  # paused during the large one, then back on

    def boom(value: Any) -> Any:
        raise KeyError("x")

    with pytest.raises(KeyError):
        jl.loads_as(large, boom)
    assert gc.isenabled()  # back on after an error too
    gc.disable()
    try:
        seen.clear()
        jl.loads_as(large, parse)
        assert seen == [False] and not gc.isenabled()  # a collector the caller stopped stays off
    finally:
        gc.enable()
