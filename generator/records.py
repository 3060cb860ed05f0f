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

The generator's mutable classes (the diagnostic sink, the report, builders) are
:func:`mutable_record`: a plain ``@dataclass`` to the type checker and in behaviour (equal by
fields, unhashable), made the same way.

No method is compiled per class at start-up. :func:`dataclass` ``exec``s the source of every
method it makes, ~0.15 ms each; a record's ``__eq__``, ``__hash__`` and ``__repr__`` are instead
closures over its field names (the same answers: :mod:`tests.unit.test_records` compares them with
a dataclass's), and its ``__init__`` (the one a dataclass would have, without annotations) is
compiled once and then kept between runs, marshalled with the other records' in the generator's
private cache dir (:mod:`generator.sourcecache`, under the bytecode magic number of this Python):
the code depends only on the source of the ``__init__``, which is the key. New codes are kept
at exit (:func:`keep_compiled`, which the CLI calls itself before its ``os._exit``). Importing
the generator, interleaved fresh interpreters (``benchmarks/bench_ab.py --import-only``): median
131.7 -> 120.9 ms for the closures; with the kept ``__init__``s, the mutable records and Jinja
imported later, 181 -> 109 ms (a slower hour of the same machine).
"""

from __future__ import annotations

import atexit
import builtins
import marshal
import re
import sys
from collections.abc import Callable
from dataclasses import KW_ONLY, MISSING, Field, InitVar, dataclass, field, fields
from importlib.util import MAGIC_NUMBER
from operator import attrgetter
from reprlib import recursive_repr
from types import CodeType, FunctionType, MemberDescriptorType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from generator import sourcecache

__all__ = ["field", "keep_compiled", "mutable_record", "record"]

_T = TypeVar("_T")

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform

    @dataclass_transform(frozen_default=True, field_specifiers=(field,))
    def record(*, slots: bool = False) -> Callable[[type[_T]], type[_T]]:
        """Make the decorated class a record (``slots``: as ``dataclass(slots=True)``)."""
        ...

    @dataclass_transform(field_specifiers=(field,))
    def mutable_record() -> Callable[[type[_T]], type[_T]]:
        """Make the decorated class a mutable record: a plain ``@dataclass`` to the type checker
        and in behaviour (unhashable), made as a record is."""
        ...

else:

    def record(*, slots: bool = False) -> Callable[[type[_T]], type[_T]]:
        """Make the decorated class a record (``slots``: as ``dataclass(slots=True)``)."""
        return lambda cls: _make(cls, slots=slots, hashable=True)

    def mutable_record() -> Callable[[type[_T]], type[_T]]:
        """Make the decorated class a mutable record: a plain ``@dataclass`` to the type checker
        and in behaviour (unhashable), made as a record is."""
        return lambda cls: _make(cls, slots=False, hashable=False)


def _make(cls: type[_T], *, slots: bool, hashable: bool) -> type[_T]:
    made: Any = _as_dataclass(cls, slots=slots)
    if made is None:
        made = dataclass(slots=slots, init=False, repr=False, eq=False)(cls)
    own = fields(made)
    if "__init__" not in cls.__dict__:
        made.__init__ = _init(made, own)
    _share_methods(made, own, hashable=hashable)
    return cast("type[_T]", made)


@dataclass(init=False, repr=False, eq=False)
class _Probe:
    """Where the markers :func:`_as_dataclass` sets come from (what ``dataclass`` sets itself)."""

    x: int


@dataclass(init=False, repr=False, eq=False, slots=True)
class _SlotsProbe:
    """As :class:`_Probe`, with ``slots=True``."""

    x: int


_PARAMS = {
    False: vars(_Probe)["__dataclass_params__"],
    True: vars(_SlotsProbe)["__dataclass_params__"],
}
_FIELD_KIND = fields(_Probe)[0]._field_type  # type: ignore[attr-defined]
# How ``dataclass`` reads a string annotation's leading name (``typing.ClassVar[...]`` ->
# typing, ClassVar) to tell a pseudo-field (ClassVar, InitVar, KW_ONLY) from a field.
_LEADING_NAME = re.compile(r"^(?:\s*(\w+)\s*\.)?\s*(\w+)")
_PSEUDO_NAMES = frozenset({"ClassVar", "InitVar", "KW_ONLY"})
_PSEUDO_TYPES = (ClassVar, InitVar, KW_ONLY)


_FAST_MAKE = (3, 11) <= sys.version_info < (3, 13)
"""Where :func:`_as_dataclass` makes what ``dataclass`` makes (compared on 3.10 to 3.13):
elsewhere ``dataclass`` itself makes every record. 3.10's slotted classes keep the old class's
``__weakref__`` entry; 3.13 adds ``__replace__`` (and later versions may add more)."""


def _names_its_class(value: object) -> bool:
    """Whether ``value`` is a function whose code refers to its class (``super()``, ``__class__``):
    a class re-made with slots leaves that reference on the old class."""
    code = getattr(value, "__code__", None)
    return code is not None and "__class__" in code.co_freevars


def _as_dataclass(cls: Any, *, slots: bool) -> Any:
    """``dataclass(slots=slots, init=False, repr=False, eq=False)(cls)``, made without its
    general machinery (a third of importing the generator's ~65 records went there, most of it
    asking three times per field whether a string annotation names a pseudo-field); None, and
    ``cls`` untouched, where the class is not the plain case this makes: a field that is not a
    string annotation or that could name a pseudo-field, a base class (other than ``object``)
    or a method naming its class with slots, no docstring (``dataclass`` would write one), an
    abstract class, a Python other than 3.11 and 3.12.
    ``tests/unit/test_records.py`` compares both ways of making a class."""
    if not _FAST_MAKE:
        return None
    body = cls.__dict__
    if not body.get("__doc__") or "__slots__" in body or hasattr(cls, "__abstractmethods__"):
        return None
    if slots and (cls.__bases__ != (object,) or any(map(_names_its_class, body.values()))):
        return None
    module = sys.modules.get(cls.__module__)
    namespace = module.__dict__ if module is not None else {}
    found: dict[str, Field[Any]] = {}
    for base in cls.__mro__[-1:0:-1]:
        inherited = base.__dict__.get("__dataclass_fields__")
        if inherited is not None:
            if base.__dataclass_params__.frozen:
                return None  # dataclass refuses it; let it say so
            found.update(inherited)
    annotations = body.get("__annotations__", {})
    own: list[Field[Any]] = []
    for name, annotation in annotations.items():
        if type(annotation) is not str:
            return None
        match = _LEADING_NAME.match(annotation)
        if match is not None:
            leading = match[2]
            named = namespace.get(leading)
            if leading in _PSEUDO_NAMES or any(named is kind for kind in _PSEUDO_TYPES):
                return None
            if isinstance(named, InitVar) or getattr(named, "__origin__", None) is ClassVar:
                return None
        default = getattr(cls, name, MISSING)
        if isinstance(default, Field):
            made = default
        else:
            if isinstance(default, MemberDescriptorType):
                return None
            made = cast("Field[Any]", field(default=default))
        own.append(made)
    for name, value in body.items():
        if isinstance(value, Field) and name not in annotations:
            return None  # dataclass refuses it; let it say so
    # From here on ``cls`` changes, as dataclass would change it.
    for made, name in zip(own, annotations, strict=True):
        made.name = name
        made.type = annotations[name]
        made._field_type = _FIELD_KIND  # type: ignore[attr-defined]
        if made.kw_only is MISSING:
            made.kw_only = False
        if made.default.__class__.__hash__ is None:
            raise ValueError(
                f"mutable default {type(made.default)} for field {name} is not allowed: "
                "use default_factory"
            )
        found[name] = made
        if isinstance(body.get(name), Field):
            if made.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, made.default)
    cls.__dataclass_params__ = _PARAMS[slots]
    cls.__dataclass_fields__ = found
    if "__match_args__" not in body:
        matched = tuple(f.name for f in found.values() if f.init and not f.kw_only)
        setattr(cls, "__match_args__", matched)  # noqa: B010 - mypy refuses the plain assignment
    if not slots:
        return cls
    names = tuple(found)
    namespace = {key: value for key, value in body.items() if key not in names}
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    namespace["__slots__"] = names
    made_class = type(cls)(cls.__name__, cls.__bases__, namespace)
    made_class.__qualname__ = cls.__qualname__
    return made_class


def _values(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """A function from an object to the tuple of the named attributes' values."""
    if len(names) == 1:
        (name,) = names
        return lambda obj: (getattr(obj, name),)
    if not names:
        return lambda obj: ()
    return attrgetter(*names)


def _share_methods(cls: Any, own: tuple[Field[Any], ...], *, hashable: bool) -> None:
    """Give ``cls`` the ``__eq__``, ``__hash__`` and ``__repr__`` that ``dataclass`` would write
    (``hashable``: as with ``unsafe_hash=True``; else ``__hash__`` is None, as with ``eq=True``)."""
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

    # What the class body writes is kept, as dataclass does (a ``__hash__`` of None that Python
    # set because the body wrote ``__eq__`` is not the body's).
    body = cls.__dict__
    written = {name for name in ("__eq__", "__repr__") if name in body}
    if "__hash__" in body and not (body["__hash__"] is None and "__eq__" in body):
        written.add("__hash__")
    for method in (__eq__, __hash__, __repr__):
        if method.__name__ in written:
            continue
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, method.__name__, method if hashable or method is not __hash__ else None)


