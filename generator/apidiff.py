"""``portarium-codegen diff OLD NEW``: read two sides, compare their surfaces, report.

A side is a spec file (run through the pipeline up to planning with the current config: nothing
is rendered or written) or a generated package directory (its recorded surface,
:data:`generator.surface.SURFACE_FILE`; when the spec it was generated from is still at the path
it recorded, with the hash its manifest recorded, that spec locates the changes to line and
column). The comparison itself is :mod:`generator.evolution`.

Exit codes: 0 nothing at or above ``--fail-on`` (default ``breaking``); 1 a change of that kind
or worse; 2 bad input (a side that does not exist, does not load, or has no surface).
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import replace
from pathlib import Path

from generator.diagnostics import (
    Diagnostic,
    DiagnosticSink,
    Location,
    Locator,
    Severity,
    render_all,
)
from generator.evolution import Comparison, compare, dumps
from generator.output import MANIFEST
from generator.pipeline import Options, run
from generator.records import record
from generator.report import EXIT_BAD_INPUT, EXIT_DRIFT, EXIT_OK
from generator.surface import SURFACE_FILE, Surface, read_package_surface

E_SIDE_MISSING = "E0901"
E_NO_SURFACE = "E0902"
E_SIDE_FAILED = "E0903"
E_BAD_FAIL_ON = "E0904"

FAIL_ON = ("breaking", "behaviour", "never")


class SideError(Exception):
    """A side that cannot be read; carries the diagnostics to print."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(diagnostics[0].message if diagnostics else "bad side")
        self.diagnostics = diagnostics


@record()
class SideOptions:
    config: str | None = None
    package_name: str | None = None
    allow_remote_refs: bool = False
    allow_outside_root: bool = False


def _error(code: str, message: str, path: Path, hint: str = "") -> SideError:
    sink = DiagnosticSink(default_file=str(path))
    diag = sink.error(code, message, location=Location(str(path), 0, 0), hint=hint)
    return SideError([diag])


def load_side(path: Path, opts: SideOptions) -> Surface:
    """The surface of a spec file or of a generated package directory."""
    if path.is_dir():
        try:
            surface = read_package_surface(path)
        except ValueError as exc:
            raise _error(
                E_NO_SURFACE,
                str(exc),
                path,
                "regenerate the package with this portarium-codegen, or pass its spec file",
            ) from exc
        return replace(surface, locator=_package_locator(path, surface))
    if not path.exists():
        raise _error(E_SIDE_MISSING, f"no such spec file or package directory: {path}", path)
    outcome = run(
        Options(
            spec=path,
            output=Path("."),  # no output: names derive from the spec title or --package-name
            config=opts.config,
            package_name=opts.package_name,
            allow_remote_refs=opts.allow_remote_refs,
            allow_outside_root=opts.allow_outside_root,
            surface_only=True,
        )
    )
    if outcome.surface is None:
        diags = [d for d in outcome.report.diagnostics if d.severity is Severity.ERROR]
        sink = DiagnosticSink(default_file=str(path))
        diags.append(
            sink.error(
                E_SIDE_FAILED,
                f"{path} does not generate, so it has no API to compare",
                location=Location(str(path), 0, 0),
            )
        )
        raise SideError(diags)
    return outcome.surface


def _package_locator(directory: Path, surface: Surface) -> Locator | None:
    """The source map of the spec the package was generated from, if it is still there as it was."""
    from generator.loader import load_spec

    spec = Path(surface.spec)
    manifest = directory / MANIFEST
    if not spec.is_file() or not manifest.is_file():
        return None
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8")).get("spec_sha256")
    except (OSError, ValueError):
        return None
    sink = DiagnosticSink()
    loaded = load_spec(spec, sink)
    digest = hashlib.sha256()
    for uri in sorted(loaded.documents):
        if Path(uri).is_file():
            digest.update(Path(uri).read_bytes())
    return loaded.source_map if digest.hexdigest() == recorded else None


def diff_command(
    old: Path,
    new: Path,
    *,
    opts: SideOptions,
    as_json: bool,
    fail_on: str,
) -> int:
    if fail_on not in FAIL_ON:
        print(
            f"error[{E_BAD_FAIL_ON}]: --fail-on must be one of {', '.join(FAIL_ON)}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    try:
        before = load_side(old, opts)
        after = load_side(new, opts)
    except SideError as exc:
        print(render_all(exc.diagnostics), file=sys.stderr)
        return EXIT_BAD_INPUT
    result = compare(before, after)
    if as_json:
        sys.stdout.write(dumps(result))
    else:
        print(result.render_text())
    return EXIT_DRIFT if result.fails(fail_on) else EXIT_OK


def drift_summary(output: Path, fresh: Surface | None) -> Comparison | None:
    """For ``generate --check``: the committed package's surface against the regenerated one."""
    committed = output / SURFACE_FILE
    if fresh is None or not committed.is_file():
        return None
    try:
        before = Surface.loads(committed.read_bytes())
    except (ValueError, KeyError, TypeError):
        return None  # an older snapshot format: the file list below still tells the drift
    return compare(replace(before, locator=_package_locator(output, before)), fresh)
