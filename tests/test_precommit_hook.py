"""The drift check as a pre-commit hook, run by the real ``pre-commit`` in a temporary git repo.

The hook is taken from ``.pre-commit-hooks.yaml`` as shipped (id, entry, files,
pass_filenames) and installed as a ``repo: local`` hook with ``language: system`` -- offline: the
``portarium-codegen`` console script of this environment stands in for the copy pre-commit would
install from a clone. The commit must fail while the committed client is stale and pass once it
is regenerated.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (BIN / "pre-commit").exists(),
    reason="needs git and the pre-commit package (dev dependency)",
)

SPEC = """\
openapi: 3.1.0
info: {title: Hooked, version: 1.0.0}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  name: {type: string}
"""


def _git(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_hook_fails_on_drift_and_passes_when_up_to_date(tmp_path: Path) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "portarium-codegen-check"]
    project = tmp_path / "project"
    project.mkdir()
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(tmp_path),
    }
    local_hook = {
        **{k: hook[k] for k in ("id", "name", "entry", "files", "pass_filenames")},
        "language": "system",
        "args": ["--spec", "openapi.yaml", "--output", "client", "--package-name", "hooked"],
    }
    config = {"repos": [{"repo": "local", "hooks": [local_hook]}]}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (project / "openapi.yaml").write_text(SPEC, encoding="utf-8")
    assert _git(project, "init", "-q", env=env).returncode == 0
    gen = [str(BIN / "portarium-codegen"), "generate", "--spec", "openapi.yaml"]
    gen += ["--output", "client", "--package-name", "hooked", "-q"]
    assert subprocess.run(gen, cwd=project, env=env, timeout=300).returncode == 0
    installed = subprocess.run(
        [str(BIN / "pre-commit"), "install"], cwd=project, env=env, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    _git(project, "add", "-A", env=env)
    first = _git(project, "commit", "-qm", "client", env=env)
    assert first.returncode == 0, first.stdout + first.stderr

    # the spec changes, the client is not regenerated: the commit is refused
    (project / "openapi.yaml").write_text(
        SPEC.replace("name: {type: string}", "label: {type: string}"), encoding="utf-8"
    )
    _git(project, "add", "openapi.yaml", env=env)
    stale = _git(project, "commit", "-qm", "spec only", env=env)
    assert stale.returncode != 0
    output = stale.stdout + stale.stderr
    assert "Failed" in output and "drift" in output
    assert "api: breaking: 1" in output, output

    # regenerated: the commit goes through
    assert subprocess.run(gen, cwd=project, env=env, timeout=300).returncode == 0
    _git(project, "add", "-A", env=env)
    fresh = _git(project, "commit", "-qm", "spec and client", env=env)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "Passed" in fresh.stdout + fresh.stderr
