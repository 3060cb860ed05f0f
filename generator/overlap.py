"""Stages that run beside each other: validation beside the build (a large spec), or beside
``ruff format`` (a smaller one).

Validation does not feed the build: it only records diagnostics. On a spec of at least
:data:`PARALLEL_MIN_OPERATIONS` operations (where a fork costs less than it saves; below, the
pipeline runs the stages one after the other), :func:`validate_beside_build` validates in a forked
child (:mod:`generator.forking`) while this process builds the IR, then merges the diagnostics so
that the sink ends exactly as after the serial order:

- the child's findings are added first, then the build's, through :meth:`DiagnosticSink.extend`,
  which drops a repeat of an earlier (code, pointer, message) as :meth:`DiagnosticSink.add` does;
  the build records into a side sink with the same locator and ``--strict`` promotion;
- if validation found a blocking error, the serial pipeline would not have built: the build's
  diagnostics, its result and any exception it raised are dropped, and the run stops there;
- a :class:`FatalInputError` on either side is raised as the serial order would raise it.

Report timings stay per stage (``validate`` is the child's own time); the time validation ran
hidden beside the build is added to ``report.overlapped``.

Below that size a fork costs more than it saves, but the run still waits on ruff at its end (~45
ms on the Portarium spec) with nothing to do. There :class:`LateValidation` lets the pipeline
build, plan, render and write first, recording into a side sink, and validate while ruff formats
the staged tree; nothing is swapped in before validation has passed, and the sink ends as in the
serial order (:meth:`LateValidation.settle`).
"""

from __future__ import annotations

import time
from typing import Any

from generator.build import BuildResult, build_api
from generator.config import Config
from generator.diagnostics import Diagnostic, DiagnosticSink, FatalInputError
from generator.gcpause import collecting
from generator.loader import LoadedSpec
from generator.refcheck import check_refs
from generator.report import Report
from generator.validate import validate_spec

PARALLEL_MIN_OPERATIONS = 250
"""Operations from which the pipeline forks (validation beside the build, rendering split in two).
Measured with the machine's second core busy (load ~2.9, medians of 2-3): spotify (97 ops)
0.52 s serial vs 0.57 s forked, twilio (197) 0.91 vs 0.99, kubernetes (245) 1.39 vs 1.37, openai
(288) 3.6 vs 3.5, digitalocean (659) 3.5 vs 2.7, GitHub (1,223) 6.3 vs 5.3: a fork pays from
about 250 operations even then, and earlier on an idle core."""


def parallel_worthwhile(operations: int) -> bool:
    """Whether a spec of ``operations`` operations runs stages beside each other here."""
    if operations < PARALLEL_MIN_OPERATIONS:
        return False
    # Imported here: the fork machinery (pickle, threading, select) is ~5 ms of every start-up.
    from generator import forking

    return forking.can_fork()


def validate(spec: LoadedSpec, sink: DiagnosticSink) -> None:
    """The validate stage: the spec's structure, then its references."""
    validate_spec(spec, sink)
    check_refs(spec, sink)


def side_sink(sink: DiagnosticSink) -> DiagnosticSink:
    """An empty sink that records as ``sink`` does (same locator, same ``--strict`` promotion)."""
    return DiagnosticSink(
        locator=sink.locator,
        default_file=sink.default_file,
        strict=sink.strict,
        promote=sink.promote,
    )


_Validated = tuple[list[Diagnostic], Diagnostic | None, float, dict[str, Any]]

LOCATE_LEVELS = 3
"""Levels of a large JSON spec the validating child reads for the build's diagnostics."""
LOCATE_LEAST = 1 << 20
"""Characters from which a JSON file is read ahead that way (below, locating is cheap)."""


