"""Records: the generator's immutable values -- frozen dataclasses to the type checker, lighter
dataclasses at run time.

What the stages hand on (the IR, the planned views, diagnostics, locations, surface entries) is
never changed once made: code makes a changed copy with :func:`dataclasses.replace`, and caches
such as the planner's views rely on that. ``mypy --strict``, which CI runs on the generator,
enforces it: :func:`record` is declared a PEP 681 ``dataclass_transform`` with
``frozen_default=True``, so assigning to a field of a record is a type error, as it is for
``@dataclass(frozen=True)``.

At run time a record is a dataclass with the ``__eq__``, the field-based ``__hash__`` and the
``__repr__`` that ``frozen=True`` would give, without the rest of ``frozen=True``: a
``__setattr__`` and a ``__delattr__`` per class, and an ``__init__`` that sets each field through
``object.__setattr__``. For the ~70 record classes that was ~11% of the instructions of importing
the generator (callgrind: 713M -> 637M), and records are made ~10^5 times per large spec (the
load-to-render instructions on the Portarium spec: 1,457M -> 1,328M, imports included).

Of the methods, only ``__init__`` is written and compiled per class (by :func:`dataclass`, which
``exec``s the source of every method it makes). ``__eq__``, ``__hash__`` and ``__repr__`` are
closures over the class's field names, made without compiling anything: the same answers
(:mod:`tests.unit.test_records` compares them with a dataclass's) for ~10 ms less of every
start-up (``import generator.cli``, interleaved fresh interpreters: median 131.7 -> 120.9 ms).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import Field, dataclass, field, fields
from operator import attrgetter
from reprlib import recursive_repr
from typing import TYPE_CHECKING, Any, TypeVar, cast

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

        def make(cls: type[_T]) -> type[_T]:
            made: Any = dataclass(slots=slots, repr=False, eq=False)(cls)
            own = fields(made)
            _share_methods(made, own)
            return cast("type[_T]", made)

        return make


def _values(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """A function from an object to the tuple of the named attributes' values."""
    if len(names) == 1:
        (name,) = names
        return lambda obj: (getattr(obj, name),)
    if not names:
        return lambda obj: ()
    return attrgetter(*names)


def _share_methods(cls: Any, own: tuple[Field[Any], ...]) -> None:
    """Give ``cls`` the ``__eq__``, ``__hash__`` and ``__repr__`` that ``dataclass`` would write."""
    compared = _values(tuple(f.name for f in own if f.compare))
    hashed = _values(tuple(f.name for f in own if (f.compare if f.hash is None else f.hash)))
    shown = tuple(f.name for f in own if f.repr)

    def __eq__(self: object, other: object) -> bool:
        if other.__class__ is self.__class__:
            return compared(self) == compared(other)
        return NotImplemented

    def __hash__(self: object) -> int:
        return hash(hashed(self))

    @recursive_repr()
    def __repr__(self: object) -> str:
        shown_values = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({shown_values})"

    for method in (__eq__, __hash__, __repr__):
        if method.__name__ in cls.__dict__:  # written in the class body: kept, as dataclass does
            continue
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, method.__name__, method)
