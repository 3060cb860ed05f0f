"""Parsing one file's bytes into plain data: ``dict`` / ``list`` / ``str`` / ``int`` / ``float`` /
``bool`` / ``None``, with every limit that keeps hostile input cheap.

- Bytes -> text: UTF-8 only (a UTF-8 BOM is dropped); NUL bytes, UTF-16/32 and invalid UTF-8 are
  refused with the byte offset turned into ``line:col``.
- JSON: :func:`json.loads` (C), with an ``object_pairs_hook`` that notices duplicate keys.
- YAML: a document of plain YAML (no anchor, alias, tag, merge key or repeated key: most specs)
  is built straight from libyaml's events (:func:`_read_plain_yaml`). Any other is read again
  the general way: libyaml composes a node tree (``CSafeLoader``, pure-Python fallback), then an
  iterative converter (no recursion, so no ``RecursionError``) builds the data in document
  order; both ways give the same data, positions and problems. It
  follows the YAML 1.1 core types with three deliberate differences, all closer to JSON:
  mapping keys are always the key's source text (``200:`` -> ``"200"``, ``on:`` -> ``"on"``),
  timestamps stay strings, and any tag outside the plain data types (``!!python/object``, custom
  ``!include``) is reported instead of constructed. It counts nodes *as expanded through
  aliases* and gives up as soon as that passes :data:`MAX_EXPANDED_NODES` ("billion laughs"),
  refuses recursive aliases, containers deeper than :data:`MAX_DEPTH` and scalars longer than
  :data:`MAX_SCALAR_CHARS`. Aliased containers stay shared objects (a DAG, never copied).

Problems are returned as :class:`Problem` values in file coordinates; the loader turns them into
diagnostics. A problem after which there is no usable document raises :class:`ParseFailure`.
JSON's depth and string-length limits are checked by the loader's document walk (one pass that
also collects ``$ref`` sites), with :func:`json_depth_offset` to place a depth error.
"""

from __future__ import annotations

import json
import re
from dataclasses import field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator import codes
from generator.records import mutable_record, record

MAX_DEPTH = 500
MAX_SCALAR_CHARS = 1 << 20
MAX_EXPANDED_NODES = 5_000_000

