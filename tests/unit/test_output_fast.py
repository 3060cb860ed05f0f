"""The output stage's fast paths keep their guarantees.

- :class:`CompileCheck` (compile check in a forked child plus this process) finds every module
  that parses but does not compile, located, in file order, forked or not, and when its child
  dies;
- a generated module that does not compile still fails the whole run with file:line:col;
- :func:`stage` refuses paths that could leave the temp dir and never writes through a link;
- :func:`read_tree` reads what the old ``rglob`` version read.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from generator import output
from generator.output import CompileCheck, OutputError, read_tree, stage, syntax_errors
from generator.pipeline import Options, run

REPO = Path(__file__).resolve().parents[2]

GOOD = b'"""doc"""\n\nfrom __future__ import annotations\n\nx = 1\n'
LATE_FUTURE = b'"""doc"""\nx = 1\nfrom __future__ import annotations\n'
DUPLICATE_ARG = b"def f(a, a):\n    return a\n"


def _files() -> dict[str, bytes]:
    files = {f"pkg/m{i:03}.py": GOOD + b"y = [x] * 2\n" * 50 for i in range(60)}
    files["pkg/m005.py"] = LATE_FUTURE  # in the child's part
    files["pkg/m058.py"] = DUPLICATE_ARG  # in this process's part
    files["README.md"] = b"x = (\n"  # not Python: never compiled
    return files


@pytest.mark.parametrize("fork", [True, False])
def test_compile_check_finds_compile_only_errors_in_order(fork: bool) -> None:
    files = _files()
    check = CompileCheck(files, fork=fork)
    try:
        found = check.errors()
    finally:
        check.close()
    assert found == syntax_errors(files)
    assert [e.split(":", 1)[0] for e in found] == ["pkg/m005.py", "pkg/m058.py"]
    assert found[0].startswith("pkg/m005.py:3:")
    assert "from __future__" in found[0]
    assert "duplicate argument" in found[1]


def test_compile_check_survives_its_child_dying() -> None:
    files = _files()
    check = CompileCheck(files)
    pid = check._pid
    if not pid:
        pytest.skip("no fork here")
    os.kill(pid, signal.SIGKILL)
    try:
        assert check.errors() == syntax_errors(files)
    finally:
        check.close()


def test_a_module_that_does_not_compile_fails_the_run(tmp_path: Path) -> None:
    """Text that parses but does not compile (a statement before the __future__ import) stops
    the run with a located message; nothing is written."""
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "enum.py.jinja").write_text(
        '{% extends "stock/enum.py.jinja" %}{% block module_doc %}x = 1\n{% endblock %}'
    )
    out = tmp_path / "client"
    with pytest.raises(RuntimeError, match=r"does not compile:\n.*/models/\w+\.py:\d+:\d+: "):
        run(
            Options(
                spec=REPO / "spec" / "portarium-control-plane.v1.yaml",
                output=out,
                templates=templates,
            )
        )
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["tpl"]


@pytest.mark.parametrize(
    "rel", ["../x.py", "/abs.py", "a/../../x.py", "a//b.py", "a/./b.py", "", "a\x00b.py"]
)
def test_stage_refuses_paths_that_could_escape(rel: str, tmp_path: Path) -> None:
    with pytest.raises(OutputError):
        stage(tmp_path / "client", {rel: b"x"})


def test_stage_writes_files_and_never_through_a_link(tmp_path: Path) -> None:
    staged = stage(tmp_path / "client", {"a/b/c.py": b"1", "a/d.py": b"2", "e": b""})
    assert read_tree(staged) == {"a/b/c.py": b"1", "a/d.py": b"2", "e": b""}
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    os.symlink(victim, staged / "a" / "link.py")
    with pytest.raises(FileExistsError):
        output._create_file(os.fspath(staged / "a" / "link.py"), b"overwritten")
    assert victim.read_bytes() == b"keep"


def test_read_tree_leaves_out_caches_and_build_artefacts(tmp_path: Path) -> None:
    root = tmp_path / "t"
    for rel in (
        "pkg/m.py",
        "pkg/__pycache__/m.cpython-311.pyc",
        ".ruff_cache/x",
        ".mypy_cache/y",
        "pkg.egg-info/PKG-INFO",
        "build/lib/x.py",
        "dist/x.whl",
        "pkg/build/kept.py",
        "z.txt",
    ):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rel.encode())
    os.symlink(root / "z.txt", root / "link.txt")
    os.symlink(root / "pkg", root / "dirlink")
    got = read_tree(root)
    assert list(got) == ["link.txt", "pkg/build/kept.py", "pkg/m.py", "z.txt"]
    assert got["link.txt"] == b"z.txt"
