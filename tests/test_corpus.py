"""Every spec of the shared corpus (``../shared/corpus/manifest.json``) generates a complete client.

For each spec, one test runs the real CLI (``python -m generator generate --report``) into a temp
dir and checks:

- exit code 0, and the report counts every operation as generated (``total == generated``; a
  degraded operation must come with at least one located warning);
- every module of the package imports (one subprocess walks the package and imports each module);
- ``mypy --strict`` reports no error (one subprocess, cache in the temp dir);
- ``ruff check`` reports nothing (run inside the generated project so its pyproject applies).

Each test records one row (ops total/generated/degraded, models, imports, mypy errors, ruff
errors, generation time); :func:`test_corpus_table` (collected last) waits for the rows of every
selected spec, writes the table to ``<basetemp>/corpus-table.txt`` and prints it (with capture
disabled; under xdist, where worker output is hidden, as a :class:`CorpusTable` warning, which the
warnings summary shows).

The multi-file ``digitalocean`` spec and its bundled twin must give the same operations and
models: :func:`test_digitalocean_twins_are_equivalent`.

Markers: ``corpus`` on everything here. Timings on the 2-core CI box are in the module's
``SLOW_SPECS`` comment.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_codegen

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
MANIFEST = CORPUS / "manifest.json"

pytestmark = pytest.mark.corpus

# Measured on the 2-core box with ``-n 2`` (generate + import + mypy --strict + ruff, cold mypy
# cache per spec), while other test runs shared the machine (load ~10): the 24 tests here took
# 8 min 52 s wall. Per test: github-rest 124 s, letta 88 s, openai 84 s, digitalocean-bundled 74 s,
# digitalocean 68 s, discord 60 s, twilio 57 s, qdrant 45 s, kubernetes 36 s, each small spec
# 14-34 s (mostly mypy on the copied runtime), twin check 10 s. The four biggest specs are about
# a third of the total, so none is marked ``slow``; put names here to deselect them with
# ``-m "not slow"`` if the corpus grows.
SLOW_SPECS: frozenset[str] = frozenset()

IMPORT_ALL = r"""
import importlib, pkgutil, sys, traceback
sys.path.insert(0, sys.argv[1])
pkg = importlib.import_module(sys.argv[2])
names = [pkg.__name__] + [m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")]
bad = 0
for name in names:
    try:
        importlib.import_module(name)
    except Exception:
        bad += 1
        print("IMPORT-FAILED", name, traceback.format_exc().strip().splitlines()[-1])
print("MODULES", len(names), "FAILED", bad)
"""


def _manifest() -> list[dict[str, Any]]:
    if not MANIFEST.is_file():
        return []
    entries: list[dict[str, Any]] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return entries


ENTRIES = _manifest()


def _params() -> list[Any]:
    if not ENTRIES:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no corpus at {CORPUS}"))]
    return [
        pytest.param(e, id=e["name"], marks=[pytest.mark.slow] if e["name"] in SLOW_SPECS else [])
        for e in ENTRIES
    ]


def _rows_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory shared by all xdist workers of this run (the parent of each worker's basetemp)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    rows = shared / "corpus-rows"
    rows.mkdir(parents=True, exist_ok=True)
    return rows


def generate(spec: Path, out: Path, report: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_codegen(
        "generate",
        "--spec",
        spec,
        "--output",
        out,
        "--report",
        report,
        "--quiet",
        *extra,
        timeout=900,
    )


def package_dir(out: Path) -> Path:
    pkgs = [d for d in sorted(out.iterdir()) if d.is_dir() and (d / "__init__.py").is_file()]
    assert len(pkgs) == 1, f"expected one package in {out}, found {pkgs}"
    return pkgs[0]


def _count(pattern: str, text: str) -> int:
    m = re.search(pattern, text)
    return int(m.group(1)) if m else 0


@pytest.mark.parametrize("entry", _params())
def test_corpus_spec(
    entry: dict[str, Any], tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    name = entry["name"]
    row: dict[str, Any] = {"name": name}
    rows = _rows_dir(tmp_path_factory)
    try:
        _check_spec(entry, tmp_path, row)
    finally:
        (rows / f"{name}.json").write_text(json.dumps(row), encoding="utf-8")
    print(_format_rows([row]))


def _check_spec(
    entry: dict[str, Any], tmp_path: Path, row: dict[str, Any], spec: Path | None = None
) -> None:
    """Generate ``spec`` (default: the entry's file in the corpus) and run every check on it."""
    spec = spec or CORPUS / entry["file"]
    out = tmp_path / entry["name"]
    report_path = tmp_path / "report.json"
    started = time.perf_counter()
    proc = generate(spec, out, report_path)
    row["gen_s"] = round(time.perf_counter() - started, 1)
    row["exit"] = proc.returncode
    assert proc.returncode == 0, f"generate failed ({proc.returncode}):\n{proc.stderr[-4000:]}"

    report = json.loads(report_path.read_text(encoding="utf-8"))
    ops = report["operations"]
    row.update(
        total=ops["total"],
        generated=ops["generated"],
        degraded=ops["degraded"],
        models=report["models"],
    )
    assert ops["total"] == entry["operations"], "report disagrees with the manifest's count"
    assert ops["generated"] == ops["total"], f"operations not generated: {ops}"
    assert ops["skipped"] == 0, ops
    if ops["degraded"]:
        located = [
            d
            for d in report["diagnostics"]
            if d.get("severity") == "warning" and (d.get("pointer") or d.get("location"))
        ]
        assert located, "degraded operations without a located warning"

    pkg = package_dir(out)
    imp = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, str(out), pkg.name],
        capture_output=True,
        text=True,
        timeout=900,
    )
    row["modules"] = _count(r"MODULES (\d+)", imp.stdout)
    row["import_failed"] = (
        _count(r"FAILED (\d+)", imp.stdout) if imp.returncode == 0 else row["modules"] or -1
    )

    mypy = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            pkg.name,
        ],
        capture_output=True,
        text=True,
        cwd=out,
        timeout=900,
    )
    mypy_errors = [ln for ln in mypy.stdout.splitlines() if ": error:" in ln]
    row["mypy_errors"] = len(mypy_errors) if mypy.returncode in (0, 1) else -1

    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
        capture_output=True,
        text=True,
        cwd=out,
        timeout=900,
    )
    ruff_errors = [ln for ln in ruff.stdout.splitlines() if re.match(r"\S+:\d+:\d+: ", ln)]
    row["ruff_errors"] = len(ruff_errors) if ruff.returncode in (0, 1) else -1

    problems = []
    if imp.returncode != 0 or row["import_failed"]:
        problems.append("imports failed:\n" + (imp.stdout + imp.stderr)[-3000:])
    if mypy.returncode != 0:
        problems.append("mypy --strict:\n" + "\n".join(mypy_errors[:40]) + mypy.stderr[-2000:])
    if ruff.returncode != 0:
        problems.append("ruff check:\n" + "\n".join(ruff_errors[:40]) + ruff.stderr[-2000:])
    assert not problems, "\n\n".join(problems)


