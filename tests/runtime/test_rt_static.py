"""Static checks of the runtime: mypy --strict on a package laid out like a generated client,
ruff and black on the templates themselves (the same rules the generated code must meet)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from rtpkg_builder import TEMPLATES

RUFF_RULES = ["--select", "E,F,W,I,B,UP,SIM", "--line-length", "100", "--target-version", "py310"]


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


@pytest.mark.timeout(300)
def test_mypy_strict_on_built_package(R: SimpleNamespace) -> None:
    result = _run(
        "mypy",
        "--strict",
        "--python-version",
        "3.10",
        "--no-incremental",
        "--cache-dir",
        str(R.root / ".mypy_cache"),
        "rtpkg",
        cwd=R.root,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_on_runtime_templates() -> None:
    paths = [str(TEMPLATES / "runtime"), str(TEMPLATES / "runtime_types.py")]
    result = _run("ruff", "check", "--no-cache", "--isolated", *RUFF_RULES, *paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_black_on_runtime_templates() -> None:
    paths = [str(TEMPLATES / "runtime"), str(TEMPLATES / "runtime_types.py")]
    result = _run("black", "--check", "-q", "-l", "100", "-t", "py310", *paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_rendered_errors_module_is_clean(R: SimpleNamespace) -> None:
    errors = str(R.pkg_dir / "errors.py")
    result = _run("ruff", "check", "--no-cache", "--isolated", *RUFF_RULES, errors)
    assert result.returncode == 0, result.stdout + result.stderr
    result = _run("black", "--check", "-q", "-l", "100", "-t", "py310", errors)
    assert result.returncode == 0, result.stdout + result.stderr


def test_runtime_imports_are_relative() -> None:
    for path in (TEMPLATES / "runtime").glob("*.py"):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith(("from rtpkg", "import rtpkg", "from portarium")):
                pytest.fail(f"{path.name}: absolute package import: {stripped}")
