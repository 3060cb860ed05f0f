"""``CHANGELOG.md`` of a generated package, in the Keep a Changelog layout.

One entry per released version, newest first, with a section per kind of change
(:mod:`generator.evolution`)::

    # Changelog

    ## [1.3.0] - 2026-05-01

    ### Breaking
    - `pkg.models.Run.owner`: made nullable: readers must handle None

    ### Changed
    ### Added
    ### Documentation

Section names: ``Breaking`` (breaking), ``Changed`` (behaviour), ``Added`` (additive),
``Documentation`` (docs). Text above the first entry (the title and any preamble a user wrote)
and all earlier entries are kept as they are; adding an entry for a version that is already
there replaces that entry.

The newest entry's version is the package's version from then on: ``generate`` (and its
``--check``) keep it unless ``version:`` is configured (:func:`latest_version`), so a package
released with ``build --bump`` does not drift back to the spec's ``info.version``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only a type here: `generate` reads the changelog without the API diff
    from generator.evolution import Comparison

TITLE = "# Changelog"
PREAMBLE = (
    "All notable changes to this package are documented in this file. The format follows\n"
    "Keep a Changelog (https://keepachangelog.com/en/1.1.0/) and the package follows Semantic\n"
    "Versioning (https://semver.org/)."
)
SECTIONS = (
    ("breaking", "Breaking"),
    ("behaviour", "Changed"),
    ("additive", "Added"),
    ("docs", "Documentation"),
)
_ENTRY = re.compile(r"^## \[(?P<version>[^\]]+)\]", re.MULTILINE)


def latest_version(text: str) -> str | None:
    """The version of the newest entry (the first ``## [X]`` heading), if any."""
    found = _ENTRY.search(text)
    return found.group("version") if found else None


def entry(comparison: Comparison, version: str, date: str) -> str:
    """The entry for ``version`` (``date``: ``YYYY-MM-DD``), every change under its kind."""
    lines = [f"## [{version}] - {date}", ""]
    package = comparison.new.package
    old_package = comparison.old.package
    if not comparison.changes:
        lines += ["No change to the public API (regenerated).", ""]
    for kind, title in SECTIONS:
        changes = [c for c in comparison.changes if c.kind == kind]
        if not changes:
            continue
        lines += [f"### {title}", ""]
        for c in changes:
            sym = f"`{package}.{c.symbol}`"
            if c.old_symbol and c.old_symbol != c.symbol:
                sym = f"`{old_package}.{c.old_symbol}` -> {sym}"
            lines.append(f"- {sym}: {c.why}")
        lines.append("")
    return "\n".join(lines)


def add_entry(existing: str | None, new_entry: str) -> str:
    """``existing`` (or a fresh file) with ``new_entry`` placed first among the entries."""
    text = existing if existing and existing.strip() else f"{TITLE}\n\n{PREAMBLE}\n"
    version_match = _ENTRY.match(new_entry)
    if version_match:
        text = _drop(text, version_match.group("version"))
    first = _ENTRY.search(text)
    if first is None:
        return text.rstrip("\n") + "\n\n" + new_entry.rstrip("\n") + "\n"
    head, tail = text[: first.start()], text[first.start() :]
    return head.rstrip("\n") + "\n\n" + new_entry.rstrip("\n") + "\n\n" + tail


def _drop(text: str, version: str) -> str:
    """``text`` without the entry for ``version`` (a re-run replaces its own entry)."""
    entries = list(_ENTRY.finditer(text))
    for i, m in enumerate(entries):
        if m.group("version") == version:
            end = entries[i + 1].start() if i + 1 < len(entries) else len(text)
            return text[: m.start()] + text[end:]
    return text
