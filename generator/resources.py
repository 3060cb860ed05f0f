"""Where the stock templates and the client runtime live, in a checkout and when installed.

In a source checkout (and an editable install) they are the top-level ``templates/`` folder; a
regular wheel ships the same folder as package data under ``generator/templates`` (see
``[tool.setuptools]`` in pyproject.toml). Everything that reads templates asks this module.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _templates_dir() -> Path:
    for candidate in (_HERE / "templates", _HERE.parent / "templates"):
        if (candidate / "runtime").is_dir():
            return candidate
    raise RuntimeError(
        f"portarium-codegen is installed without its templates (looked in {_HERE / 'templates'} "
        f"and {_HERE.parent / 'templates'}); reinstall the package"
    )


TEMPLATES_DIR = _templates_dir()
RUNTIME_DIR = TEMPLATES_DIR / "runtime"
