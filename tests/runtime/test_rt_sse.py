"""The incremental SSE parser: WHATWG field rules, line endings, chunking anywhere."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st


def parse(R: SimpleNamespace, *chunks: bytes) -> list[Any]:
    return parse_end(R, *chunks)[0]


def parse_end(R: SimpleNamespace, *chunks: bytes) -> tuple[list[Any], bool]:
    """The events dispatched, and whether the stream ended in the middle of an event."""
    decoder = R.sse.SSEDecoder()
    events: list[Any] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    return events, decoder.end()


def test_basic_event_fields(R: SimpleNamespace) -> None:
    (event,) = parse(R, b"event: update\nid: 42\nretry: 1500\ndata: hello\n\n")
    assert (event.event, event.data, event.id, event.retry) == ("update", "hello", "42", 1500)
    assert event.raw == "event: update\nid: 42\nretry: 1500\ndata: hello"


def test_multiline_data_and_default_type(R: SimpleNamespace) -> None:
    (event,) = parse(R, b"data: one\ndata:two\ndata:  three\n\n")
    assert event.event == "message"
    assert event.data == "one\ntwo\n three"


def test_comments_and_empty_blocks(R: SimpleNamespace) -> None:
    events = parse(R, b": keep-alive\n\n:another\n\nevent: x\n\ndata: a\n\n")
    assert [e.data for e in events] == ["a"]
    assert events[0].event == "message"  # the data-less "event: x" block reset the type


def test_line_endings(R: SimpleNamespace) -> None:
    for eol in (b"\n", b"\r", b"\r\n"):
        events = parse(R, b"data: a" + eol + b"data: b" + eol + eol + b"data: c" + eol + eol)
        assert [e.data for e in events] == ["a\nb", "c"], eol


def test_crlf_split_between_chunks(R: SimpleNamespace) -> None:
    events = parse(R, b"data: a\r", b"\n\r", b"\ndata: b\r\n\r\n")
    assert [e.data for e in events] == ["a", "b"]


def test_final_event_without_blank_line_is_discarded(R: SimpleNamespace) -> None:
    # WHATWG: "If the file ends in the middle of an event ... the incomplete event is not
    # dispatched"; end() reports the cut so the client can resume.
    for body in (b"data: a\n\ndata: last", b"data: a\n\ndata: last\n", b'data: a\n\ndata: {"x":'):
        events, cut = parse_end(R, body)
        assert ([e.data for e in events], cut) == (["a"], True), body


def test_clean_ends(R: SimpleNamespace) -> None:
    for body in (
        b"",
        b"data: a\n\n",
        b"data: a\r\n\r\n: ping",
        b"data: a\n\n: ping\n",
        b"event: x\n",
    ):
        events, cut = parse_end(R, body)
        assert not cut, body


def test_id_persists_and_nul_ignored(R: SimpleNamespace) -> None:
    events = parse(R, b"id: 1\ndata: a\n\ndata: b\n\nid: x\x00y\ndata: c\n\nid\ndata: d\n\n")
    assert [e.id for e in events] == ["1", "1", "1", ""]


def test_retry_must_be_digits(R: SimpleNamespace) -> None:
    decoder = R.sse.SSEDecoder()
    events = decoder.feed(b"retry: 12a\ndata: a\n\nretry: 300\ndata: b\n\n")
    assert [e.retry for e in events] == [None, 300]
    assert decoder.retry == 300


def test_field_without_colon_and_unknown_fields(R: SimpleNamespace) -> None:
    events = parse(R, b"data\nfoo: bar\n\ndata:\n\n")
    assert [e.data for e in events] == ["", ""]


def test_bom_and_utf8_split(R: SimpleNamespace) -> None:
    payload = "\ufeffdata: héllo €\n\n".encode()
    events = parse(R, *[payload[i : i + 1] for i in range(len(payload))])
    assert [e.data for e in events] == ["héllo €"]


def test_events_available_before_stream_ends(R: SimpleNamespace) -> None:
    decoder = R.sse.SSEDecoder()
    assert decoder.feed(b"data: a\n") == []
    assert [e.data for e in decoder.feed(b"\ndata: b")] == ["a"]
    assert decoder.end() is True


def test_resume_state(R: SimpleNamespace) -> None:
    decoder = R.sse.SSEDecoder(last_event_id="5", retry=100)
    (event,) = decoder.feed(b"data: a\n\n")
    assert event.id == "5" and decoder.retry == 100 and event.retry is None


_fields = st.sampled_from(["data", "event", "id", "retry", "", "x"])
_values = st.text(
    alphabet=st.characters(blacklist_characters="\r\n\x00", blacklist_categories=("Cs",)),
    max_size=12,
)
_line = st.one_of(
    st.tuples(_fields, _values).map(lambda fv: f"{fv[0]}: {fv[1]}"),
    _values.map(lambda v: ":" + v),
    st.just(""),
    st.integers(0, 99999).map(lambda n: f"retry: {n}"),
)
_stream = st.tuples(
    st.lists(_line, max_size=25),
    st.sampled_from(["\n", "\r", "\r\n"]),
    st.booleans(),
    st.booleans(),
)


@given(stream=_stream, cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=30))
def test_any_chunking_gives_identical_events(
    R: SimpleNamespace, stream: tuple[list[str], str, bool, bool], cuts: list[int]
) -> None:
    lines, eol, bom, trailing = stream
    text = ("\ufeff" if bom else "") + eol.join(lines) + (eol if trailing else "")
    payload = text.encode()
    whole = parse_end(R, payload)
    points = sorted({c % (len(payload) + 1) for c in cuts})
    pieces = [payload[a:b] for a, b in zip([0, *points], [*points, len(payload)], strict=True)]
    assert parse_end(R, *pieces) == whole
    assert parse_end(R, *[payload[i : i + 1] for i in range(len(payload))]) == whole


def test_last_event_id_only_counts_dispatched_events(R: SimpleNamespace) -> None:
    decoder = R.sse.SSEDecoder()
    decoder.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b")
    assert decoder.last_event_id == "1"
    decoder.feed(b"\n\n")
    assert decoder.last_event_id == "2"
    decoder.feed(b"id: 3\n\n")  # a data-less block still moves the id on
    assert decoder.last_event_id == "3"


@given(
    payload=st.binary(max_size=200).map(lambda b: b.replace(b"x", b"\n").replace(b"y", b"\r")),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=20),
)
def test_any_bytes_any_chunking(R: SimpleNamespace, payload: bytes, cuts: list[int]) -> None:
    # Invalid UTF-8 included: the decoder replaces it the same way wherever the chunks split.
    whole = parse_end(R, b"data: " + payload)
    points = sorted({c % (len(payload) + 1) for c in cuts})
    pieces = [payload[a:b] for a, b in zip([0, *points], [*points, len(payload)], strict=True)]
    assert parse_end(R, b"data: ", *pieces) == whole
