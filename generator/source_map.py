"""Source map: location key -> file:line:col, computed lazily, once per file.

The loader registers every file it reads (its text and whether it was parsed as JSON or YAML).
JSON is never scanned while loading: positions are only needed when a diagnostic is recorded, and
most files never get one. On the first lookup in a file:

- YAML: the parser already captured where each key and item starts (about 5% of the parse), so
  a pointer is followed through the parsed data; a file that failed to parse is composed again
  by libyaml (nodes carry marks) on its first lookup.
- JSON: a small navigator walks from the root along the pointer. For each object or array it
  passes it records the offsets of all members (skipping member values with the C decoder), so
  later lookups reuse the work; no full position table is ever built.

Offsets become ``line:col`` through a table of line starts built on first use. Lines and columns
are 1-based; columns count characters (code points), not bytes.

A *location key* names a value anywhere in a multi-file spec: ``#/paths/~1pets/get`` in the root
document, ``resources/droplets/models/droplet.yml#/properties/id`` in another file (its path
relative to the root document's folder, always with ``/``), or ``https://host/x.yaml#/a`` for a
remote document. :meth:`SourceMap.locate` points at the key of a mapping member (not its value),
at an item of a sequence, and falls back to the nearest existing ancestor when the pointer does not
exist.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from array import array
from collections.abc import Callable
from dataclasses import field
from typing import Any, Literal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.diagnostics import Location, escape_pointer_token, split_pointer
from generator.parsing import ROOT_POSITION
from generator.records import mutable_record

Syntax = Literal["json", "yaml"]

scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"[^,\]}\s]*")
_BLOCK = 1 << 16
_MAX_SHOWN_LINE = 1000
# Bytes that do not continue a UTF-8 character: ``bytes.translate`` deletes them, leaving the
# continuation bytes (0x80-0xBF) to count.
_LEADING_BYTES = bytes(b for b in range(256) if not 0x80 <= b < 0xC0)
# Columns on lines longer than this (minified JSON) are counted through the continuation index.
_SHORT_HEAD = 1 << 12
# Line starts a line table remembers from the positions it computed (then it starts over).
_KEPT_STARTS = 1 << 14

try:  # libyaml (C) when PyYAML was built with it
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _MarkLoader(_BaseLoader):
    """Composes nodes for their marks only: every node gets one tag, no resolver work."""

    def resolve(self, kind: object, value: object, implicit: object) -> str:
        return "tag:yaml.org,2002:str"

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


def is_remote(uri: str) -> bool:
    """True for ``http://`` and ``https://`` URIs (remote documents)."""
    return uri.startswith(("http://", "https://"))