class _Factory:
    """The default of a parameter whose field has a ``default_factory``."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _init(cls: Any, own: tuple[Field[Any], ...]) -> Callable[..., None]:
    """The ``__init__`` :func:`dataclass` would give ``cls`` (its fields in order, defaults,
    default factories), from :func:`_code`."""
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__qualname__}: a record has no __post_init__ (nor InitVar fields)")
    params: list[str] = []
    body: list[str] = []
    defaults: list[object] = []
    factories: list[Callable[[], object]] = []
    for f in own:
        if not f.init or f.kw_only is True:
            raise TypeError(f"{cls.__qualname__}.{f.name}: a record field takes no init=, kw_only=")
        if f.default_factory is not MISSING:
            defaults.append(_FACTORY)
            body.append(
                f"__record_self__.{f.name} = __record_factories__[{len(factories)}]() "
                f"if {f.name} is __record_factory__ else {f.name}"
            )
            factories.append(f.default_factory)
        else:
            if f.default is not MISSING:
                defaults.append(f.default)
            elif defaults:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")
            body.append(f"__record_self__.{f.name} = {f.name}")
        params.append(f.name)
    lines = ["def __init__(" + ", ".join(["__record_self__", *params]) + "):"]
    lines += [f"    {line}" for line in body] or ["    pass"]
    namespace = {
        "__builtins__": builtins,
        "__record_factory__": _FACTORY,
        "__record_factories__": tuple(factories),
    }
    function = FunctionType(_code("\n".join(lines) + "\n"), namespace, "__init__", tuple(defaults))
    function.__qualname__ = f"{cls.__qualname__}.__init__"
    function.__module__ = cls.__module__
    return function


_codes: dict[str, CodeType] | None = None
_new: dict[str, CodeType] = {}
_used: set[str] = set()
_MAX_KEPT = 1024
"""Entries past which the kept codes are only this run's (older versions' records go)."""
_CACHE_ENTRY = f"record-inits-{MAGIC_NUMBER.hex()}.marshal"


def _code(source: str) -> CodeType:
    """The code of the function ``source`` defines: kept from an earlier run, or compiled now
    (and kept at exit)."""
    global _codes
    if _codes is None:
        _codes = _stored()
    code = _codes.get(source)
    _used.add(source)
    if code is None:
        module = compile(source, "<record __init__>", "exec", dont_inherit=True)
        code = next(c for c in module.co_consts if isinstance(c, CodeType))
        _codes[source] = code
        if not _new:
            atexit.register(keep_compiled)
        _new[source] = code
    return code


def _stored() -> dict[str, CodeType]:
    """What an earlier run kept (empty when there is nothing usable, or caching is off)."""
    where = sourcecache.cache_dir()
    data = sourcecache.read_entry(where, _CACHE_ENTRY) if where is not None else None
    try:
        stored = marshal.loads(data) if data else {}
    except (EOFError, ValueError, TypeError):
        return {}
    if isinstance(stored, dict) and all(
        isinstance(k, str) and isinstance(v, CodeType) for k, v in stored.items()
    ):
        return stored
    return {}


def keep_compiled() -> None:
    """Keep the ``__init__`` codes compiled in this process with those kept before.

    Registered with :mod:`atexit` when the first one is compiled; a process that ends with
    ``os._exit`` (the CLI's :func:`generator.__main__.entry`) calls it itself."""
    if not _new:
        return
    fresh = dict(_new)
    _new.clear()
    where = sourcecache.cache_dir()
    if where is None:
        return
    merged = {**_stored(), **fresh}
    if len(merged) > _MAX_KEPT and _codes is not None:
        merged = {source: _codes[source] for source in _used}
    sourcecache.write_entry(where, _CACHE_ENTRY, marshal.dumps(dict(sorted(merged.items()))))
