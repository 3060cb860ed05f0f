"""Crash safety of ``generate``: SIGKILL at any instant leaves the output dir exactly old or exactly new.

Two families of kill points, both against an output dir that already holds an *older* tree whose
files overlap the new tree's names with different contents (so any mix is detectable):

- **event kills** (exhaustive): a driver runs the CLI in a subprocess with the file-system calls
  of :mod:`generator.output` wrapped; it SIGKILLs itself just before the k-th call, for every k of
  a reference run (creating the temp dir, writing files, each rename / exchange, each deletion).
  Done for the Linux ``renameat2(RENAME_EXCHANGE)`` swap and for the two-rename fallback.
- **timed kills**: plain ``python -m generator`` SIGKILLed after delays spread uniformly over the
  measured duration of one run.

After each kill the target must hash to the old or the new tree. With the exchange swap the target
is never missing. With the fallback a kill between the two renames leaves it missing with the
complete old tree beside it as ``.codegen-old-*``; ``clean_leftovers`` (the first thing the next run
does) must rename it back, giving exactly the old tree. Then a normal run must produce the new tree
and leave no ``.codegen-tmp-*`` / ``.codegen-old-*`` beside it.

``generate --check`` must not write anything, neither in the output dir nor beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SPEC_REL = Path("spec") / "portarium-control-plane.v1.yaml"
LEFTOVER_PREFIXES = (".codegen-tmp-", ".codegen-old-")
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

#: Runs the CLI with generator.output's file-system calls wrapped. argv[1] = JSON settings:
#: {"kill_before": k or null, "log": path or null, "write_every": n}; then the CLI arguments.
DRIVER = textwrap.dedent("""
    import json, os, shutil, signal, sys, tempfile, time
    from pathlib import Path
    settings = json.loads(sys.argv[1])
    kill_before = settings["kill_before"]
    log_path = settings["log"]
    count = [0]
    log = []

    def event(name, *paths):
        count[0] += 1
        log.append([count[0], name, [os.fspath(p) for p in paths if p is not None], time.time()])
        if log_path:
            with open(log_path, "w") as fh:
                json.dump(log, fh)
        if kill_before is not None and count[0] == kill_before:
            os.kill(os.getpid(), signal.SIGKILL)

    import generator.output as out

    def wrap(obj, attr, name, npaths):
        real = getattr(obj, attr)
        def wrapper(*args, **kwargs):
            event(name, *args[:npaths])
            return real(*args, **kwargs)
        setattr(obj, attr, wrapper)

    wrap(os, "rename", "rename", 2)
    wrap(os, "replace", "replace", 2)
    wrap(os, "rmdir", "rmdir", 1)
    wrap(shutil, "rmtree", "rmtree", 1)
    wrap(out, "_rename_exchange", "exchange", 2)
    wrap(out.subprocess, "run", "subprocess", 0)

    real_mkdtemp = tempfile.mkdtemp
    def mkdtemp(*args, **kwargs):
        event("mkdtemp", kwargs.get("dir"))
        return real_mkdtemp(*args, **kwargs)
    tempfile.mkdtemp = mkdtemp

    real_write = Path.write_bytes
    def write_bytes(self, data):
        event("write", self)
        return real_write(self, data)
    Path.write_bytes = write_bytes
    wrap(out, "_create_file", "write", 1)

    from generator.cli import main
    code = main(sys.argv[2:])
    if log_path:
        with open(log_path, "w") as fh:
            json.dump(log, fh)
    sys.exit(code)
    """)


class _Snapshot:
    """Where subprocesses run the generator from: a private copy of generator/, templates/ and
    spec/ taken once per module, so edits other people make in the checkout during the (long)
    run cannot change the "new" tree half-way."""

    root: Path = REPO


def snapshot_repo(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("generator", "templates", "spec"):
        shutil.copytree(REPO / name, dest / name, ignore=ignore)
    return dest


@pytest.fixture(scope="module", autouse=True)
def _private_generator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    _Snapshot.root = snapshot_repo(tmp_path_factory.mktemp("generator-snapshot"))
    yield
    _Snapshot.root = REPO


def tree(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file (and symlink target) under ``root``."""
    out: dict[str, str] = {}
    if not root.exists():
        return out
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            out[rel + "/"] = "dir"
    return out


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(LEFTOVER_PREFIXES))


def cli_args(out: Path, *extra: str) -> list[str]:
    return [
        "generate",
        "--spec",
        str(_Snapshot.root / SPEC_REL),
        "--output",
        str(out),
        "--quiet",
        *extra,
    ]


