"""The layouts the planner writes (layout.call_layout, arguments, statement, assignment and the
model tables) are what ruff format makes of the plain one-line form: formatting either gives the
same bytes, and where the layout is taken (not left to the formatter) it is a fixed point.

Checked with the real ruff over statements of every length around the line limit, at the
indentations the templates use, one module per case, one ruff run for all of them.
"""

from __future__ import annotations

import itertools
import random
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import layout
from generator.output import ruff_command

WIDTH = layout.LINE_WIDTH


def _wrap(statement: str, indent: int) -> str:
    """A module holding ``statement`` at ``indent`` (inside a function, and ``if`` blocks); the
    statement's own continuation lines carry their indentation already."""
    lines = ["from __future__ import annotations", "", ""]
    if indent >= 4:
        lines.append("def f(a, b, c, d, e, f, g, h, x, src, obj, out, parts):")
    if indent >= 8:
        lines.append("    if a:")
    if indent >= 12:
        lines.append("        if b:")
    if indent >= 16:
        lines.append("            if c:")
    lines.append(" " * indent + statement)
    return "\n".join(lines) + "\n"


def _format_all(tmp_path: Path, texts: dict[str, str]) -> dict[str, str]:
    """``texts`` (name -> module source) after one ``ruff format`` of them all."""
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.ruff]\nline-length = {WIDTH}\ntarget-version = "py310"\n'
    )
    for name, text in texts.items():
        (tmp_path / f"{name}.py").write_text(text)
    subprocess.run(
        [*ruff_command(), "format", "--quiet", "--no-cache", "."], cwd=tmp_path, check=True
    )
    return {name: (tmp_path / f"{name}.py").read_text() for name in texts}


def _check(
    tmp_path: Path,
    cases: list[tuple[str, str, int]],
    wrap: Callable[[str, int], str] = _wrap,
) -> None:
    """``cases``: (laid out, plain one-line form, indent). Formatted, each pair must agree, and a
    layout that differs from the plain form must come back unchanged."""
    texts: dict[str, str] = {}
    for i, (laid, plain, indent) in enumerate(cases):
        texts[f"laid{i}"] = wrap(laid, indent)
        texts[f"plain{i}"] = wrap(plain, indent)
    formatted = _format_all(tmp_path, texts)
    taken = 0
    for i, (laid, plain, _indent) in enumerate(cases):
        assert formatted[f"laid{i}"] == formatted[f"plain{i}"], (laid, plain)
        if laid != plain:
            taken += 1
            assert formatted[f"laid{i}"] == texts[f"laid{i}"], laid
    assert taken, "no case took a layout of its own"


def _names(total: int, count: int) -> list[str]:
    """``count`` keyword arguments ``k0=v0`` ... whose ``, ``-joined text is ``total`` long."""
    base = [f"k{i}=v{i}" for i in range(count)]
    missing = max(total - len(", ".join(base)), 0)
    base[-1] = base[-1] + "x" * missing
    return base


def test_call_layout_is_ruffs(tmp_path: Path) -> None:
    cases = []
    heads = ["ENDPOINT = Endpoint(", 'parts.path_params["workspaceId"] = path_param(', "add_query("]
    for head, indent, count in itertools.product(heads, (0, 4, 8), (1, 3, 5)):
        for total in range(70, 120, 3):
            args = _names(total, count)
            laid = layout.call_layout(head, args, indent)
            cases.append((laid, f"{head}{', '.join(args)})", indent))
    # a tuple among the arguments, and text whose width is not its length
    for size in (40, 60, 80):
        args = ['method="GET"', 'path="/v1/' + "x" * size + '"', 'security=(("bearerAuth",),)']
        laid = layout.call_layout("ENDPOINT = Endpoint(", args)
        cases.append((laid, f"ENDPOINT = Endpoint({', '.join(args)})", 0))
    wide = ['path="/v1/' + "é" * 80 + '"', 'operation_id="x"']
    assert layout.call_layout("ENDPOINT = Endpoint(", wide) == (
        f"ENDPOINT = Endpoint({', '.join(wide)})"
    )
    _check(tmp_path, cases)


