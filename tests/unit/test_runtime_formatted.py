"""The runtime the generator copies verbatim into every client is already formatted.

The pipeline does not hand those copies to ruff (:func:`generator.output.format_tree`'s
``skip``), so they must be a fixed point of ``ruff format`` under the generated project's own
configuration: otherwise a generated client would differ from what formatting it gives, and
``ruff format --check`` on the published package would fail. The committed client
(``output/portarium-client``) cannot show this on its own: its runtime files are such copies.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from generator.output import ruff_command
from generator.resources import RUNTIME_DIR

REPO = Path(__file__).resolve().parents[2]
#: The generated project's pyproject (the stock template's output; the drift check keeps it so).
GENERATED_PYPROJECT = REPO / "output" / "portarium-client" / "pyproject.toml"


def test_the_verbatim_runtime_is_a_fixed_point_of_the_formatter(tmp_path: Path) -> None:
    shutil.copy(GENERATED_PYPROJECT, tmp_path / "pyproject.toml")
    package = tmp_path / "client"
    shutil.copytree(RUNTIME_DIR, package / "_runtime")
    shutil.copy(RUNTIME_DIR.parent / "runtime_types.py", package / "types.py")
    copied = sorted(p.relative_to(tmp_path).as_posix() for p in package.rglob("*.py"))
    assert len(copied) >= 10 and "client/types.py" in copied
    proc = subprocess.run(
        [*ruff_command(), "format", "--check", "--no-cache", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
