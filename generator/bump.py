"""``build --bump``: version the regenerated package by what changed in its API.

Steps:

1. The previous release: ``--since`` when given (a generated package directory, or a bare
   version such as ``1.4.0``), else the package currently at ``--output`` -- the last generated one.
   Its recorded surface is the old side; with a bare version, the old side is the package at
   ``--output`` and only its version is taken from ``--since``.
2. The new side: ``--spec`` as the pipeline plans it (nothing written yet).
3. The bump: ``auto`` takes :func:`generator.evolution.advise` (SemVer with the 0.x rule);
   ``major``/``minor``/``patch`` force one (a forced bump smaller than the advice is allowed but
   warned about). No change and ``auto``: the version stays.
4. The package is regenerated at ``--output`` with that version (the same atomic swap as
   ``generate``), with a Keep a Changelog entry (:mod:`generator.changelog`) added to its
   ``CHANGELOG.md``. The entry's date is today (UTC) or ``SOURCE_DATE_EPOCH``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

from generator.apidiff import SideError, SideOptions, load_side
from generator.changelog import add_entry, entry
from generator.diagnostics import render_all
from generator.evolution import advise, compare, next_version
from generator.pipeline import CHANGELOG, Options, run
from generator.records import record
from generator.report import EXIT_BAD_INPUT, EXIT_OK
from generator.surface import Surface

E_NO_PREVIOUS = "E0905"
E_BAD_SINCE = "E0906"

_VERSION = re.compile(r"^\d+(\.\d+){0,2}([a-z0-9.+-]*)$", re.IGNORECASE)
_BUMP_RANK = {"none": 0, "patch": 1, "minor": 2, "major": 3}


@record()
class BumpResult:
    previous: str
    version: str
    bump: str
    summary: str


def _today() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (
        dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        if epoch and epoch.isdigit()
        else dt.datetime.now(tz=dt.timezone.utc)
    )
    return when.date().isoformat()


def _previous(output: Path, since: str | None, opts: SideOptions) -> Surface:
    if since is not None and not Path(since).exists():
        if not _VERSION.match(since):
            raise ValueError(
                f"error[{E_BAD_SINCE}]: --since {since!r} is neither a package directory nor a version"
            )
        base = load_side(output, opts) if output.is_dir() else None
        if base is None:
            raise ValueError(
                f"error[{E_NO_PREVIOUS}]: --since {since} gives a version but {output} holds no "
                "generated package to compare with"
            )
        return replace(base, version=since)
    side = Path(since) if since is not None else output
    if not side.is_dir():
        raise ValueError(
            f"error[{E_NO_PREVIOUS}]: no previous package at {side}: generate it once (or pass "
            "--since VERSION)"
        )
    return load_side(side, opts)


def bump_command(
    *,
    spec: Path,
    output: Path,
    bump: str,
    since: str | None,
    config: str | None,
) -> int:
    opts = SideOptions(config=config)
    try:
        old = _previous(output, since, opts)
        new = load_side(spec, replace(opts, package_name=old.package))
    except SideError as exc:
        print(render_all(exc.diagnostics), file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    comparison = compare(old, new)
    advice = advise(comparison)
    chosen = advice if bump == "auto" else bump
    if bump != "auto" and _BUMP_RANK[bump] < _BUMP_RANK[advice]:
        print(
            f"warning: --bump {bump} is smaller than the changes call for ({advice}); "
            f"worst change: {comparison.worst}",
            file=sys.stderr,
        )
    version = next_version(old.version, chosen)
    existing = output / CHANGELOG
    text = add_entry(
        existing.read_text(encoding="utf-8") if existing.is_file() else None,
        entry(comparison, version, _today()),
    )
    outcome = run(
        Options(
            spec=spec,
            output=output,
            config=config,
            package_name=old.package,
            version=version,
            changelog=text.encode("utf-8"),
        )
    )
    if outcome.report.exit_code != EXIT_OK:
        print(render_all(outcome.report.errors), file=sys.stderr)
        print("error: regeneration failed; the package is unchanged", file=sys.stderr)
        return outcome.report.exit_code
    print(comparison.render_text(limit=30, summary=True).rsplit("\nadvice:", 1)[0])
    print(
        f"version {old.version} -> {version} ({chosen}"
        + (f", advised {advice}" if bump != "auto" else "")
        + f"); {output / CHANGELOG} has the entry"
    )
    return EXIT_OK
