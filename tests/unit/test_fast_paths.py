"""The quick readers of large runs give what the general ones give.

- ``bindings.imported_names`` reads the import blocks the planner lays out with a regex; any
  block of other statements goes to :mod:`ast`. Both must name the same bound names.
- ``bindings._builtins_besides``: the builtins of a parameter's statement, less its own name,
  as taking every occurrence of the name out of the statement first would give.
- ``surface.Entry.json_text`` writes what ``json.dumps(entry.to_json(), ensure_ascii=False)``
  writes, and a snapshot reads back (``Surface.loads``) to the same entries.
- ``source_map.pointer_from_tokens`` and ``diagnostics.join_pointer`` escape only the tokens that
  need it: the pointer is the RFC 6901 one, token by token.
- ``loader._has_long_line`` looks for a line over the limit window by window: the same answer
  as measuring every line.
- ``output.indented_json`` writes the manifest as ``json.dumps(body, indent=2, sort_keys=True)``.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.bindings import (
    _builtins_besides,
    _parsed_imported_names,
    _simple_imported_names,
    code_builtins,
    imported_names,
)
from generator.diagnostics import join_pointer, split_pointer
from generator.imports import sort_imports
from generator.loader import _has_long_line
from generator.output import indented_json
from generator.plan_operations import ParamView
from generator.source_map import pointer_from_tokens
from generator.surface import Entry, Surface

BLOCKS = [
    "from __future__ import annotations",
    "import httpx",
    "import os.path",
    "import a.b as c",
    "import json, os as system",
    "from . import sibling",
    "from .. import parent as p",
    "from ...models.user import User",
    "from ..._runtime.endpoint import Endpoint, RequestParts",
    "from typing import annotations as annotations",
    "from x import annotations",
    "from __future__ import annotations\n\nimport httpx\n\nfrom .a import B",
    "from ...models.a_very_long_module_name import (\n    FirstName,\n    SecondName as Other,\n)",
    "\n".join(
        sort_imports(
            [
                "from __future__ import annotations",
                "from collections.abc import Mapping",
                "import httpx",
                "from ..._runtime.endpoint import Endpoint, RequestParts",
                "from ...models."
                + "m" * 60
                + " import Aaaaaaaaaaaaaaaaaaaaa, Bbbbbbbbbbbbbbbbbbbbbbbbb, Ccccccccccccccc",
                "from ...models.x import Y as Y",
            ]
        )
    ),
]


@pytest.mark.parametrize("block", BLOCKS)
def test_import_names_read_like_ast(block: str) -> None:
    simple = _simple_imported_names(block)
    assert simple is not None, block
    assert simple == _parsed_imported_names(block)


@pytest.mark.parametrize(
    "block",
    [
        "from a import *",
        "if TYPE_CHECKING:\n    from a import B",
        "from a import b  # comment",
        "x = 1",
        "from a import (b, c)",
    ],
)
def test_other_statements_are_parsed(block: str) -> None:
    assert _simple_imported_names(block) is None
    assert imported_names(block) == _parsed_imported_names(block)


NAMES = st.sampled_from(["len", "str", "value", "type", "id", "x_id", "list", "items"])
PIECES = st.sampled_from(["(", ")", ".", ", ", " + ", "[", "]", "'", '"', "_", "1", " ", "="])


@settings(max_examples=300, deadline=None)
@given(name=NAMES, parts=st.lists(st.one_of(NAMES, PIECES), max_size=12))
def test_parameter_builtins_leave_out_its_own_name(name: str, parts: list[str]) -> None:
    statement = "".join(parts)
    view = ParamView(name, f"{name}: Any", "", statement, False)
    without = re.sub(rf"(?<![\w.]){re.escape(name)}(?!\w)", "", statement)
    assert _builtins_besides([view]) == code_builtins([without])


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(
    kind=TEXT,
    attrs=st.dictionaries(TEXT, TEXT, max_size=5),
    role=TEXT,
    doc=TEXT | st.sampled_from(['"', "\\", "\u2028", "\x00", "é😀", "\n\t"]),
    pointer=TEXT,
)
def test_entry_json_text_is_json_dumps(
    kind: str, attrs: dict[str, str], role: str, doc: str, pointer: str
) -> None:
    entry = Entry(kind, attrs, role, doc, pointer)
    assert entry.json_text() == json.dumps(entry.to_json(), ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(
    body=st.dictionaries(
        TEXT | st.sampled_from(['"', "\\", "\u2028", "é😀"]),
        TEXT | st.dictionaries(TEXT, TEXT | st.sampled_from(["\x00", "é😀"]), max_size=4),
        max_size=5,
    )
)
def test_indented_json_is_json_dumps(body: dict[str, str | dict[str, str]]) -> None:
    assert indented_json(body) == json.dumps(body, indent=2, sort_keys=True)


def test_snapshot_reads_back() -> None:
    entries = {
        "models.A": Entry("class", {"module": "a", "extra": "-"}, "both", 'doc "q"', "#/a"),
        "models.A.é": Entry("field", {"wire": "é\u2028", "annotation": "str"}, "", "", "#/a/é"),
        "api.t.f(x)": Entry("parameter", {}, "", "line\nline", ""),
    }
    surface = Surface("pkg", "1.0", "spec.json", entries)
    data = surface.dumps()
    again = Surface.loads(data)
    assert dict(again.entries) == entries
    assert data.count(b"\n") == 6 + (len(entries) - 1) + 3  # one line per entry
    assert Surface("pkg", "1.0", "spec.json", {}).dumps().endswith(b'"entries": {\n\n}\n}\n')


def _rfc6901(tokens: list[str]) -> str:
    return "#" + "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab/~01{} "), max_size=6), max_size=5))
def test_pointers_escape_as_rfc6901(tokens: list[str]) -> None:
    expected = _rfc6901(tokens)
    assert pointer_from_tokens(tokens) == expected
    assert pointer_from_tokens(tuple(tokens)) == expected
    assert join_pointer("#", *tokens) == expected
    assert join_pointer("", *tokens) == expected
    assert split_pointer(expected) == tokens


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab\n\r"), max_size=60), st.integers(0, 15))
def test_long_lines_are_found_as_by_splitting(text: str, limit: int) -> None:
    assert _has_long_line(text, limit) == (max(map(len, text.split("\n"))) > limit)
