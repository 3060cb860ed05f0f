"""Reading YAML from the parser's events (``parsing._read_plain_yaml``) gives what reading it
through the node tree gives: the same data, positions, problems and failures, whatever the text
(plain YAML is read from the events, anything else falls back to the node tree).

Both readings are compared on every YAML and JSON file of the corpus and on generated texts
that mix plain YAML with what only the node tree handles: anchors, aliases, merge keys, tags,
repeated and non-scalar keys, several documents, and broken syntax.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import parsing

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def _shape(document: Any, positions: parsing.Positions) -> list[object]:
    """Each container's positions, in document order (``id()`` keys compared by place)."""
    out: list[object] = [positions.get(parsing.ROOT_POSITION)]
    stack = [document]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen or not isinstance(node, dict | list):
            continue
        seen.add(id(node))
        out.append(positions.get(id(node)))
        stack.extend(reversed(list(node.values()) if isinstance(node, dict) else node))
    return out


def read(text: str, *, events: bool) -> tuple[object, ...]:
    try:
        parsed = parsing.parse_yaml(text, events=events)
    except parsing.ParseFailure as failure:
        return ("failure", failure.problem)
    shape = _shape(parsed.document, parsed.positions or {})
    # repr: NaN equals itself there, and True/1 or 1.0/1 stay apart
    return ("parsed", repr(parsed.document), shape, parsed.problems)


def both_agree(text: str) -> None:
    assert read(text, events=True) == read(text, events=False)


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file()
    )


def test_the_corpus_reads_the_same_both_ways() -> None:
    files = _corpus_files()
    if not files:
        pytest.skip("../shared/corpus is not here")
    taken: list[bool] = []
    real = parsing._read_plain_yaml

    def counting(loader: Any) -> Any:
        try:
            found = real(loader)
        except parsing._Bail:
            taken.append(False)
            raise
        taken.append(True)
        return found

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parsing, "_read_plain_yaml", counting)
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            if len(text) > 4_000_000:
                continue  # the largest JSON specs: slow as YAML, and nothing new
            both_agree(text)
    assert sum(taken) > len(files) // 2  # most real specs are plain YAML


SCALARS = [
    *("", "~", "null", "Null", "true", "False", "TRUE", "yes", "off", "on", "12", "-3", "+5"),
    *("0", "0x1F", "0755", "1.5", "-.5", ".5", "1e3", "1.0e+3", "1_000", "1_0.5", ".inf"),
    *("-.Inf", ".NaN", "2001-12-14", "text", "a b", "<<", "=", "x:y", "12:30"),
    *('"12"', "'true'", '""', '"a\\tb"', "'it''s'", '"<<"'),
    *("!!int 3", "!!int '3'", "!!str 5", "!!float '1.5'", "!!bool 'yes'", "!!null ''"),
    *("! 7", "!custom x", "!!binary aGk=", "!!timestamp 2001-12-14", "!!python/name:os.system"),
    *("&a 1", "&b text", "*a", "*b", "*c", "&a 2"),
]
KEYS = [
    *("a", "b", "a", "200", "on", "null", "~", "<<", '"a"', "'b'", '"<<"', "!!str k", "!!int 7"),
    *("&k a", "*k", "? [x]", "? {y: 1}", "[z]", "c d", "!x e"),
]


# Plain YAML, which is read from the events: no tag, anchor, alias or merge key; keys unique.
PLAIN_SCALARS = [s for s in SCALARS if not s.startswith(("!", "&", "*")) and s != '"<<"']
PLAIN_KEYS = ["a", "b", "200", "on", "null", "~", '"c"', "'d'", '"<<"', "e f", "'g: h'", "x-y"]


def _keys(plain: bool) -> st.SearchStrategy[list[str]]:
    if plain:  # the same key twice is for the node tree (a repeated key)
        return st.lists(st.sampled_from(PLAIN_KEYS), max_size=4, unique=True)
    return st.lists(st.sampled_from(KEYS), max_size=4)


