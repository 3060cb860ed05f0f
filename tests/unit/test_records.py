"""Records (:mod:`generator.records`) are values: equal and hashing alike by their fields, and
read-only to the type checker (``mypy --strict`` refuses an assignment to a field)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

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
