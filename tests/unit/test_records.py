"""Records (:mod:`generator.records`) are values: equal and hashing alike by their fields, and
read-only to the type checker (``mypy --strict`` refuses an assignment to a field)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import records, sourcecache
from generator.ir import ListOf, Prim
from generator.records import field, mutable_record, record
from tests.cli_runner import run_codegen


@record(slots=True)
class _Point:
    x: int
    tags: list[str] = field(default_factory=list)


def test_equal_records_hash_alike() -> None:
    assert Prim("str") == Prim("str") and hash(Prim("str")) == hash(Prim("str"))
    assert len({ListOf(Prim("int")), ListOf(Prim("int")), ListOf(Prim("str"))}) == 2
    assert _Point(1) == _Point(1) and _Point(1) != _Point(2)
    assert _Point(1).tags is not _Point(1).tags  # default_factory, as in a dataclass


def _twins(slots: bool) -> tuple[Any, Any]:
    """The same class body as a record and as ``dataclass(unsafe_hash=True)``: the reference."""

    def body() -> dict[str, Any]:
        return {
            "__annotations__": {"a": "int", "b": "object", "hidden": "int", "loose": "object"},
            "__module__": __name__,
            "__qualname__": "Twin",
            "b": None,
            "hidden": field(default=0, repr=False),
            "loose": field(default=None, compare=False),
        }

    made: Any = record(slots=slots)(type("Twin", (), body()))
    reference: Any = dataclass(slots=slots, unsafe_hash=True)(type("Twin", (), body()))
    return made, reference


_VALUES = st.one_of(
    st.none(),
    st.integers(-3, 3),
    st.text(max_size=3),
    st.just(float("nan")),
    st.tuples(st.integers(0, 2)),
)
_ROWS = st.tuples(st.integers(-2, 2), _VALUES, st.integers(0, 1), _VALUES)


@pytest.mark.parametrize("slots", [False, True])
@given(left=_ROWS, right=_ROWS)
def test_records_compare_hash_and_print_as_dataclasses_do(
    slots: bool, left: tuple[Any, ...], right: tuple[Any, ...]
) -> None:
    made, reference = _twins(slots)
    for arity in range(1, 5):  # defaults and the default factory as a dataclass fills them in
        assert repr(made(*left[:arity])) == repr(reference(*left[:arity]))
    keywords = dict(zip(("a", "b", "hidden", "loose"), right, strict=True))
    assert repr(made(**keywords)) == repr(reference(**keywords))
    assert replace(made(*left), b=right[1]) == made(left[0], right[1], *left[2:])
    for row in (left, right):
        assert repr(made(*row)) == repr(reference(*row))
        assert hash(made(*row)) == hash(reference(*row))
    same = made(*left)
    assert (same == made(*right)) == (reference(*left) == reference(*right))
    assert same == same  # NaN inside: equal to itself, as a tuple of the same objects is
    assert (same == made(*left)) == (reference(*left) == reference(*left))
    assert same.__eq__(reference(*left)) is NotImplemented  # another class: never equal


def test_init_refuses_what_a_dataclass_init_refuses() -> None:
    made, reference = _twins(slots=True)
    for args, kwargs in [((), {}), ((1, 2, 3, 4, 5), {}), ((1,), {"a": 1}), ((1,), {"zzz": 1})]:
        with pytest.raises(TypeError):
            reference(*args, **kwargs)
        with pytest.raises(TypeError):
            made(*args, **kwargs)
    with pytest.raises(TypeError, match="non-default argument 'late' follows default argument"):

        @record()
        class _Late:
            early: int = 0
            late: int  # type: ignore[misc]


def test_default_factory_makes_a_new_value_for_each_record() -> None:
    first, second = _Point(1), _Point(1)
    first.tags.append("x")
    assert second.tags == [] and _Point(2, ["y"]).tags == ["y"]


_KEPT_PROBE = """
from generator import records
from generator.records import record, field

@record(slots=True)
class Probe:
    x: int
    y: str = "y"
    tags: list[str] = field(default_factory=list)

