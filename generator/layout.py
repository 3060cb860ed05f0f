"""Statements laid out as ``ruff format`` lays them out, where the layout is certain.

The stock templates print these instead of one-line forms, so that the formatter has nothing to
rewrite in the files it is given: reading and formatting a file costs it less than rewriting
one (on the ext4 of the benchmark machines, 40 vs 27 ms for the Portarium client). GitHub's
client went from 2,181 rewritten modules to 1,345, then to 527; Portarium's from 62 of 303 to
11 (62 -> 16 took ruff format from 43 to 35 ms on that disk). The output does not change: formatting
a layout here and formatting the plain form give the same bytes, which
``tests/unit/test_layout.py`` checks with the real ruff at every length around the limit (the
rules of the later layouts were first read off ruff's output for thousands of random lengths).

The rules followed are black's, which ruff format keeps: a statement that fits in
:data:`LINE_WIDTH` stays on one line; else the last bracket pair is split, its contents on one
line of their own when they fit, else one item a line with a trailing comma; a conditional
expression that does not fit goes in parentheses on a line of its own. A layout is only taken
where the width is certain (printable ASCII, whose width is its length) and the formatter could
not choose another split; anything else is left as the plain form, for the formatter to lay out
as it always did. A trailing comma is only ever written where the formatter writes one, since it
would keep the items one a line from then on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.imports import LINE_LENGTH

LINE_WIDTH = LINE_LENGTH
"""``line-length`` of the generated package's ruff configuration (pyproject.toml.jinja)."""

_PLAIN_ASCII = re.compile(r"[ -~]*")


def plain_ascii(text: str) -> bool:
    """Whether ``text`` is printable ASCII, whose width on a line is its length."""
    return _PLAIN_ASCII.fullmatch(text) is not None


def call_layout(head: str, args: Sequence[str], indent: int = 0) -> str:
    """``head`` + ``args`` + ``)`` as ruff format lays out a call statement that fits or not.

    ``head`` ends with the call's ``(``; the result starts at column ``indent`` (not included).
    On one line when it fits in :data:`LINE_WIDTH`; else the arguments on one line of their
    own when they fit, else one a line with a trailing comma. The formatter then has nothing to
    rewrite (rewriting a file costs more than reading it). Only where the width is certain:
    text that is not printable ASCII, or an argument with a line break or a bracket that the
    formatter might split itself, stays on one line for the formatter to lay out, as before.
    """
    body = ", ".join(args)
    single = f"{head}{body})"
    if (
        indent + len(single) <= LINE_WIDTH
        or indent + len(head) > LINE_WIDTH  # the formatter would split elsewhere
        or not plain_ascii(single)
    ):
        return single
    pad = " " * indent
    if indent + 4 + len(body) <= LINE_WIDTH:
        return f"{head}\n{pad}    {body}\n{pad})"
    if any(indent + 4 + len(arg) + 1 > LINE_WIDTH for arg in args):
        return single  # an argument the formatter would split further: its call
    return head + "\n" + "".join(f"{pad}    {arg},\n" for arg in args) + pad + ")"


def arguments(args: Sequence[str], indent: int) -> str:
    """The lines of a call's arguments between its brackets, at column ``indent``, as ruff
    format writes them once the call itself is split: all on one line when they fit, else one
    a line with a trailing comma. One line too where the width is not certain (text that is not
    printable ASCII): the formatter then splits it as it would have."""
    pad = " " * indent
    body = ", ".join(args)
    if indent + len(body) > LINE_WIDTH and plain_ascii(body):
        return "\n".join(f"{pad}{arg}," for arg in args)
    return pad + body


_GROUPED: dict[str, str] = {}


def grouped(bare: str) -> str:
    """``(bare)``: a conditional (or ``or``) expression in the parentheses that keep it whole
    inside another expression. Recorded, so that :func:`statement` knows, without reading it
    again, that they are redundant around a statement's whole value."""
    text = f"({bare})"
    _GROUPED[text] = bare
    return text


_COMPREHENSIONS: dict[str, tuple[str, str]] = {}


