"""A/B of two checkouts of the generator on one spec, interleaved: is a change faster?

On a machine whose speed drifts (this VM's does by up to 1.8x within minutes, see README
"Method"), two timings taken minutes apart compare the minutes, not the code. This runs ``A``
and ``B`` alternately (ABBA...), each a whole ``generate`` into a new directory under
``BENCH_WORK_DIR`` (nothing is deleted until the end: on journal-less ext4 a deletion slows the
file creation of the next minutes), with the same interpreter and dependencies (``B``'s
checkout is put first on ``PYTHONPATH``), and prints medians of wall time and of CPU time
(user + system, ruff and forked children included), B / A, and the median and mean of B - A
within each round (the runs of a round are seconds apart, so the machine's drift mostly cancels:
a change of ~4% shows there when the medians cannot tell it from noise). Each run starts in the
directory that receives the client, as a user runs the generator.

``--import-only`` times ``python -c "import generator.cli"`` instead of a ``generate``.

    git worktree add ../base <commit>       # the checkout to compare with
    .venv/bin/python benchmarks/bench_ab.py --base ../base --spec petstore -n 15
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    NAMED_SPECS,
    WORK_DIR,
    base_env,
    check,
    fmt_ratio,
    fmt_time,
    log,
    machine_note,
    median,
    need,
    ours_python,
    print_table,
    run_measured,
)


def command(spec: Path, out: Path, import_only: bool) -> list[str]:
    """One timed run: a whole ``generate`` of ``spec`` into ``out``, or only the import."""
    if import_only:
        return [ours_python(), "-c", "import generator.cli"]
    return [ours_python(), "-m", "generator", "generate", "--quiet"] + [
        f"--spec={spec}",
        f"--output={out}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="checkout A (B: this one)")
    parser.add_argument("--other", type=Path, help="checkout B (default: this checkout)")
    parser.add_argument("--spec", default="petstore", help="petstore, portarium, github, a path")
    parser.add_argument("-n", "--runs", type=int, default=9, help="runs of each (9)")
    parser.add_argument("--import-only", action="store_true", help="time importing the CLI")
    args = parser.parse_args(argv)
    spec = need(NAMED_SPECS.get(args.spec, Path(args.spec)))
    sides = {
        "A": need(args.base.resolve() / "generator"),
        "B": need((args.other or Path(__file__).resolve().parents[1]).resolve() / "generator"),
    }
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(os.path.join(WORK_DIR, f"ab-{os.getpid()}"))
    work.mkdir()
    walls: dict[str, list[float]] = {"A": [], "B": []}
    cpus: dict[str, list[float]] = {"A": [], "B": []}
    try:
        for i in range(args.runs + 1):  # round 0 warms both up (.pyc files, caches)
            for name in ("A", "B") if i % 2 == 0 else ("B", "A"):
                checkout = sides[name].parent
                env = base_env()
                env["PYTHONPATH"] = os.pathsep.join(
                    p for p in (str(checkout), env.get("PYTHONPATH", "")) if p
                )
                out = work / f"{name}-{i}"
                cmd = command(spec, out, args.import_only)
                # Run where the client goes, as a user runs it (see _common.ours_env).
                result = check(run_measured(cmd, cwd=work, env=env), f"{name} run {i}")
                if i:
                    walls[name].append(result.seconds)
                    cpus[name].append(result.cpu_seconds)
                    log(f"[{name}] run {i}/{args.runs}: {fmt_time(result.seconds)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # B - A within each round (the two runs of a round are seconds apart): on a machine whose
    # speed drifts, far steadier than the difference of the medians.
    paired = [b - a for a, b in zip(walls["A"], walls["B"], strict=True)]
    spread = statistics.stdev(paired) / len(paired) ** 0.5 if len(paired) > 1 else 0.0
    wall = {name: median(values) for name, values in walls.items()}
    cpu = {name: median(values) for name, values in cpus.items()}
    rows = [
        [name, str(sides[name].parent), fmt_time(wall[name]), fmt_time(min(walls[name]))]
        + [fmt_time(cpu[name])]
        for name in ("A", "B")
    ]
    rows.append(["B / A", "", fmt_ratio(wall["B"] / wall["A"]), "", fmt_ratio(cpu["B"] / cpu["A"])])
    what = "import generator.cli" if args.import_only else f"generate {spec.name}"
    print_table(
        f"A/B, {what}, interleaved, median of {args.runs} each ({machine_note()})",
        ["side", "checkout", "wall", "min", "CPU"],
        rows,
    )
    print(
        f"B - A within each round: median {fmt_signed(median(paired))}, "
        f"mean {fmt_signed(statistics.fmean(paired))} +- {fmt_time(spread)} (standard error)"
    )
    return 0


def fmt_signed(seconds: float) -> str:
    return ("+" if seconds >= 0 else "-") + fmt_time(abs(seconds))


if __name__ == "__main__":
    raise SystemExit(main())