# -- the digitalocean twins ------------------------------------------------------------------------


def _api_of(spec: Path) -> Any:
    """The built IR of ``spec`` (in-process: load -> validate -> build, no rendering)."""
    sys.path.insert(0, str(REPO))
    from generator.build import build_api
    from generator.config import Config
    from generator.diagnostics import DiagnosticSink
    from generator.loader import load_spec

    sink = DiagnosticSink()
    loaded = load_spec(spec, sink)
    return build_api(loaded, Config(package_name="twin", project_name="twin"), sink).api


def _model_shape(model: Any) -> tuple[Any, ...]:
    fields = tuple(sorted((f.wire_name, f.required) for f in getattr(model, "fields", ())))
    members = tuple(sorted(str(m.value) for m in getattr(model, "members", ())))
    variants = len(getattr(model, "variants", ()))
    return (model.kind, fields, members, variants)


def _reachable(api: Any) -> list[Any]:
    """The models the operations (and webhooks) use, directly or through other models."""
    from generator.build import _prune

    models = {m.id: m for m in api.models}
    return list(_prune(models, list(api.operations), api.webhooks).values())


_BUNDLER_SUFFIX = re.compile(r"_?\d+(?=[A-Z]|$)")


def test_digitalocean_twins_are_equivalent() -> None:
    """The split spec (~2,900 files) and its ``redocly bundle`` twin give the same client.

    - Operations: identical (method, path, tag module, Python name, parameters, body kind,
      response statuses and kinds).
    - Models: every model of the split spec exists in the bundled one with the same shape (kind,
      wire fields and requiredness, enum values, variant count), and the models the operations
      use have the same class names, up to the numeric suffixes the bundler adds when two files
      share a name (``version.yml`` twice -> ``version`` and ``version-2``).

    The exact, expected differences:

    - The bundled spec has extra models: schemas the bundler hoisted into
      ``components/schemas`` that no operation uses as a whole, i.e. allOf bases (their
      properties are merged into each child, as in the split spec) and the SSE chunk schemas of
      operations whose JSON response is the one generated. All components of a document become
      models, so these appear only in the bundled client; none is reachable from an operation.

    (``droplet.yml`` lists the enum value ``off`` unquoted; the loader reads YAML with the 1.2
    core schema, so it stays the string ``"off"`` in both specs and ``DropletStatus`` matches.)
    """
    by_name = {e["name"]: e for e in ENTRIES}
    if "digitalocean" not in by_name or "digitalocean-bundled" not in by_name:
        pytest.skip("digitalocean specs are not in the corpus")
    split = _api_of(CORPUS / by_name["digitalocean"]["file"])
    bundled = _api_of(CORPUS / by_name["digitalocean-bundled"]["file"])

    def ops(api: Any) -> dict[tuple[str, str], Any]:
        return {
            (o.method, o.path): (
                o.tag_module,
                o.name,
                tuple((p.name, p.location, p.required) for p in o.params),
                o.body.kind if o.body else None,
                tuple(sorted((r.status, r.kind) for r in o.responses)),
            )
            for o in api.operations
        }

    split_ops, bundled_ops = ops(split), ops(bundled)
    assert len(split_ops) == len(split.operations) == by_name["digitalocean"]["operations"]
    assert split_ops == bundled_ops

    bundled_shapes = {_model_shape(m) for m in bundled.models}
    missing = [m.class_name for m in split.models if _model_shape(m) not in bundled_shapes]
    assert not missing, f"split-spec models with no same-shaped bundled model: {missing[:20]}"

    split_used = {_BUNDLER_SUFFIX.sub("", m.class_name) for m in _reachable(split)}
    bundled_used = {_BUNDLER_SUFFIX.sub("", m.class_name) for m in _reachable(bundled)}
    assert split_used - bundled_used == set()
    assert bundled_used - split_used == set()
    extra = len(bundled.models) - len(_reachable(bundled))
    assert len(split.models) == len(_reachable(split))
    print(
        f"digitalocean: {len(split.operations)} operations in both; models split "
        f"{len(split.models)}, bundled {len(bundled.models)} ({extra} unused components)"
    )


