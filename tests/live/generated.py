"""A client generated from a live server's spec with our CLI, into a temp dir, and imported.

``generate_client(spec, out, package, config=None) -> Generated`` runs
``python -m generator generate --spec SPEC --output OUT --package-name PACKAGE [--config CONFIG]``
exactly as a user would, fails the test with the tail of the CLI's output when it exits non-zero,
and puts ``out`` on ``sys.path`` so that ``import <package>`` works.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from cli_runner import codegen_command, run_codegen
from live_servers import log_tail
from servers import REPO_ROOT

__all__ = ["Generated", "generate_client"]


@dataclass(frozen=True)
class Generated:
    """A generated client package, importable (its directory is on ``sys.path``)."""

    package: str
    root: Path
    spec: Path

    def module(self, dotted: str) -> ModuleType:
        """``module("api.flows.read_flow_flows_id_get")`` -> that module of the package."""
        return importlib.import_module(f"{self.package}.{dotted}")


def generate_client(spec: Path, out: Path, package: str, config: Path | None = None) -> Generated:
    """Generate ``package`` from ``spec`` into ``out`` with the CLI and import it."""
    args = ["generate", "--spec", str(spec), "--output", str(out), "--package-name", package]
    args += ["--quiet", *(["--config", str(config)] if config is not None else [])]
    done = run_codegen(*args, cwd=REPO_ROOT, timeout=300)
    command = codegen_command(*args)
    if done.returncode != 0:
        pytest.fail(
            f"generating a client from {spec} failed (exit {done.returncode}):\n"
            f"$ {' '.join(command)}\n{log_tail(done.stdout + done.stderr)}",
            pytrace=False,
        )
    sys.path.insert(0, str(out))
    importlib.invalidate_caches()
    importlib.import_module(package)
    return Generated(package=package, root=out, spec=spec)
