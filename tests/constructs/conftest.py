"""Fixtures of the construct tests (``generate``, ``recorder``); see :mod:`construct_support`."""

from __future__ import annotations

from construct_support import generate, recorder

__all__ = ["generate", "recorder"]
