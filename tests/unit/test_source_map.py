"""Source map internals: lazy JSON navigation and the block line table land where full reads do."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from generator.diagnostics import DiagnosticSink, escape_pointer_token
from generator.source_map import SourceMap, byte_view


def _pointers(node: Any, prefix: str = "#") -> list[str]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _pointers(value, f"{prefix}/{escape_pointer_token(key)}")
        out.append(f"{prefix}/missing")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _pointers(value, f"{prefix}/{index}")
        out += [f"{prefix}/{len(node)}", f"{prefix}/x", f"{prefix}/01"]
    return out


DOC = {
    "openapi": "3.1.0",
    "info": {"title": "caf\u00e9 \U0001fab2", "version": "1"},
    "paths": {
        f"/p{i}": {"get": {"operationId": f"op{i}", "tags": ["a", "b"], "x": [[i], {"k": i}]}}
        for i in range(30)
    },
    "components": {
        "schemas": {f"S\u00e9{i}": {"type": "object", "enum": [1, 2]} for i in range(30)}
    },
    "z": [],
    "e": {},
}


def test_lazy_lookups_match_full_reads() -> None:
    pointers = _pointers(DOC)
    for indent in (None, 1):
        text = json.dumps(DOC, indent=indent, ensure_ascii=False)
        data = text.encode("utf-8")
        full, lazy = SourceMap("/spec.json"), SourceMap("/spec.json")
        full.add("/spec.json", text, "json")
        lazy.add("/spec.json", byte_view(data), "json", utf8=True, unique_keys=True)
        expected = {p: full.locate(p) for p in pointers}
        shuffled = pointers[:]
        random.Random(indent).shuffle(shuffled)
        for pointer in shuffled:
            assert lazy.locate(pointer) == expected[pointer], pointer
            assert lazy.key_occurrences("/spec.json", pointer) == full.key_occurrences(
                "/spec.json", pointer
            )


@pytest.mark.parametrize("depth", [1, 2, 3, 5])
@pytest.mark.parametrize("unique", [True, False])
def test_levels_read_elsewhere_locate_as_read_here(depth: int, unique: bool) -> None:
    """What one process reads ahead (``scan_levels``) and another adopts, before or after its
    own lookups, lands every pointer where a fresh read does."""
    pointers = _pointers(DOC)
    text = json.dumps(DOC, indent=1, ensure_ascii=False)
    fresh, ahead, late = (SourceMap("/spec.json") for _ in range(3))
    for smap in (fresh, ahead, late):
        smap.add("/spec.json", byte_view(text.encode()), "json", utf8=True, unique_keys=unique)
    reader = SourceMap("/spec.json")
    reader.add("/spec.json", byte_view(text.encode()), "json", utf8=True, unique_keys=unique)
    assert reader.scan_levels(depth, least=10**9) == {}  # a small file is not read ahead
    scans = reader.scan_levels(depth, least=0)
    assert scans["/spec.json"]  # the root object at least, read to its end
    ahead.adopt(scans)
    shuffled = pointers[:]
    random.Random(depth).shuffle(shuffled)
    for pointer in shuffled[: len(shuffled) // 2]:  # part of it read here first
        late.locate(pointer)
    late.adopt(scans)
    for pointer in shuffled:
        expected = fresh.locate(pointer)
        assert ahead.locate(pointer) == expected, pointer
        assert late.locate(pointer) == expected, pointer
        assert ahead.key_occurrences("/spec.json", pointer) == fresh.key_occurrences(
            "/spec.json", pointer
        )


def test_deferred_diagnostics_end_as_located_ones() -> None:
    """A sink that defers locating (warnings and notes; errors are located at once) ends, once
    ``locate_deferred`` ran, with the items an eager sink has, repeats dropped alike."""
    text = json.dumps(DOC, indent=1, ensure_ascii=False)
    pointers = [p for p in _pointers(DOC) if not p.endswith("/missing")][:60] + ["#/nowhere"]
    sinks = []
    for defer in (False, True):
        smap = SourceMap("/spec.json")
        smap.add("/spec.json", text, "json")
        sink = DiagnosticSink(locator=smap, default_file="spec.json")
        if defer:
            sink.deferred = []
        for i, pointer in enumerate(pointers + pointers[:5]):  # the repeats are dropped
            if i % 3 == 0:
                sink.error("E0001", f"e {pointer}", pointer)
            elif i % 3 == 1:
                sink.warning("W0001", f"w {pointer}", pointer)
            else:
                sink.note("N0001", f"n {pointer}", pointer)
        if defer:
            assert all(not d.line for d in sink.items if d.code != "E0001")
            assert all(
                d.line for d in sink.items if d.code == "E0001" and "nowhere" not in d.message
            )
            sink.locate_deferred()
            assert sink.deferred is None
        sinks.append(sink.items)
    assert sinks[1] == sinks[0]
    assert any(d.source_line for d in sinks[1] if d.code != "E0001")


def test_a_sink_takes_what_another_still_owes() -> None:
    """``take`` carries the locating a deferring sink owes into another sink, past the repeats
    that sink already holds; located there, the items are what one eager sink records."""
    text = json.dumps(DOC, indent=1, ensure_ascii=False)
    smap = SourceMap("/spec.json")
    smap.add("/spec.json", text, "json")
    pointers = [p for p in _pointers(DOC) if not p.endswith("/missing")][:40]
    eager = DiagnosticSink(locator=smap)
    main = DiagnosticSink(locator=smap)
    side = DiagnosticSink(locator=smap, deferred=[])
    for pointer in pointers[:10]:  # already in the main sink: the side's repeats are dropped
        eager.warning("W0001", f"w {pointer}", pointer)
        main.warning("W0001", f"w {pointer}", pointer)
    for pointer in pointers[5:]:
        eager.note("N0001", f"n {pointer}", pointer)
        eager.warning("W0001", f"w {pointer}", pointer)
        side.note("N0001", f"n {pointer}", pointer)
        side.warning("W0001", f"w {pointer}", pointer)
    main.take(side)
    assert side.deferred is None and main.deferred
    main.locate_deferred()
    assert main.items == eager.items


def test_duplicate_keys_read_every_occurrence() -> None:
    text = '{"a": {"k": 1, "b": 2, "k": 3}}'
    smap = SourceMap("/spec.json")
    smap.add("/spec.json", text, "json")
    occurrences = smap.key_occurrences("/spec.json", "#/a/k")
    assert [loc.col for loc in occurrences] == [8, 24]


def test_line_table_matches_naive_counting(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import source_map

    rng = random.Random(5)
    for block in (4, 8, 1 << 16):
        monkeypatch.setattr(source_map, "_BLOCK", block)
        for _ in range(60):
            text = "".join(
                rng.choice(["a", "b", "\n", "\n\n", "xyz" * rng.randint(0, 9), "\r\n"])
                for _ in range(rng.randint(0, 40))
            )
            table = source_map._LineTable(text)
            lines = text.split("\n")
            for offset in range(len(text) + 1):
                line = text.count("\n", 0, offset) + 1
                col = offset - (text.rfind("\n", 0, offset) + 1) + 1
                assert table.position(offset) == (line, col), (text, offset)
            fresh = source_map._LineTable(text)  # no position asked first: no line start known
            for number in range(0, len(lines) + 2):
                expected = lines[number - 1].rstrip("\r") if 1 <= number <= len(lines) else None
                assert table.line_text(number) == expected, (text, number)
                assert fresh.line_text(number) == expected, (text, number)


def test_columns_on_long_utf8_lines_count_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Minified JSON with non-ASCII text: columns past the short-head limit come from the
    continuation-byte index and agree with decoding the line's head."""
    from generator import source_map

    rng = random.Random(11)
    pieces = ["a", "é", "€", "😀", "\n", '"k"', "{", "xyz" * 5]
    for block, short in ((4, 0), (16, 3), (1 << 16, 1 << 12)):
        monkeypatch.setattr(source_map, "_BLOCK", block)
        monkeypatch.setattr(source_map, "_SHORT_HEAD", short)
        for _ in range(40):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
            data = text.encode("utf-8")
            view = byte_view(data)
            table = source_map._LineTable(view, utf8=True)
            starts = {len(text[:i].encode("utf-8")): i for i in range(len(text) + 1)}
            for offset, chars in starts.items():  # offsets at character boundaries
                line = text.count("\n", 0, chars) + 1
                col = chars - (text.rfind("\n", 0, chars) + 1) + 1
                assert table.position(offset) == (line, col), (text, offset)


def test_line_text_of_one_huge_line_reads_only_its_start() -> None:
    from generator import source_map

    text = "{" + '"a": 1, ' * 100_000 + "}"
    table = source_map._LineTable(text)
    assert table.line_text(1) == text[: source_map._MAX_SHOWN_LINE]
    assert table.line_text(2) is None
