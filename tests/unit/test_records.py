"""Records (:mod:`generator.records`) are values: equal and hashing alike by their fields, and
read-only to the type checker (``mypy --strict`` refuses an assignment to a field)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.ir import ListOf, Prim
from generator.records import field, record


@record(slots=True)
class _Point:
    x: int
    tags: list[str] = field(default_factory=list)


def test_equal_records_hash_alike() -> None:
    assert Prim("str") == Prim("str") and hash(Prim("str")) == hash(Prim("str"))
    assert len({ListOf(Prim("int")), ListOf(Prim("int")), ListOf(Prim("str"))}) == 2
    assert _Point(1) == _Point(1) and _Point(1) != _Point(2)
    assert _Point(1).tags is not _Point(1).tags  # default_factory, as in a dataclass


def _twins(slots: bool) -> tuple[Any, Any]:
    """The same class body as a record and as ``dataclass(unsafe_hash=True)``: the reference."""

    def body() -> dict[str, Any]:
        return {
            "__annotations__": {"a": "int", "b": "object", "hidden": "int", "loose": "object"},
            "__module__": __name__,
            "__qualname__": "Twin",
            "b": None,
            "hidden": field(default=0, repr=False),
            "loose": field(default=None, compare=False),
        }

    made = record(slots=slots)(type("Twin", (), body()))
    reference = dataclass(slots=slots, unsafe_hash=True)(type("Twin", (), body()))
    return made, reference


_VALUES = st.one_of(
    st.none(),
    st.integers(-3, 3),
    st.text(max_size=3),
    st.just(float("nan")),
    st.tuples(st.integers(0, 2)),
)
_ROWS = st.tuples(st.integers(-2, 2), _VALUES, st.integers(0, 1), _VALUES)


@pytest.mark.parametrize("slots", [False, True])
@given(left=_ROWS, right=_ROWS)
def test_records_compare_hash_and_print_as_dataclasses_do(
    slots: bool, left: tuple[Any, ...], right: tuple[Any, ...]
) -> None:
    made, reference = _twins(slots)
    for row in (left, right):
        assert repr(made(*row)) == repr(reference(*row))
        assert hash(made(*row)) == hash(reference(*row))
    same = made(*left)
    assert (same == made(*right)) == (reference(*left) == reference(*right))
    assert same == same  # NaN inside: equal to itself, as a tuple of the same objects is
    assert (same == made(*left)) == (reference(*left) == reference(*left))
    assert same.__eq__(reference(*left)) is NotImplemented  # another class: never equal


def test_a_method_written_in_the_class_body_is_kept() -> None:
    @record()
    class Named:
        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

    assert repr(Named("x")) == "<x>" and Named("x") == Named("x")


def test_fields_are_read_only_to_mypy(tmp_path: Path) -> None:
    snippet = tmp_path / "assign.py"
    snippet.write_text(
        textwrap.dedent("""
            from generator.records import record

            @record()
            class Point:
                x: int

            Point(1).x = 2
            """),
        encoding="utf-8",
    )
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(snippet)],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert 'Property "x" defined in "Point" is read-only' in proc.stdout
