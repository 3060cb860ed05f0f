"""The run report: counts, diagnostics, stage timings, and the exit code policy.

Exit codes (the CLI's contract):

====  =====================================================================
0     success (warnings allowed)
1     ``--check`` found drift between committed output and what would be generated
2     bad input: the spec or the config has errors (diagnostics say where)
3     internal error (a generator bug; the traceback is printed)
====  =====================================================================

``--report FILE`` writes :meth:`Report.to_json` (operations total/generated/degraded/skipped,
which operations were degraded and why, models, diagnostics with file:line:col and pointer,
per-stage seconds (``timings``: each stage's own time, whichever process ran it; with
``overlapped`` the seconds of it that ran beside another stage, so the sum of ``timings`` minus the
sum of ``overlapped`` is about the run's wall time), and ``pagination``: every paginated operation with its style and the
parameters/fields it uses (``wired``) and the ``W0603``/``N0605`` diagnostics of operations that
look paginated but are not (``unwired``)).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import field
from pathlib import Path

from generator.diagnostics import Diagnostic, Severity
from generator.records import mutable_record

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


@mutable_record()
class Report:
    """What one run did, for ``--report``: counts, stage timings and diagnostics."""

    spec: str = ""
    output: str = ""
    operations_total: int = 0
    operations_generated: int = 0
    operations_degraded: int = 0
    operations_skipped: int = 0
    degraded: list[dict[str, object]] = field(default_factory=list)
    models: int = 0
    files: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # seconds of a stage's time spent beside another stage (a forked worker; generator.overlap)
    overlapped: dict[str, float] = field(default_factory=dict)
    drift: dict[str, list[str]] | None = None
    exit_code: int = EXIT_OK
    # every paginated operation: operation id, pointer, style and what it reads and writes
    paginated: list[dict[str, object]] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - start, 4)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    def to_json(self) -> dict[str, object]:
        return {
            "spec": self.spec,
            "output": self.output,
            "exit_code": self.exit_code,
            "operations": {
                "total": self.operations_total,
                "generated": self.operations_generated,
                "degraded": self.operations_degraded,
                "skipped": self.operations_skipped,
            },
            "degraded_operations": self.degraded,
            "models": self.models,
            "files": self.files,
            "diagnostics": [d.to_json() for d in self.diagnostics],
            "counts": {
                s.value: sum(1 for d in self.diagnostics if d.severity is s) for s in Severity
            },
            "timings": self.timings,
            "overlapped": self.overlapped,
            "drift": self.drift,
            "pagination": {
                "wired": self.paginated,
                "unwired": [d.to_json() for d in self.diagnostics if d.code in ("W0603", "N0605")],
            },
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")
