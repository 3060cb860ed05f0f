"""Our ``diff`` against griffe on the real spec histories (``../shared/corpus/evolution``).

For every consecutive pair of versions that both generate, ``scripts/evolution_table.py``
generates both packages, compares their surfaces with :mod:`generator.evolution` and runs griffe's
breaking-change check on the two package trees. Every breakage griffe reports must be covered by
a change of ours at the same Python symbol (zero misses); ours may report more (wire-level breaks
griffe cannot see). The table is printed (``pytest -s``) and summarised in docs/evolution.md.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent

pytest.importorskip("griffe")


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "evolution_table", REPO / "scripts" / "evolution_table.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["evolution_table"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize(
    ("history", "min_pairs"), [("portarium-control-plane", 30), ("hf-tgi", 18)]
)
def test_no_griffe_breakage_is_missed(
    corpus_dir: Path, tmp_path: Path, history: str, min_pairs: int
) -> None:
    table = _script()
    if not (corpus_dir / "evolution" / history).is_dir():
        pytest.skip(f"no history {history}")
    rows = table.history(history, tmp_path)
    table.print_table(history, rows)
    compared = [r for r in rows if not r.note]
    assert len(compared) >= min_pairs
    griffe_found = sum(len(r.griffe) for r in compared)
    assert griffe_found > 0  # the check is not vacuous: griffe does see breakages here
    missed = [f"{r.old}->{r.new}: {m}" for r in compared for m in r.missed]
    assert missed == []
    # a pair where griffe sees a breakage is one where we advise a breaking change
    for r in compared:
        if any(not g.startswith("ATTRIBUTE_CHANGED_VALUE") for g in r.griffe):
            assert r.ours["breaking"] + r.ours["additive"] > 0, r
