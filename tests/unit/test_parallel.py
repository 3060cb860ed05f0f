"""The forked stages (generator/forking.py, overlap.py, render_split.py): same bytes, same
diagnostics in the same order as the serial pipeline; a failing, crashing or hanging child is an
internal error that leaves no output, no staging dir and no process behind; the serial fallback.

The in-process runs lower :data:`generator.overlap.PARALLEL_MIN_OPERATIONS` so that small specs
take the forked path, and allow forking although pytest (xdist) may run helper threads.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import forking, overlap, pipeline, render_split, source_map
from generator.build import build_api
from generator.config import Config
from generator.diagnostics import Diagnostic, DiagnosticSink
from generator.forking import Forked, WorkerFailed
from generator.loader import load_spec
from generator.pipeline import Options, run
from generator.render import TemplateError
from generator.report import Report
from tests.unit.serial_order import CONFIG, loaded, serial_sink

REPO = Path(__file__).resolve().parents[2]
PORTARIUM = REPO / "spec" / "portarium-control-plane.v1.yaml"
CORPUS = REPO.parent / "shared" / "corpus" / "specs"

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the forked paths are Linux-only"
)


def children() -> set[int]:
    """Live (or zombie) child processes of this process."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        try:
            with open(task / "children") as fh:
                found.update(int(pid) for pid in fh.read().split())
        except FileNotFoundError:  # a thread that ended since the listing
            continue
    return found


