"""Validation run late, while ruff formats (generator/overlap.py ``LateValidation``): a run ends
with the diagnostics, exit code and tree of the serial order (validate, then build, ...), and a
tree is never swapped in before validation has passed.

The serial order is forced by turning ``pipeline._validates_late`` off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator import overlap, pipeline
from generator.build import build_api
from generator.diagnostics import Diagnostic, DiagnosticSink
from generator.pipeline import Options, run
from generator.report import Report
from tests.unit.serial_order import CONFIG, loaded, serial_sink

REPO = Path(__file__).resolve().parents[2]
PORTARIUM = REPO / "spec" / "portarium-control-plane.v1.yaml"
CORPUS = REPO.parent / "shared" / "corpus" / "specs"
CORPUS_SPECS = sorted(p.name for p in CORPUS.glob("*.*")) if CORPUS.is_dir() else []

# An operation module binds ``path_param`` (a runtime helper): the parameter is renamed (a plan-stage note, N0557).
_BOUND = """
  /b/{x}:
    get:
      operationId: getB
      parameters:
        - {name: x, in: path, required: true, schema: {type: string}}
        - {name: path_param, in: query, schema: {type: string}}
      responses: {'200': {description: ok}}
"""
HEAD = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
# A blocking validation error (the serial order never builds).
INVALID = HEAD + """  /a:
    get:
      parameters: [{name: id, in: nowhere, schema: {type: string}}]
      responses: {'200': {description: ok}}
""" + _BOUND
# A recovery warning of validation (W0260, an error under --strict: the serial order stops after
# the build, so the plan's note must not appear).
RECOVERED = HEAD + """  /a:
    get:
      operationId: getB
      responses: {'200': {description: ok}}
""" + _BOUND


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def generate(
    spec: Path, out: Path, *, late: bool, monkeypatch: pytest.MonkeyPatch, **kw: Any
) -> tuple[pipeline.Outcome, dict[str, bytes]]:
    with monkeypatch.context() as mp:
        if not late:
            mp.setattr(pipeline, "_validates_late", lambda *args: False)
        outcome = run(Options(spec=spec, output=out, **kw))
    return outcome, tree(out) if out.exists() else {}


def diag_json(outcome: pipeline.Outcome) -> list[dict[str, object]]:
    return [d.to_json() for d in outcome.report.diagnostics]


def write(tmp_path: Path, text: str) -> Path:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    return spec


# -- the diagnostics of the sink, over the corpus ------------------------------------------------


def _serial_and_late(spec_path: Path, strict: bool) -> tuple[list[Diagnostic], list[Diagnostic]]:
    one = serial_sink(spec_path, strict)
    spec, two = loaded(spec_path, strict)
    late = overlap.LateValidation(spec, two, Report())
    build_api(spec, CONFIG, late.later)
    late.built()
    if not late.later.has_errors:  # the pipeline goes on to plan only then
        late.later.note("N9999", "recorded after the build", "#/info")
    late.settle()
    if not one.has_errors:
        one.note("N9999", "recorded after the build", "#/info")
    return one.items, two.items


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("name", CORPUS_SPECS)
def test_late_validation_keeps_the_diagnostics(name: str, strict: bool) -> None:
    serial_items, late_items = _serial_and_late(CORPUS / name, strict)
    assert late_items == serial_items


@pytest.mark.parametrize("text", [INVALID, RECOVERED], ids=["blocking", "recovered"])
@pytest.mark.parametrize("strict", [False, True])
def test_late_validation_stops_where_the_serial_order_stops(
    text: str, strict: bool, tmp_path: Path
) -> None:
    serial_items, late_items = _serial_and_late(write(tmp_path, text), strict)
    assert late_items == serial_items


# -- whole runs ----------------------------------------------------------------------------------


def test_portarium_is_validated_while_ruff_formats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    late, late_files = generate(PORTARIUM, tmp_path / "a" / "c", late=True, monkeypatch=monkeypatch)
    serial, serial_files = generate(
        PORTARIUM, tmp_path / "b" / "c", late=False, monkeypatch=monkeypatch
    )
    assert late.report.exit_code == serial.report.exit_code == 0
    assert late_files == serial_files
    assert diag_json(late) == diag_json(serial)
    assert set(late.report.overlapped) == {"validate", "surface"}
    assert set(serial.report.overlapped) == {"surface"}  # beside ruff's check, either way
    assert list(late.report.timings) == list(serial.report.timings)  # listed in serial order


@pytest.mark.parametrize("text", [INVALID, RECOVERED], ids=["blocking", "recovered"])
@pytest.mark.parametrize("strict", [False, True])
def test_whole_runs_agree_and_a_failed_validation_writes_nothing(
    text: str, strict: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = write(tmp_path, text)
    results = []
    for late in (False, True):
        out = tmp_path / str(late) / "client"
        out.parent.mkdir()
        outcome, files = generate(spec, out, late=late, monkeypatch=monkeypatch, strict=strict)
        results.append((outcome.report.exit_code, diag_json(outcome), files))
        assert sorted(p.name for p in out.parent.iterdir()) == (["client"] if files else [])
    assert results[0][0] in (0, 2)
    assert results[1] == results[0]
    codes = [d["code"] for d in results[0][1]]
    if text is RECOVERED and not strict:
        assert "N0557" in codes and results[0][2]  # generated, with the plan's rename
    else:
        assert "N0557" not in codes and not results[0][2]


def test_a_failed_late_validation_drops_the_later_stages_exception(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spec validation refuses can break a later stage (here the build): the serial order
    never ran it, so the run reports validation's findings, not the exception."""
    spec = write(tmp_path, INVALID)
    serial, _ = generate(spec, tmp_path / "s" / "c", late=False, monkeypatch=monkeypatch)
    ran: list[bool] = []

    def broken(*args: Any) -> Any:
        ran.append(True)
        raise ZeroDivisionError("a build bug the serial order never reaches")

    monkeypatch.setattr(pipeline, "build_api", broken)
    late, files = generate(spec, tmp_path / "l" / "c", late=True, monkeypatch=monkeypatch)
    assert ran and not files
    assert late.report.exit_code == serial.report.exit_code == 2
    assert diag_json(late) == diag_json(serial)