try:  # libyaml (C) when PyYAML was built with it
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_YAML = "tag:yaml.org,2002:"
_STR = _YAML + "str"
_INT = _YAML + "int"
_FLOAT = _YAML + "float"
_BOOL = _YAML + "bool"
_NULL = _YAML + "null"
_MERGE = _YAML + "merge"
_SEQ = _YAML + "seq"
_MAP = _YAML + "map"
# Scalars are read as YAML 1.2 (what OpenAPI documents are written in) where YAML 1.1 surprises:
# only true/false are booleans (1.1 also read yes/no/on/off, turning an enum value ``off`` into
# ``False``), no sexagesimal numbers, no timestamps. A number with a leading zero (``0755``: octal
# in 1.1, decimal in 1.2) stays text, as does anything else the two versions read differently. Floats keep the 1.1 spelling (a ``.`` is required, an exponent has a sign), so
# nothing that a YAML 1.1 emitter such as PyYAML writes unquoted as a string is read as a number.
_CORE_RESOLVERS: tuple[tuple[str, str, str], ...] = (
    (_NULL, r"^(?:~|null|Null|NULL|)$", "~nN"),
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (_INT, r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
    (_INT, r"^0x[0-9a-fA-F]+$", "0"),
    (_FLOAT, r"^[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?$", "-+0123456789"),
    (_FLOAT, r"^\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?$", "."),
    (_FLOAT, r"^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$", "-+."),
    (_MERGE, r"^<<$", "<"),  # merge keys: YAML 1.1, but widely used in specs and kept
)
# First character ("" for the empty scalar) -> the implicit resolvers that may apply, in order.
_IMPLICIT: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {"": ((_NULL, re.compile("^$")),)}
for _tag, _pattern, _firsts in _CORE_RESOLVERS:
    for _first in _firsts:
        _IMPLICIT[_first] = (*_IMPLICIT.get(_first, ()), (_tag, re.compile(_pattern)))


def _core_int(text: str) -> int:
    return int(text[2:], 16) if text.startswith("0x") else int(text)


def _core_float(text: str) -> float | str:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    try:
        return float(text.replace("_", ""))
    except ValueError:  # a spelling the resolver let through but Python cannot read: keep the text
        return text


def _implicit_tag(value: str) -> str:
    """The tag of a plain (unquoted, untagged) scalar: the first core resolver that matches."""
    for tag, regexp in _IMPLICIT.get(value[:1], ()):
        if regexp.match(value):
            return tag
    return _STR


class _Loader(_BaseLoader):
    """libyaml composer with a lean tag resolver: same tags as SafeLoader, no path resolvers.

    libyaml calls ``resolve`` once per node from C; the stock method rebuilds a list and checks
    path resolvers on every call, which is a third of the time spent composing a large spec.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _implicit_tag(value) if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


_PLAIN_TAGS = frozenset(
    [
        *(_YAML + name for name in ("str", "int", "float", "bool", "null", "timestamp", "binary")),
        *(_YAML + name for name in ("map", "seq", "omap", "pairs", "set", "merge", "value")),
        "!",
    ]
)
_CONSTRUCTOR = SafeConstructor()
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


@record()
class Problem:
    """One finding in file coordinates.

    ``line``/``col`` are 1-based; 0 means "locate by ``tokens``" (the loader asks the source map).
    ``tokens`` is the pointer inside the file when known. ``first`` is the earlier occurrence of a
    duplicate key when already known.
    """

    code: str
    message: str
    line: int = 0
    col: int = 0
    tokens: tuple[str, ...] | None = None
    hint: str = ""
    first: tuple[int, int] | None = None


class ParseFailure(Exception):
    """No usable document: ``problem`` says why (and where)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@mutable_record()
class Parsed:
    """A parsed document plus its non-fatal problems.

    ``positions`` (YAML only) maps ``id()`` of each container in ``document`` to where its
    members start: for a mapping ``{key: (line, col)}`` of each key, for a sequence a list of
    ``(line, col)`` of each item (1-based). Capturing them while converting costs about 5% of
    the parse; composing the file again on the first diagnostic would cost the whole parse.
    """

    document: Any
    syntax: str
    problems: list[Problem] = field(default_factory=list)
    positions: Positions | None = None


Positions = dict[int, Any]


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def decode(data: bytes) -> str:
    """UTF-8 bytes -> text, refusing binary data and other encodings with a located problem."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseFailure(
            Problem(
                codes.E_ENCODING,
                "file is UTF-16/32 encoded (byte-order mark); only UTF-8 is read",
                1,
                1,
                hint="re-save the file as UTF-8",
            )
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00", 0, 1 << 16)
    if nul >= 0:
        line, col = _byte_position(data, nul)
        raise ParseFailure(
            Problem(
                codes.E_ENCODING,
                f"binary data: NUL byte at byte offset {nul}; this is not a YAML/JSON text file",
                line,
                col,
            )
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start)
        bad = data[exc.start : exc.start + 1].hex()
        raise ParseFailure(
            Problem(
                codes.E_ENCODING,
                f"not valid UTF-8: byte 0x{bad} at byte offset {exc.start}",
                line,
                col,
                hint="re-save the file as UTF-8",
            )
        ) from None
    if not text.strip():
        raise ParseFailure(Problem(codes.E_EMPTY_FILE, "file is empty", 1, 1))
    return text


def looks_like_json(text: str) -> bool:
    """True when the first non-blank character opens a JSON object or array."""
    stripped = text.lstrip()
    return stripped[:1] in ("{", "[")


def parse_text(text: str, *, prefer_json: bool) -> Parsed:
    """Parse ``text``: JSON when ``prefer_json`` (a ``.json`` file), else sniff.

    A ``.json`` file is only ever parsed as JSON (its error is the useful one). Other files that
    start with ``{``/``[`` are tried as JSON first (much faster) and fall back to YAML.
    """
    if prefer_json:
        return parse_json(text)
    if looks_like_json(text):
        try:
            return parse_json(text)
        except ParseFailure as failure:
            if failure.problem.code != codes.E_JSON_SYNTAX:
                raise
    return parse_yaml(text)


# -- JSON --------------------------------------------------------------------------------------
def json_depth_offset(text: str, limit: int = MAX_DEPTH) -> int:
    """Offset of the bracket that first nests deeper than ``limit`` (or -1)."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        c = match.group()
        if c in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif c in "]}":
            depth -= 1
    return -1


def _find_tokens(root: Any, target: Any) -> tuple[str, ...] | None:
    """Pointer tokens of the container ``target`` (by identity) inside ``root``."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(root, ())]
    while stack:
        node, tokens = stack.pop()
        if node is target:
            return tokens
        if isinstance(node, dict):
            stack.extend(
                (v, (*tokens, str(k))) for k, v in node.items() if isinstance(v, dict | list)
            )
        elif isinstance(node, list):
            stack.extend(
                (v, (*tokens, str(i))) for i, v in enumerate(node) if isinstance(v, dict | list)
            )
    return None


def parse_json(text: str) -> Parsed:
    duplicates: list[tuple[dict[str, Any], list[str]]] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            repeated: list[str] = []
            for name, _ in pairs:
                if name in seen:
                    repeated.append(name)
                seen.add(name)
            duplicates.append((obj, repeated))
        return obj

    try:
        document = json.loads(text, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as exc:
        raise ParseFailure(
            Problem(codes.E_JSON_SYNTAX, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno)
        ) from None
    except RecursionError:
        offset = json_depth_offset(text)
        line = text.count("\n", 0, max(offset, 0)) + 1
        col = max(offset, 0) - (text.rfind("\n", 0, max(offset, 0)) + 1) + 1
        raise ParseFailure(
            Problem(codes.E_TOO_DEEP, f"containers nest deeper than {MAX_DEPTH} levels", line, col)
        ) from None
    problems = []
    for obj, names in duplicates:
        tokens = _find_tokens(document, obj)
        for name in dict.fromkeys(names):
            problems.append(
                Problem(
                    codes.E_DUPLICATE_KEY,
                    f"duplicate key {name!r} (the last value wins)",
                    tokens=None if tokens is None else (*tokens, name),
                )
            )
    return Parsed(document, "json", problems)


# -- YAML --------------------------------------------------------------------------------------
def _mark_position(mark: Any) -> tuple[int, int]:
    if mark is None:
        return 1, 1
    return int(mark.line) + 1, int(mark.column) + 1


class _Bail(Exception):
    """The document needs :class:`_YamlConverter` (see :func:`_read_plain_yaml`)."""


def _plain_scalar(value: str) -> Any:
    """A plain (unquoted, untagged) scalar as :class:`_YamlConverter` reads it."""
    tag = _implicit_tag(value)
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value.lower() == "true"
    if tag == _INT:
        return _core_int(value)
    if tag == _FLOAT:
        return _core_float(value)
    return value  # a string, or ``<<`` as a value


def _read_plain_yaml(loader: Any) -> tuple[Any, Positions]:
    """The data and positions of a single-document stream that uses only plain YAML: mappings
    with unique plain keys, sequences, scalars untagged (or ``!``), and nothing past a limit.

    Built straight from the parser's events, this is what :class:`_YamlConverter` makes of the
    same document, without the node tree in between (~40% of reading the Portarium spec).
    Anything else -- an anchor, an alias, a tag, a merge key, a repeated or non-scalar key, a
    scalar document, another document, a limit reached -- raises :class:`_Bail`, and the caller
    reads the text again through the node tree, which handles all of it. A YAML syntax error is
    raised as the parser raises it: reading the nodes would stop at the same event.
    """
    get = loader.get_event
    get()  # the stream's start
    event = get()
    if type(event) is not DocumentStartEvent:
        raise _Bail
    event = get()
    kind = type(event)
    if (kind is not MappingStartEvent and kind is not SequenceStartEvent) or (
        event.anchor is not None or event.tag is not None
    ):
        raise _Bail
    root_mark = event.start_mark
    is_map = kind is MappingStartEvent
    obj: Any = {} if is_map else []
    pos: Any = {} if is_map else []
    root = obj
    positions: Positions = {id(obj): pos}
    stack: list[tuple[Any, bool, Any]] = []  # the containers above the one being filled
    key: str | None = None
    nodes = 1
    while True:
        event = get()
        kind = type(event)
        if kind is ScalarEvent:
            value = event.value
            tag = event.tag
            if event.anchor is not None or len(value) > MAX_SCALAR_CHARS:
                raise _Bail
            if tag is not None and tag != "!":
                raise _Bail
            if is_map and key is None:
                if value in obj or (value == "<<" and event.implicit[0]):
                    raise _Bail  # a repeated key, a merge key
                mark = event.start_mark
                pos[value] = (mark.line + 1, mark.column + 1)
                key = value
                continue
            nodes += 1
            # Untagged or ``!``: libyaml marks either implicit when plain, as the nodes resolve.
            data = _plain_scalar(value) if event.implicit[0] else value
            if is_map:
                obj[key] = data
                key = None
            else:
                mark = event.start_mark
                obj.append(data)
                pos.append((mark.line + 1, mark.column + 1))
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                raise _Bail
            if (is_map and key is None) or len(stack) + 1 >= MAX_DEPTH:
                raise _Bail  # a non-scalar key; a container too deep
            nodes += 1
            new: Any = {} if kind is MappingStartEvent else []
            new_pos: Any = {} if kind is MappingStartEvent else []
            positions[id(new)] = new_pos
            if is_map:
                obj[key] = new
            else:
                mark = event.start_mark
                obj.append(new)
                pos.append((mark.line + 1, mark.column + 1))
            stack.append((obj, is_map, pos))
            obj, is_map, pos, key = new, kind is MappingStartEvent, new_pos, None
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            if not stack:
                break
            obj, is_map, pos = stack.pop()
            key = None
        else:  # an alias
            raise _Bail
    if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
        raise _Bail
    if nodes > MAX_EXPANDED_NODES:
        raise _Bail
    positions[ROOT_POSITION] = (root_mark.line + 1, root_mark.column + 1)
    return root, positions


def compose_yaml(text: str) -> Node | None:
    """libyaml node tree of a single-document stream (``None`` for an empty stream)."""
    loader = _Loader(text)
    try:
        node: Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def parse_yaml(text: str, *, events: bool = True) -> Parsed:
    """``text`` read as YAML: from the parser's events when the document is plain YAML (see
    :func:`_read_plain_yaml`; ``events=False`` never tries), else through the node tree."""
    try:
        if events:
            loader = _Loader(text)
            try:
                document, positions = _read_plain_yaml(loader)
                return Parsed(document, "yaml", [], positions)
            except _Bail:
                pass
            finally:
                loader.dispose()
        root = compose_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _mark_position(mark)
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        if "maximum nesting depth" in problem:
            raise ParseFailure(
                Problem(
                    codes.E_TOO_DEEP, f"containers nest deeper than {MAX_DEPTH} levels", line, col
                )
            ) from None
        hint = ""
        if "expected a single document" in problem:
            hint = "a spec file holds exactly one YAML document (no second '---')"
        raise ParseFailure(
            Problem(codes.E_YAML_SYNTAX, f"invalid YAML: {problem}", line, col, hint=hint)
        ) from None
    except yaml.reader.ReaderError as exc:
        offset = max(int(exc.position), 0)
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise ParseFailure(
            Problem(
                codes.E_YAML_SYNTAX,
                f"invalid YAML: character {exc.character!r} is not allowed in YAML text",
                line,
                col,
            )
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other libyaml errors carry no mark
        raise ParseFailure(Problem(codes.E_YAML_SYNTAX, f"invalid YAML: {exc}", 1, 1)) from None
    if root is None:
        raise ParseFailure(Problem(codes.E_EMPTY_FILE, "file holds no YAML document", 1, 1))
    converter = _YamlConverter()
    document = converter.convert(root)
    converter.positions[ROOT_POSITION] = _mark_position(root.start_mark)
    return Parsed(document, "yaml", converter.problems, converter.positions)


class _Frame:
    __slots__ = ("node", "obj", "index", "size", "token", "merges", "is_map")

    def __init__(self, node: Node, obj: Any, token: str) -> None:
        self.node = node
        self.obj = obj
        self.index = 0
        self.size = 1
        self.token = token
        self.merges: list[dict[str, Any]] | None = None
        self.is_map = isinstance(node, MappingNode)


class _YamlConverter:
    """Node tree -> data, iteratively, in document order (anchors complete before their aliases)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._objects: dict[int, Any] = {}  # id(container node) -> its data object
        self._sizes: dict[int, int] = {}  # id(completed container node) -> expanded size
        self._expanded = 0
        self.positions: Positions = {}

    @staticmethod
    def _tokens(stack: list[_Frame], last: str | None = None) -> tuple[str, ...]:
        tokens = tuple(frame.token for frame in stack[1:])
        return tokens if last is None else (*tokens, last)

    def _tag_problem(self, node: Node, stack: list[_Frame], token: str | None) -> None:
        line, col = _mark_position(node.start_mark)
        self.problems.append(
            Problem(
                codes.E_YAML_TAG,
                f"YAML tag {_short_tag(node.tag)!r} is not allowed (only plain data is read)",
                line,
                col,
                tokens=self._tokens(stack, token),
                hint="remove the tag; a spec is plain data",
            )
        )

    def _scalar(self, node: ScalarNode, stack: list[_Frame], token: str | None) -> Any:
        value = node.value
        if len(value) > MAX_SCALAR_CHARS:
            line, col = _mark_position(node.start_mark)
            raise ParseFailure(
                Problem(
                    codes.E_SCALAR_TOO_LONG,
                    f"a scalar of {len(value):,} characters exceeds the limit of "
                    f"{MAX_SCALAR_CHARS:,}",
                    line,
                    col,
                    tokens=self._tokens(stack, token),
                )
            )
        tag = node.tag
        if tag == _STR:
            return value
        if tag == _NULL:
            return None
        try:
            if tag == _INT:
                return _core_int(value) if not node.style else _CONSTRUCTOR.construct_yaml_int(node)
            if tag == _BOOL:
                if not node.style:
                    return value.lower() == "true"
                return _CONSTRUCTOR.construct_yaml_bool(node)
            if tag == _FLOAT:
                if not node.style:
                    return _core_float(value)
                return _CONSTRUCTOR.construct_yaml_float(node)
        except (ValueError, KeyError, IndexError):
            # An explicit tag on text that is no such value (``!!int abc``): the text is kept,
            # as for a float Python cannot read, and validation judges it where it matters.
            return value
        if tag not in _PLAIN_TAGS:
            self._tag_problem(node, stack, token)
        return value

    def _count(self, amount: int, node: Node) -> None:
        self._expanded += amount
        if self._expanded > MAX_EXPANDED_NODES:
            line, col = _mark_position(node.start_mark)
            raise ParseFailure(
                Problem(
                    codes.E_ALIAS_BOMB,
                    f"YAML aliases expand this document past {MAX_EXPANDED_NODES:,} nodes",
                    line,
                    col,
                    hint="an alias bomb ('billion laughs')? inline the shared parts",
                )
            )

    def _child(self, node: Node, stack: list[_Frame], token: str) -> Any:
        """The data for ``node`` (a new container is pushed on ``stack`` to be filled later)."""
        if isinstance(node, ScalarNode):
            self._count(1, node)
            if stack:
                stack[-1].size += 1
            return self._scalar(node, stack, token)
        key = id(node)
        existing = self._objects.get(key, _MISSING)
        if existing is not _MISSING:
            size = self._sizes.get(key)
            if size is None:
                line, col = _mark_position(node.start_mark)
                raise ParseFailure(
                    Problem(
                        codes.E_ALIAS_BOMB,
                        "recursive YAML alias: a collection contains itself",
                        line,
                        col,
                        tokens=self._tokens(stack, token),
                    )
                )
            self._count(size, node)
            stack[-1].size += size
            return existing
        if len(stack) >= MAX_DEPTH:
            line, col = _mark_position(node.start_mark)
            raise ParseFailure(
                Problem(
                    codes.E_TOO_DEEP,
                    f"containers nest deeper than {MAX_DEPTH} levels",
                    line,
                    col,
                    tokens=self._tokens(stack, token),
                )
            )
        if node.tag not in _PLAIN_TAGS:
            self._tag_problem(node, stack, token)
        obj: Any
        if isinstance(node, MappingNode):
            obj = {}
            self.positions[id(obj)] = {
                k.value: (k.start_mark.line + 1, k.start_mark.column + 1)
                for k, _ in node.value
                if isinstance(k, ScalarNode)
            }
        else:
            obj = []
            self.positions[id(obj)] = [
                (v.start_mark.line + 1, v.start_mark.column + 1) for v in node.value
            ]
        self._objects[key] = obj
        self._count(1, node)
        stack.append(_Frame(node, obj, token))
        return obj

    def _merge_sources(self, value: Node, stack: list[_Frame]) -> list[dict[str, Any]]:
        nodes = value.value if isinstance(value, SequenceNode) else [value]
        sources: list[dict[str, Any]] = []
        for source in nodes:
            if not isinstance(source, MappingNode):
                line, col = _mark_position(source.start_mark)
                self.problems.append(
                    Problem(
                        codes.E_YAML_SYNTAX,
                        "a merge key '<<' needs a mapping (or a list of mappings)",
                        line,
                        col,
                        tokens=self._tokens(stack, "<<"),
                    )
                )
                continue
            data = self._objects.get(id(source))
            if data is None or id(source) not in self._sizes:
                sub = _YamlConverter()
                sub._objects = self._objects
                sub._sizes = self._sizes
                sub._expanded = self._expanded
                sub.positions = self.positions
                data = sub.convert(source)
                self._expanded = sub._expanded
                self.problems.extend(sub.problems)
            size = self._sizes.get(id(source), 1)
            self._count(size, source)
            stack[-1].size += size
            sources.append(data)
        return sources

    def convert(self, root: Node) -> Any:
        if isinstance(root, ScalarNode):
            return self._scalar(root, [], None)
        stack: list[_Frame] = []
        result = self._child(root, stack, "")
        while stack:
            frame = stack[-1]
            items = frame.node.value
            index = frame.index
            if index >= len(items):
                stack.pop()
                if frame.merges:
                    for source in frame.merges:
                        for name, value in source.items():
                            frame.obj.setdefault(name, value)
                self._sizes[id(frame.node)] = frame.size
                if stack:
                    stack[-1].size += frame.size
                continue
            frame.index = index + 1
            if not frame.is_map:
                frame.obj.append(self._child(items[index], stack, str(index)))
                continue
            key_node, value_node = items[index]
            if not isinstance(key_node, ScalarNode):
                line, col = _mark_position(key_node.start_mark)
                self.problems.append(
                    Problem(
                        codes.E_NON_SCALAR_KEY,
                        "a mapping key must be a scalar, not a mapping or sequence",
                        line,
                        col,
                        tokens=self._tokens(stack),
                    )
                )
                continue
            if key_node.tag == _MERGE:
                if frame.merges is None:
                    frame.merges = []
                frame.merges.extend(self._merge_sources(value_node, stack))
                continue
            name = key_node.value
            if key_node.tag not in _PLAIN_TAGS:
                self._tag_problem(key_node, stack, name)
            if name in frame.obj:
                self._duplicate(frame, index, key_node, stack)
            frame.obj[name] = self._child(value_node, stack, name)
        return result

    def _duplicate(
        self, frame: _Frame, index: int, key_node: ScalarNode, stack: list[_Frame]
    ) -> None:
        first: tuple[int, int] | None = None
        for earlier, _ in frame.node.value[:index]:
            if isinstance(earlier, ScalarNode) and earlier.value == key_node.value:
                first = _mark_position(earlier.start_mark)
                break
        line, col = _mark_position(key_node.start_mark)
        self.problems.append(
            Problem(
                codes.E_DUPLICATE_KEY,
                f"duplicate key {key_node.value!r} (the last value wins)",
                line,
                col,
                tokens=self._tokens(stack, key_node.value),
                first=first,
            )
        )


_MISSING = object()
#: Key of the root node's own position in :attr:`Parsed.positions` (``id()`` is never negative).
ROOT_POSITION = -1


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag
