"""A missing formatter is a clear E0802 diagnostic (exit 2), not a traceback, and writes nothing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from generator import output
from generator.pipeline import Options, run

REPO = Path(__file__).resolve().parents[2]


def test_missing_ruff_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(output.shutil, "which", lambda *a, **k: None)
    monkeypatch.setattr(
        output.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "ruff" else real_find_spec(name, *a),
    )
    out = tmp_path / "client"
    outcome = run(Options(spec=REPO / "spec" / "portarium-control-plane.v1.yaml", output=out))
    assert outcome.report.exit_code == 2
    assert [d.code for d in outcome.report.errors] == ["E0802"]
    assert not out.exists()
    assert not list(tmp_path.iterdir())  # no staging dir left behind either
