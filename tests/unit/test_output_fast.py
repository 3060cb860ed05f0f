"""The output stage's fast paths keep their guarantees.

- :class:`CompileCheck` (compile check in a forked child plus this process) finds every module
  that parses but does not compile, located, in file order, forked or not, and when its child
  dies;
- a generated module that does not compile still fails the whole run with file:line:col, both
  through compile() (template overrides) and through ruff's rules (stock templates);
- :func:`stage` refuses paths that could leave the temp dir and never writes through a link;
- :func:`read_tree` reads what the old ``rglob`` version read.
"""

from __future__ import annotations

import json
import os
import re
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
    pid = check._worker.pid if check._worker is not None else 0
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


COMPILE_ONLY_ERRORS = {
    "late_future.py": LATE_FUTURE,
    "duplicate_arg.py": DUPLICATE_ARG,
    "return_outside.py": b"return 1\n",
    "nonlocal_unbound.py": b"def f():\n    nonlocal x\n",
    "keyword_repeated.py": b"f(a=1, a=2)\n",
    "break_outside.py": b"class A:\n    break\n",
    "debug_assigned.py": b"__debug__ = 1\n",
    "global_after_use.py": b"def f():\n    x = 1\n    global x\n",
    "await_outside.py": b"def g():\n    await z\n",
    "unknown_future.py": b"from __future__ import braces_please\n",
    "parse_error.py": b"x = (\n",
}


def test_ruff_finds_what_compile_finds(tmp_path: Path) -> None:
    """The stock templates' compile check (ruff rules) rejects every module ``compile()`` does,
    one finding per module, located; a clean tree passes."""
    root = stage(tmp_path / "client", {**COMPILE_ONLY_ERRORS, "fine.py": GOOD})
    assert len(syntax_errors(COMPILE_ONLY_ERRORS)) == len(COMPILE_ONLY_ERRORS)  # all do fail
    found = output.ruff_compile_errors(root, output.ruff_command(), dict(os.environ))
    assert {line.split(":", 1)[0] for line in found} == set(COMPILE_ONLY_ERRORS)
    assert all(re.match(r"[\w.]+:\d+:\d+: ", line) for line in found)
    clean = stage(tmp_path / "clean", {"fine.py": GOOD})
    assert output.ruff_compile_errors(clean, output.ruff_command(), dict(os.environ)) == []


@pytest.mark.parametrize("checked_by", ["ruff", "compile"])
def test_stock_templates_output_that_does_not_compile_fails_the_run(
    checked_by: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the stock templates (checked by ruff's compile rules, or by compile() in this process
    when the tree is small), an escaping bug that lets spec text break out of a docstring still
    stops the run with a located message, writing nothing."""
    from generator import pipeline, plan_package  # client.py's view (split out of plan)

    monkeypatch.setattr(plan_package, "docstring", lambda text, indent="": text)  # the bug
    if checked_by == "ruff":
        monkeypatch.setattr(pipeline, "SMALL_TREE", -1)
    calls: list[object] = []
    real = output.ruff_compile_errors
    monkeypatch.setattr(
        output, "ruff_compile_errors", lambda *a, **k: calls.append(a) or real(*a, **k)  # type: ignore
    )
    spec = tmp_path / "s.json"
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.1.0",
                "info": {"title": "t", "version": "1"},
                "servers": [{"url": 'https://x.test/"""; import os; """'}],
                "paths": {},
            }
        )
    )
    out = tmp_path / "client"
    with pytest.raises(RuntimeError, match=r"does not compile:\n.*client\.py:\d+:\d+: "):
        run(Options(spec=spec, output=out))
    assert not out.exists()
    assert len(calls) == (1 if checked_by == "ruff" else 0)


def test_format_tree_leaves_skipped_files_alone(tmp_path: Path) -> None:
    unformatted = b"x = [1,\n  2]\n"
    for rel in ("pkg/_runtime/kept.py", "pkg/other.py", "pkg/_runtime/also.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(unformatted)
    result = output.format_tree(
        tmp_path, CompileCheck({}, fork=False), fix=False, skip=["pkg/_runtime/kept.py"]
    )
    assert result.ok, result.message
    assert (tmp_path / "pkg/_runtime/kept.py").read_bytes() == unformatted
    assert (tmp_path / "pkg/other.py").read_bytes() == b"x = [1, 2]\n"
    assert (tmp_path / "pkg/_runtime/also.py").read_bytes() == b"x = [1, 2]\n"


def test_format_tree_reads_back_only_a_formatted_tree(tmp_path: Path) -> None:
    """``meanwhile`` (the read-back) runs once after formatting, beside ruff's compile check; not
    when ruff cannot format the tree, whose compile errors are still what is reported."""
    calls: list[int] = []
    good = stage(tmp_path / "good", {"fine.py": b"x = [1,\n  2]\n"})
    result = output.format_tree(good, fix=False, meanwhile=lambda: calls.append(1))
    assert result.ok and calls == [1]
    assert (good / "fine.py").read_bytes() == b"x = [1, 2]\n"
    bad = stage(tmp_path / "bad", {"broken.py": b"def f(:\n    pass\n", "fine.py": GOOD})
    result = output.format_tree(bad, fix=False, meanwhile=lambda: calls.append(2))
    assert not result.ok and "does not compile" in result.message and calls == [1]
    assert "broken.py:1:" in result.message
