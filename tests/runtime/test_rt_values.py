"""Pure helpers: parameter styles, serde codecs, strict-mode hooks, pagination loops."""

from __future__ import annotations

import asyncio
import enum
import uuid
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st


class Color(str, enum.Enum):
    RED = "red"


class Level(enum.Enum):
    HIGH = 3


# -- params ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        (3, "3"),
        (1.5, "1.5"),
        ("x y", "x y"),
        (Color.RED, "red"),
        (Level.HIGH, "3"),
        (date(2024, 5, 1), "2024-05-01"),
        (datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc), "2024-05-01T12:00:00Z"),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
    ],
)
def test_to_param_str(R: SimpleNamespace, value: object, text: str) -> None:
    assert R.params.to_param_str(value) == text


@pytest.mark.parametrize(
    ("value", "style", "explode", "text"),
    [
        (5, "simple", False, "5"),
        ([3, 4, 5], "simple", False, "3,4,5"),
        ([3, 4, 5], "simple", True, "3,4,5"),
        ({"role": "admin", "n": 5}, "simple", False, "role,admin,n,5"),
        ({"role": "admin", "n": 5}, "simple", True, "role=admin,n=5"),
        (5, "label", False, ".5"),
        ([3, 4, 5], "label", False, ".3,4,5"),
        ([3, 4, 5], "label", True, ".3.4.5"),
        ({"role": "admin", "n": 5}, "label", False, ".role,admin,n,5"),
        ({"role": "admin", "n": 5}, "label", True, ".role=admin.n=5"),
        (5, "matrix", False, ";id=5"),
        ([3, 4, 5], "matrix", False, ";id=3,4,5"),
        ([3, 4, 5], "matrix", True, ";id=3;id=4;id=5"),
        ({"role": "admin", "n": 5}, "matrix", False, ";id=role,admin,n,5"),
        ({"role": "admin", "n": 5}, "matrix", True, ";role=admin;n=5"),
    ],
)
def test_path_param_styles(
    R: SimpleNamespace, value: object, style: str, explode: bool, text: str
) -> None:
    assert R.params.path_param(value, style=style, explode=explode, name="id") == text


@pytest.mark.parametrize(
    ("value", "style", "text"),
    [
        ("a/b c%d", "simple", "a%2Fb%20c%25d"),
        ("a,b", "simple", "a%2Cb"),  # a comma inside one value is data, not a list delimiter
        (["a,b", "c"], "simple", "a%2Cb,c"),
        ("..", "simple", "%2E%2E"),
        (".", "simple", "%2E"),
        ("...", "simple", "..."),
        ("x;y=z", "matrix", ";id=x%3By%3Dz"),
        ("é", "label", ".%C3%A9"),
        ({"k/": "v?"}, "simple", "k%2F,v%3F"),
    ],
)
def test_path_param_values_are_encoded(
    R: SimpleNamespace, value: object, style: str, text: str
) -> None:
    assert R.params.path_param(value, style=style, name="id") == text


def test_path_param_unknown_style(R: SimpleNamespace) -> None:
    with pytest.raises(ValueError):
        R.params.path_param(1, style="weird")


@pytest.mark.parametrize(
    ("value", "style", "explode", "pairs"),
    [
        (None, "form", True, []),
        (5, "form", True, [("id", "5")]),
        (True, "form", True, [("id", "true")]),
        ([3, 4], "form", True, [("id", "3"), ("id", "4")]),
        ([3, 4], "form", False, [("id", "3,4")]),
        ([], "form", True, []),
        ([3, 4], "spaceDelimited", False, [("id", "3 4")]),
        ([3, 4], "pipeDelimited", False, [("id", "3|4")]),
        ([3, 4], "tabDelimited", False, [("id", "3\t4")]),
        ({"a": 1, "b": "x"}, "form", True, [("a", "1"), ("b", "x")]),
        ({"a": 1, "b": "x"}, "form", False, [("id", "a,1,b,x")]),
        ({"a": 1, "b": "x"}, "deepObject", True, [("id[a]", "1"), ("id[b]", "x")]),
    ],
)
def test_add_query(
    R: SimpleNamespace, value: object, style: str, explode: bool, pairs: list[tuple[str, str]]
) -> None:
    query: list[tuple[str, str]] = [("keep", "me")]
    R.params.add_query(query, "id", value, style=style, explode=explode)
    assert query == [("keep", "me"), *pairs]


def test_add_query_skips_unset(R: SimpleNamespace) -> None:
    query: list[tuple[str, str]] = []
    R.params.add_query(query, "id", R.types.UNSET)
    assert query == []


