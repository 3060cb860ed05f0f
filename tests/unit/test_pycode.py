"""pycode: escaping helpers and type -> annotation/decode/encode expressions."""

from __future__ import annotations

import ast

import pytest

from generator.ir import EnumMember, EnumModel, Field, ListOf, MapOf, Model, ModelRef, Prim
from generator.pycode import ModuleCode, comment, docstring, py_literal

HOSTILE = [
    '"""',
    "'''",
    "\\",
    "\x00",
    "a\nb",
    "#",
    "{{ x }}",
    "__import__('os').system('x')",
    "\u202e",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_docstring_and_comment_are_inert(text: str) -> None:
    src = f'def f():\n    """{docstring(text, "    ")}"""\n    # {comment(text)}\n    return 1\n'
    tree = ast.parse(src)
    fn = tree.body[0]
    assert isinstance(fn, ast.FunctionDef)
    assert len(fn.body) == 2  # the docstring and the return: nothing injected


@pytest.mark.parametrize("value", ["a", 'x"""y', "\\", 1, 2.5, True, None, "\x00"])
def test_py_literal_round_trips(value: object) -> None:
    assert ast.literal_eval(py_literal(value)) == value


def _models() -> dict[str, Model | EnumModel]:
    run = Model(
        "#/r", "Run", "run", "", (Field("id", "id", Prim("str"), True, ""),), Prim("any"), "#/r"
    )
    status = EnumModel("#/s", "Status", "status", "", "str", (EnumMember("A", "a"),), "#/s")
    return {"#/r": run, "#/s": status}


def test_plain_values_are_not_converted() -> None:
    code = ModuleCode(_models(), ".", "..", "..")
    assert code.decode(ListOf(MapOf(Prim("int"))), "src['x']") == "src['x']"
    assert code.encode(Prim("str", nullable=True), "self.x") == "self.x"


def test_models_dates_and_nullables() -> None:
    code = ModuleCode(_models(), ".", "..", "..")
    assert code.annotation(ModelRef("#/r", nullable=True)) == "Run | None"
    assert code.decode(ListOf(ModelRef("#/r")), "v") == "list(map(Run.from_dict, v))"
    assert code.decode(ModelRef("#/s"), "v") == "Status(v)"
    assert code.encode(ModelRef("#/s"), "x") == "x.value"
    dec = code.decode(Prim("datetime", nullable=True), "v")
    assert dec.startswith("(None if (") and "parse_datetime(" in dec
    imports = "\n".join(code.import_lines())
    assert "from .run import Run" in imports
    assert "from .._runtime.serde import parse_datetime" in imports


def test_model_modules_decode_enums_through_a_table() -> None:
    code = ModuleCode(_models(), ".", "..", "..", enum_tables=True)
    assert code.decode(ModelRef("#/s"), "src['k']") == (
        "(_STATUS_MEMBERS.get(src['k']) or Status(src['k']))"
    )
    assert code.decode(ModelRef("#/s"), "_v1") == "(_STATUS_MEMBERS.get(_v1) or Status(_v1))"
    # A source that is not a plain name/subscript is evaluated once: the plain call.
    assert code.decode(ModelRef("#/s"), "f(x)") == "Status(f(x))"
    assert code.decode(ModelRef("#/s"), "src['a(b']") == "Status(src['a(b'])"
    assert code.encode(ModelRef("#/s"), "x") == "x._value_"
    assert code.prelude_lines() == ["_STATUS_MEMBERS: dict[object, Status] = member_table(Status)"]
    assert code.runtime_names["modeling"] == {"member_table"}
    # Lists of enums keep the comprehension (the table lookup is not one call).
    assert code.decode(ListOf(ModelRef("#/s")), "v").startswith("[(_STATUS_MEMBERS.get(_i0)")


def test_lazily_imported_enums_are_called() -> None:
    code = ModuleCode(_models(), ".", "..", "..", enum_tables=True, lazy=frozenset({"#/s"}))
    assert code.decode(ModelRef("#/s"), "v") == "Status(v)"
    assert code.prelude_lines() == []
