"""Import blocks laid out as ruff's isort rules (``I001``) lay them out in the generated package.

The generated ``pyproject.toml`` selects ruff's ``I`` rules with the default isort settings, so
every import block the planner emits is already in that order and ``ruff check --fix`` has
nothing left to do (the pipeline then skips that pass; ``ruff format`` alone gives the same
bytes). The rules implemented here are exactly those defaults:

- sections, one blank line between them: ``__future__``, standard library, third party, first
  party, local folder (relative imports);
- in a section, ``import x`` statements first, then ``from x import ...`` statements;
- statements ordered by relative level (furthest first), then module name compared
  case-insensitively in natural order (``v2`` before ``v10``), then case-sensitively, then by
  their first member;
- members ordered by type (``CONSTANTS``, then ``Classes``, then ``variables``), then name
  (case-insensitive natural order, then case-sensitive);
- ``from m import a`` statements of one module are merged; ``a as b`` aliases stay one statement
  each (``combine-as-imports`` is off).

Only the simple one-line statements the planner and the stock templates write are understood
(``import m``, ``from m import a, b``, ``from .m import a as a``); long lines are left for
``ruff format`` to wrap, which wraps them exactly as isort would.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable

FUTURE, STDLIB, THIRD_PARTY, FIRST_PARTY, LOCAL = range(5)

_STDLIB: frozenset[str] = frozenset(getattr(sys, "stdlib_module_names", ())) | {
    "collections",
    "dataclasses",
    "datetime",
    "enum",
    "importlib",
    "json",
    "ssl",
    "typing",
    "uuid",
}


_RUNS = re.compile(r"[0-9]+")
_NAT_CACHE: dict[str, str] = {}


def _run_key(match: re.Match[str]) -> str:
    run = match.group()
    if run[0] == "0":
        return "00" + run + "\x00"
    return "01" + chr(len(run)) + run + "\x00"


def natkey(text: str) -> str:
    """A string that sorts (plainly) as ``text`` sorts in natural order as ruff compares names
    (the ``natord`` algorithm).

    There, characters compare by code point; two runs of digits compare as whole numbers (the
    longer run is larger, else the first differing digit decides) unless one starts with ``0``,
    then digit by digit, as fractions (``05`` < ``1`` < ``10``). No other character sorts
    between ``0`` and ``9``, so a run compares with any other character as its first digit
    would. The key spells each run as ``0``, then ``0`` + digits (leading zero) or ``1`` + a
    length character + digits, then a NUL ending it; text without digits is its own key.
    """
    found = _NAT_CACHE.get(text)
    if found is None:
        found = _NAT_CACHE[text] = _RUNS.sub(_run_key, text)
    return found


def _member_type(name: str) -> int:
    if len(name) > 1 and name.isupper():
        return 0  # constant
    if name[:1].isupper():
        return 1  # class
    return 2  # variable


_MEMBER_CACHE: dict[tuple[str, str | None], tuple[object, ...]] = {}


def _member_key(name: str, asname: str | None) -> tuple[object, ...]:
    found = _MEMBER_CACHE.get((name, asname))
    if found is None:
        found = (name != "*", _member_type(name), natkey(name.lower()), natkey(name))
        found += (1, natkey(asname)) if asname is not None else (0, "")
        _MEMBER_CACHE[(name, asname)] = found
    return found


def _section(level: int, module: str, first_party: frozenset[str]) -> int:
    if level:
        return LOCAL
    top = module.split(".", 1)[0]
    if top == "__future__":
        return FUTURE
    if top in _STDLIB:
        return STDLIB
    if top in first_party:
        return FIRST_PARTY
    return THIRD_PARTY


_Member = tuple[str, "str | None"]


_PARSED: dict[str, tuple[int, str, list[_Member]] | tuple[None, str, None]] = {}


def _parse(line: str) -> tuple[int, str, list[_Member]] | tuple[None, str, None]:
    """(level, module, members) of ``from`` statements; (None, module, None) of ``import m``."""
    found = _PARSED.get(line)
    if found is None:
        found = _parse_uncached(line)
        if len(_PARSED) < 1 << 16:  # a model's import recurs in every module that uses it
            _PARSED[line] = found
    return found


def _parse_uncached(line: str) -> tuple[int, str, list[_Member]] | tuple[None, str, None]:
    text = line.strip()
    if text.startswith("import "):
        return None, text[len("import ") :].strip(), None
    if not text.startswith("from ") or " import " not in text:
        raise ValueError(f"not a simple import statement: {line!r}")
    source, names = text[len("from ") :].split(" import ", 1)
    source = source.strip()
    module = source.lstrip(".")
    members: list[_Member] = []
    for part in names.strip().strip("()").split(","):
        part = part.strip()
        if not part:
            continue
        if " as " in part:
            name, asname = part.split(" as ", 1)
            members.append((name.strip(), asname.strip()))
        else:
            members.append((part, None))
    return len(source) - len(module), module, members


LINE_LENGTH = 100
"""``line-length`` of the generated package's ruff configuration (pyproject.toml.jinja)."""


