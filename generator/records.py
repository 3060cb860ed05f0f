"""Records: the generator's immutable values -- frozen dataclasses to the type checker, lighter
dataclasses at run time.

What the stages hand on (the IR, the planned views, diagnostics, locations, surface entries) is
never changed once made: code makes a changed copy with :func:`dataclasses.replace`, and caches
such as the planner's views rely on that. ``mypy --strict``, which CI runs on the generator,
enforces it: :func:`record` is declared a PEP 681 ``dataclass_transform`` with
``frozen_default=True``, so assigning to a field of a record is a type error, as it is for
``@dataclass(frozen=True)``.

At run time a record is a dataclass with the ``__eq__`` and the field-based ``__hash__`` that
``frozen=True`` would give, without the rest of ``frozen=True``: a ``__setattr__`` and a
``__delattr__`` per class, and an ``__init__`` that sets each field through
``object.__setattr__``. For the ~70 record classes that was ~11% of the instructions of importing
the generator (callgrind: 713M -> 637M), and records are made ~10^5 times per large spec (the
load-to-render instructions on the Portarium spec: 1,457M -> 1,328M, imports included).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

__all__ = ["field", "record"]

_T = TypeVar("_T")

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform

    @dataclass_transform(frozen_default=True, field_specifiers=(field,))
    def record(*, slots: bool = False) -> Callable[[type[_T]], type[_T]]:
        """Make the decorated class a record (``slots``: as ``dataclass(slots=True)``)."""
        ...

else:

    def record(*, slots: bool = False) -> Callable[[type[_T]], type[_T]]:
        """Make the decorated class a record (``slots``: as ``dataclass(slots=True)``)."""
        return dataclass(slots=slots, unsafe_hash=True)