def run_cli(
    out: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *cli_args(out, *extra)],
        capture_output=True,
        text=True,
        cwd=_Snapshot.root,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def run_driver(
    out: Path,
    kill_before: int | None,
    log: Path | None,
    *extra: str,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    settings = json.dumps({"kill_before": kill_before, "log": str(log) if log else None})
    return subprocess.run(
        [sys.executable, "-c", DRIVER, settings, *cli_args(out, *extra)],
        capture_output=True,
        text=True,
        cwd=_Snapshot.root,
        env={**os.environ, "PYTHONPATH": str(_Snapshot.root), **(env or {})},
        timeout=300,
    )


def write_old_tree(out: Path, new_files: dict[str, bytes]) -> None:
    """An older tree: most of the new tree's files with different bytes, some missing, some extra."""
    out.mkdir(parents=True)
    for i, (rel, data) in enumerate(sorted(new_files.items())):
        if i % 7 == 3:
            continue  # a file the new tree adds
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data + f"\n# old revision {i}\n".encode())
    (out / "stale_module.py").write_text("# removed by the new tree\n")
    (out / "notes").mkdir()
    (out / "notes" / "keep.txt").write_text("old only\n")


@pytest.fixture(scope="module")
def reference(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, str], dict[str, bytes], float]:
    """The new tree (hashes and bytes) and the wall time of one CLI run."""
    base = tmp_path_factory.mktemp("reference")
    out = base / "client"
    start = time.perf_counter()
    proc = run_cli(out)
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    files = {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }
    assert len(files) > 20
    return tree(out), files, elapsed


@pytest.fixture
def old_out(
    tmp_path: Path, reference: tuple[dict[str, str], dict[str, bytes], float]
) -> tuple[Path, dict[str, str]]:
    out = tmp_path / "parent" / "client"
    write_old_tree(out, reference[1])
    return out, tree(out)


def event_log(
    tmp_path: Path, reference_files: dict[str, bytes], env: dict[str, str]
) -> list[list[object]]:
    """The file-system events of one uninterrupted run against an old tree."""
    out = tmp_path / "probe" / "client"
    write_old_tree(out, reference_files)
    log = tmp_path / "probe-events.json"
    proc = run_driver(out, None, log, env=env)
    assert proc.returncode == 0, proc.stderr
    events: list[list[object]] = json.loads(log.read_text())
    return events