@pytest.fixture
def no_leftover_children() -> Iterator[None]:
    before = children()
    yield
    assert children() <= before


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every spec takes the forked path."""
    monkeypatch.setattr(overlap, "PARALLEL_MIN_OPERATIONS", 1)
    monkeypatch.setattr(forking, "can_fork", lambda: True)


@pytest.fixture
def serial(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(overlap, "PARALLEL_MIN_OPERATIONS", 10**9)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def generate(spec: Path, out: Path, **kw: Any) -> tuple[pipeline.Outcome, dict[str, bytes]]:
    outcome = run(Options(spec=spec, output=out, **kw))
    return outcome, tree(out) if out.exists() else {}


def diag_json(outcome: pipeline.Outcome) -> list[dict[str, object]]:
    return [d.to_json() for d in outcome.report.diagnostics]


# -- forking.Forked ------------------------------------------------------------------------------


def test_forked_returns_the_value(no_leftover_children: None) -> None:
    big = list(range(100_000))  # seen by the child without being sent
    worker = Forked(lambda: (sum(big), os.getpid()))
    total, pid = worker.result(30)
    assert total == sum(big) and pid != os.getpid()
    assert worker.pid == 0


def test_forked_child_exception_carries_its_traceback(no_leftover_children: None) -> None:
    def boom() -> int:
        raise ValueError("validation blew up")

    worker = Forked(boom)
    with pytest.raises(WorkerFailed, match="(?s)Traceback.*ValueError: validation blew up"):
        worker.result(30)


@pytest.mark.parametrize("how", ["exit", "signal"])
def test_forked_child_crash_is_an_error(how: str, no_leftover_children: None) -> None:
    def crash() -> int:
        if how == "exit":
            os._exit(3)
        os.kill(os.getpid(), signal.SIGKILL)
        return 0

    worker = Forked(crash)
    with pytest.raises(WorkerFailed, match="status 3|signal 9"):
        worker.result(30)


def test_forked_hang_is_bounded_and_reaped(no_leftover_children: None) -> None:
    worker = Forked(lambda: time.sleep(60))
    pid = worker.pid
    start = time.monotonic()
    with pytest.raises(WorkerFailed, match="did not finish"):
        worker.result(0.3)
    assert time.monotonic() - start < 10
    assert worker.pid == 0
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_forked_close_kills_a_running_child(no_leftover_children: None) -> None:
    worker = Forked(lambda: time.sleep(60))
    worker.close()
    worker.close()  # idempotent
    with pytest.raises(WorkerFailed):
        worker.result(1)


def _gone(pid: int) -> bool:
    """Whether ``pid`` has ended (a zombie that no one reaped yet counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rpartition(")")[2].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_forked_child_ends_soon_after_its_parent_dies(no_leftover_children: None) -> None:
    """A child whose parent dies (killed, crashed) does not keep running its task."""
    read_fd, write_fd = os.pipe()
    middle = os.fork()
    if middle == 0:  # pragma: no cover - the dying parent
        os.close(read_fd)
        worker = Forked(lambda: time.sleep(60))
        os.write(write_fd, b"%16d" % worker.pid)
        os._exit(0)
    os.close(write_fd)
    try:  # the worker holds the pipe open too: read the pid, not to the end
        answer = b""
        while len(answer) < 16:
            chunk = os.read(read_fd, 16 - len(answer))
            assert chunk, "the parent died before naming its worker"
            answer += chunk
    finally:
        os.close(read_fd)
    orphan = int(answer)
    os.waitpid(middle, 0)
    deadline = time.monotonic() + 10
    while not _gone(orphan) and time.monotonic() < deadline:
        time.sleep(0.02)
    if not _gone(orphan):
        os.kill(orphan, signal.SIGKILL)
        pytest.fail(f"the orphaned worker {orphan} still ran 10 s after its parent died")


def test_can_fork_refuses_threads_and_the_serial_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(forking.SERIAL_ENV, raising=False)
    monkeypatch.setattr(forking.threading, "active_count", lambda: 1)
    assert forking.can_fork()
    monkeypatch.setenv(forking.SERIAL_ENV, "1")
    assert not forking.can_fork()
    monkeypatch.delenv(forking.SERIAL_ENV)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    monkeypatch.undo()
    thread.start()
    try:
        assert not forking.can_fork()
    finally:
        stop.set()
        thread.join()
    monkeypatch.setattr(forking.sys, "platform", "darwin")
    assert not forking.can_fork()


# -- validation beside the build: the sink ends as after the serial order ------------------------


def _serial_and_parallel(
    spec_path: Path, strict: bool
) -> tuple[list[Diagnostic], list[Diagnostic], bool, bool]:
    one = serial_sink(spec_path, strict)
    built_serial = not one.has_blocking_errors
    spec, two = loaded(spec_path, strict)
    built_parallel = overlap.validate_beside_build(spec, CONFIG, two, Report()) is not None
    two.locate_deferred()  # the pipeline does it while ruff formats, or before reporting
    return one.items, two.items, built_serial, built_parallel


CORPUS_SPECS = sorted(p.name for p in CORPUS.glob("*.*")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("name", CORPUS_SPECS)
def test_validation_beside_build_keeps_the_diagnostics(
    name: str, strict: bool, no_leftover_children: None
) -> None:
    serial_items, parallel_items, built_serial, built_parallel = _serial_and_parallel(
        CORPUS / name, strict
    )
    assert parallel_items == serial_items
    assert built_parallel == built_serial


@pytest.mark.parametrize("reading", ["works", "fails"])
def test_reading_ahead_for_the_build_diagnostics_changes_nothing(
    reading: str, monkeypatch: pytest.MonkeyPatch, no_leftover_children: None
) -> None:
    """The child reads a JSON spec's upper levels for locating the build's findings (here a
    small one too); if that reading fails, the parent reads what it needs itself."""
    monkeypatch.setattr(overlap, "LOCATE_LEAST", 0)
    if reading == "fails":

        def broken(*args: Any) -> Any:
            raise ValueError("a reading bug")

        monkeypatch.setattr(source_map.SourceMap, "scan_levels", broken)
    for name in ("hf-tgi.json", "qdrant.json"):
        serial_items, parallel_items, built_serial, built_parallel = _serial_and_parallel(
            CORPUS / name, False
        )
        assert parallel_items == serial_items and built_parallel == built_serial
        assert any(d.line for d in parallel_items)


def test_validation_error_stops_before_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_leftover_children: None
) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
        "  /a:\n    get:\n      parameters: [{name: id, in: nowhere, schema: {type: string}}]\n"
        "      responses: {'200': {description: ok}}\n"
    )
    ran: list[int] = []
    real = overlap.build_api

    def build(*args: Any) -> Any:
        ran.append(os.getpid())
        raise RuntimeError("a build bug the serial order never reaches")

    monkeypatch.setattr(overlap, "build_api", build)
    serial_items, parallel_items, built_serial, built_parallel = _serial_and_parallel(spec, False)
    monkeypatch.setattr(overlap, "build_api", real)
    assert ran  # the build did run beside validation, and its failure is dropped
    assert not built_serial and not built_parallel
    assert [d.code for d in parallel_items] == [d.code for d in serial_items]
    assert any(d.severity.value == "error" for d in parallel_items)


def test_validation_crash_is_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, forked: None, no_leftover_children: None
) -> None:
    parent = os.getpid()
    real = overlap.validate_spec

    def crash(*args: Any) -> None:
        if os.getpid() != parent:
            raise KeyError("validator bug")
        real(*args)

    monkeypatch.setattr(overlap, "validate_spec", crash)
    out = tmp_path / "out"
    with pytest.raises(WorkerFailed, match="KeyError: 'validator bug'"):
        run(Options(spec=PORTARIUM, output=out))
    assert not list(tmp_path.iterdir())


# -- the whole pipeline: forked vs serial ----------------------------------------------------------


