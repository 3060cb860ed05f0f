"""When Python's cyclic garbage collector runs during a generation: only while validating.

The loaded spec of a big API is millions of containers, and the build, plan and render stages add
hundreds of thousands more, nearly all long-lived and acyclic (freed by reference counting). A
collection walks every object made since the last one and frees next to nothing: on
github-rest.json, with the collector on, one collection during loading took ~25 ms and one at the
start of planning ~85 ms (it walks everything the build made), and all of them together freed
fewer than 400 objects. So a run switches the collector off from start to end
(:func:`collector_off`), and back on only around in-process validation (:func:`collecting`):
jsonschema's errors do form cycles, and a spec with many errors makes many of them. Forked
workers never collect (:mod:`generator.forking`).

:func:`gc_paused` keeps the build and plan stages collector-free when they are called on their
own (a library caller, the tests).
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

__all__ = ["collecting", "collector_off", "gc_paused"]

P = ParamSpec("P")
R = TypeVar("R")

THRESHOLD = (100_000, 50, 1000)
"""The collector's thresholds during a run (they count only while validation collects). What it
walks then is everything the run has made so far, and few reference cycles: with the default
thresholds it would rescan that over and over."""

_CALLERS: list[bool] = []
"""For each run in progress (innermost last): whether its caller had the collector on."""


@contextlib.contextmanager
def collector_off() -> Iterator[None]:
    """One run: the collector off throughout (with :data:`THRESHOLD` for :func:`collecting`),
    as the caller had it afterwards, thresholds included."""
    thresholds = gc.get_threshold()
    _CALLERS.append(gc.isenabled())
    gc.disable()
    gc.set_threshold(*THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if _CALLERS.pop():
            gc.enable()


@contextlib.contextmanager
def collecting() -> Iterator[None]:
    """The collector on (if the run's caller had it on) while the block makes reference cycles;
    off again afterwards. Outside a run it leaves the collector as it is."""
    resume = bool(_CALLERS) and _CALLERS[-1] and not gc.isenabled()
    if resume:
        gc.enable()
    try:
        yield
    finally:
        if resume:
            gc.disable()


def gc_paused(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` with the cyclic collector disabled (unless it already was)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper
