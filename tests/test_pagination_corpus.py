"""Pagination coverage of the real-world corpus (``scripts/pagination_coverage.py``).

For every spec of ``../shared/corpus``: of the operations that look paginated (a page parameter,
a documented ``Link`` header or a next-link field, on a body that holds a list), at least 95% get
an ``iterate()``, and every one that does not carries a located ``W0603`` warning with the
reason. The table is printed (``-s``) and written to ``<basetemp>/pagination-coverage.txt``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from pagination_coverage import Coverage, corpus_specs, measure, table  # noqa: E402

pytestmark = pytest.mark.corpus

TARGET = 95.0

# Specs the issue names, with the style their paging must be recognised as.
EXPECTED_STYLES = {
    "github-rest": {"link_header", "page"},
    "kubernetes-core-v1": {"cursor"},
    "openai": {"item_cursor"},
    "discord": {"item_cursor"},
    "spotify-sonallux": {"next_url"},
    "twilio-api-v2010": {"next_url"},
    "digitalocean-bundled": {"next_url"},
    "qdrant": {"cursor"},
    "portarium-control-plane": {"cursor"},
}


@pytest.fixture(scope="module")
def rows() -> list[Coverage]:
    specs = corpus_specs([])
    if not specs:
        pytest.skip("no corpus at ../shared/corpus")
    return [measure(name, path) for name, path in specs]


def test_coverage_table(rows: list[Coverage], tmp_path_factory: pytest.TempPathFactory) -> None:
    text = table(rows)
    unwired = "\n".join(f"{c.name}: {p}: {m}" for c in rows for p, m in c.unwired)
    out = tmp_path_factory.getbasetemp() / "pagination-coverage.txt"
    out.write_text(text + "\n\n" + unwired + "\n", encoding="utf-8")
    print("\n" + text + "\n" + unwired)
    low = [f"{c.name}: {c.wired}/{c.pageable}" for c in rows if c.pageable and c.percent < TARGET]
    assert not low, f"below {TARGET}% wired: {low}"
    for c in rows:
        for pointer, message in c.unwired:
            assert pointer and "looks paginated" in message and "iterate()" in message


def test_real_apis_page_in_their_own_style(rows: list[Coverage]) -> None:
    by_name = {c.name: c for c in rows}
    for name, styles in EXPECTED_STYLES.items():
        if name in by_name:
            assert styles <= set(by_name[name].styles), (name, dict(by_name[name].styles))
    assert by_name["github-rest"].wired >= 250  # ~280 per_page/page operations, 0 before
