"""(d) Import time of a GitHub-size generated client (ours vs OPC), fresh interpreter per run.

Generates both clients from github-rest.json, then times, inside a new interpreter each time
(``time.perf_counter`` around the import statement, so interpreter start-up is excluded; .pyc
files are written by an untimed warm-up run first, even where PYTHONDONTWRITEBYTECODE is set):

  httpx alone        import httpx (the floor: both runtimes import it)
  package            import <pkg>
  package + 1 op     import <pkg>.api.repos.<repos/get module>   (what an application does)
  all models         every model class (ours: each name of models.__all__; OPC: import models)

    python benchmarks/bench_import.py [-n 5] [--operation repos/get] [--spec PATH]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    GITHUB_SPEC,
    check,
    ensure_opc_env,
    find_package,
    fmt_ratio,
    fmt_time,
    generate_opc,
    generate_ours,
    log,
    machine_note,
    median,
    need,
    opc_env,
    opc_python,
    print_table,
    run_measured,
)

PROBE = """
import resource, sys, time
sys.path.insert(0, {path!r})
t0 = time.perf_counter()
{stmt}
t1 = time.perf_counter()
print(t1 - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, len(sys.modules))
"""


def op_module(package_dir: Path, operation: str) -> str:
    """The dotted name of the module of ``operation`` (matched on letters and digits only)."""
    key = re.sub(r"[^a-z0-9]", "", operation.lower())
    for path in sorted(package_dir.glob("api/*/*.py")):
        if re.sub(r"[^a-z0-9]", "", path.stem.lower()) == key:
            rel = path.relative_to(package_dir.parent).with_suffix("")
            return ".".join(rel.parts)
    raise SystemExit(f"no module for operation {operation!r} under {package_dir}/api")


def statements(root: Path, operation: str, lazy_models: bool) -> dict[str, str]:
    pkg = find_package(root)
    all_models = (
        f"import {pkg}.models as m\nfor n in m.__all__: getattr(m, n)"
        if lazy_models
        else f"import {pkg}.models"
    )
    return {
        "httpx alone": "import httpx",
        "package": f"import {pkg}",
        "package + 1 op": f"import {op_module(root / pkg, operation)}",
        "all models": all_models,
    }


def measure(root: Path, stmt: str) -> tuple[float, float, int]:
    code = PROBE.format(path=str(root), stmt=stmt)
    result = check(run_measured([str(opc_python()), "-c", code], env=opc_env()), stmt)
    seconds, rss, modules = result.output.split()[-3:]
    return float(seconds), float(rss), int(modules)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=5, help="fresh interpreters each (5)")
    parser.add_argument("--operation", default="repos/get", help="operationId (repos/get)")
    parser.add_argument("--spec", type=Path, default=GITHUB_SPEC, help="github-rest.json")
    args = parser.parse_args(argv)
    ensure_opc_env()
    spec = need(args.spec)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        ours_out, opc_out = (
            Path(tmp) / "ours" / "github_client",
            Path(tmp) / "opc" / "opc_github_client",
        )
        log(f"generating both clients from {spec.name} ...")
        generate_ours(spec, ours_out)
        generate_opc(spec, opc_out, meta="none")
        tools = {
            "ours": (ours_out, statements(ours_out, args.operation, lazy_models=True)),
            "OPC 0.29": (opc_out.parent, statements(opc_out.parent, args.operation, False)),
        }
        for root, stmts in tools.values():  # warm-up: write the .pyc files
            for stmt in stmts.values():
                measure(root, stmt)
        times: dict[tuple[str, str], list[float]] = {}
        extra: dict[tuple[str, str], tuple[float, int]] = {}
        for i in range(args.runs):
            order = list(tools) if i % 2 == 0 else list(reversed(tools))
            for tool in order:
                root, stmts = tools[tool]
                for case, stmt in stmts.items():
                    seconds, rss, modules = measure(root, stmt)
                    times.setdefault((tool, case), []).append(seconds)
                    extra[(tool, case)] = (rss, modules)
        rows = []
        cases = list(tools["ours"][1])
        for case in cases:
            ours, opc = median(times[("ours", case)]), median(times[("OPC 0.29", case)])
            rows.append(
                [
                    case,
                    fmt_time(ours),
                    fmt_time(opc),
                    fmt_ratio(opc / ours),
                    str(extra[("ours", case)][1]),
                    str(extra[("OPC 0.29", case)][1]),
                    f"{extra[('ours', case)][0]:.0f} MiB",
                    f"{extra[('OPC 0.29', case)][0]:.0f} MiB",
                ]
            )
        one_op = median(times[("ours", "package + 1 op")])
        every = median(times[("ours", "all models")])
        print_table(
            f"(d) import time, {spec.name}, operation {args.operation}, fresh interpreter, "
            f"median of {args.runs} ({machine_note()})",
            ["import", "ours", "OPC 0.29", "OPC/ours", "modules", "OPC mods", "RSS", "OPC RSS"],
            rows,
        )
        print(
            f"  ours: package + 1 op is {fmt_ratio(every / one_op)} faster than importing all "
            f"models ({fmt_time(one_op)} vs {fmt_time(every)})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