@pytest.fixture(scope="module")
def serial_portarium(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, bytes]]:
    out = tmp_path_factory.mktemp("serial") / "portarium-client"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(overlap, "PARALLEL_MIN_OPERATIONS", 10**9)
        outcome, files = generate(PORTARIUM, out)
    assert outcome.report.exit_code == 0
    return diag_json(outcome), files


def test_forked_run_writes_the_same_bytes(
    tmp_path: Path,
    serial_portarium: tuple[Any, dict[str, bytes]],
    forked: None,
    monkeypatch: pytest.MonkeyPatch,
    no_leftover_children: None,
) -> None:
    forks: list[int] = []
    real = forking.os.fork

    def fork() -> int:
        pid = real()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(forking.os, "fork", fork)
    outcome, files = generate(PORTARIUM, tmp_path / "portarium-client")
    assert len(forks) == 2  # validation beside the build, rendering in two
    assert outcome.report.exit_code == 0
    assert diag_json(outcome) == serial_portarium[0]
    assert files == serial_portarium[1]
    assert set(outcome.report.overlapped) == {"validate", "render"}
    for stage in ("validate", "build", "plan", "surface", "render", "write", "format"):
        assert outcome.report.timings[stage] >= 0


def test_serial_fallback_never_forks(
    tmp_path: Path,
    serial_portarium: tuple[Any, dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(overlap, "PARALLEL_MIN_OPERATIONS", 1)
    monkeypatch.setenv(forking.SERIAL_ENV, "1")

    def no_fork() -> int:
        raise AssertionError("forked although told not to")

    monkeypatch.setattr(forking.os, "fork", no_fork)
    outcome, files = generate(PORTARIUM, tmp_path / "portarium-client")
    assert outcome.report.exit_code == 0
    assert files == serial_portarium[1]
    assert set(outcome.report.overlapped) == {"validate", "surface"}  # beside ruff: no fork


def test_forked_check_mode_reports_drift_and_writes_nothing(
    tmp_path: Path, forked: None, no_leftover_children: None
) -> None:
    out = tmp_path / "portarium-client"
    assert run(Options(spec=PORTARIUM, output=out)).report.exit_code == 0
    target = out / "portarium_client" / "models" / "run.py"
    target.write_text(target.read_text() + "# local edit\n")
    before = tree(out)
    outcome = run(Options(spec=PORTARIUM, output=out, check=True))
    assert outcome.report.exit_code == 1
    assert outcome.report.drift is not None
    assert outcome.report.drift["changed"] == ["portarium_client/models/run.py"]
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portarium-client"]


def test_forked_and_serial_agree_on_recovered_defects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_leftover_children: None
) -> None:
    sys.path.insert(0, str(REPO / "tests"))
    try:
        from test_recovery import DEFECTS
    finally:
        sys.path.remove(str(REPO / "tests"))
    spec = tmp_path / "defects.yaml"
    spec.write_text(DEFECTS)
    results = []
    for lowest in (10**9, 1):
        monkeypatch.setattr(overlap, "PARALLEL_MIN_OPERATIONS", lowest)
        monkeypatch.setattr(forking, "can_fork", lambda: True)
        for strict in (False, True):
            out = tmp_path / f"{lowest}-{strict}" / "client"
            outcome, files = generate(spec, out, strict=strict)
            results.append((outcome.report.exit_code, diag_json(outcome), files))
    assert results[0][0] == 0 and results[1][0] == 2 and results[1][2] == {}
    assert results[2:] == results[:2]


def _fail_in(monkeypatch: pytest.MonkeyPatch, action: str, where: str) -> None:
    """Make rendering fail in the child (``where="child"``) or here, as ``action`` says."""
    parent = os.getpid()
    real = render_split.render

    def render(env: Any, template: str, ctx: Any) -> str:
        in_child = os.getpid() != parent
        if in_child == (where == "child"):
            if action == "crash":
                os._exit(9)
            if action == "raise":
                raise ZeroDivisionError("render bug")
        return real(env, template, ctx)

    monkeypatch.setattr(render_split, "render", render)


@pytest.mark.parametrize(
    ("action", "where"), [("crash", "child"), ("raise", "child"), ("raise", "parent")]
)
def test_a_failing_render_leaves_nothing_behind(
    action: str,
    where: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    forked: None,
    no_leftover_children: None,
) -> None:
    out = tmp_path / "portarium-client"
    assert run(Options(spec=PORTARIUM, output=out)).report.exit_code == 0
    before = tree(out)
    _fail_in(monkeypatch, action, where)
    expected = WorkerFailed if where == "child" else ZeroDivisionError
    with pytest.raises(expected):
        run(Options(spec=PORTARIUM, output=out))
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portarium-client"]


def test_keyboard_interrupt_reaps_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: None, no_leftover_children: None
) -> None:
    def interrupted(*args: Any, **kw: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "extract", interrupted)  # runs beside the child's rendering
    with pytest.raises(KeyboardInterrupt):
        run(Options(spec=PORTARIUM, output=tmp_path / "out"))
    assert not list(tmp_path.iterdir())


