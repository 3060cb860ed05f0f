"""End-to-end generation of the Portarium client: golden drift check, determinism, quality gates,
CLI contract (exit codes, report), and other specs through the same command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "specs"
OUTPUT = REPO / "output" / "portarium-client"


def cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path = REPO
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and not {"__pycache__", ".mypy_cache", ".ruff_cache"} & set(p.parts)  # tool caches
    }


def test_committed_output_has_no_drift() -> None:
    proc = cli("generate", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_check_reports_drift_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "portarium-client"
    shutil.copytree(OUTPUT, out)
    target = out / "portarium_client" / "models" / "run.py"
    target.write_text(target.read_text() + "\n# local edit\n")
    (out / "stray.txt").write_text("x")
    before = tree(out)
    proc = cli("generate", "--check", "--output", str(out), "--project-name", "portarium-client")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "portarium_client/models/run.py" in proc.stderr
    assert "stray.txt" in proc.stderr
    assert "1 changed" in proc.stderr
    assert tree(out) == before


def test_generation_is_deterministic_across_hash_seeds(tmp_path: Path) -> None:
    trees = []
    for seed in ("0", "4242"):
        out = tmp_path / seed / "portarium-client"
        proc = cli("generate", "--output", str(out), env={"PYTHONHASHSEED": seed})
        assert proc.returncode == 0, proc.stderr
        trees.append(tree(out))
    assert trees[0] == trees[1]
    assert trees[0] == tree(OUTPUT), "committed output differs from a fresh run"


def test_report_has_counts_diagnostics_and_timings(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    proc = cli("generate", "--output", str(tmp_path / "portarium-client"), "--report", str(report))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(report.read_text())
    ops = data["operations"]
    assert ops["total"] == ops["generated"] == 22
    assert ops["degraded"] == 0 and ops["skipped"] == 0
    assert data["models"] > 20
    assert isinstance(data["diagnostics"], list)
    for stage in ("load", "validate", "build", "render", "format"):
        assert stage in data["timings"]


def test_generated_package_layout() -> None:
    pkg = OUTPUT / "portarium_client"
    for rel in ("client.py", "errors.py", "types.py", "py.typed", "models/__init__.py"):
        assert (pkg / rel).is_file(), rel
    for tag in ("workspaces", "runs", "approvals", "evidence", "machines", "auth"):
        assert (pkg / "api" / tag / "__init__.py").is_file(), tag
    for fn in ("sync", "asyncio", "sync_detailed", "asyncio_detailed"):
        assert f"def {fn}(" in (pkg / "api" / "runs" / "start_run.py").read_text()
    pyproject = (OUTPUT / "pyproject.toml").read_text()
    assert 'name = "portarium-client"' in pyproject
    assert "httpx" in pyproject


def test_generated_package_imports_every_module() -> None:
    code = (
        "import importlib, pkgutil, portarium_client\n"
        "n = 0\n"
        "for m in pkgutil.walk_packages(portarium_client.__path__, 'portarium_client.'):\n"
        "    importlib.import_module(m.name); n += 1\n"
        "from portarium_client import models\n"
        "for name in models.__all__:\n"
        "    getattr(models, name)\n"
        "print(n)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(OUTPUT)},
    )
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) > 50


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("mypy", ["--strict"]),
        ("ruff", ["check"]),
        ("black", ["--check", "-q"]),
    ],
)
@pytest.mark.parametrize("target", ["generator", "output/portarium-client/portarium_client"])
def test_quality_gates(tool: str, args: list[str], target: str, tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", tool, *args]
    if tool == "mypy":
        cmd += ["--cache-dir", str(tmp_path / "mypy")]
    cwd = REPO if target == "generator" else OUTPUT
    path = target if target == "generator" else "portarium_client"
    proc = subprocess.run([*cmd, path], capture_output=True, text=True, cwd=cwd, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_nothing_in_generator_names_portarium_operations() -> None:
    words = (
        "start_run",
        "StartRunRequest",
        "workflowId",
        "list_runs",
        "EvidenceEntry",
        "issue_token",
    )
    for path in list((REPO / "generator").rglob("*.py")) + list((REPO / "templates").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".jinja"):
            text = path.read_text(encoding="utf-8")
            for word in words:
                assert word not in text, f"{path} names {word}"


@pytest.mark.parametrize("spec", ["oai-petstore.yaml", "portarium-control-plane.yaml"])
def test_other_specs_generate_import_and_typecheck(spec: str, tmp_path: Path) -> None:
    path = CORPUS / spec
    if not path.is_file():
        pytest.skip(f"corpus not found at {CORPUS}")
    out = tmp_path / "client"
    proc = cli(
        "generate", "--spec", str(path), "--output", str(out), "--package-name", "client_pkg", "-q"
    )
    assert proc.returncode == 0, proc.stderr
    code = (
        "import importlib, pkgutil, client_pkg\n"
        "for m in pkgutil.walk_packages(client_pkg.__path__, 'client_pkg.'):\n"
        "    importlib.import_module(m.name)\n"
    )
    imp = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(out)},
    )
    assert imp.returncode == 0, imp.stderr
    mypy = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "mc"),
            "client_pkg",
        ],
        capture_output=True,
        text=True,
        cwd=out,
        timeout=600,
    )
    assert mypy.returncode == 0, mypy.stdout


def test_module_entry_and_console_script_agree() -> None:
    proc = cli("--version")
    assert proc.returncode == 0
    assert "portarium-codegen" in proc.stdout


def test_missing_spec_is_bad_input(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = cli("generate", "--spec", str(tmp_path / "nope.yaml"), "--output", str(out))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()
