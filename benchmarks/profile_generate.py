"""Profile our generator on one spec (default github-rest.json): where does the time go?

Runs ``python -m cProfile -m generator generate ... --report`` once and prints
  1. the per-stage timings of the report (load, validate, build, plan, render, write, format),
  2. self time grouped by package/module (generator.*, jinja2, yaml, jsonschema, ast, ...),
  3. the top functions by self time and by cumulative time,
  4. the ruff subprocesses timed on their own (check --fix, format) on the generated tree,
  5. the fixed cost of every run, whatever the spec (``--startup``: only this, quick): fresh
     interpreters (median of ``-n``), on petstore: the interpreter itself, importing the
     generator, importing Jinja (a run does it when rendering starts), reading the names of its
     own source (cached / parsed afresh), loading the stock templates (Jinja bytecode cache /
     compiled afresh), a ruff process (``--version``, and ``format`` of the petstore client),
     beside a whole ``generate`` of petstore.
The .prof file is kept (``--keep DIR``) for snakeviz/pstats.

    python benchmarks/profile_generate.py [--spec PATH] [--top 25] [--keep DIR] [--startup] [-n 7]
"""

from __future__ import annotations

import argparse
import json
import pstats
import shutil
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    GITHUB_SPEC,
    PETSTORE_SPEC,
    check,
    fmt_time,
    log,
    machine_note,
    median,
    need,
    ours_cmd,
    ours_env,
    ours_python,
    ours_repo,
    print_table,
    run_measured,
    work_dir,
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


# Run in a fresh interpreter of ours, from the checkout measured: the in-process parts of the
# fixed cost, each timed on its own (the import as generator/__main__.py does it: collector off,
# regular expressions from the kept entry of generator.regexcache).
STARTUP_PROBE = """
import gc, json, os, time
t = time.perf_counter()
gc.disable()
from generator import regexcache
regexcache.install()
import generator.cli
imports = time.perf_counter() - t
gc.freeze()
gc.enable()
from generator import bindings, render

def timed(function):
    t = time.perf_counter()
    function()
    return time.perf_counter() - t

def templates():
    env = render.make_environment()
    for name in render.stock_template_names():
        env.get_template(name)

jinja = timed(lambda: __import__("jinja2"))  # a run imports it when it renders
names_cached = timed(bindings.source_names)
names_parsed = timed(bindings.parse_source_names)
templates_cached = timed(templates)
os.environ[render.NO_CACHE_ENV] = "1"
templates_compiled = timed(templates)
print(json.dumps({
    "imports": imports,
    "jinja": jinja,
    "names_cached": names_cached,
    "names_parsed": names_parsed,
    "templates_cached": templates_cached,
    "templates_compiled": templates_compiled,
}))
regexcache.keep()
"""


def startup(runs: int) -> None:
    """Print the fixed cost of a run (see the module docstring, item 5)."""
    python, repo, env = ours_python(), ours_repo(), ours_env()
    spec = need(PETSTORE_SPEC)
    ruff = [str(Path(python).parent / "ruff")]
    if not Path(ruff[0]).exists():
        ruff = [python, "-m", "ruff"]
    samples: dict[str, list[float]] = defaultdict(list)
    # Each round writes a new tree, all removed at the end: a deletion slows the file creation
    # of the next minutes on this machine's file system (README, "Method").
    with work_dir("startup-") as tmp:
        for i in range(runs + 1):  # the first round is a warm-up (.pyc files, caches)
            out = Path(tmp) / f"round-{i}" / "petstore"
            out.parent.mkdir()
            here = out.parent
            whole = check(run_measured(ours_cmd(spec, out), cwd=here, env=env), "generate petstore")
            bare = check(run_measured([python, "-c", "pass"], cwd=here, env=env), "python")
            probe = check(
                run_measured([python, "-c", STARTUP_PROBE], cwd=here, env=env), "startup probe"
            )
            version = check(run_measured([*ruff, "--version"], cwd=here, env=env), "ruff")
            fmt = check(
                run_measured([*ruff, "format", "--quiet", "--no-cache", "."], cwd=out, env=env),
                "ruff format",
            )
            if i == 0:
                continue
            samples["whole"].append(whole.seconds)
            samples["whole_cpu"].append(whole.cpu_seconds)
            samples["interpreter"].append(bare.seconds)
            for key, value in json.loads(probe.output.strip().splitlines()[-1]).items():
                samples[key].append(value)
            samples["ruff_version"].append(version.seconds)
            samples["ruff_format"].append(fmt.seconds)
    m = {key: median(values) for key, values in samples.items()}
    fixed = m["interpreter"] + m["imports"] + m["jinja"] + m["names_cached"]
    fixed += m["templates_cached"]
    fixed += m["ruff_format"]
    rows = [
        ["interpreter (python -c pass, with site)", fmt_time(m["interpreter"]), ""],
        [
            "import generator.cli (as a run: collector off, kept regexes)",
            fmt_time(m["imports"]),
            "",
        ],
        ["import jinja2 (when rendering starts)", fmt_time(m["jinja"]), ""],
        [
            "names of the generator's own source",
            fmt_time(m["names_cached"]),
            f"parsed afresh: {fmt_time(m['names_parsed'])}",
        ],
        [
            f"load the stock templates ({len(list((repo / 'templates').glob('*.jinja')))})",
            fmt_time(m["templates_cached"]),
            f"compiled afresh: {fmt_time(m['templates_compiled'])}",
        ],
        ["ruff process (ruff --version)", fmt_time(m["ruff_version"]), ""],
        [
            "ruff format of the petstore client",
            fmt_time(m["ruff_format"]),
            "every file (a run leaves out the runtime)",
        ],
        ["fixed cost (sum of the rows but ruff --version)", fmt_time(fixed), ""],
        [
            "generate petstore, whole process",
            fmt_time(m["whole"]),
            f"CPU {fmt_time(m['whole_cpu'])}; the rest: {fmt_time(m['whole'] - fixed)}",
        ],
    ]
    print_table(
        f"fixed cost of a run, fresh interpreters, median of {runs} ({machine_note()})",
        ["part", "time", "note"],
        rows,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=GITHUB_SPEC)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--keep", type=Path, help="copy the .prof and report here")
    parser.add_argument("--startup", action="store_true", help="only the fixed cost of a run")
    parser.add_argument("-n", "--runs", type=int, default=7, help="runs of the fixed cost (7)")
    args = parser.parse_args(argv)
    if args.startup:
        startup(args.runs)
        return 0
    spec = need(args.spec)
    with work_dir("profile-") as tmp:  # not the system temp dir: see _common.WORK_DIR
        work = Path(tmp)
        out, report, prof = work / "client", work / "report.json", work / "generate.prof"
        plain = check(
            run_measured(ours_cmd(spec, work / "plain", report), cwd=work, env=ours_env()),
            "generate",
        )
        plain_stages = json.loads(report.read_text())["timings"]
        cmd = ours_cmd(spec, out, report)
        cmd[1:1] = ["-m", "cProfile", "-o", str(prof)]
        log(f"profiling: {' '.join(cmd)}")
        profiled = check(run_measured(cmd, cwd=work, env=ours_env()), "profiled generate")
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
    startup(args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
