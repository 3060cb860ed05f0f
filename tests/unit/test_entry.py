"""The process entry point (generator/__main__.py): ``python -m generator`` and the
``portarium-codegen`` console script run the same :func:`entry`, which imports with the collector
off, freezes what the imports made, and ends with ``os._exit`` unless a tracer or profiler needs
the normal exit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

from cli_runner import REPO, codegen_command

PETSTORE = REPO.parent / "shared" / "corpus" / "specs" / "oai-petstore.yaml"
SCRIPT = Path(sys.executable).parent / "portarium-codegen"
TARGET = "generator.__main__:entry"


def _run(cmd: list[str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=300)


def test_the_console_script_is_the_entry_function() -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert declared["project"]["scripts"]["portarium-codegen"] == TARGET
    (installed,) = [
        e for e in entry_points(group="console_scripts") if e.name == "portarium-codegen"
    ]
    assert installed.value == TARGET, "stale install: run `pip install -e .` again"
    from generator.__main__ import entry

    assert installed.load() is entry


def test_console_script_and_module_agree() -> None:
    for args in (["templates", "list"], ["--version"], ["generate", "--spec", "missing.yaml"]):
        by_module = _run(codegen_command(*args))
        by_script = _run([str(SCRIPT), *args])
        assert by_module.returncode == by_script.returncode, args
        assert by_module.stdout == by_script.stdout, args
        assert by_module.stderr == by_script.stderr, args
    assert by_module.returncode == 2 and "missing.yaml" in by_module.stderr


def test_console_script_and_module_generate_the_same_tree(tmp_path: Path) -> None:
    trees = []
    for name, cmd in (
        ("module", codegen_command()),
        ("script", [str(SCRIPT)]),
    ):
        out = tmp_path / name / "client"
        proc = _run([*cmd, "generate", "-q", "--spec", str(PETSTORE), "--output", str(out)])
        assert proc.returncode == 0, proc.stderr
        trees.append(
            {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        )
    assert trees[0] and trees[0] == trees[1]


PROBE = """\
import atexit, gc, sys
atexit.register(
    lambda: print("atexit ran", gc.get_freeze_count() > 0, gc.isenabled(), gc.get_threshold()[0])
)
if sys.argv[1] == "traced":
    sys.settrace(lambda *a: None)
from generator.__main__ import entry
try:
    entry(["templates", "list"])
except SystemExit as stop:
    print("unwound", stop.code)
    raise
"""


def test_entry_ends_the_process_without_unwinding() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COV_CORE")}
    plain = subprocess.run(
        [sys.executable, "-c", PROBE, "plain"], capture_output=True, text=True, env=env, timeout=60
    )
    assert plain.returncode == 0, plain.stderr
    assert "model.py.jinja" in plain.stdout  # the command ran and its output was flushed
    assert "unwound" not in plain.stdout and "atexit ran" not in plain.stdout


def test_entry_unwinds_under_a_tracer_with_the_imports_frozen() -> None:
    traced = _run([sys.executable, "-c", PROBE, "traced"])
    assert traced.returncode == 0, traced.stderr
    assert "model.py.jinja" in traced.stdout
    assert "unwound 0" in traced.stdout
    # frozen, the collector on, and never run by allocations (only by a run's validation)
    assert "atexit ran True True 0" in traced.stdout