class _LineTable:
    """Offsets <-> (line, col) for one text, from newline counts per block (built on first use).

    ``counts[b]`` is the number of newlines before offset ``b * _BLOCK``; the rest is counted in
    C (``str.count``/``find``) within a block. No table of every line start is built: a 13 MB
    spec has ~350k lines, and splitting it into lines took longer than all lookups together.

    With ``utf8`` the text is a *byte view* (see :func:`byte_view`): offsets are byte offsets and
    columns are turned back into characters here. A column on a short line decodes the line's head;
    on a long one (minified JSON is one line of megabytes) it subtracts the UTF-8 continuation
    bytes before the offset, counted per block once (:attr:`continuations`), so no lookup decodes
    more than a block.
    """

    def __init__(self, text: str, utf8: bool = False) -> None:
        self._text = text
        self._utf8 = utf8
        self._counts: array[int] | None = None
        self._continuations: array[int] | None = None
        # line -> offset of its start, for the lines :meth:`position` found: a diagnostic's
        # source line is asked for right after its position, and stepping through a block's
        # newlines to its line again was a third of locating GitHub's build diagnostics.
        self._starts: dict[int, int] = {}

    @property
    def counts(self) -> array[int]:
        if self._counts is None:
            text = self._text
            counts = array("q", [0])
            total = 0
            for start in range(0, len(text), _BLOCK):
                total += text.count("\n", start, start + _BLOCK)
                counts.append(total)
            self._counts = counts
        return self._counts

    @property
    def continuations(self) -> array[int]:
        """``continuations[b]``: UTF-8 continuation bytes before offset ``b * _BLOCK``."""
        if self._continuations is None:
            text = self._text
            table = array("q", [0])
            total = 0
            for start in range(0, len(text), _BLOCK):
                chunk = text[start : start + _BLOCK].encode("latin-1")
                total += len(chunk.translate(None, _LEADING_BYTES))
                table.append(total)
            self._continuations = table
        return self._continuations

    def _continuations_before(self, offset: int) -> int:
        block = offset // _BLOCK
        head = self._text[block * _BLOCK : offset].encode("latin-1")
        return self.continuations[block] + len(head.translate(None, _LEADING_BYTES))

    def _line_start(self, offset: int, block: int) -> int:
        """Offset just past the last newline before ``offset`` (0 when there is none)."""
        text = self._text
        found = text.rfind("\n", block * _BLOCK, offset)
        if found >= 0:
            return found + 1
        counts = self.counts
        # The first block boundary with as many newlines before it: the last newline is in the
        # block just before it.
        after = bisect.bisect_left(counts, counts[block])
        if after == 0:
            return 0
        return text.rfind("\n", (after - 1) * _BLOCK, after * _BLOCK) + 1

    def position(self, offset: int) -> tuple[int, int]:
        counts = self.counts
        block = min(offset // _BLOCK, len(counts) - 1)
        line = counts[block] + self._text.count("\n", block * _BLOCK, offset) + 1
        start = self._line_start(offset, block)
        if len(self._starts) >= _KEPT_STARTS:
            self._starts.clear()
        self._starts[line] = start
        if self._utf8:
            if offset - start > _SHORT_HEAD:
                # Valid UTF-8 (the loader decoded it) from a line start: every byte but the
                # continuation bytes starts one character.
                skipped = self._continuations_before(offset) - self._continuations_before(start)
                return line, offset - start - skipped + 1
            head = self._text[start:offset]
            if not head.isascii():
                return line, len(head.encode("latin-1").decode("utf-8", "replace")) + 1
        return line, offset - start + 1

    def line_text(self, line: int) -> str | None:
        counts = self.counts
        if not 1 <= line <= counts[-1] + 1:
            return None
        text = self._text
        start = self._starts.get(line, 0)
        if line > 1 and not start:
            # The (line - 1)th newline: find its block, then step through that block.
            block = bisect.bisect_left(counts, line - 1) - 1
            start = block * _BLOCK
            for _ in range(line - 1 - counts[block]):
                start = text.find("\n", start) + 1
        # Minified JSON is one huge line: only its start is ever shown (and searched).
        bound = start + 4 * _MAX_SHOWN_LINE
        end = text.find("\n", start, bound)
        if end < 0:
            end = min(len(text), bound)
        if self._utf8:
            # _MAX_SHOWN_LINE characters take at most 4x as many bytes; a character cut in two
            # at the end lies past them.
            raw = text[start : min(end, start + 4 * _MAX_SHOWN_LINE)].encode("latin-1")
            return raw.decode("utf-8", "ignore")[:_MAX_SHOWN_LINE].rstrip("\r")
        return text[start : min(end, start + _MAX_SHOWN_LINE)].rstrip("\r")


def byte_view(data: bytes) -> str:
    """UTF-8 ``data`` as text with one character per byte (a ``latin-1`` decoding).

    JSON keeps its structure in ASCII, so a byte view can be navigated like the decoded text, at
    one byte per character: a 13 MB file with a single emoji decodes to 50 MB of UCS-4 text, its
    byte view stays 13 MB. Only strings that hold non-ASCII characters read differently, and
    :class:`_JsonNavigator` decodes those keys again.
    """
    return data.decode("latin-1")


class _Scan:
    """How far the members (or items) of one container have been read."""

    __slots__ = ("entries", "next")

    def __init__(self, entries: Any, next_offset: int) -> None:
        self.entries = entries
        #: offset of the next member to read; -1 once the container is read to its end
        self.next = next_offset


_Scans = dict[int, tuple[dict[str, list[tuple[int, int]]], int]]
"""Object offset -> (its members read so far, offset of the next one or -1 at its end)."""


class _JsonNavigator:
    """Follows pointers through JSON text without building a full position table.

    Containers are read only as far as a lookup needs: the members of an object up to the key
    asked for (all of them when the file may have duplicate keys, ``unique_keys`` false, since
    the last one wins), the items of an array up to the index.
    """

    def __init__(self, text: str, utf8: bool = False, unique_keys: bool = False) -> None:
        self._text = text
        self._utf8 = utf8
        self._unique = unique_keys
        # Only the end offset of a skipped value matters: objects become their length as soon
        # as they are read (no dicts built or kept), ~2.5x faster than the default decoder.
        self._decoder = json.JSONDecoder(object_pairs_hook=len)
        # container offset -> {key: [(key offset, value offset), ...]} (all duplicates, in order)
        self._objects: dict[int, _Scan] = {}
        # container offset -> [item offset, ...]
        self._arrays: dict[int, _Scan] = {}

    def _ws(self, i: int) -> int:
        match = _WS.match(self._text, i)
        return match.end() if match else i

    def _skip(self, i: int) -> int:
        text = self._text
        c = text[i]
        if c == '"':
            return int(scanstring(text, i + 1)[1])
        if c in "{[":
            return int(self._decoder.raw_decode(text, i)[1])
        match = _SCALAR.match(text, i)
        return match.end() if match else i + 1

    def scan_levels(self, depth: int) -> _Scans:
        """Read every member of every object on the first ``depth`` levels (the root object is
        the first) and return what was read, for :meth:`adopt` in another process."""
        text = self._text
        level = [self._ws(0)]
        for _ in range(depth):
            deeper: list[int] = []
            for start in level:
                if text[start : start + 1] == "{":
                    self._member(start, None)
                    for found in self._objects[start].entries.values():
                        deeper.extend(value for _, value in found)
            level = deeper
        return {start: (scan.entries, scan.next) for start, scan in self._objects.items()}

    def adopt(self, scans: _Scans) -> None:
        """Take objects read further elsewhere (:meth:`scan_levels` on the same text)."""
        for start, (entries, next_offset) in scans.items():
            scan = self._objects.get(start)
            if scan is None or (scan.next >= 0 and next_offset < 0):
                self._objects[start] = _Scan(entries, next_offset)

    def _member(self, start: int, token: str | None) -> list[tuple[int, int]] | None:
        """Every (key offset, value offset) of member ``token`` of the object at ``start``
        (``None``: read every member, find none)."""
        scan = self._objects.get(start)
        if scan is None:
            scan = self._objects[start] = _Scan({}, self._ws(start + 1))
        members: dict[str, list[tuple[int, int]]] = scan.entries
        found = members.get(token) if token is not None else None
        if found and self._unique:
            return found
        text = self._text
        i = scan.next
        try:
            while i >= 0:
                if not (i < len(text) and text[i] == '"'):
                    i = -1
                    break
                key, j = scanstring(text, i + 1)
                if self._utf8 and not key.isascii():
                    # A byte view: read the key's UTF-8 bytes (and escapes) as characters.
                    literal = text[i + 1 : j].encode("latin-1").decode("utf-8")
                    key = scanstring(literal, 0)[0]
                j = self._ws(j)
                if text[j : j + 1] != ":":
                    i = -1
                    break
                value = self._ws(j + 1)
                members.setdefault(key, []).append((i, value))
                end = self._ws(self._skip(value))
                i = self._ws(end + 1) if text[end : end + 1] == "," else -1
                if key == token and self._unique:
                    break
        except BaseException:
            i = -1  # what was read stays; the rest of this object is never read again
            raise
        finally:
            scan.next = i
        return members.get(token) if token is not None else None

    def _item(self, start: int, index: int) -> int | None:
        """Offset of item ``index`` of the array at ``start`` (None: no such item)."""
        scan = self._arrays.get(start)
        if scan is None:
            first = self._ws(start + 1)
            scan = self._arrays[start] = _Scan(
                [], -1 if self._text[first : first + 1] == "]" else first
            )
        items: list[int] = scan.entries
        text = self._text
        i = scan.next
        try:
            while i >= 0 and len(items) <= index:
                if i >= len(text):
                    i = -1
                    break
                items.append(i)
                end = self._ws(self._skip(i))
                i = self._ws(end + 1) if text[end : end + 1] == "," else -1
        except BaseException:
            i = -1
            raise
        finally:
            scan.next = i
        return items[index] if index < len(items) else None

    def find(self, tokens: list[str]) -> tuple[int, list[int]]:
        """Offset for the deepest existing prefix of ``tokens``, plus all offsets of the last key.

        The second value lists every occurrence of the final member's key (more than one only for
        duplicate keys); it is empty unless the whole pointer exists and ends in an object member.
        """
        pos = self._ws(0)
        anchor = pos
        occurrences: list[int] = []
        try:
            for token in tokens:
                occurrences = []
                c = self._text[pos : pos + 1]
                if c == "{":
                    found = self._member(pos, token)
                    if not found:
                        break
                    anchor, pos = found[-1]
                    occurrences = [k for k, _ in found]
                elif c == "[":
                    item = self._item(pos, int(token)) if token.isdigit() else None
                    if item is None:
                        break
                    anchor = pos = item
                else:
                    break
        except (ValueError, IndexError, RecursionError):
            occurrences = []
        return anchor, occurrences


class _YamlNavigator:
    """Follows pointers through a YAML node tree composed (once) from the text."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._root: Node | None = None
        self._composed = False
        self._members_cache: dict[int, dict[str, list[tuple[Node, Node]]]] = {}

    def _root_node(self) -> Node | None:
        if not self._composed:
            self._composed = True
            loader = _MarkLoader(self._text)
            try:
                self._root = loader.get_single_node()
            except (yaml.YAMLError, RecursionError):
                self._root = None
            finally:
                loader.dispose()
        return self._root

    def _members(self, node: MappingNode) -> dict[str, list[tuple[Node, Node]]]:
        cached = self._members_cache.get(id(node))
        if cached is not None:
            return cached
        members: dict[str, list[tuple[Node, Node]]] = {}
        merges: list[Node] = []
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                continue
            if key.value == "<<" and key.style is None:
                merges.extend(value.value if isinstance(value, SequenceNode) else [value])
                continue
            members.setdefault(key.value, []).append((key, value))
        for source in merges:
            if isinstance(source, MappingNode) and source is not node:
                for name, entries in self._members(source).items():
                    members.setdefault(name, entries)
        self._members_cache[id(node)] = members
        return members

    def find(self, tokens: list[str]) -> tuple[tuple[int, int] | None, list[tuple[int, int]]]:
        """(line, col) of the deepest existing prefix, plus every occurrence of the final key."""
        node = self._root_node()
        if node is None:
            return None, []
        anchor = (node.start_mark.line + 1, node.start_mark.column + 1)
        occurrences: list[tuple[int, int]] = []
        for token in tokens:
            occurrences = []
            if isinstance(node, MappingNode):
                found = self._members(node).get(token)
                if not found:
                    break
                key, node = found[-1]
                anchor = (key.start_mark.line + 1, key.start_mark.column + 1)
                occurrences = [(k.start_mark.line + 1, k.start_mark.column + 1) for k, _ in found]
            elif isinstance(node, SequenceNode):
                if not token.isdigit() or int(token) >= len(node.value):
                    break
                node = node.value[int(token)]
                anchor = (node.start_mark.line + 1, node.start_mark.column + 1)
            else:
                break
        return anchor, occurrences


def _find_in_data(
    document: Any, positions: dict[int, Any], tokens: list[str]
) -> tuple[tuple[int, int] | None, list[tuple[int, int]]]:
    """Follow ``tokens`` through parsed data using positions captured while parsing (YAML)."""
    anchor: tuple[int, int] | None = positions.get(ROOT_POSITION)
    node = document
    last: tuple[int, int] | None = None
    for token in tokens:
        last = None
        table = positions.get(id(node))
        if isinstance(node, dict) and token in node:
            node = node[token]
            last = table.get(token) if isinstance(table, dict) else None
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            index = int(token)
            node = node[index]
            last = table[index] if isinstance(table, list) and index < len(table) else None
        else:
            break
        if last is None:  # a key that came in through a YAML merge: stay at the mapping
            break
        anchor = last
    return anchor, [last] if last is not None and tokens else []


@mutable_record()
class SourceFile:
    """One registered file: its text, how it was parsed, and lazily built indexes.

    YAML files come with ``positions`` captured by the parser (see
    :attr:`generator.parsing.Parsed.positions`) and their ``document``; without them (a file that
    failed to parse) lookups compose the text again.

    ``utf8``: ``text`` is the :func:`byte_view` of the file's UTF-8 bytes (JSON files with
    non-ASCII text); offsets count bytes, line and column are still reported in characters.
    """

    uri: str
    display: str
    text: str
    syntax: Syntax
    utf8: bool = False
    #: JSON that parsed without duplicate keys: a lookup stops at the first occurrence of a key.
    unique_keys: bool = False
    document: Any = field(default=None, repr=False)
    positions: dict[int, Any] | None = field(default=None, repr=False)
    _lines: _LineTable | None = field(default=None, repr=False)
    _json: _JsonNavigator | None = field(default=None, repr=False)
    _yaml: _YamlNavigator | None = field(default=None, repr=False)

    @property
    def lines(self) -> _LineTable:
        if self._lines is None:
            self._lines = _LineTable(self.text, self.utf8)
        return self._lines

    def navigator(self) -> _JsonNavigator:
        """The pointer navigator of a JSON file (made on first use)."""
        if self._json is None:
            self._json = _JsonNavigator(self.text, self.utf8, self.unique_keys)
        return self._json

    def find(self, pointer: str) -> tuple[tuple[int, int] | None, list[tuple[int, int]]]:
        tokens = split_pointer(pointer)
        if self.syntax == "json":
            offset, occurrences = self.navigator().find(tokens)
            return self.lines.position(offset), [self.lines.position(o) for o in occurrences]
        if self.positions is not None:
            return _find_in_data(self.document, self.positions, tokens)
        if self._yaml is None:
            self._yaml = _YamlNavigator(self.text)
        return self._yaml.find(tokens)


class SourceMap:
    """Implements :class:`generator.diagnostics.Locator` over every file of one spec.

    ``base_dir`` is the root document's folder: location keys of other files are relative to it.
    """

    def __init__(self, root_uri: str) -> None:
        self.root_uri = root_uri
        self.base_dir = os.path.dirname(root_uri) if not is_remote(root_uri) else ""
        self._files: dict[str, SourceFile] = {}
        self._by_display: dict[str, SourceFile] = {}
        self._by_rel: dict[str, str] = {}
        self._cwd = os.path.realpath(os.getcwd())
        #: uri -> pointer translation, for documents read in another form (Swagger 2.0).
        self._origins: dict[str, Callable[[str], str]] = {}

    # -- registration and naming ---------------------------------------------------------------
    def add(
        self,
        uri: str,
        text: str,
        syntax: Syntax,
        *,
        document: Any = None,
        positions: dict[int, Any] | None = None,
        utf8: bool = False,
        unique_keys: bool = False,
    ) -> SourceFile:
        """Register (or replace) the text of ``uri`` (with YAML positions once parsed).

        ``utf8``: ``text`` is the :func:`byte_view` of the file; ``unique_keys``: parsed JSON
        without duplicate keys (see :class:`SourceFile`).
        """
        source = SourceFile(
            uri=uri,
            display=self.display(uri),
            text=text,
            syntax=syntax,
            utf8=utf8,
            unique_keys=unique_keys,
            document=document,
            positions=positions,
        )
        self._files[uri] = source
        self._by_display[source.display] = source
        self._by_rel[self.relative(uri)] = uri
        return source

    def set_origin(self, uri: str, original: Callable[[str], str]) -> None:
        """Pointers into ``uri`` name a translated document: ``original`` maps each one back to
        the node of the file as written (see :mod:`generator.swagger2`)."""
        self._origins[uri] = original

    def original_key(self, key: str) -> str:
        """The location key as the file is written (differs only for translated documents)."""
        if not self._origins:
            return key
        uri, pointer = self.split_key(key)
        origin = self._origins.get(uri)
        return key if origin is None else self.key(uri, origin(pointer))

    def file(self, uri: str) -> SourceFile | None:
        return self._files.get(uri)

    def display(self, uri: str) -> str:
        """How a file is named in messages: relative to the working directory when possible."""
        if is_remote(uri):
            return uri
        rel = os.path.relpath(uri, self._cwd)
        return uri if rel == ".." or rel.startswith(".." + os.sep) else rel

    def relative(self, uri: str) -> str:
        """The file part of a location key ("" for the root document)."""
        if uri == self.root_uri:
            return ""
        if is_remote(uri) or not self.base_dir:
            return uri
        return os.path.relpath(uri, self.base_dir).replace(os.sep, "/")

    def key(self, uri: str, pointer: str) -> str:
        """The location key of ``pointer`` (``#`` or ``#/...``) inside ``uri``."""
        if not pointer.startswith("#"):
            pointer = "#" + pointer
        return self.relative(uri) + pointer

    def split_key(self, key: str) -> tuple[str, str]:
        """Location key -> (uri, pointer)."""
        file_part, _, fragment = key.partition("#")
        pointer = "#" + fragment
        if not file_part:
            return self.root_uri, pointer
        uri = self._by_rel.get(file_part)
        if uri is None:
            if is_remote(file_part) or os.path.isabs(file_part):
                uri = file_part
            else:
                uri = os.path.normpath(os.path.join(self.base_dir, file_part))
        return uri, pointer

    # -- Locator protocol ---------------------------------------------------------------------
    def locate(self, pointer: str) -> Location | None:
        """Location of a location key (or a plain ``#/...`` pointer into the root document)."""
        uri, inner = self.split_key(pointer)
        return self.locate_in(uri, inner)

    def locate_in(self, uri: str, pointer: str, *, as_written: bool = False) -> Location | None:
        """Location of ``pointer`` in ``uri``; ``as_written``: a pointer into the file as
        written, also for a translated document."""
        source = self._files.get(uri)
        if source is None:
            return None
        origin = None if as_written else self._origins.get(uri)
        if origin is not None:
            pointer = origin(pointer)
        position, _ = source.find(pointer)
        if position is None:
            return None
        return Location(source.display, position[0], position[1])

    def key_occurrences(self, uri: str, pointer: str) -> list[Location]:
        """Every location of the last key of ``pointer`` (several only for duplicate keys)."""
        source = self._files.get(uri)
        if source is None:
            return []
        origin = self._origins.get(uri)
        _, occurrences = source.find(origin(pointer) if origin else pointer)
        return [Location(source.display, line, col) for line, col in occurrences]

    def position(self, uri: str, line: int, col: int) -> Location:
        """A location from a known line and column (parse errors)."""
        source = self._files.get(uri)
        return Location(source.display if source else self.display(uri), line, col)

    def offset_location(self, uri: str, offset: int) -> Location:
        """A location from an offset into the registered text (``SourceFile.text``)."""
        source = self._files.get(uri)
        if source is None:
            return Location(self.display(uri), 0, 0)
        line, col = source.lines.position(offset)
        return Location(source.display, line, col)

    def scan_levels(self, depth: int, least: int) -> dict[str, _Scans]:
        """For each JSON file of at least ``least`` characters: its objects on the first
        ``depth`` levels, read to their end (:meth:`_JsonNavigator.scan_levels`), for another
        process to :meth:`adopt`: locating a pointer there then skips no sibling on those
        levels."""
        return {
            uri: source.navigator().scan_levels(depth)
            for uri, source in self._files.items()
            if source.syntax == "json" and len(source.text) >= least
        }

    def adopt(self, scans: dict[str, _Scans]) -> None:
        """Take what :meth:`scan_levels` read (in a process with the same files)."""
        for uri, found in scans.items():
            source = self._files.get(uri)
            if source is not None and source.syntax == "json":
                source.navigator().adopt(found)

    def source_line(self, location: Location) -> str | None:
        source = self._by_display.get(location.file)
        if source is None:
            return None
        return source.lines.line_text(location.line)


def pointer_from_tokens(tokens: list[str] | tuple[str, ...]) -> str:
    """``["paths", "/a"]`` -> ``#/paths/~1a``."""
    joined = "/".join(tokens)
    if "~" in joined or joined.count("/") != len(tokens) - 1:  # a token to escape
        joined = "/".join(escape_pointer_token(t) for t in tokens)
    return "#/" + joined if tokens else "#"