def test_arguments_are_ruffs(tmp_path: Path) -> None:
    cases = []
    # at least the four arguments every call has (client and the three options): 84 characters
    for count, total in itertools.product((4, 5, 7), range(84, 112, 3)):
        args = _names(total, count)
        # the statement at 4, the call at 8, its arguments at 12 (the operation template's)
        inner = layout.arguments(args, 12)
        laid = f"return (\n        sync_detailed(\n{inner}\n        )\n    ).parsed"
        plain = f"return (sync_detailed({', '.join(args)})).parsed"
        cases.append((laid, plain, 4))
    _check(tmp_path, cases)


@pytest.mark.parametrize("indent", [4, 8, 12])
def test_statements_are_ruffs(tmp_path: Path, indent: int) -> None:
    cases = []
    for size in range(20, 100, 4):
        name = "n" * size
        values = [
            layout.grouped(f'None if (_v1 := src.get("{name}")) is None else parse(_v1)'),
            layout.grouped(f'_KIND_MEMBERS.get(src["{name}"]) or Kind(src["{name}"])'),
            layout.grouped(f'src["{name}"] if "{name}" in src else 0'),
            f'src["{name}"]',
        ]
        for value in values:
            for prefix in (f"obj.{name[:10]} = ", "return "):
                cases.append((layout.statement(value, prefix, indent), prefix + value, indent))
    _check(tmp_path, cases)


def _grouped_values(rng: random.Random) -> list[str]:
    """The grouped forms the planner writes, parts of random lengths (names, keys, callees)."""

    def word(letter: str, most: int) -> str:
        return letter * rng.randint(1, most)

    key, callee = word("k", 45), word("F", 45)
    either = f'_{callee.upper()}_MEMBERS.get(src["{key}"]) or {callee}(src["{key}"])'
    got = f'(_v1 := src.get("{key}")) is None'
    return [
        layout.grouped(f'_{word("M", 50)}_MEMBERS.get(src["{key}"]) or {callee}(src["{key}"])'),
        layout.grouped(f"_{callee}_MEMBERS.get(_v1) or {callee}(_v1)"),
        layout.grouped(f"None if {got} else {callee}(_v1)"),
        layout.grouped(f"None if {got} else list(map({callee}.from_dict, _v1))"),
        layout.grouped(f"None if {got} else [({either}) for _i0 in _v1]"),
        layout.grouped(f"None if {got} else {layout.grouped(either)}"),
        layout.grouped(f'{layout.grouped(either)} if "{key}" in src else {callee}.X'),
        layout.grouped(f"{layout.grouped(either)} if {got} else {layout.grouped(either)}"),
        layout.grouped(f'src["{key}"] if "{key}" in src else {callee}'),
        layout.grouped(f"UNSET if {got} else (None if _v1 is None else {callee}(_v1))"),
        layout.grouped(f'"a if b else c" if "{key} else" in src else {callee}'),  # in strings
        layout.comprehension("[", f"({either})", f'for _i0 in src["{key}"]', "]"),
        layout.comprehension("[", f"{callee}(_i0)", f'for _i0 in src["{key}"]', "]"),
        layout.comprehension(
            "{", f"_k0: {callee}.from_dict(_i0)", f'for _k0, _i0 in src["{key}"].items()', "}"
        ),
        layout.call("list(", f'map({callee}.from_dict, src["{key}"])'),
    ]


@pytest.mark.parametrize("indent", [4, 8, 12])
def test_statements_of_random_lengths_are_ruffs(tmp_path: Path, indent: int) -> None:
    rng = random.Random(indent)
    cases = []
    for _ in range(60):
        target = "obj." + "t" * rng.randint(1, 50) + " = "
        for value in _grouped_values(rng):
            for prefix in (target, "return "):
                cases.append((layout.statement(value, prefix, indent), prefix + value, indent))
    _check(tmp_path, cases)