def comprehension(opening: str, element: str, clause: str, closing: str) -> str:
    """``[element clause]`` (``opening`` and ``closing`` its brackets; ``clause`` the ``for``
    clause): recorded, so that :func:`statement` can lay it out without reading it again."""
    text = f"{opening}{element} {clause}{closing}"
    _COMPREHENSIONS[text] = (element, clause)
    return text


_CALLS: dict[str, tuple[str, tuple[str, ...]]] = {}


def call(head: str, *args: str) -> str:
    """``head`` (a callee and its ``(``) + ``args`` + ``)``: recorded, so that :func:`statement`
    lays it out as :func:`call_layout` does."""
    text = f"{head}{', '.join(args)})"
    _CALLS[text] = (head, args)
    return text


def has_layout(expr: str) -> bool:
    """Whether ``expr`` came from :func:`grouped`, :func:`comprehension` or :func:`call`
    (:func:`statement` knows how the formatter lays it out)."""
    return expr in _GROUPED or expr in _COMPREHENSIONS or expr in _CALLS


def forget_recorded() -> None:
    """Empty the records of :func:`grouped`, :func:`comprehension` and :func:`call` (planning
    is over)."""
    _GROUPED.clear()
    _COMPREHENSIONS.clear()
    _CALLS.clear()


# ``name.get(key) or Name(key)``: the enum look-up of :meth:`ModuleCode._decode_enum` (one
# ``or``, each call's brackets holding the same subscript or name).
_EITHER_CALL = re.compile(
    r"(?P<get>[A-Za-z_][\w.]*\.get\()(?P<key>[^()]*)\) or (?P<call>[A-Za-z_][\w.]*\()(?P=key)\)"
)