@pytest.mark.parametrize(
    ("value", "media", "text"),
    [
        (
            {"q": "a&b c", "tags": ["x", "y"], "n": None},
            "application/x-www-form-urlencoded",
            "q=a%26b%20c&tags=x&tags=y",
        ),
        (
            {"on": True, "at": date(2024, 5, 1)},
            "application/x-www-form-urlencoded; charset=utf-8",
            "on=true&at=2024-05-01",
        ),
        (
            {"q": "x", "n": [1, 2]},
            "application/json",
            "%7B%22q%22%3A%22x%22%2C%22n%22%3A%5B1%2C2%5D%7D",
        ),
        ({"q": 1}, "application/vnd.api+json", "%7B%22q%22%3A1%7D"),
        ("a b&c", "text/plain", "a%20b%26c"),
    ],
)
def test_query_string(R: SimpleNamespace, value: object, media: str, text: str) -> None:
    assert R.params.query_string(value, media) == text


def test_query_string_absent_and_refused(R: SimpleNamespace) -> None:
    assert R.params.query_string(None, "application/json") is None
    assert R.params.query_string(R.types.UNSET, "application/x-www-form-urlencoded") is None
    with pytest.raises(TypeError):
        R.params.query_string(["not", "an", "object"], "application/x-www-form-urlencoded")


def test_header_param(R: SimpleNamespace) -> None:
    assert R.params.header_param([1, 2]) == "1,2"
    assert R.params.header_param({"a": 1}, explode=True) == "a=1"
    assert R.params.header_param(False) == "false"


# -- serde ----------------------------------------------------------------------------------

_UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=_UTC)),
        ("2024-01-02T03:04:05z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=_UTC)),
        ("2024-01-02t03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=_UTC)),
        ("2024-01-02T03:04:05.1Z", datetime(2024, 1, 2, 3, 4, 5, 100000, tzinfo=_UTC)),
        ("2024-01-02T03:04:05.123Z", datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=_UTC)),
        (
            "2024-01-02T03:04:05.123456789+02:00",
            datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=timezone(timedelta(hours=2))),
        ),
        (
            "2024-01-02T03:04:05-0530",
            datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
        ),
        ("2024-01-02T03:04:05", datetime(2024, 1, 2, 3, 4, 5)),
        ("2024-01-02 03:04:05+00:00", datetime(2024, 1, 2, 3, 4, 5, tzinfo=_UTC)),
    ],
)
def test_parse_datetime(R: SimpleNamespace, text: str, expected: datetime) -> None:
    assert R.serde.parse_datetime(text) == expected
    assert R.serde.parse_datetime(text).utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-02T03:04:05.1+01:00",
        "2024-01-02T03:04:05.1234567Z",
        "2024-01-02t03:04:05,5+0100",
        "2024-01-02T03:04Z",
        "2024-01-02T03:04:05+01",
    ],
)
def test_slow_path_matches_modern_fromisoformat(R: SimpleNamespace, text: str) -> None:
    # The normaliser is what Python 3.10 runs for these; it must agree with the fast path.
    slow = R.serde._parse_datetime_slow(text.replace("z", "Z").replace("Z", "Z"))
    assert slow == R.serde.parse_datetime(text)


@pytest.mark.parametrize("text", ["", "yesterday", "2024-13-02T00:00:00Z", "2024-01-02T25:00Z"])
def test_parse_datetime_rejects(R: SimpleNamespace, text: str) -> None:
    with pytest.raises(ValueError):
        R.serde.parse_datetime(text)


@given(st.datetimes(timezones=st.sampled_from([_UTC, timezone(timedelta(hours=-3))])))
def test_datetime_round_trip(R: SimpleNamespace, value: datetime) -> None:
    text = R.serde.format_datetime(value)
    assert R.serde.parse_datetime(text) == value
    assert R.serde._parse_datetime_slow(text) == value


def test_format_datetime(R: SimpleNamespace) -> None:
    assert R.serde.format_datetime(datetime(2024, 1, 2, tzinfo=_UTC)) == "2024-01-02T00:00:00Z"
    naive = datetime(2024, 1, 2, 3, 4, 5, 600)
    assert R.serde.format_datetime(naive) == "2024-01-02T03:04:05.000600"


def test_dates_times_uuids(R: SimpleNamespace) -> None:
    s = R.serde
    assert s.parse_date("2024-02-29") == date(2024, 2, 29)
    assert s.format_date(date(2024, 2, 29)) == "2024-02-29"
    assert s.parse_time("12:30:00Z") == time(12, 30, tzinfo=_UTC)
    assert s.parse_time("12:30:00.5") == time(12, 30, 0, 500000)
    assert s.parse_uuid("00000000-0000-0000-0000-000000000001") == uuid.UUID(int=1)
    with pytest.raises(TypeError):
        s.parse_uuid(5)
    with pytest.raises(ValueError):
        s.parse_uuid("nope")


@given(st.binary(max_size=64))
def test_base64_round_trip(R: SimpleNamespace, data: bytes) -> None:
    text = R.serde.b64encode(data)
    assert R.serde.b64decode(text) == data
    assert R.serde.b64decode(text.rstrip("=")) == data
    urlsafe = text.replace("+", "-").replace("/", "_")
    assert R.serde.b64decode(urlsafe) == data


