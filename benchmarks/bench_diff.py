"""(f) ``diff`` on a large spec pair vs one ``generate`` of it (target: diff < 2x generate).

The pair is GitHub's REST spec (13 MB) against itself with one operation removed (written to a
work dir). Each run is a fresh interpreter: ``generate`` writes a whole client (validation,
planning, rendering, ruff formatting, writing); ``diff`` loads, validates, builds and plans both
sides, extracts and compares their surfaces (nothing is rendered or written). The two commands
alternate (generate, diff, diff, generate, ...) after one untimed warm-up each; the table shows
median wall time and peak RSS, and the ratio diff / generate.

    python benchmarks/bench_diff.py [-n 3] [--spec PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    GITHUB_SPEC,
    fmt_time,
    generate_ours,
    log,
    machine_note,
    median,
    need,
    ours_env,
    ours_python,
    ours_repo,
    print_table,
    run_measured,
    verdict,
    work_dir,
)

TARGET = 2.0  # diff at most this many times one generate (issue 14)
REMOVED = ("/repos/{owner}/{repo}/issues/{issue_number}/lock", "delete")


def one_op_less(spec: Path, out: Path) -> tuple[Path, str]:
    """``spec`` without one operation (:data:`REMOVED`, else the first one), written to ``out``."""
    doc = json.loads(spec.read_text(encoding="utf-8"))
    path, method = REMOVED
    if method not in doc["paths"].get(path, {}):
        path = next(iter(doc["paths"]))
        method = next(
            m for m in doc["paths"][path] if m in ("get", "post", "put", "delete", "patch")
        )
    del doc["paths"][path][method]
    target = out / "github-minus-one.json"
    target.write_text(json.dumps(doc), encoding="utf-8")
    return target, f"{method.upper()} {path}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=3, help="timed runs of each command")
    parser.add_argument("--spec", type=Path, default=GITHUB_SPEC)
    args = parser.parse_args()
    need(args.spec)
    log(machine_note())
    with work_dir("bench-diff-") as tmp:
        work = Path(tmp)
        other, removed = one_op_less(args.spec, work)
        diff_cmd = [ours_python(), "-m", "generator", "diff", str(args.spec), str(other)]
        diff_cmd += ["--fail-on", "never"]

        def gen() -> tuple[float, float]:
            m = generate_ours(args.spec, work / "out")
            return m.seconds, m.peak_rss_mib

        def dif() -> tuple[float, float]:
            m = run_measured(diff_cmd, cwd=ours_repo(), env=ours_env())
            if m.returncode != 0:
                raise SystemExit(f"diff failed (exit {m.returncode}):\n{m.output[-2000:]}")
            if "operation-removed" not in m.output and "operation removed" not in m.output:
                raise SystemExit(f"diff did not report the removed operation:\n{m.output[-2000:]}")
            return m.seconds, m.peak_rss_mib

        log("warm-up")
        gen()
        dif()
        gens: list[tuple[float, float]] = []
        difs: list[tuple[float, float]] = []
        for i in range(args.n):
            order = (gen, dif) if i % 2 == 0 else (dif, gen)
            for fn in order:
                (gens if fn is gen else difs).append(fn())
                log(f"run {i + 1}: {fn.__name__} {fmt_time((gens if fn is gen else difs)[-1][0])}")
    g = median([s for s, _ in gens])
    d = median([s for s, _ in difs])
    ratio = d / g
    print_table(
        f"diff vs generate on {args.spec.name} (removed: {removed}); median of {args.n}",
        ["command", "wall", "peak RSS"],
        [
            ["generate", fmt_time(g), f"{median([r for _, r in gens]):.0f} MiB"],
            ["diff (old, new)", fmt_time(d), f"{median([r for _, r in difs]):.0f} MiB"],
        ],
    )
    print(f"\ndiff / generate = {ratio:.2f}x (target < {TARGET:.1f}x): {verdict(ratio < TARGET)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