def test_after_a_recovered_defect_under_strict_a_render_failure_is_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under --strict a recovery warning of validation stops the serial order after the build:
    a failure of rendering, which that order never reached, is dropped with the rendering."""
    spec = write(tmp_path, RECOVERED)
    serial, _ = generate(
        spec, tmp_path / "s" / "c", late=False, monkeypatch=monkeypatch, strict=True
    )

    def broken(*args: Any) -> str:
        raise ZeroDivisionError("a template bug")

    monkeypatch.setattr(pipeline, "render", broken)
    late, files = generate(
        spec, tmp_path / "l" / "c", late=True, monkeypatch=monkeypatch, strict=True
    )
    assert late.report.exit_code == serial.report.exit_code == 2
    assert diag_json(late) == diag_json(serial) and not files
    with pytest.raises(ZeroDivisionError):  # without --strict the serial order renders too
        generate(spec, tmp_path / "n" / "c", late=True, monkeypatch=monkeypatch)
    assert not (tmp_path / "n" / "c").exists()


def test_a_later_stage_failure_on_a_valid_spec_is_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Any:
        raise ZeroDivisionError("a build bug")

    monkeypatch.setattr(pipeline, "build_api", broken)
    for late in (False, True):
        with pytest.raises(ZeroDivisionError):
            generate(PORTARIUM, tmp_path / str(late) / "c", late=late, monkeypatch=monkeypatch)
        assert not (tmp_path / str(late)).exists() or not any((tmp_path / str(late)).iterdir())


def test_a_fatal_validation_error_is_raised_as_in_the_serial_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fatal(spec: Any, sink: DiagnosticSink) -> None:
        raise sink.fatal("E0999", "validation gives up", "#/paths")

    monkeypatch.setattr(overlap, "validate_spec", fatal)
    results = []
    for late in (False, True):
        outcome, files = generate(
            PORTARIUM, tmp_path / str(late) / "c", late=late, monkeypatch=monkeypatch
        )
        results.append((outcome.report.exit_code, diag_json(outcome), files))
    assert results[0][0] == 2 and not results[0][2]
    assert results[1] == results[0]


def test_check_mode_validates_late_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "c"
    assert run(Options(spec=PORTARIUM, output=out)).report.exit_code == 0
    before = tree(out)
    outcome = run(Options(spec=PORTARIUM, output=out, check=True))
    assert outcome.report.exit_code == 0 and "validate" in outcome.report.overlapped
    assert tree(out) == before and sorted(p.name for p in tmp_path.iterdir()) == ["c"]
