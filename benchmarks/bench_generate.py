"""(a) Generation, whole process: ours vs openapi-python-client 0.29.x.

Each run is a fresh interpreter (validation and ruff formatting included) writing into an empty
directory; the two generators alternate (ours, OPC, OPC, ours, ...) after one untimed warm-up each.
Prints median wall time and peak RSS (largest process of the tree, from wait4), and the ratios.

    python benchmarks/bench_generate.py [-n 3] [--spec portarium|github|github-reachable|PATH ...]

``github-reachable`` is github-rest.json without ``x-webhooks`` and keeping only the component
schemas that the paths reach through ``$ref`` (written to a temp dir). We generate a model for
every component schema (GitHub's ~330 ``webhook-*`` payload schemas, used only by
``x-webhooks``, become ~4,100 of our ~6,900 models); OPC 0.29 does not. On this variant both
generators do about the same work.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    GITHUB_SPEC,
    PORTARIUM_SPEC,
    ensure_opc_env,
    fmt_ratio,
    fmt_time,
    generate_opc,
    generate_ours,
    log,
    machine_note,
    median,
    need,
    print_table,
    verdict,
    work_dir,
)

# Targets from issue 5: ours at least this many times faster; peak memory no more than OPC's.
TARGETS = {"portarium": 4.0, "github": 3.0, "github-reachable": 3.0}
SPECS = {"portarium": PORTARIUM_SPEC, "github": GITHUB_SPEC}
SCHEMA_REF = "#/components/schemas/"


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_REF):
            found.add(ref[len(SCHEMA_REF) :])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def reachable_only(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` without (x-)webhooks and with only the component schemas the paths reach."""
    schemas = doc.get("components", {}).get("schemas", {})
    others = {k: v for k, v in doc.get("components", {}).items() if k != "schemas"}
    todo: set[str] = set()
    _refs([doc.get("paths", {}), others], todo)
    keep: set[str] = set()
    while todo:
        name = todo.pop()
        if name in keep or name not in schemas:
            continue
        keep.add(name)
        _refs(schemas[name], todo)
    out = {k: v for k, v in doc.items() if k not in ("webhooks", "x-webhooks")}
    out["components"] = dict(doc["components"])
    out["components"]["schemas"] = {k: v for k, v in schemas.items() if k in keep}
    log(f"github-reachable: {len(keep)} of {len(schemas)} component schemas kept")
    return out


@dataclass
class Result:
    ours_t: float
    opc_t: float
    ours_rss: float
    opc_rss: float
    ours_files: int
    opc_files: int


def bench_spec(name: str, spec: Path, runs: int, work: Path) -> Result:
    out_ours, out_opc = work / f"{name}-ours", work / f"{name}-opc"
    log(f"[{name}] warm-up ...")
    generate_ours(spec, out_ours)
    generate_opc(spec, out_opc)
    times: dict[str, list[float]] = {"ours": [], "opc": []}
    rss: dict[str, list[float]] = {"ours": [], "opc": []}
    for i in range(runs):
        order = ("ours", "opc") if i % 2 == 0 else ("opc", "ours")
        for tool in order:
            m = generate_ours(spec, out_ours) if tool == "ours" else generate_opc(spec, out_opc)
            times[tool].append(m.seconds)
            rss[tool].append(m.peak_rss_mib)
            log(f"[{name}] run {i + 1}/{runs} {tool}: {m.seconds:.2f} s, {m.peak_rss_mib:.0f} MiB")
    return Result(
        ours_t=median(times["ours"]),
        opc_t=median(times["opc"]),
        ours_rss=max(rss["ours"]),
        opc_rss=max(rss["opc"]),
        ours_files=sum(1 for _ in out_ours.rglob("*.py")),
        opc_files=sum(1 for _ in out_opc.rglob("*.py")),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=3, help="timed runs per tool (3)")
    parser.add_argument(
        "--spec",
        action="append",
        help="portarium, github, github-reachable or a path (repeatable; "
        "default: portarium and github)",
    )
    args = parser.parse_args(argv)
    ensure_opc_env()
    chosen = args.spec or ["portarium", "github"]
    rows, checks = [], []
    with work_dir("bench-generate-") as tmp:
        for item in chosen:
            if item == "github-reachable":
                spec = Path(tmp) / "github-rest-reachable.json"
                spec.write_text(
                    json.dumps(reachable_only(json.loads(need(GITHUB_SPEC).read_text())))
                )
                name = item
            else:
                spec = need(SPECS.get(item, Path(item)))
                name = item if item in SPECS else spec.stem
            r = bench_spec(name, spec, args.runs, Path(tmp))
            speedup = r.opc_t / r.ours_t
            mem = r.ours_rss / r.opc_rss
            target = TARGETS.get(name)
            rows.append(
                [
                    name,
                    fmt_time(r.ours_t),
                    fmt_time(r.opc_t),
                    fmt_ratio(speedup),
                    f"{r.ours_rss:.0f} MiB",
                    f"{r.opc_rss:.0f} MiB",
                    fmt_ratio(mem),
                    f"{r.ours_files}/{r.opc_files}",
                ]
            )
            if target:
                checks.append((f"{name}: ours >= {target:g}x faster", speedup >= target))
            checks.append((f"{name}: peak RSS <= OPC's", mem <= 1.0))
    print_table(
        f"(a) generation, whole process, median of {args.runs}, peak RSS = max over runs "
        f"({machine_note()})",
        [
            "spec",
            "ours",
            "OPC 0.29",
            "OPC/ours",
            "ours RSS",
            "OPC RSS",
            "ours/OPC RSS",
            ".py files ours/OPC",
        ],
        rows,
    )
    for label, ok in checks:
        print(f"  target {label}: {verdict(ok)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
