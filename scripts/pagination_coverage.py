"""Pagination coverage of the corpus: operations that look paginated vs operations wired.

Usage: ``python scripts/pagination_coverage.py [--unwired] [--json FILE] [NAME ...]``

For each spec of ``../shared/corpus`` (or the names given), loads it and builds the IR as
``generate`` does, then counts operations (GET, or POST) that take a page parameter, document a
``Link`` header or return a next link and whose 2xx body holds a list ("pageable"), how many of
them got an ``iterate()`` ("wired"), the styles used, and lists every pageable operation left
unwired with the ``W0603`` reason (``--unwired``). "no list" counts operations with a page
parameter or ``Link`` header whose body holds no list at all (``N0605``: e.g. Kubernetes' watch
calls, GitHub's get-one calls that document ``Link``); they are not counted as pageable.
The acceptance target is >= 95% wired on every spec that pages (``tests/test_pagination_corpus.py``
asserts it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO))

from generator.build import build_api  # noqa: E402
from generator.config import Config  # noqa: E402
from generator.diagnostics import DiagnosticSink  # noqa: E402
from generator.loader import load_spec  # noqa: E402
from generator.pagination import N_NOT_A_LIST, W_UNWIRED  # noqa: E402


@dataclass
class Coverage:
    name: str
    operations: int = 0
    pageable: int = 0
    wired: int = 0  # pageable operations with iterate()
    not_lists: int = 0  # a page parameter or Link header, but no list in the body (N0605)
    styles: Counter[str] = field(default_factory=Counter)
    unwired: list[tuple[str, str]] = field(default_factory=list)  # (pointer, message)

    @property
    def percent(self) -> float:
        return 100.0 * self.wired / self.pageable if self.pageable else 100.0


def measure(name: str, path: Path) -> Coverage:
    sink = DiagnosticSink()
    spec = load_spec(path, sink)
    result = build_api(spec, Config(package_name="coverage"), sink)
    cov = Coverage(name, operations=len(result.api.operations))
    unwired = {d.pointer: d.message for d in sink.items if d.code == W_UNWIRED}
    cov.not_lists = sum(1 for d in sink.items if d.code == N_NOT_A_LIST)
    for op in result.api.operations:
        if op.pagination is not None:
            cov.styles[op.pagination.style] += 1
        pageable = op.pagination is not None or op.pointer in unwired
        if not pageable:
            continue
        cov.pageable += 1
        if op.pagination is not None:
            cov.wired += 1
        else:
            cov.unwired.append((op.pointer, unwired[op.pointer]))
    return cov


def corpus_specs(names: list[str]) -> list[tuple[str, Path]]:
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    out = []
    for entry in manifest:
        if names and entry["name"] not in names:
            continue
        out.append((entry["name"], CORPUS / entry["file"]))
    return out


def table(rows: list[Coverage]) -> str:
    lines = [
        f"{'spec':<26} {'ops':>5} {'no list':>7} {'pageable':>8} {'wired':>6} {'%':>6}  styles",
        "-" * 100,
    ]
    for c in rows:
        styles = ", ".join(f"{k} {v}" for k, v in sorted(c.styles.items()))
        pct = f"{c.percent:.1f}" if c.pageable else "-"
        lines.append(
            f"{c.name:<26} {c.operations:>5} {c.not_lists:>7} {c.pageable:>8} {c.wired:>6} "
            f"{pct:>6}  {styles}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--unwired", action="store_true", help="list unwired operations")
    parser.add_argument("--json", type=Path, help="write the numbers as JSON")
    args = parser.parse_args(argv)
    rows = [measure(name, path) for name, path in corpus_specs(args.names)]
    print(table(rows))
    if args.unwired:
        for c in rows:
            for pointer, message in c.unwired:
                print(f"{c.name}: {pointer}: {message}")
    if args.json:
        data = [
            {
                "spec": c.name,
                "operations": c.operations,
                "not_lists": c.not_lists,
                "pageable": c.pageable,
                "wired": c.wired,
                "styles": dict(c.styles),
                "unwired": [{"pointer": p, "reason": m} for p, m in c.unwired],
            }
            for c in rows
        ]
        args.json.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
