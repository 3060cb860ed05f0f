"""The serial order's sink, for the tests of stages run beside each other (test_parallel.py,
test_late_validation.py): a spec loaded afresh, validated, then built unless validation found a
blocking error."""

from __future__ import annotations

from pathlib import Path

from generator import overlap
from generator.build import build_api
from generator.codes import RECOVERY_CODES
from generator.config import Config
from generator.diagnostics import DiagnosticSink
from generator.loader import LoadedSpec, load_spec

CONFIG = Config(package_name="client", project_name="client")


def loaded(spec_path: Path, strict: bool) -> tuple[LoadedSpec, DiagnosticSink]:
    """``spec_path`` loaded into a fresh sink that locates with its source map."""
    sink = DiagnosticSink(strict=strict, promote=RECOVERY_CODES)
    spec = load_spec(spec_path, sink)
    sink.locator = spec.source_map
    return spec, sink


def serial_sink(spec_path: Path, strict: bool) -> DiagnosticSink:
    """The sink after validating and (unless that blocks) building, one after the other."""
    spec, sink = loaded(spec_path, strict)
    overlap.validate(spec, sink)
    if not sink.has_blocking_errors:
        build_api(spec, CONFIG, sink)
    return sink