def sort_imports(
    lines: Iterable[str],
    *,
    indent_width: int = 0,
    line_length: int = LINE_LENGTH,
    first_party: Iterable[str] = (),
    wrap_like: Iterable[str] = (),
) -> list[str]:
    """The statements of ``lines`` merged and ordered as ruff's isort defaults order them, with
    ``""`` between sections (no leading or trailing blank line); duplicates disappear.

    The result is physical lines without indentation: a statement longer than ``line_length``
    (counting ``indent_width`` columns of indentation the caller puts before every line) is
    wrapped as isort wraps it, one member per line with a trailing comma.

    ``wrap_like``: statements that also held the members some of ``lines`` no longer import
    (what ``ruff check --fix`` used to remove as unused, F401). Such a statement stays wrapped
    when its longer form would have been wrapped: the fixer wrapped it first and then removed
    members, and the trailing comma it left keeps it wrapped."""
    key = (tuple(line for line in lines if line), indent_width, line_length)
    if not key[0]:
        return []
    return list(_sorted_block(*key, tuple(first_party), tuple(wrap_like)))


@functools.lru_cache(maxsize=4096)
def _sorted_block(
    lines: tuple[str, ...],
    indent_width: int,
    line_length: int,
    first_party: tuple[str, ...],
    wrap_like: tuple[str, ...],
) -> tuple[str, ...]:
    """:func:`sort_imports` on hashable arguments (modules of one API repeat the same blocks)."""
    known = frozenset(first_party)
    straight: dict[int, set[str]] = {}
    merged: dict[tuple[int, int, str], set[str]] = {}
    aliased: dict[tuple[int, int, str], set[tuple[str, str]]] = {}
    _collect(lines, known, straight, merged, aliased)
    wider: dict[tuple[int, int, str], set[str]] = {}
    if wrap_like:
        _collect(wrap_like, known, {}, wider, {})
    statements: dict[int, list[tuple[tuple[object, ...], str]]] = {}
    for key, names in merged.items():
        section, level, module = key
        ordered = sorted(names, key=lambda n: _member_key(n, None))
        text = _from_statement(level, module, ordered, indent_width, line_length)
        if "\n" not in text and key in wider:
            longer = sorted(names | wider[key])
            if "\n" in _from_statement(level, module, longer, indent_width, line_length):
                text = _from_statement(level, module, ordered, 0, 0)  # wrapped
        sort_key = (-level, natkey(module.lower()), natkey(module), _member_key(ordered[0], None))
        statements.setdefault(section, []).append((sort_key, text))
    for key, pairs in aliased.items():
        section, level, module = key
        for name, asname in pairs:
            sort_key = (-level, natkey(module.lower()), natkey(module), _member_key(name, asname))
            text = _from_statement(
                level, module, [f"{name} as {asname}"], indent_width, line_length
            )
            statements.setdefault(section, []).append((sort_key, text))
    out: list[str] = []
    for section in range(5):
        chunk = [
            f"import {module}"
            for module in sorted(
                straight.get(section, ()), key=lambda m: (natkey(m.lower()), natkey(m))
            )
        ]
        for _key, text in sorted(statements.get(section, []), key=lambda st: st[0]):
            chunk.extend(text.split("\n"))
        if chunk:
            if out:
                out.append("")
            out.extend(chunk)
    return tuple(out)


def _collect(
    lines: Iterable[str],
    known: frozenset[str],
    straight: dict[int, set[str]],
    merged: dict[tuple[int, int, str], set[str]],
    aliased: dict[tuple[int, int, str], set[tuple[str, str]]],
) -> None:
    for line in lines:
        if not line.strip():
            continue
        level, module, members = _parse(line)
        if level is None or members is None:
            straight.setdefault(_section(0, module, known), set()).add(module)
            continue
        key = (_section(level, module, known), level, module)
        for name, asname in members:
            if asname is None:
                merged.setdefault(key, set()).add(name)
            else:
                aliased.setdefault(key, set()).add((name, asname))


def _from_statement(
    level: int, module: str, members: list[str], indent_width: int, line_length: int
) -> str:
    head = f"from {'.' * level}{module} import "
    single = head + ", ".join(members)
    if indent_width + len(single) <= line_length:
        return single
    return head + "(\n" + "".join(f"    {m},\n" for m in members) + ")"


def forget() -> None:
    """Empty this module's memo tables (a run's planning is over; they pin memory)."""
    _NAT_CACHE.clear()
    _MEMBER_CACHE.clear()
    _PARSED.clear()
    _sorted_block.cache_clear()