# -- the table -------------------------------------------------------------------------------------

COLUMNS = (
    ("spec", "name", 24),
    ("ops", "total", 5),
    ("gen", "generated", 5),
    ("degr", "degraded", 5),
    ("models", "models", 7),
    ("modules", "modules", 8),
    ("imp.fail", "import_failed", 8),
    ("mypy", "mypy_errors", 5),
    ("ruff", "ruff_errors", 5),
    ("gen s", "gen_s", 6),
)


def _format_rows(rows: list[dict[str, Any]], header: bool = False) -> str:
    lines = []
    if header:
        lines.append(
            " ".join(
                title.rjust(w) if i else title.ljust(w) for i, (title, _k, w) in enumerate(COLUMNS)
            )
        )
    for row in rows:
        cells = []
        for i, (_title, key, width) in enumerate(COLUMNS):
            value = str(row.get(key, "-"))
            cells.append(value.ljust(width) if i == 0 else value.rjust(width))
        lines.append(" ".join(cells))
    return "\n".join(lines)


class CorpusTable(UserWarning):
    """Carries the corpus table to the warnings summary (visible under pytest-xdist)."""


@pytest.mark.timeout(1800)
def test_corpus_table(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Collect every selected spec's row (waiting for other xdist workers) and print the table."""
    wanted: list[str] = []
    for item in request.session.items:
        if isinstance(item, pytest.Function) and item.originalname == "test_corpus_spec":
            entry = getattr(item, "callspec", None) and item.callspec.params.get("entry")
            if isinstance(entry, dict):
                wanted.append(str(entry["name"]))
    wanted.sort()
    if not wanted:
        pytest.skip("no corpus spec selected")
    rows_dir = _rows_dir(tmp_path_factory)
    deadline = time.monotonic() + 1700
    while True:
        missing = [n for n in wanted if not (rows_dir / f"{n}.json").is_file()]
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(2)
    rows = [
        (
            json.loads((rows_dir / f"{n}.json").read_text(encoding="utf-8"))
            if (rows_dir / f"{n}.json").is_file()
            else {"name": n}
        )
        for n in wanted
    ]
    order = {e["name"]: i for i, e in enumerate(ENTRIES)}
    rows.sort(key=lambda r: order.get(r["name"], len(order)))
    table = _format_rows(rows, header=True)
    (rows_dir.parent / "corpus-table.txt").write_text(table + "\n", encoding="utf-8")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        warnings.warn(CorpusTable("corpus results\n" + table), stacklevel=1)
    else:
        with capsys.disabled():
            print("\n" + table)
    assert not missing, f"no result from: {missing}"
