"""The cyclic collector during a run (generator/gcpause.py): off from start to end, on again only
while validation runs in this process, and left afterwards as the caller had it."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import forking, gcpause, overlap, pipeline
from generator.pipeline import Options, run

REPO = Path(__file__).resolve().parents[2]
PORTARIUM = REPO / "spec" / "portarium-control-plane.v1.yaml"


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_collector_off_restores_the_callers_state(collector_on: None) -> None:
    thresholds = gc.get_threshold()
    with gcpause.collector_off():
        assert not gc.isenabled()
        assert gc.get_threshold() == gcpause.THRESHOLD
        with gcpause.collecting():
            assert gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_threshold() == thresholds
    gc.disable()
    try:
        with gcpause.collector_off(), gcpause.collecting():
            assert not gc.isenabled()  # the caller had it off: validation does not turn it on
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_collecting_outside_a_run_changes_nothing(collector_on: None) -> None:
    gc.disable()
    try:
        with gcpause.collecting():
            assert not gc.isenabled()
    finally:
        gc.enable()
    with gcpause.collecting():
        assert gc.isenabled()


def test_an_exception_still_restores_the_collector(collector_on: None) -> None:
    with pytest.raises(RuntimeError), gcpause.collector_off(), gcpause.collecting():
        raise RuntimeError("boom")
    assert gc.isenabled()


def _recording(seen: dict[str, list[bool]], name: str, fn: Callable[..., Any]) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        seen.setdefault(name, []).append(gc.isenabled())
        return fn(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("order", ["late", "serial", "parallel"])
def test_a_run_collects_only_while_validating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector_on: None, order: str
) -> None:
    seen: dict[str, list[bool]] = {}
    for module, attr, stage in (
        (pipeline, "load_spec", "load"),
        (overlap, "build_api", "build"),
        (pipeline, "build_api", "build"),
        (pipeline, "render", "render"),
        (pipeline, "format_tree", "format"),
        (overlap, "validate_spec", "validate"),
    ):
        monkeypatch.setattr(module, attr, _recording(seen, stage, getattr(module, attr)))
    if order == "serial":
        monkeypatch.setattr(pipeline, "_validates_late", lambda *args: False)
    if order == "parallel":  # validation in a forked child (which never collects), render split
        monkeypatch.setattr(overlap, "PARALLEL_MIN_OPERATIONS", 1)
        monkeypatch.setattr(forking, "can_fork", lambda: True)  # also under pytest-xdist
    outcome = run(Options(spec=PORTARIUM, output=tmp_path / "out"))
    assert outcome.report.exit_code == 0
    assert seen.get("validate") == (None if order == "parallel" else [True])
    stages = ["load", "build", "format"] + ([] if order == "parallel" else ["render"])
    for stage in stages:
        assert seen[stage] and not any(seen[stage]), stage
    assert gc.isenabled()