# What decides where a conditional expression's parts are: string literals (skipped whole),
# brackets, and the ``if`` and ``else`` between its parts.
_CONDITIONAL_TOKENS = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[()\[\]{}]| if | else """)


def _conditional_parts(text: str) -> tuple[str, str, str] | None:
    """``(a, "if c", "else b")`` of ``text`` when it is one conditional expression ``a if c else
    b``: one ``if`` and one ``else`` outside brackets and string literals, in that order."""
    depth = 0
    cuts: list[tuple[int, str]] = []
    for token in _CONDITIONAL_TOKENS.finditer(text):
        found = token.group()
        if found in "([{":
            depth += 1
        elif found in ")]}":
            depth -= 1
        elif depth == 0 and found[0] == " ":
            cuts.append((token.start(), found))
    if len(cuts) != 2 or cuts[0][1] != " if " or cuts[1][1] != " else ":
        return None
    (first, _), (second, _) = cuts
    return text[:first], text[first + 1 : second], text[second + 1 :]


def statement(expr: str, prefix: str, indent: int) -> str:
    """``prefix`` + ``expr`` (``return ``, ``x = ``) as ruff format writes the statement: on one
    line without parentheses around the whole value when it fits; else, for the forms of
    :func:`grouped`, :func:`comprehension` and :func:`call`, as below; as given otherwise (the
    formatter's). Only the parentheses of :func:`grouped` are dropped. The rules were read off
    ruff's output for thousands of random lengths of each part, and
    ``tests/unit/test_layout.py`` checks them with the real ruff.

    - ``t.get(k) or T(k)``: split inside ``T(...)`` when the line up to it fits; else inside
      ``t.get(...)``, when the line up to it and the rest (``) or T(k)``) fit; else the value in
      parentheses, on a line of its own, when it fits there.
    - ``a if c else b``: in parentheses, on a line of its own when it fits there, else one part a
      line (``a``, ``if c``, ``else b``) when each fits, or is an enum look-up that can be laid
      out in its own parentheses (:func:`_conditional_part`).
    - ``[e for x in y]`` (:func:`comprehension`): inside its brackets, on a line of its own when
      it fits there, else ``e`` and ``for x in y`` a line each when both fit.
    - ``f(a, b)`` (:func:`call`): as :func:`call_layout` lays out the call.
    """
    inner = _GROUPED.get(expr)
    if inner is None:
        clauses = _COMPREHENSIONS.get(expr)
        if clauses is not None and plain_ascii(expr):
            return _comprehension_statement(expr, clauses, prefix, indent)
        called = _CALLS.get(expr)
        if called is not None:
            return call_layout(prefix + called[0], called[1], indent)
        return prefix + expr
    if not plain_ascii(expr):
        return prefix + expr
    if indent + len(prefix) + len(inner) <= LINE_WIDTH:
        return prefix + inner
    pad = " " * indent
    wrapped = indent + 4 + len(inner) <= LINE_WIDTH and indent + len(prefix) + 1 <= LINE_WIDTH
    either = _EITHER_CALL.fullmatch(inner)
    if either is not None:
        key = either["key"]
        if indent + 4 + len(key) <= LINE_WIDTH:
            head = f"{prefix}{either['get']}{key}) or {either['call']}"
            if indent + len(head) <= LINE_WIDTH:
                return f"{head}\n{pad}    {key}\n{pad})"
            head = f"{prefix}{either['get']}"
            rest = f") or {either['call']}{key})"
            if indent + len(head) <= LINE_WIDTH and indent + len(rest) <= LINE_WIDTH:
                return f"{head}\n{pad}    {key}\n{pad}{rest}"
        if wrapped:
            return f"{prefix}(\n{pad}    {inner}\n{pad})"
        return prefix + expr
    if " else " not in inner:
        return prefix + expr
    if wrapped:
        return f"{prefix}(\n{pad}    {inner}\n{pad})"
    parts = _conditional_parts(inner)
    if parts is None or indent + len(prefix) + 1 > LINE_WIDTH:
        return prefix + expr
    lines: list[str] = []
    for part in parts:
        laid = _conditional_part(part, indent + 4)
        if laid is None:
            return prefix + expr
        lines += laid
    return f"{prefix}(\n" + "".join(f"{line}\n" for line in lines) + f"{pad})"


def _conditional_part(part: str, indent: int) -> list[str] | None:
    """The lines of one part of a conditional expression laid out one part a line, at column
    ``indent``: the part on its line when it fits; else, for an enum look-up in its parentheses
    (``(t.get(k) or T(k))``, after ``else`` or first), the parentheses on lines of their own around
    the look-up on one line, or one operand a line; None where the formatter would do otherwise."""
    pad = " " * indent
    if indent + len(part) <= LINE_WIDTH:
        return [pad + part]
    if part.startswith("if "):
        return None
    keyword, _, value = part.partition(" ") if part.startswith("else ") else ("", "", part)
    bare = _GROUPED.get(value)
    either = _EITHER_CALL.fullmatch(bare) if bare is not None else None
    if bare is None or either is None:
        return None
    opening = f"{pad}{keyword} (" if keyword else f"{pad}("
    inner = pad + "    "
    if len(inner) + len(bare) <= LINE_WIDTH:
        return [opening, inner + bare, pad + ")"]
    first = f"{either['get']}{either['key']})"
    rest = f"or {either['call']}{either['key']})"
    if len(inner) + max(len(first), len(rest)) <= LINE_WIDTH:
        return [opening, inner + first, inner + rest, pad + ")"]
    return None


def _comprehension_statement(expr: str, parts: tuple[str, str], prefix: str, indent: int) -> str:
    """``prefix`` + the comprehension ``expr`` (of ``parts``: element, clause) laid out."""
    if indent + len(prefix) + len(expr) <= LINE_WIDTH or indent + len(prefix) + 1 > LINE_WIDTH:
        return prefix + expr
    pad = " " * indent
    head, body, tail = f"{prefix}{expr[0]}", expr[1:-1], f"{pad}{expr[-1]}"
    if indent + 4 + len(body) <= LINE_WIDTH:
        return f"{head}\n{pad}    {body}\n{tail}"
    if all(indent + 4 + len(part) <= LINE_WIDTH for part in parts):
        return f"{head}\n{pad}    {parts[0]}\n{pad}    {parts[1]}\n{tail}"
    return prefix + expr


# ``NAME: dict[object, Class]``: the annotation of an enum's look-up table (ModuleCode).
_TABLE_TARGET = re.compile(r"(?P<head>\w+: dict\[)(?P<inner>object, \w+)\]")


def assignment(target: str, function: str, args: Sequence[str], indent: int = 0) -> str:
    """``target = function(args)`` as ruff format writes it: on one line when it fits; else the
    call split (:func:`call_layout`) when its first line fits; else the call in parentheses on a
    line of its own when that fits; else as one line (the formatter's)."""
    head = f"{target} = {function}("
    value = f"{function}({', '.join(args)})"
    line = f"{target} = {value}"
    if indent + len(line) <= LINE_WIDTH or not plain_ascii(line):
        return line
    if indent + len(head) <= LINE_WIDTH:
        return call_layout(head, args, indent)
    pad = " " * indent
    if indent + len(target) + 4 <= LINE_WIDTH and indent + 4 + len(value) <= LINE_WIDTH:
        return f"{target} = (\n{pad}    {value}\n{pad})"
    table = _TABLE_TARGET.fullmatch(target)
    if table is not None:
        # the annotation's brackets split: ``NAME: dict[`` / ``object, Class`` / ``] = f(...)``
        tail = f"] = {value}"
        if max(len(table["head"]), 4 + len(table["inner"]), len(tail)) + indent <= LINE_WIDTH:
            return f"{table['head']}\n{pad}    {table['inner']}\n{pad}{tail}"
    return line


def signature(name: str, params: str, returns: str, indent: int) -> str:
    """``def name(params) -> returns:`` as ruff format writes it at column ``indent`` (not
    included): on one line when it fits; else the parameters on a line of their own when that
    line and ``) -> returns:`` fit; else as one line (the formatter's)."""
    line = f"def {name}({params}) -> {returns}:"
    if indent + len(line) <= LINE_WIDTH or not plain_ascii(line):
        return line
    closing = f") -> {returns}:"
    if indent + 4 + len(params) <= LINE_WIDTH and indent + len(closing) <= LINE_WIDTH:
        pad = " " * indent
        return f"def {name}(\n{pad}    {params}\n{pad}{closing}"
    return line


def declaration(line: str, default: str, indent: int) -> str:
    """The class-level declaration ``line`` (``name: annotation = default``) as ruff format writes
    it at column ``indent`` where that differs from ``line``, else "": when it does not fit, the
    default in parentheses on a line of its own, when that and ``name: annotation = (`` fit."""
    if indent + len(line) <= LINE_WIDTH or not plain_ascii(line):
        return ""
    head = line[: len(line) - len(default)] + "("
    if not line.endswith(" = " + default) or indent + len(head) > LINE_WIDTH:
        return ""
    if indent + 4 + len(default) > LINE_WIDTH:
        return ""
    pad = " " * indent
    return f"{head}\n{pad}    {default}\n{pad})"


def frozenset_display(literals: Sequence[str]) -> str:
    """``frozenset([...])`` of the (already literal) ``literals``; ``frozenset()`` of none."""
    return f"frozenset([{', '.join(literals)}])" if literals else "frozenset()"


def known_keys_statement(literals: Sequence[str]) -> str:
    """``_KNOWN_KEYS: frozenset[str] = <frozenset_display(literals)>`` as ruff format lays it out
    (the list on a line of its own when that fits, else one key a line); as one line where the
    width is not certain (the formatter's then)."""
    head = "_KNOWN_KEYS: frozenset[str] = frozenset("
    line = f"_KNOWN_KEYS: frozenset[str] = {frozenset_display(literals)}"
    if len(line) <= LINE_WIDTH or not plain_ascii(line):
        return line
    listing = "[" + ", ".join(literals) + "]"
    if 4 + len(listing) <= LINE_WIDTH:
        return f"{head}\n    {listing}\n)"
    if any(8 + len(literal) + 1 > LINE_WIDTH for literal in literals):
        return line
    return head + "\n    [\n" + "".join(f"        {lit},\n" for lit in literals) + "    ]\n)"


def wire_line(entries: Sequence[str]) -> str:
    """The ``_wire_`` table of a model class (``entries``: each ``(attribute, wire, omit)``
    tuple display) on one line, where ruff format puts it there: with no entry, or a lone one
    that fits (more keep one a line: the template's trailing comma); else ""."""
    head = "_wire_: ClassVar[WireFields] = ("
    if not entries:
        return f"{head})"
    if len(entries) == 1:
        line = f"{head}{entries[0]},)"
        if 4 + len(line) <= LINE_WIDTH and plain_ascii(line):
            return line
    return ""