@st.composite
def _node(draw: st.DrawFn, depth: int, plain: bool) -> str:
    """A YAML node (flow style), anchored or tagged at times unless ``plain``."""
    kind = draw(st.integers(0, 9 if depth < 4 else 5))
    if kind <= 5:
        return draw(st.sampled_from(PLAIN_SCALARS if plain else SCALARS))
    prefix = "" if plain else draw(st.sampled_from(["", "", "&a ", "&c ", "&m ", "!!map ", "!t "]))
    if kind <= 7:
        items = draw(st.lists(_node(depth + 1, plain), max_size=4))
        return prefix + "[" + ", ".join(items) + "]"
    keys = draw(_keys(plain))
    values = [draw(_node(depth + 1, plain)) for _ in keys]
    return prefix + "{" + ", ".join(f"{k}: {v}" for k, v in zip(keys, values, strict=True)) + "}"


@st.composite
def _block(draw: st.DrawFn, indent: int, depth: int, plain: bool) -> str:
    """A block mapping or sequence at ``indent``, its values flow nodes or nested blocks."""
    pad = " " * indent
    lines: list[str] = []
    sequence = draw(st.booleans()) and depth > 0
    keys = draw(_keys(plain).filter(bool)) if not sequence else ["- "] * draw(st.integers(1, 4))
    for key in keys:
        head = pad + ("- " if sequence else key + ":")
        if draw(st.integers(0, 9)) == 0:
            lines.append(pad + "# a comment")
        if depth < 3 and draw(st.integers(0, 3)) == 0:
            lines.append(head.rstrip())
            lines.append(draw(_block(indent + draw(st.sampled_from([2, 4])), depth + 1, plain)))
        elif draw(st.integers(0, 7)) == 0:
            lines.append(head + draw(st.sampled_from([" |", " >-", " |+"])))
            lines.append(pad + "  literal text\n" + pad + "  second line")
        else:
            lines.append(head + ("" if sequence else " ") + draw(_node(depth, plain)))
    return "\n".join(lines)


@st.composite
def _text(draw: st.DrawFn, plain: bool) -> str:
    body = draw(_block(0, 0, plain)) if draw(st.booleans()) else draw(_node(0, plain))
    if draw(st.booleans()):
        body = draw(st.sampled_from(["---\n", "%YAML 1.1\n---\n", "# head\n"])) + body
    if not plain and draw(st.integers(0, 9)) == 0:
        body += "\n---\n" + draw(_node(0, plain))  # a second document
    if draw(st.integers(0, 9)) == 0:  # broken syntax somewhere
        cut = draw(st.integers(0, len(body)))
        body = (
            body[:cut] + draw(st.sampled_from(["]", "}", ": :", "\t", "\n  - x", "'"])) + body[cut:]
        )
    return body + draw(st.sampled_from(["\n", "\n...\n", ""]))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_text(plain=True))
def test_generated_plain_texts_read_the_same_both_ways(text: str) -> None:
    both_agree(text)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_text(plain=False))
def test_generated_texts_read_the_same_both_ways(text: str) -> None:
    both_agree(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: [1, 2, {c: ~}]\n",  # plain: from the events
        "a: &x {b: 1}\nc: *x\n",  # shared by an alias
        "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",  # a merge key
        "a: 1\na: 2\n",  # a repeated key
        "? [a]\n: 1\n",  # a non-scalar key
        "a: !!int '3'\n",  # a tag
        "a: 1\n---\nb: 2\n",  # two documents
        "- 1\n- [2\n",  # broken
        "just text\n",  # a scalar document
        "",  # nothing
        "a: " + "[" * 600 + "]" * 600 + "\n",  # too deep
    ],
)
def test_each_fallback_reads_the_same(text: str) -> None:
    both_agree(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: !!int abc\n", "abc"),
        ("a: !!int ''\n", ""),
        ("a: !!bool 'maybe'\n", "maybe"),
        ("a: !!float 'x'\n", "x"),
        ("a: !!int '0x1f'\n", 31),
    ],
)
def test_a_tag_on_text_that_is_no_such_value_keeps_the_text(text: str, value: object) -> None:
    """``!!int abc`` was an internal error (ValueError from the int conversion)."""
    assert parsing.parse_yaml(text).document == {"a": value}