def kill_points(events: list[list[object]]) -> list[int]:
    """Just before every kind of event: of each run of same-named events (87 file writes, the
    rmdirs inside one rmtree) the first, the middle and the last; then one past the end."""
    points: list[int] = []
    i = 0
    while i < len(events):
        j = i
        while j + 1 < len(events) and events[j + 1][1] == events[i][1]:
            j += 1
        points.extend(sorted({i + 1, (i + j) // 2 + 1, j + 1}))
        i = j + 1
    return points + [len(events) + 1]


def assert_old_or_new(
    out: Path, old: dict[str, str], new: dict[str, str], *, allow_restorable_gap: bool
) -> str:
    """Classify the state at ``out``; fail on any mix. Returns "old", "new" or "restored"."""
    from generator.output import clean_leftovers

    state = tree(out)
    if out.exists():
        assert state in (old, new), _mix_message(state, old, new)
        return "old" if state == old else "new"
    assert allow_restorable_gap, f"target missing after kill; beside it: {leftovers(out.parent)}"
    olds = [p for p in out.parent.iterdir() if p.name.startswith(".codegen-old-")]
    assert len(olds) == 1, leftovers(out.parent)
    assert tree(olds[0]) == old, "the .codegen-old-* tree is not the complete old tree"
    clean_leftovers(out)
    assert tree(out) == old, "clean_leftovers did not restore the old tree"
    return "restored"


def _mix_message(state: dict[str, str], old: dict[str, str], new: dict[str, str]) -> str:
    like_old = sum(1 for k, v in state.items() if old.get(k) == v)
    like_new = sum(1 for k, v in state.items() if new.get(k) == v)
    return f"mixed tree: {len(state)} entries, {like_old} match old, {like_new} match new"


def recover_and_check(out: Path, new: dict[str, str], state: str) -> bool:
    """Run generate again where a kill left something to clean up or an old tree to replace.

    Returns whether a run was needed (old or new tree with nothing beside it: nothing to repair;
    replacing an untouched old tree is covered by the other tests)."""
    if state != "restored" and leftovers(out.parent) == []:
        return False
    proc = run_cli(out)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert tree(out) == new
    assert leftovers(out.parent) == []
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
    return True


@pytest.mark.parametrize("mode", ["exchange", "two-renames"])
def test_sigkill_at_every_file_system_event(
    mode: str, tmp_path: Path, reference: tuple[dict[str, str], dict[str, bytes], float]
) -> None:
    new, new_files, _ = reference
    env = {"PORTARIUM_CODEGEN_NO_EXCHANGE": "1"} if mode == "two-renames" else {}
    events = event_log(tmp_path, new_files, env)
    names = [e[1] for e in events]
    if mode == "exchange":
        assert "exchange" in names
    else:
        assert names.count("rename") >= 2
    outcomes: dict[str, list[int]] = {"old": [], "new": [], "restored": []}
    recoveries = 0
    for k in kill_points(events):
        out = tmp_path / f"kill{k}" / "client"
        write_old_tree(out, new_files)
        old = tree(out)
        proc = run_driver(out, k, None, env=env)
        if k <= len(events):
            assert proc.returncode == -signal.SIGKILL, (k, events[k - 1], proc.stderr)
        else:
            assert proc.returncode == 0, proc.stderr
        state = assert_old_or_new(out, old, new, allow_restorable_gap=(mode == "two-renames"))
        outcomes[state].append(k)
        recoveries += recover_and_check(out, new, state)
    print(
        f"\n{mode}: {len(events)} events; kill points -> {json.dumps(outcomes)}; {recoveries} reruns"
    )
    assert recoveries > 0
    assert outcomes["old"] and outcomes["new"]
    if mode == "exchange":
        # The atomic exchange makes a missing target impossible.
        assert outcomes["restored"] == []
    else:
        # The fallback's one gap (between its two renames) is hit and repaired.
        assert len(outcomes["restored"]) >= 1


def _wait_for_staging(out: Path, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not leftovers(out.parent) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)


def _staging_to_exit(out: Path, new_files: dict[str, bytes]) -> float:
    """Seconds from the staging dir appearing to the process exiting, for one plain run."""
    write_old_tree(out, new_files)
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", *cli_args(out)],
        cwd=_Snapshot.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_staging(out, proc)
    t0 = time.monotonic()
    assert proc.wait(timeout=300) == 0
    return time.monotonic() - t0


def test_sigkill_at_timed_points(
    tmp_path: Path, reference: tuple[dict[str, str], dict[str, bytes], float]
) -> None:
    """Plain CLI runs killed after delays. Half the delays are spread uniformly over a whole run
    (measured by a calibration run), counted from the start; the other half are spread uniformly
    over the part after staging begins, counted from the moment the run's ``.codegen-tmp-*`` dir
    appears (so a slower machine still lands them in the write/format/swap window)."""
    new, new_files, _ = reference
    out = tmp_path / "calibrate" / "client"
    write_old_tree(out, new_files)
    log = tmp_path / "calibrate.json"
    start = time.time()
    assert run_driver(out, None, log).returncode == 0
    end = time.time() - start
    events = json.loads(log.read_text())
    staging = min(float(e[3]) for e in events if e[1] == "mkdtemp") - start
    window = _staging_to_exit(tmp_path / "calibrate2" / "client", new_files)
    half = 12
    plan = [("start", end * (i + 0.5) / half) for i in range(half)]
    plan += [("staging", window * (i + 0.5) / half) for i in range(half)]
    seen: dict[str, int] = {"old": 0, "new": 0, "restored": 0}
    recoveries = 0
    for i, (anchor, delay) in enumerate(plan):
        out = tmp_path / f"t{i}" / "client"
        write_old_tree(out, new_files)
        old = tree(out)
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", *cli_args(out)],
            cwd=_Snapshot.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if anchor == "staging":
            _wait_for_staging(out, proc)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        state = assert_old_or_new(out, old, new, allow_restorable_gap=False)
        seen[state] += 1
        recoveries += recover_and_check(out, new, state)
    print(
        f"\ntimed kills (run {end:.2f}s, staging from {staging:.2f}s, staging to exit "
        f"{window:.2f}s): {len(plan)} points -> "
        f"{seen}; {recoveries} reruns"
    )
    assert sum(seen.values()) == len(plan)


def test_next_run_removes_leftovers_of_killed_runs(
    old_out: tuple[Path, dict[str, str]], reference: tuple[dict[str, str], dict[str, bytes], float]
) -> None:
    out, _ = old_out
    parent = out.parent
    (parent / ".codegen-tmp-client-abc123").mkdir()
    (parent / ".codegen-tmp-client-abc123" / "half.py").write_text("x = (")
    (parent / ".codegen-old-client-def456").mkdir()
    (parent / ".codegen-old-client-def456" / "a.py").write_text("old = 1\n")
    (parent / ".codegen-tmp-other-zzz").mkdir()  # another output's leftovers are not ours
    recover_and_check_except(out, reference[0], keep=[".codegen-tmp-other-zzz"])


def recover_and_check_except(out: Path, new: dict[str, str], keep: list[str]) -> None:
    proc = run_cli(out)
    assert proc.returncode == 0, proc.stderr
    assert tree(out) == new
    assert sorted(p.name for p in out.parent.iterdir()) == sorted([out.name, *keep])


def test_missing_target_is_restored_from_old_tree(tmp_path: Path) -> None:
    from generator.output import clean_leftovers

    parent = tmp_path / "p"
    parent.mkdir()
    aside = parent / ".codegen-old-client-x1"
    aside.mkdir()
    (aside / "a.py").write_text("a = 1\n")
    (parent / ".codegen-tmp-client-x2").mkdir()
    (parent / ".codegen-tmp-client-x2" / "b.py").write_text("b = 1\n")
    clean_leftovers(parent / "client")
    assert tree(parent / "client") == {"a.py": hashlib.sha256(b"a = 1\n").hexdigest()}
    assert sorted(p.name for p in parent.iterdir()) == ["client"]


def test_live_staging_dir_of_another_run_is_not_removed(tmp_path: Path) -> None:
    """A run still staging holds a lock on its temp dir; a concurrent run must not delete it."""
    from generator.output import clean_leftovers

    parent = tmp_path / "p"
    target = parent / "client"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from generator.output import stage; "
            "p = stage(Path(sys.argv[1]), {'a.py': b'a = 1\\n'}); print(p, flush=True); time.sleep(60)",
            str(target),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert holder.stdout is not None
        staged = Path(holder.stdout.readline().strip())
        assert staged.is_dir()
        assert clean_leftovers(target) == []
        assert staged.is_dir()
    finally:
        holder.kill()
        holder.wait()
    assert clean_leftovers(target) == [staged]
    assert not staged.exists()


def test_check_writes_nothing_when_up_to_date(
    tmp_path: Path, reference: tuple[dict[str, str], dict[str, bytes], float]
) -> None:
    out = tmp_path / "p" / "client"
    assert run_cli(out).returncode == 0
    before = tree(out.parent)
    proc = run_cli(out, "--check")
    assert proc.returncode == 0, proc.stderr
    assert tree(out.parent) == before


def test_check_touches_nothing_beside_the_output(
    old_out: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    out, old = old_out
    foreign = out.parent / ".codegen-tmp-client-from-a-crash"
    foreign.mkdir()
    (foreign / "x.py").write_text("x = 1\n")
    before = tree(out.parent)
    log = tmp_path / "check-events.json"
    proc = run_driver(out, None, log, "--check")
    assert proc.returncode == 1, proc.stderr  # the old tree drifted
    events = json.loads(log.read_text())
    parent = os.fspath(out.parent.resolve())
    touching = [e for e in events if any(os.path.realpath(p).startswith(parent) for p in e[2])]
    assert touching == [], touching
    assert tree(out.parent) == before


def test_check_killed_at_every_event_leaves_everything(
    old_out: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """--check killed anywhere leaves the output dir byte-for-byte unchanged."""
    out, old = old_out
    log = tmp_path / "events.json"
    assert run_driver(out, None, log, "--check").returncode == 1
    events = json.loads(log.read_text())
    for k in kill_points(events)[:-1]:
        proc = run_driver(out, k, None, "--check")
        assert proc.returncode == -signal.SIGKILL
        assert tree(out) == old


def test_concurrent_runs_into_one_output_dir(
    tmp_path: Path, reference: tuple[dict[str, str], dict[str, bytes], float]
) -> None:
    """Three runs at once: each one's staging dir is locked, so none deletes another's; swaps are
    serialised; the result is the complete new tree with nothing left beside it."""
    new, new_files, _ = reference
    out = tmp_path / "p" / "client"
    write_old_tree(out, new_files)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "generator", *cli_args(out)],
            cwd=_Snapshot.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert tree(out) == new
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
