"""Profile our generator on one spec (default github-rest.json): where does the time go?

Runs ``python -m cProfile -m generator generate ... --report`` once and prints
  1. the per-stage timings of the report (load, validate, build, plan, render, write, format),
  2. self time grouped by package/module (generator.*, jinja2, yaml, jsonschema, ast, ...),
  3. the top functions by self time and by cumulative time,
  4. the ruff subprocesses timed on their own (check --fix, format) on the generated tree.
The .prof file is kept (``--keep DIR``) for snakeviz/pstats.

    python benchmarks/profile_generate.py [--spec PATH] [--top 25] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import pstats
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    GITHUB_SPEC,
    base_env,
    check,
    fmt_time,
    log,
    machine_note,
    need,
    ours_cmd,
    ours_python,
    ours_repo,
    print_table,
    run_measured,
)

GROUPS = [
    ("generator/", "generator."),
    ("jinja2/", "jinja2"),
    ("yaml/", "yaml"),
    ("jsonschema", "jsonschema*"),
    ("referencing", "referencing"),
    ("openapi_spec_validator", "openapi_spec_validator"),
    ("openapi_schema_validator", "openapi_schema_validator"),
    ("rpds", "rpds"),
    ("jsonschema_path", "jsonschema_path"),
    ("pathable", "pathable"),
    ("markupsafe", "markupsafe"),
    ("/json/", "json"),
    ("/ast.py", "ast"),
    ("subprocess.py", "subprocess (ruff)"),
    ("pathlib.py", "pathlib"),
    ("/re/", "re"),
]


def group_of(filename: str, func: str) -> str:
    if filename == "~":
        if "compile" in func:
            return "builtins: compile (ast.parse)"
        if "waitpid" in func or "poll" in func:
            return "subprocess (ruff)"
        if any(word in func for word in ("write", "open", "mkdir", "read", "stat", "close")):
            return "builtins: file I/O"
        return "builtins: other"
    for needle, name in GROUPS:
        if needle in filename:
            if name == "generator.":
                return "generator." + filename.rsplit("generator/", 1)[1].removesuffix(".py")
            return name
    return "other stdlib/3rd party"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=GITHUB_SPEC)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--keep", type=Path, help="copy the .prof and report here")
    args = parser.parse_args(argv)
    spec = need(args.spec)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        work = Path(tmp)
        out, report, prof = work / "client", work / "report.json", work / "generate.prof"
        plain = check(
            run_measured(ours_cmd(spec, work / "plain", report), cwd=ours_repo(), env=base_env()),
            "generate",
        )
        plain_stages = json.loads(report.read_text())["timings"]
        cmd = ours_cmd(spec, out, report)
        cmd[1:1] = ["-m", "cProfile", "-o", str(prof)]
        log(f"profiling: {' '.join(cmd)}")
        profiled = check(run_measured(cmd, cwd=ours_repo(), env=base_env()), "profiled generate")
        data = json.loads(report.read_text())
        stages = data["timings"]

        total = sum(plain_stages.values())
        rows = [
            [
                name,
                fmt_time(plain_stages.get(name, 0.0)),
                f"{plain_stages.get(name, 0.0) / total * 100:.0f}%",
                fmt_time(seconds),
            ]
            for name, seconds in stages.items()
        ]
        rows.append(["(stages)", fmt_time(total), "100%", fmt_time(sum(stages.values()))])
        rows.append(["(process)", fmt_time(plain.seconds), "", fmt_time(profiled.seconds)])
        print_table(
            f"per-stage timings, {spec.name}: {data.get('models')} models, "
            f"{data['operations']['generated']} operations, {data.get('files')} files, "
            f"peak RSS {plain.peak_rss_mib:.0f} MiB ({machine_note()})",
            ["stage", "time", "share", "under cProfile"],
            rows,
        )

        stats = pstats.Stats(str(prof))
        raw = stats.stats  # type: ignore[attr-defined]
        groups: dict[str, float] = defaultdict(float)
        for (filename, _line, func), (_cc, _nc, tt, _ct, _callers) in raw.items():
            groups[group_of(filename, func)] += tt
        all_tt = sum(groups.values())
        top_groups = sorted(groups.items(), key=lambda kv: -kv[1])[: args.top]
        print_table(
            "self time by package/module (cProfile)",
            ["where", "self time", "share"],
            [[g, fmt_time(t), f"{t / all_tt * 100:.1f}%"] for g, t in top_groups],
        )

        def short(key: tuple[str, int, str]) -> str:
            filename, line, func = key
            if filename == "~":
                return func
            tail = "/".join(Path(filename).parts[-2:])
            return f"{tail}:{line}({func})"

        for title, index in (("self", 2), ("cumulative", 3)):
            ranked = sorted(raw.items(), key=lambda kv: -kv[1][index])[: args.top]
            print_table(
                f"top {args.top} functions by {title} time",
                ["function", "calls", "self", "cumulative"],
                [[short(k)[:90], str(v[1]), fmt_time(v[2]), fmt_time(v[3])] for k, v in ranked],
            )

        ruff = [str(Path(ours_python()).parent / "ruff")]
        if not Path(ruff[0]).exists():
            ruff = [ours_python(), "-m", "ruff"]
        tree = work / "ruff-tree"
        shutil.copytree(out, tree)
        fix = run_measured(
            ruff
            + ["check", "--fix", "--quiet", "--exit-zero", "--no-cache", "--select", "I,F401,UP"]
            + ["."],
            cwd=tree,
        )
        fmt = run_measured(ruff + ["format", "--quiet", "--no-cache", "."], cwd=tree)
        nfiles = sum(1 for _ in tree.rglob("*.py"))
        print_table(
            f"ruff on the generated tree alone ({nfiles} .py files, already formatted)",
            ["command", "time", "peak RSS"],
            [
                [
                    "ruff check --fix (I,F401,UP)",
                    fmt_time(fix.seconds),
                    f"{fix.peak_rss_mib:.0f} MiB",
                ],
                ["ruff format", fmt_time(fmt.seconds), f"{fmt.peak_rss_mib:.0f} MiB"],
            ],
        )
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(prof, args.keep / "generate.prof")
            shutil.copy(report, args.keep / "report.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
