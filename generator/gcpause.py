"""Pausing Python's cyclic garbage collector while a stage builds large, mostly acyclic data.

The loaded spec of a big API is millions of containers. While the later stages allocate hundreds
of thousands more, the collector keeps running full collections that walk all of them and free
nothing: on github-rest.json that is ~0.4 s of the plan stage alone. Nothing the build and plan
stages make relies on the collector (their data is freed by reference counting), so it is switched
off for their duration and back on afterwards; collection resumes normally then. (Validation is
left alone: it gains nothing, and jsonschema's errors do form cycles.)
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

__all__ = ["gc_paused"]

P = ParamSpec("P")
R = TypeVar("R")


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