assert Probe(1) == Probe(1, "y", []) and Probe(1).tags is not Probe(1).tags
print(sorted(records._new))
"""


def test_init_code_is_kept_between_runs(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop(sourcecache.NO_CACHE_ENV, None)
    repo = Path(__file__).resolve().parents[2]

    def run() -> str:
        proc = subprocess.run(
            [sys.executable, "-c", _KEPT_PROBE], env=env, cwd=repo, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    assert "__record_self__.y = y" in run()  # compiled, and kept at exit
    kept = list(tmp_path.glob("portarium-codegen-cache-*/record-inits-*.marshal"))
    assert len(kept) == 1
    assert run() == "[]"  # everything came from the kept codes
    kept[0].write_bytes(b"not marshal data")
    assert "__record_self__.y = y" in run()  # an unusable entry is compiled afresh
    assert run() == "[]"


def test_the_command_line_keeps_the_codes_it_compiled(tmp_path: Path) -> None:
    """The CLI ends with ``os._exit`` (no atexit handlers): it keeps the compiled codes itself."""
    spec = tmp_path / "spec.json"
    spec.write_text(
        '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}',
        encoding="utf-8",
    )
    env = {"TMPDIR": str(tmp_path), sourcecache.NO_CACHE_ENV: ""}
    proc = run_codegen("generate", "--spec", spec, "--output", tmp_path / "out", env=env)
    assert proc.returncode == 0, proc.stderr
    kept = list(tmp_path.glob("portarium-codegen-cache-*/record-inits-*.marshal"))
    assert len(kept) == 1 and kept[0].stat().st_size > 1000


def test_a_mutable_record_is_a_plain_dataclass() -> None:
    @mutable_record()
    class Counter:
        name: str
        seen: list[str] = field(default_factory=list)

    @dataclass
    class Reference:
        name: str
        seen: list[str] = field(default_factory=list)

    counter = Counter("a")
    counter.seen.append("x")
    counter.name = "b"  # mutable to mypy too: no error here
    assert counter == Counter("b", ["x"]) and counter != Counter("b")
    assert repr(counter) == repr(Reference("b", ["x"])).replace("Reference", "Counter")
    assert Counter.__hash__ is None and Reference.__hash__ is None
    with pytest.raises(TypeError, match="unhashable"):
        hash(counter)


def test_a_method_written_in_the_class_body_is_kept() -> None:
    @record()
    class Named:
        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

    assert repr(Named("x")) == "<x>" and Named("x") == Named("x")


def test_fields_are_read_only_to_mypy(tmp_path: Path) -> None:
    snippet = tmp_path / "assign.py"
    snippet.write_text(
        textwrap.dedent("""
            from generator.records import record

            @record()
            class Point:
                x: int

            Point(1).x = 2
            """),
        encoding="utf-8",
    )
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(snippet)],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert 'Property "x" defined in "Point" is read-only' in proc.stdout


# -- records made without dataclass()'s machinery (records._as_dataclass) ------------------------


def _describe(cls: Any) -> Any:
    """What ``dataclass`` leaves on a class (and what a record is made from), comparable."""
    made = [
        (
            f.name,
            f.type,
            f.default,
            f.default_factory,
            f.init,
            f.repr,
            f.hash,
            f.compare,
            dict(f.metadata),
            f.kw_only,
            repr(f._field_type),
        )
        for f in cls.__dataclass_fields__.values()
    ]
    own = {name: repr(cls.__dict__.get(name, "<absent>")) for name in cls.__dataclass_fields__}
    params = cls.__dataclass_params__
    return (
        cls.__qualname__,
        made,
        own,
        getattr(cls, "__match_args__", None),
        cls.__dict__.get("__slots__"),
        cls.__doc__,
        (params.init, params.repr, params.eq, params.order, params.unsafe_hash, params.frozen),
        [base.__name__ for base in cls.__mro__],
        sorted(cls.__dict__),
    )


_DESCRIBE_ALL = """
import importlib, pkgutil, sys
import generator
from generator import records
if sys.argv[1] == "dataclass":
    records._as_dataclass = lambda cls, *, slots: None
for info in sorted(pkgutil.iter_modules(generator.__path__), key=lambda m: m.name):
    if info.name != "__main__":
        importlib.import_module("generator." + info.name)
from tests.unit.test_records import _describe
for name, module in sorted(sys.modules.items()):
    if name.startswith("generator"):
        for attr, value in sorted(vars(module).items()):
            if isinstance(value, type) and value.__module__ == name and "__dataclass_fields__" in vars(value):
                print(name, attr, repr(_describe(value)))
