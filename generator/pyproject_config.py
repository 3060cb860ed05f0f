"""Configuration from ``[tool.portarium-codegen]`` in ``pyproject.toml``, and which file configures.

The table takes exactly the keys of ``codegen.yaml`` and is checked by the same JSON Schema and
consistency rules (:mod:`generator.config`); findings are located in ``pyproject.toml`` (line and
column of the key, found by reading the TOML text: the standard parser keeps no positions).

Which file configures a run (:func:`config_source`):

1. ``--config FILE``: that file (a ``.toml`` file is read as ``pyproject.toml``'s table);
2. else ``codegen.yaml`` in the working directory *or* a ``pyproject.toml`` there with a
   ``[tool.portarium-codegen]`` table;
3. both present: refused (``E0510``, exit 2) -- two configurations that could disagree are
   never merged; delete one, or choose one with ``--config``.

Codes: ``E0510`` both files configure the generator; ``E0511`` ``pyproject.toml`` is not valid
TOML; ``E0512`` ``tool.portarium-codegen`` is not a table.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from generator.config import (
    DEFAULT_CONFIG_NAME,
    Config,
    _check,
    _ConfigLocator,
    _from_data,
    _Positions,
    _validate,
    load_config,
)
from generator.diagnostics import DiagnosticSink, FatalInputError, Location, join_pointer

PYPROJECT = "pyproject.toml"
TABLE = ("tool", "portarium-codegen")
HEADER = "[tool.portarium-codegen]"

E_BOTH_CONFIGS = "E0510"
E_TOML_SYNTAX = "E0511"
E_NOT_A_TABLE = "E0512"

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


class _BadToml(ValueError):
    """The file is not TOML (the parser's message as is)."""


def _loads(text: str) -> dict[str, Any]:
    """``text`` parsed as TOML; the parser is imported on first use (most runs need none)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _BadToml(str(exc)) from exc
    return data


def _table(data: dict[str, Any]) -> Any:
    tool = data.get(TABLE[0])
    return tool.get(TABLE[1]) if isinstance(tool, dict) else None


def _parse(path: Path, sink: DiagnosticSink) -> tuple[dict[str, Any], str]:
    display = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        return _loads(text), text
    except _BadToml as exc:
        found = _TOML_POS.search(str(exc))
        loc = Location(display, int(found.group(1)), int(found.group(2))) if found else None
        diag = sink.error(
            E_TOML_SYNTAX,
            f"{display} is not valid TOML: {_TOML_POS.sub('', str(exc)).strip()}",
            location=loc or Location(display, 0, 0),
        )
        raise FatalInputError(diag) from exc
    except (OSError, UnicodeDecodeError) as exc:
        diag = sink.error("E0502", f"config file cannot be read: {exc}")
        raise FatalInputError(diag) from exc


def has_table(path: Path) -> bool:
    """Whether ``path`` is a TOML file with a ``[tool.portarium-codegen]`` table (quietly False
    when it does not parse: the generator then does not treat it as its configuration)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if TABLE[1] not in text and "\\u" not in text and "\\U" not in text:
        return False  # no key can spell the name (short of an escape): no need to parse
    try:
        data = _loads(text)
    except _BadToml:
        return False
    return _table(data) is not None


def config_source(explicit: str | None, cwd: Path, sink: DiagnosticSink) -> Path | None:
    """The file that configures this run (see the module docstring); ``E0510`` when ambiguous."""
    if explicit:
        return Path(explicit)
    yaml_file = cwd / DEFAULT_CONFIG_NAME
    toml_file = cwd / PYPROJECT
    in_toml = toml_file.is_file() and has_table(toml_file)
    if yaml_file.is_file() and in_toml:
        line = next(
            (
                i
                for i, text in enumerate(toml_file.read_text(encoding="utf-8").splitlines(), 1)
                if text.strip().startswith(HEADER)
            ),
            1,
        )
        diag = sink.error(
            E_BOTH_CONFIGS,
            f"both {DEFAULT_CONFIG_NAME} and {HEADER} in {PYPROJECT} configure the generator; "
            "they are never merged",
            location=Location(str(toml_file), line, 1),
            hint=f"keep one of them, or choose one with --config {DEFAULT_CONFIG_NAME} / "
            f"--config {PYPROJECT}",
        )
        raise FatalInputError(diag)
    if yaml_file.is_file():
        return yaml_file
    return toml_file if in_toml else None


def load_any_config(path: Path | None, sink: DiagnosticSink) -> Config:
    """``codegen.yaml``-style files through :func:`generator.config.load_config`; ``.toml`` files
    through :func:`load_pyproject_config`; ``None``: the defaults."""
    if path is not None and path.suffix == ".toml" and path.is_file():
        return load_pyproject_config(path, sink)
    return load_config(path, sink)


def load_pyproject_config(path: Path, sink: DiagnosticSink) -> Config:
    """The ``[tool.portarium-codegen]`` table of ``path``, validated like ``codegen.yaml``."""
    display = str(path)
    config_sink = DiagnosticSink(default_file=display)
    try:
        data, text = _parse(path, config_sink)
    except FatalInputError:
        sink.extend(config_sink.items)
        raise
    table = _table(data)
    if table is None:
        table = {}
    lines = text.splitlines()
    if not isinstance(table, dict):
        diag = config_sink.error(
            E_NOT_A_TABLE,
            "tool.portarium-codegen must be a table",
            location=Location(display, _find_line(lines, "portarium-codegen") or 1, 1),
        )
        sink.extend(config_sink.items)
        raise FatalInputError(diag)
    locator = _ConfigLocator(_positions(lines, table, display), lines)
    config_sink.locator = locator
    if _validate(table, config_sink, locator) and not config_sink.has_errors:
        _check(table, path, config_sink)
    sink.extend(config_sink.items)
    if config_sink.has_errors:
        raise FatalInputError(config_sink.errors()[0])
    return _from_data(table, path)


def _find_line(lines: list[str], word: str) -> int | None:
    for i, line in enumerate(lines, 1):
        if word in line:
            return i
    return None


def _positions(lines: list[str], table: dict[str, Any], display: str) -> _Positions:
    """Where each key of the table sits, found in the text (the TOML parser keeps no positions).

    A key ``a.b`` is looked for as ``b = ...`` (or ``b = {...}`` inline, or a ``[...a.b]``
    header) after the line where ``a`` was found, within the table's sections.
    """
    pos = _Positions()
    start = next(
        (i for i, text in enumerate(lines) if text.strip().startswith("[tool.portarium-codegen")),
        0,
    )
    pos.values["#"] = Location(display, start + 1, 1)

    def in_section(i: int) -> bool:
        # the lines of [tool.portarium-codegen] and its sub-tables, not other tables
        for j in range(i, -1, -1):
            head = lines[j].strip()
            if head.startswith("["):
                return head.startswith("[tool.portarium-codegen")
        return False

    def find(key: str, after: int) -> tuple[int, int] | None:
        pattern = re.compile(rf'(^|[{{,\s.])("{re.escape(key)}"|{re.escape(key)})\s*=')
        header = re.compile(rf"^\s*\[tool\.portarium-codegen(\.[^\]]*)?\.\"?{re.escape(key)}\"?\]")
        for i in range(after, len(lines)):
            if not in_section(i):
                continue
            if header.match(lines[i]):
                return i, lines[i].index("[") + 1
            found = pattern.search(lines[i])
            if found:
                return i, found.start(2) + 1
        return None

    def walk(node: Any, pointer: str, after: int) -> None:
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            child = join_pointer(pointer, str(key))
            hit = find(str(key), after)
            if hit is None:
                continue
            loc = Location(display, hit[0] + 1, hit[1])
            pos.keys[child] = loc
            pos.values[child] = loc
            walk(value, child, hit[0])

    walk(table, "#", start)
    return pos