def test_conditional_parts_are_found_outside_brackets_and_strings() -> None:
    parts = layout._conditional_parts
    assert parts('a if (b if c else d) else "x if y else z"') == (
        "a",
        "if (b if c else d)",
        'else "x if y else z"',
    )
    assert parts("a if b else c if d else e") is None  # nested: left to the formatter
    # an escaped quote does not end a string literal
    assert parts('a if "x\\" else y" else b') == ("a", 'if "x\\" else y"', "else b")
    assert parts("a if 'it\\'s else' else b") == ("a", "if 'it\\'s else'", "else b")
    assert parts("a or b") is None and parts("a else b if c") is None


def test_signatures_are_ruffs(tmp_path: Path) -> None:
    """The ``def`` lines of ``from_dict`` and ``_missing_`` (class level), names of every length;
    under a one-line body so that the module parses (the body stays as it is)."""
    cases = []
    for size in range(30, 110, 3):
        name = "C" * size
        for params, returns in (
            ("cls, src: Mapping[str, Any]", name),
            ("cls, value: object", f"{name} | None"),
        ):
            laid = layout.signature("m", params, returns, 4)
            plain = f"def m({params}) -> {returns}:"
            cases.append((f"{laid}\n        pass", f"{plain}\n        pass", 4))
    _check(tmp_path, cases, wrap=_in_class)


def test_declarations_are_ruffs(tmp_path: Path) -> None:
    rng = random.Random(8)
    cases = []
    for _ in range(150):
        name, kind = "n" * rng.randint(1, 60), "A" * rng.randint(1, 70)
        for annotation, default in (
            (f"{kind} | None", "None"),
            (f"list[{kind}] | Unset", "UNSET"),
            ("str", '"' + "x" * rng.randint(1, 95) + '"'),
        ):
            plain = f"{name}: {annotation} = {default}"
            cases.append((layout.declaration(plain, default, 4) or plain, plain, 4))
    _check(tmp_path, cases, wrap=_in_class)


def test_unknown_fields_calls_are_ruffs(tmp_path: Path) -> None:
    cases = []
    for size, indent in itertools.product(range(40, 110, 3), (12, 16)):
        args = ['"' + "C" * size + '"', "src.keys() - _KNOWN_KEYS" if indent == 12 else "extra"]
        laid = layout.call_layout("unknown_fields(", args, indent)
        cases.append((laid, f"unknown_fields({', '.join(args)})", indent))
    _check(tmp_path, cases)


def _in_class(statement: str, indent: int) -> str:
    return f"from __future__ import annotations\n\n\nclass K:\n    {statement}\n"


def test_assignments_are_ruffs(tmp_path: Path) -> None:
    cases = []
    for target_size, cls_size in itertools.product(range(10, 100, 7), range(10, 110, 9)):
        target = "_" + "T" * target_size + "_MEMBERS: dict[object, " + "C" * cls_size + "]"
        cls = "C" * cls_size
        laid = layout.assignment(target, "member_table", [cls])
        cases.append((laid, f"{target} = member_table({cls})", 0))
    _check(tmp_path, cases)


def test_model_tables_are_ruffs(tmp_path: Path) -> None:
    cases = []
    for count, size in itertools.product((1, 3, 6, 12), (4, 9, 20, 40)):
        keys = [f"k{i}" + "x" * size for i in range(count)]
        literals = [f'"{key}"' for key in sorted(keys)]
        laid = layout.known_keys_statement(literals)
        cases.append(
            (laid, f"_KNOWN_KEYS: frozenset[str] = {layout.frozenset_display(literals)}", 0)
        )
    _check(tmp_path, cases)