"""


def test_the_generators_records_are_made_as_dataclass_makes_them() -> None:
    """Every record class of the generator, made by records._as_dataclass and by dataclass()."""
    repo = Path(__file__).resolve().parents[2]

    def describe(how: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-c", _DESCRIBE_ALL, how], cwd=repo, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        return re.sub(r" at 0x[0-9a-f]+", "", proc.stdout)

    ours = describe("records")
    assert ours.count("\n") > 60 and ours == describe("dataclass")


class _Base:
    """A plain base."""


def _bodies() -> dict[str, tuple[dict[str, Any], tuple[type, ...]]]:
    doc = {"__doc__": "A record.", "__module__": __name__}
    return {
        "plain": ({**doc, "__annotations__": {"a": "int", "b": "str"}, "b": "x"}, ()),
        "fields": (
            {
                **doc,
                "__annotations__": {"a": "int", "b": "list[int]", "c": "int", "d": "object"},
                "b": field(default_factory=list),
                "c": field(default=3, repr=False, compare=False, metadata={"m": 1}),
                "d": field(hash=False),
            },
            (),
        ),
        "no fields": ({**doc}, ()),
        "method": ({**doc, "__annotations__": {"a": "int"}, "twice": lambda self: 2}, ()),
        "plain base": ({**doc, "__annotations__": {"a": "int"}}, (_Base,)),
        "match args": ({**doc, "__annotations__": {"a": "int"}, "__match_args__": ()}, ()),
        "qualified": ({**doc, "__annotations__": {"a": "typing.Optional[int]"}}, ()),
        "classvar": ({**doc, "__annotations__": {"a": "int", "K": "ClassVar[int]"}, "K": 1}, ()),
        "typing classvar": ({**doc, "__annotations__": {"K": "typing.ClassVar[int]"}}, ()),
        "initvar": ({**doc, "__annotations__": {"a": "int", "i": "InitVar[int]"}}, ()),
        "kw only": ({**doc, "__annotations__": {"a": "int", "_": "KW_ONLY", "b": "int"}}, ()),
        "no doc": ({"__module__": __name__, "__annotations__": {"a": "int"}}, ()),
        "not a string": ({**doc, "__annotations__": {"a": int}}, ()),
        "names its class": ({**doc, "__annotations__": {"a": "int"}, "m": _naming_its_class()}, ()),
    }


def _naming_its_class() -> Any:
    class Named:
        def m(self) -> Any:
            return __class__  # type: ignore[name-defined]  # noqa: F821 - the compiler's cell

    return Named.__dict__["m"]


@pytest.mark.parametrize("slots", [False, True])
@pytest.mark.parametrize("case", list(_bodies()))
def test_a_record_is_made_as_dataclass_makes_it(case: str, slots: bool) -> None:
    body, bases = _bodies()[case]
    reference: Any = dataclass(slots=slots, init=False, repr=False, eq=False)(
        type("Made", bases, _bodies()[case][0])
    )
    cls = type("Made", bases, body)
    made = records._as_dataclass(cls, slots=slots)
    if made is None:  # not the plain case: dataclass makes it, from the class left as it was
        refused = {"classvar", "typing classvar", "initvar", "kw only", "no doc", "not a string"}
        assert (
            case in refused
            or (slots and (bases or case == "names its class"))
            or not (3, 11) <= sys.version_info < (3, 13)
        )
        made = dataclass(slots=slots, init=False, repr=False, eq=False)(cls)
    assert _describe(made) == _describe(reference)


def test_a_record_inherits_a_records_fields() -> None:
    @record()
    class Parent:
        """A parent."""

        a: int
        b: int = 2

    @record()
    class Child(Parent):
        """A child."""

        c: int = 3
        b: int = 5

    assert [f.name for f in fields(Child)] == ["a", "b", "c"]
    assert Child(1) == Child(1, 5, 3) and replace(Child(1), c=4).c == 4
    assert Child.__match_args__ == ("a", "b", "c")


def test_what_dataclass_refuses_a_record_refuses() -> None:
    with pytest.raises(ValueError, match="mutable default"):

        @record()
        class Mutable:
            """A mutable default."""

            a: list[int] = []  # noqa: RUF012

    with pytest.raises(TypeError, match="is a field but has no type annotation"):

        @record()
        class Unannotated:
            """A field without annotation."""

            a = field(default=1)