def test_base64_rejects_garbage(R: SimpleNamespace) -> None:
    with pytest.raises(ValueError):
        R.serde.b64decode("***")


def test_expect_helpers(R: SimpleNamespace) -> None:
    s = R.serde
    assert s.expect_str("a") == "a"
    assert s.expect_int(3) == 3 and s.expect_int(3.0) == 3
    assert s.expect_float(2) == 2.0 and isinstance(s.expect_float(2), float)
    assert s.expect_bool(False) is False
    assert s.expect_list([1]) == [1]
    assert s.expect_dict({"a": 1}) == {"a": 1}
    bad: list[tuple[Any, Any]] = [
        (s.expect_str, 1),
        (s.expect_int, True),
        (s.expect_int, 1.5),
        (s.expect_int, "1"),
        (s.expect_float, True),
        (s.expect_float, "1"),
        (s.expect_bool, 1),
        (s.expect_list, {}),
        (s.expect_dict, []),
    ]
    for fn, value in bad:
        with pytest.raises(TypeError):
            fn(value)


# -- strict ---------------------------------------------------------------------------------


def test_hooks_only_raise_in_strict_mode(R: SimpleNamespace) -> None:
    st_ = R.strict
    assert st_.strict_mode() is False
    st_.unknown_enum_value("Color", "green")
    st_.unknown_variant("Shape", {"kind": "hexagon"})
    st_.unknown_fields("Pet", ["extra"])
    with st_.strict_scope():
        assert st_.strict_mode() is True
        with pytest.raises(ValueError, match="green"):
            st_.unknown_enum_value("Color", "green")
        with pytest.raises(ValueError, match="Shape"):
            st_.unknown_variant("Shape", {"kind": "hexagon"})
        with pytest.raises(ValueError, match="extra"):
            st_.unknown_fields("Pet", ["extra"])
        with st_.strict_scope(False):
            st_.unknown_fields("Pet", ["extra"])
    assert st_.strict_mode() is False


def test_strict_flag_is_per_task(R: SimpleNamespace) -> None:
    async def probe(strict: bool) -> bool:
        if strict:
            with R.strict.strict_scope():
                await asyncio.sleep(0.01)
                return bool(R.strict.strict_mode())
        await asyncio.sleep(0.01)
        return bool(R.strict.strict_mode())

    async def main() -> list[bool]:
        return list(await asyncio.gather(probe(True), probe(False), probe(True)))

    assert asyncio.run(main()) == [True, False, True]


# -- pagination -----------------------------------------------------------------------------


def _pages(data: dict[str | None, tuple[list[int], str | None]]) -> tuple[Any, list[str | None]]:
    calls: list[str | None] = []

    def fetch(cursor: str | None) -> tuple[list[int], str | None]:
        calls.append(cursor)
        return data[cursor]

    return fetch, calls


@pytest.mark.parametrize(
    ("data", "max_items", "items", "calls"),
    [
        ({None: ([1, 2], "a"), "a": ([3], "b"), "b": ([4], None)}, None, [1, 2, 3, 4], 3),
        ({None: ([1, 2], "a"), "a": ([3], "")}, None, [1, 2, 3], 2),
        ({None: ([1], "a"), "a": ([2], "b"), "b": ([3], "a")}, None, [1, 2, 3], 3),
        ({None: ([1, 2], "a"), "a": ([3, 4], None)}, 3, [1, 2, 3], 2),
        ({None: ([1, 2], "a"), "a": ([3, 4], None)}, 2, [1, 2], 1),
        ({None: ([1, 2], "a")}, 0, [], 0),
        ({None: ([], "a"), "a": ([5], None)}, None, [5], 2),
    ],
)
def test_iterate_pages(
    R: SimpleNamespace,
    data: dict[str | None, tuple[list[int], str | None]],
    max_items: int | None,
    items: list[int],
    calls: int,
) -> None:
    fetch, seen = _pages(data)
    got = list(
        R.pagination.iterate_pages(
            fetch, items=lambda p: p[0], next_cursor=lambda p: p[1], max_items=max_items
        )
    )
    assert got == items and len(seen) == calls

    afetch_calls: list[str | None] = []

    async def afetch(cursor: str | None) -> tuple[list[int], str | None]:
        afetch_calls.append(cursor)
        return data[cursor]

    async def collect() -> list[int]:
        return [
            x
            async for x in R.pagination.aiterate_pages(
                afetch, items=lambda p: p[0], next_cursor=lambda p: p[1], max_items=max_items
            )
        ]

    assert asyncio.run(collect()) == items and len(afetch_calls) == calls


def test_pages_fetched_lazily(R: SimpleNamespace) -> None:
    fetch, seen = _pages({None: ([1, 2], "a"), "a": ([3], None)})
    it = R.pagination.iterate_pages(fetch, items=lambda p: p[0], next_cursor=lambda p: p[1])
    assert seen == []
    assert next(it) == 1 and seen == [None]
    assert next(it) == 2 and seen == [None]
    assert next(it) == 3 and seen == [None, "a"]