def _key(template: str, ctx: Any) -> str | None:
    """A name for a model's or an operation's file, the same in both processes."""
    if "model" in ctx and template != "models_init.py.jinja":
        return f"{template}:{ctx['model'].class_name}"
    if "op" in ctx:
        return f"{template}:{ctx['op'].name}"
    return None


def test_the_first_template_error_in_plan_order_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_leftover_children: None
) -> None:
    """A template error in each of the four largest directories, which either process may take:
    the one earliest in the plan is reported, as the serial loop would stop there."""
    real = render_split.render
    order = _files_in_different_groups(4)

    def render(env: Any, template: str, ctx: Any) -> str:
        key = _key(template, ctx)
        if key in order:
            raise TemplateError(
                Diagnostic(code="E0702", severity=_error(), message=f"broken {key}")
            )
        return real(env, template, ctx)

    monkeypatch.setattr(render_split, "render", render)
    monkeypatch.setattr(pipeline, "render", render)
    results = []
    for lowest, fork in ((10**9, False), (1, True)):
        monkeypatch.setattr(overlap, "PARALLEL_MIN_OPERATIONS", lowest)
        monkeypatch.setattr(forking, "can_fork", lambda fork=fork: fork)
        outcome = run(Options(spec=PORTARIUM, output=tmp_path / f"{lowest}" / "client"))
        results.append((outcome.report.exit_code, diag_json(outcome)))
    assert results[0][0] == 2
    assert [d["message"] for d in results[0][1] if d["code"] == "E0702"] == [f"broken {order[0]}"]
    assert results[1] == results[0]
    assert not [p for p in tmp_path.rglob(".codegen*")]


def _error() -> Any:
    from generator.diagnostics import Severity

    return Severity.ERROR


def _files_in_different_groups(count: int) -> list[str]:
    """Keys (:func:`_key`) of the first keyed file of each of the ``count`` largest directory
    groups that have one, in plan order: files the two processes may take in any order."""
    from generator.plan import Planner

    sink = DiagnosticSink()
    spec = load_spec(PORTARIUM, sink)
    api = build_api(spec, Config(package_name="p", project_name="p"), sink).api
    planned = Planner(api, "1.0.0").files()
    groups = render_split.directory_groups([pf.path for pf in planned])
    firsts = []
    for group in groups:
        keyed = [i for i in group if planned[i].template]
        keyed = [i for i in keyed if _key(planned[i].template or "", planned[i].context)]
        firsts.extend(keyed[:1])
    firsts = firsts[:count]
    assert len(firsts) == count
    return [str(_key(planned[i].template or "", planned[i].context)) for i in sorted(firsts)]


def test_directory_groups_hand_out_every_file_once() -> None:
    paths = [f"p/models/m{i}.py" for i in range(30)] + [
        f"p/api/t{i % 7}/op{i}.py" for i in range(40)
    ]
    paths += ["p/__init__.py", "p/client.py", "README.md"]
    groups = render_split.directory_groups(paths)
    assert sorted(i for g in groups for i in g) == list(range(len(paths)))
    assert all(g == sorted(g) for g in groups)
    assert all(len({paths[i].rpartition("/")[0] for i in g}) == 1 for g in groups)
    assert [len(g) for g in groups] == sorted((len(g) for g in groups), reverse=True)
    assert groups[0] == list(range(30))  # models/, the largest, goes out first


def test_group_queue_hands_each_number_to_one_process(no_leftover_children: None) -> None:
    count = 20_000  # past a pipe's default capacity of 16,384 records
    queue = render_split.GroupQueue.create(count)
    assert queue is not None
    try:
        worker = Forked(lambda: list(queue.take()))
        try:
            own = list(queue.take())
            theirs = worker.result(60)
        finally:
            worker.close()
    finally:
        queue.close()
    assert sorted(own + theirs) == list(range(count))
    assert own == sorted(own) and theirs == sorted(theirs)


@pytest.mark.parametrize("path", ["forked", "serial"])
def test_the_manifest_digests_every_file_as_written(
    tmp_path: Path, path: str, request: pytest.FixtureRequest
) -> None:
    """The manifest's digest of each file is that of its bytes on disk, on both paths (the
    surface snapshot's is taken from the bytes as they are written, not read back)."""
    request.getfixturevalue(path)
    outcome, files = generate(PORTARIUM, tmp_path / "portarium-client")
    assert outcome.report.exit_code == 0
    listed = json.loads(files.pop(".codegen-manifest.json"))["files"]
    assert listed == {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}
    assert ".codegen-surface.json" in listed
