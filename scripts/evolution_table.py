"""Check ``portarium-codegen diff`` against griffe on the spec histories in the corpus.

For every consecutive pair of versions in ``../shared/corpus/evolution/<history>/`` that both
generate, this generates the two packages (same import name), runs our comparison of their
recorded surfaces and ``griffe``'s breaking-change check on the two package trees, and prints one
row per pair: our breaking / behaviour / additive counts, griffe's breakages, and how many of
griffe's breakages our report covers (matched by Python symbol; see :func:`griffe_symbol`).

Usage::

    python scripts/evolution_table.py [HISTORY ...] [--json FILE] [--work DIR]

Exit status 1 when any griffe breakage is not among ours (a miss). ``tests/test_evolution_history.py``
runs it on both histories; ``docs/evolution.md`` summarises its table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.evolution import Comparison, compare  # noqa: E402
from generator.pipeline import Options, run  # noqa: E402
from generator.surface import SURFACE_FILE, Surface  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "evolution"
PACKAGE = "evo_client"
IGNORED = frozenset({"__version__", "__all__"})  # package metadata, not API


@dataclass
class Row:
    old: str
    new: str
    ours: dict[str, int] = field(default_factory=dict)
    griffe: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    matched_breaking: int = 0
    note: str = ""


def generate(spec: Path, out: Path) -> bool:
    outcome = run(
        Options(
            spec=spec,
            output=out,
            package_name=PACKAGE,
            project_name="evo-client",
            skip_format=True,  # griffe reads the AST: ruff's layout changes nothing it sees
        )
    )
    return outcome.report.exit_code == 0


def griffe_breakages(old: Path, new: Path) -> list[tuple[str, str, str]]:
    """(kind, object path, parameter name or "") of each breakage griffe finds."""
    import griffe

    before = griffe.load(
        PACKAGE, search_paths=[str(old)], allow_inspection=False, resolve_aliases=False
    )
    after = griffe.load(
        PACKAGE, search_paths=[str(new)], allow_inspection=False, resolve_aliases=False
    )
    found = []
    for b in griffe.find_breaking_changes(before, after):
        param = ""
        for value in (b.old_value, b.new_value):
            if isinstance(value, griffe.Parameter):
                param = value.name
        found.append((b.kind.name, b.obj.path, param))
    return found


def griffe_symbol(path: str, param: str, old: Surface, new: Surface) -> str:
    """griffe's object path (plus parameter) as one of our package-relative symbols.

    - ``pkg.api.tag.op.sync(p)`` (any function of an operation module) -> ``api.tag.op(p)``;
      other names in the module (``ENDPOINT``, ``RESPONSES``, ``iterate``) -> ``api.tag.op``
    - ``pkg.models.module.Class.__init__(f)`` / ``pkg.models.module.Class.f`` /
      ``pkg.models.Class.f`` -> ``models.Class.f``; ``pkg.models.module`` -> ``models.Class``
    - ``pkg.models.decode_module`` / ``encode_module`` (a union's functions) -> ``models.Union``
    - ``pkg.errors.X`` -> ``errors.X``; ``pkg.client.Y.__init__(p)`` -> ``client.Y(p)``
    """
    parts = path.split(".")[1:]
    if parts and parts[0] == "api" and len(parts) >= 3:
        sym = ".".join(parts[:3])
        if len(parts) >= 4 and param:
            return f"{sym}({param})"
        return sym
    if parts and parts[0] == "models" and len(parts) >= 2:
        modules = {
            e.attrs.get("module"): s
            for surface in (old, new)
            for s, e in surface.entries.items()
            if e.kind in ("class", "enum", "union")
        }
        rest = parts[1:]
        for prefix in ("decode_", "encode_"):  # a union's decoder and encoder functions
            if rest[0].startswith(prefix) and rest[0][len(prefix) :] in modules:
                return str(modules[rest[0][len(prefix) :]])
        if rest[0] in modules:
            cls = modules[rest[0]]
            rest = rest[2:] if len(rest) >= 2 else []
        else:
            cls = f"models.{rest[0]}"
            rest = rest[1:]
        if rest and rest[0] == "__init__":
            rest = [param] if param else []
        return ".".join([cls, *rest[:1]])
    if parts and parts[0] == "client" and len(parts) >= 2:
        if param:
            return f"client.{parts[1]}({param})"
        return f"client.{parts[1]}"
    return ".".join(parts)


def covered(symbol: str, comparison: Comparison) -> tuple[bool, bool]:
    """(some change of ours is at or around ``symbol``, one of those is breaking)."""
    hit = False
    breaking = False
    for c in comparison.changes:
        if c.kind == "docs":
            continue
        for sym in {c.symbol, c.old_symbol} - {""}:
            if _within(symbol, sym) or _within(sym, symbol):
                hit = True
                breaking = breaking or c.kind == "breaking"
    return hit, breaking


def _within(symbol: str, outer: str) -> bool:
    """``symbol`` is ``outer`` or one of its members (``outer.x``, ``outer(x)``, ``outer[x]``)."""
    return symbol == outer or (symbol.startswith(outer) and symbol[len(outer)] in ".([")


def history(name: str, work: Path) -> list[Row]:
    specs = sorted(p for p in (CORPUS / name).iterdir() if p.suffix in (".json", ".yaml", ".yml"))
    rows: list[Row] = []
    built: dict[Path, Path | None] = {}

    def package(spec: Path) -> Path | None:
        if spec not in built:
            out = work / name / spec.stem
            built[spec] = out if generate(spec, out / "evo-client") else None
        return built[spec]

    for old_spec, new_spec in zip(specs, specs[1:], strict=False):
        row = Row(old_spec.stem[:2], new_spec.stem[:2])
        rows.append(row)
        a, b = package(old_spec), package(new_spec)
        if a is None or b is None:
            row.note = f"{(old_spec if a is None else new_spec).stem[:2]} does not generate"
            continue
        s_old = Surface.loads((a / "evo-client" / SURFACE_FILE).read_bytes())
        s_new = Surface.loads((b / "evo-client" / SURFACE_FILE).read_bytes())
        result = compare(s_old, s_new)
        row.ours = {k: result.count(k) for k in ("breaking", "behaviour", "additive", "docs")}
        for kind, path, param in griffe_breakages(a / "evo-client", b / "evo-client"):
            if path.rsplit(".", 1)[-1] in IGNORED:
                continue
            sym = griffe_symbol(path, param, s_old, s_new)
            label = f"{kind} {sym}"
            row.griffe.append(label)
            hit, breaking = covered(sym, result)
            if not hit:
                row.missed.append(label)
            elif breaking:
                row.matched_breaking += 1
        # keep the work dir small: only the newer package is needed for the next pair
        shutil.rmtree(a, ignore_errors=True)
    return rows


def print_table(name: str, rows: list[Row]) -> None:
    print(f"\n{name}: {len(rows)} consecutive pairs")
    print(
        f"{'pair':7} {'break':>5} {'behav':>5} {'add':>5} {'griffe':>6} {'g∩ours':>6} {'g∩brk':>5}  note"
    )
    for r in rows:
        if r.note:
            print(f"{r.old}->{r.new:3} {'':>5} {'':>5} {'':>5} {'':>6} {'':>6} {'':>5}  {r.note}")
            continue
        matched = len(r.griffe) - len(r.missed)
        print(
            f"{r.old}->{r.new:3} {r.ours['breaking']:5} {r.ours['behaviour']:5} "
            f"{r.ours['additive']:5} {len(r.griffe):6} {matched:6} {r.matched_breaking:5}  "
            + ("MISSED: " + "; ".join(r.missed) if r.missed else "")
        )
    compared = [r for r in rows if not r.note]
    g = sum(len(r.griffe) for r in compared)
    m = sum(len(r.missed) for r in compared)
    print(
        f"{name}: {len(compared)} pairs compared, griffe breakages {g}, covered by ours {g - m}, "
        f"of those breaking in ours {sum(r.matched_breaking for r in compared)}, missed {m}; "
        f"ours: breaking {sum(r.ours['breaking'] for r in compared)}, "
        f"additive {sum(r.ours['additive'] for r in compared)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("histories", nargs="*", default=["portarium-control-plane", "hf-tgi"])
    parser.add_argument("--json", type=Path, default=None, help="write the rows here")
    parser.add_argument("--work", type=Path, default=None, help="work dir (default: a temp dir)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="evolution-"))
    missed = 0
    out: dict[str, list[dict[str, object]]] = {}
    try:
        for name in args.histories:
            rows = history(name, work)
            print_table(name, rows)
            missed += sum(len(r.missed) for r in rows)
            out[name] = [r.__dict__ for r in rows]
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