def validate_beside_build(
    spec: LoadedSpec, config: Config, sink: DiagnosticSink, report: Report
) -> BuildResult | None:
    """Validate (in a child) and build (here) at once; None when validation stops the run."""
    from generator.forking import Forked, worker_timeout

    first = len(sink.items)

    def validate_here() -> _Validated:
        start = time.perf_counter()
        fatal = None
        try:
            validate(spec, sink)
        except FatalInputError as exc:
            fatal = exc.diagnostic
        took = time.perf_counter() - start
        # Then, while the build still runs: read the upper levels of a large JSON spec, where
        # locating a pointer means skipping over most of the file (see below).
        try:
            scans = spec.source_map.scan_levels(LOCATE_LEVELS, LOCATE_LEAST)
        except Exception:  # noqa: BLE001 - a shortcut only: the parent then reads what it needs
            scans = {}
        return sink.items[first:], fatal, took, scans

    worker = Forked(validate_here)
    try:
        # The build's warnings and notes are located later, with the child's reading of the
        # spec's upper levels at hand: on GitHub's 13 MB of JSON, locating its ~240
        # diagnostics as they came cost a fifth of the build (the navigator skips sibling
        # values by decoding them), mostly spent on those levels.
        built = side_sink(sink)
        built.deferred = []
        start = time.perf_counter()
        outcome: BuildResult | BaseException
        try:
            outcome = build_api(spec, config, built)
        except Exception as exc:  # noqa: BLE001 - re-raised below unless validation stopped the run
            outcome = exc
        spent = time.perf_counter() - start
        found, fatal, took, scans = worker.result(worker_timeout(spent))
    finally:
        worker.close()
    report.timings["validate"] = round(took, 4)
    report.overlapped["validate"] = round(min(took, spent), 4)
    sink.extend(found)
    if fatal is not None:
        raise FatalInputError(fatal)
    if sink.has_blocking_errors:
        return None
    spec.source_map.adopt(scans)
    report.timings["build"] = round(spent, 4)
    # Located while ruff formats (pipeline), or at the latest before the run reports.
    sink.take(built)
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


class LateStop(Exception):
    """Raised before the swap when validation, run late, stops the run (the staged tree goes)."""


class LateValidation:
    """Validation of ``spec`` run after the later stages have recorded into :attr:`later`.

    The pipeline builds with :attr:`later` as its sink (and marks the end of the build with
    :meth:`built`), plans, renders and writes, then calls :meth:`run` while ruff formats, and
    :meth:`passes` before anything is swapped in (raising :class:`LateStop` when it does not).
    :meth:`settle` then merges the diagnostics as the serial order would have left them:
    validation's first; then, unless validation found a blocking error (the serial order stops
    before the build), the build's; then, unless validation found any error (it stops after the
    build), everything the later stages recorded. The caller drops the later stages' result, and
    any exception they raised, when :meth:`settle` says the serial order stopped.
    """

    def __init__(self, spec: LoadedSpec, sink: DiagnosticSink, report: Report) -> None:
        self._spec: LoadedSpec | None = spec
        self._sink = sink
        self._report = report
        self.later = side_sink(sink)
        self._built_at: int | None = None
        self._found = side_sink(sink)
        self._fatal: Diagnostic | None = None
        self._done = False
        report.timings.setdefault("validate", 0.0)  # the report lists the stages in serial order

    def built(self) -> None:
        """The build is over: what :attr:`later` holds now is the build's."""
        self._built_at = len(self.later.items)

    def run(self, *, beside: bool = False) -> None:
        """Validate (once); ``beside``: while other work runs (the time counts as overlapped)."""
        if self._done:
            return
        self._done = True
        spec, self._spec = self._spec, None
        assert spec is not None
        start = time.perf_counter()
        with self._report.stage("validate"), collecting():
            try:
                validate(spec, self._found)
            except FatalInputError as exc:
                self._fatal = exc.diagnostic
        if beside:
            self._report.overlapped["validate"] = round(time.perf_counter() - start, 4)

    def passes(self) -> bool:
        """Validate (if not yet); whether the serial order would have gone past the build."""
        self.run()
        return self._fatal is None and not self._found.has_errors

    def settle(self) -> bool:
        """Validate (if not yet) and merge the diagnostics into the run's sink; True when the
        serial order would have stopped the run there (a :class:`FatalInputError` of validation
        is raised, as there)."""
        self.run()
        sink = self._sink
        sink.extend(self._found.items)
        if self._fatal is not None:
            raise FatalInputError(self._fatal)
        if sink.has_blocking_errors:
            return True
        if sink.has_errors and self._built_at is not None:
            sink.extend(self.later.items[: self._built_at])
            return True
        sink.take(self.later)
        return False
