"""The real command line in a subprocess, for tests that need a whole run.

``run_codegen("generate", "--spec", spec, "--output", out)`` starts ``python -m generator`` with this
interpreter, captures its output as text and waits a bounded time. The repository is put first on
``PYTHONPATH`` so a run from any working directory (a test's temp dir, to keep a ``codegen.yaml``
out of reach) imports this checkout's generator.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def codegen_command(*args: str | os.PathLike[str]) -> list[str]:
    """The argv of ``python -m generator *args`` (paths as strings)."""
    return [sys.executable, "-m", "generator", *(os.fspath(arg) for arg in args)]


def run_codegen(
    *args: str | os.PathLike[str],
    cwd: str | os.PathLike[str] = REPO,
    timeout: float = 600,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the CLI with ``args``; ``env`` entries are added to this process's environment."""
    merged = {**os.environ, **(env or {})}
    merged["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO), merged.get("PYTHONPATH", "")) if p
    )
    return subprocess.run(
        codegen_command(*args),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=merged,
        timeout=timeout,
        check=False,
    )
