"""Load stage: read the root document and every file its ``$ref``\\ s name, into plain data.

Shape of the result (:class:`LoadedSpec`)::

    root_uri     "/abs/path/openapi.yaml"              (realpath of the root document)
    documents    {uri: parsed document}                root first, then external files, each once
    refs         [RefSite(uri, pointer, ref), ...]     every "$ref" found, in document order
    source_map   SourceMap                             location key -> file:line:col, lazily
    oas          "3.0" | "3.1" | "3.2" | None          the rules to read the spec with
    self_uris    {uri: "$self" base URI}              documents that name their canonical URI
    swagger_document                                   a Swagger 2.0 root as written, or None

What this stage owns:

- Reading and parsing each file (:mod:`generator.parsing`: fast C parsers, limits against
  hostile input) and reporting every problem at ``file:line:col`` (codes ``E01xx``).
- The ``openapi`` version field of the root document (``E013x``); a Swagger 2.0 root document
  (``swagger: "2.0"``) is translated to its OpenAPI 3.0 form here (:mod:`generator.swagger2`),
  with a map from its pointers back to the file as written for every diagnostic.
- Following external ``$ref``\\ s: relative to the referring file, transitively, each file once
  (cycles across files are fine). ``http(s)://`` documents only with ``allow_remote_refs``,
  files outside the root document's folder only with ``allow_outside_root`` (``E030x``).

What it leaves to later stages: whether internal pointers resolve (:func:`check_refs`, run with
the validate stage, reports dangling ones using :func:`resolve_ref`), and what the documents mean.

Which ``$ref``\\ s count: a ``"$ref"`` member of an object, except as a *name* in a map of names
(``properties``, ``schemas``, ``responses``, ...) where its value is not a string (a property
called "$ref"; ``properties: {$ref: file.yml}`` is a reference, as bundlers read it). Refs inside
literal values (``example``, ``default``, ``enum``, ``const``, an Example Object's ``value``, a
schema's ``examples`` list) and inside ``x-`` extensions are kept with ``literal=True``: they are
data, never followed; only an extension's ref that would not resolve is reported (``W0261``,
docs/recovery.md). A dangling ref or a missing file is a recovery too (``W0320`` / ``W0321``).
"""

from __future__ import annotations

import os
import posixpath
import re
import urllib.parse
from dataclasses import field
from pathlib import Path
from typing import Any

from generator import codes
from generator.diagnostics import (
    Diagnostic,
    DiagnosticSink,
    FatalInputError,
    Location,
    Severity,
    split_pointer,
)
from generator.parsing import (
    MAX_DEPTH,
    MAX_SCALAR_CHARS,
    ParseFailure,
    Problem,
    decode,
    json_depth_offset,
    parse_text,
)
from generator.records import mutable_record, record
from generator.source_map import SourceMap, byte_view, is_remote, pointer_from_tokens

__all__ = [
    "LoadedSpec",
    "RefSite",
    "check_refs",
    "load_spec",
    "location_key",
    "resolve_ref",
]

REMOTE_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_BYTES = 64 * 2**20

#: Keys whose object value maps *names* (not keywords) to things: "$ref" there is a name.
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "dependentSchemas",
        "$defs",
        "definitions",
        "schemas",
        "responses",
        "parameters",
        "examples",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
        "paths",
        "webhooks",
        "content",
        "encoding",
        "variables",
        "mapping",
        "scopes",
    }
)
#: Keys whose value is literal data (never holds references).
LITERAL_KEYS = frozenset({"example", "default", "enum", "const"})

_NAME_MAP = 1  # this object maps names to things
_EXAMPLE_ENTRIES = 2  # ... and the things are Example Objects
_EXAMPLE = 4  # this object is an Example Object (its "value" is literal)
_LITERAL = 8  # inside literal data
_EXTENSION = 16  # inside the value of an ``x-`` extension (opaque data)
#: Maps of names whose ``x-`` keys are still extensions (Paths and Responses Objects).
EXTENSIBLE_MAPS = frozenset({"paths", "responses"})
_EXT_MAP = 32  # this name map is one of EXTENSIBLE_MAPS

_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:-.+)?$")


@record(slots=True)
class RefSite:
    """One ``{"$ref": ...}`` object: the document it is in, its pointer, and the ref as written."""

    uri: str
    pointer: str
    ref: Any
    #: Inside literal data (``example``, ``default``, an ``x-`` extension, ...): never followed.
    literal: bool = False
    #: Inside an ``x-`` extension: reported (``W0261``) only when it would not resolve.
    extension: bool = False

    @property
    def ref_pointer(self) -> str:
        """Pointer of the ``$ref`` member itself (where diagnostics about the ref point)."""
        return f"{self.pointer}/$ref"


@mutable_record()
class LoadedSpec:
    """Every document of one spec, parsed, plus the map back to their source text.

    ``openapi_version`` is the ``openapi`` field as written; ``oas`` the rules it is read with
    ("3.0", "3.1" or "3.2"; ``None`` when the version is missing or unsupported, which the loader
    reported as an error). 3.2 is 3.1 plus what :mod:`generator.path_items` and the operation and
    media-type readers know of it (``query``, ``additionalOperations``, ``in: querystring``,
    ``itemSchema``, ``$self``).

    ``self_uris`` maps a loaded document to its ``$self`` (OpenAPI 3.2: the document's canonical
    absolute URI, the base for its relative references). An absolute ``$ref`` under the same
    origin as a ``$self`` names a local file at the same relative place
    (:meth:`target_uri`), so documents that refer to each other by canonical URI load from disk
    rather than from the network.
    """

    root_uri: str
    documents: dict[str, Any]
    source_map: SourceMap
    refs: list[RefSite] = field(default_factory=list)
    openapi_version: str | None = None
    oas: str | None = None
    #: uri -> code, for documents that could not be loaded (their refs were already reported).
    failed: dict[str, str] = field(default_factory=dict)
    self_uris: dict[str, str] = field(default_factory=dict)
    #: Swagger 2.0 input: the root document as written (``documents`` holds its 3.0 form, see
    #: :mod:`generator.swagger2`); ``None`` for OpenAPI 3 input.
    swagger_document: dict[str, Any] | None = None
    _targets: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)

    @property
    def root(self) -> dict[str, Any]:
        doc = self.documents[self.root_uri]
        assert isinstance(doc, dict)
        return doc

    @property
    def is_multi_file(self) -> bool:
        return len(self.documents) > 1

    def display_name(self, uri: str) -> str:
        """A document's name for messages: relative to the working directory when possible."""
        return self.source_map.display(uri)

    def key(self, uri: str, pointer: str) -> str:
        """Same as :func:`location_key`."""
        return self.source_map.key(uri, pointer)

    def target_uri(self, address: str, base_uri: str) -> str | None:
        """Document URI named by the part of a ``$ref`` before ``#`` (``None``: unsupported)."""
        if not address:
            return base_uri
        cache_key = (base_uri if is_remote(base_uri) else os.path.dirname(base_uri), address)
        if cache_key in self._targets:
            return self._targets[cache_key]
        target = _target_uri(address, base_uri)
        if target is not None and self.self_uris and is_remote(target):
            target = self._local_twin(target)
        self._targets[cache_key] = target
        return target

    def _local_twin(self, target: str) -> str:
        """The loaded or local document an absolute URI names through some document's ``$self``
        (``target`` itself when none applies): the same path relative to the ``$self``'s folder,
        taken relative to that document's file."""
        for uri, self_uri in self.self_uris.items():
            if target == self_uri:
                return uri
            if is_remote(uri):
                continue
            own, other = urllib.parse.urlsplit(self_uri), urllib.parse.urlsplit(target)
            if (own.scheme, own.netloc) != (other.scheme.lower(), other.netloc.lower()):
                continue
            relative = posixpath.relpath(
                urllib.parse.unquote(other.path), posixpath.dirname(own.path) or "/"
            )
            return os.path.realpath(os.path.join(os.path.dirname(uri), relative))
        return target

    def note_self(self, uri: str, document: Any) -> None:
        """Record the ``$self`` of a freshly parsed OpenAPI document (3.2 and later)."""
        value = document.get("$self") if isinstance(document, dict) else None
        if not isinstance(value, str) or not value.strip() or "openapi" not in document:
            return
        value = urllib.parse.urldefrag(value.strip())[0]
        if not urllib.parse.urlsplit(value).scheme:
            # A relative $self is resolved against where the document was read from.
            value = urllib.parse.urljoin(uri if is_remote(uri) else Path(uri).as_uri(), value)
        split = urllib.parse.urlsplit(value)
        self.self_uris[uri] = urllib.parse.urlunsplit(
            (split.scheme.lower(), split.netloc.lower(), split.path, split.query, "")
        )
        self._targets.clear()


def _target_uri(address: str, base_uri: str) -> str | None:
    scheme = urllib.parse.urlsplit(address).scheme.lower()
    if scheme in ("http", "https"):
        return urllib.parse.urldefrag(address)[0]
    if is_remote(base_uri):
        return urllib.parse.urljoin(base_uri, address) if not scheme else None
    if scheme == "file":
        from urllib.request import url2pathname  # only for file: URIs (urllib.request is slow)

        path = url2pathname(urllib.parse.urlsplit(address).path)
    elif scheme and len(scheme) > 1:  # "c:" would be a drive letter
        return None
    else:
        path = urllib.parse.unquote(address)
    return os.path.realpath(os.path.join(os.path.dirname(base_uri), path))


def location_key(spec: LoadedSpec, uri: str, pointer: str) -> str:
    """``#/a/b`` in the root document, ``rel/path.yaml#/a/b`` in others (relative to its folder)."""
    return spec.source_map.key(uri, pointer)


def _follow(node: Any, tokens: list[str]) -> tuple[bool, Any]:
    for token in tokens:
        if isinstance(node, dict):
            if token not in node:
                return False, None
            node = node[token]
        elif isinstance(node, list):
            if not token.isdigit() or int(token) >= len(node) or (token != "0" and token[0] == "0"):
                return False, None
            node = node[int(token)]
        else:
            return False, None
    return True, node


def split_ref(ref: str) -> tuple[str, str | None]:
    """``"f.yaml#/a%20b"`` -> (``"f.yaml"``, ``"#/a b"``); fragment ``None`` if not a pointer."""
    address, _, fragment = ref.partition("#")
    if "%" in fragment:
        fragment = urllib.parse.unquote(fragment)
    if fragment and not fragment.startswith("/"):
        return address, None
    return address, "#" + fragment


def resolve_ref(spec: LoadedSpec, ref: str, base_uri: str) -> tuple[str, str, Any] | None:
    """Resolve ``ref`` written in ``base_uri``: (target uri, ``#/...`` pointer, node) or ``None``.

    ``None`` when the document is not loaded, the pointer does not exist, or the fragment is not
    a JSON pointer (``#anchor``). The target is returned as is: a target that is itself a
    ``$ref`` object is not followed.
    """
    address, pointer = split_ref(ref)
    if pointer is None:
        return None
    uri = spec.target_uri(address, base_uri)
    if uri is None or uri not in spec.documents:
        return None
    document = spec.documents[uri]
    found, node = _follow(document, split_pointer(pointer))
    if not found and "%" in ref:
        # A pointer written without percent-encoding whose keys contain '%'.
        raw = "#" + ref.partition("#")[2]
        found, node = _follow(document, split_pointer(raw))
        pointer = raw
    if not found:
        return None
    return uri, pointer, node


def check_refs(spec: LoadedSpec, sink: DiagnosticSink) -> None:
    """Report ``$ref``\\ s that do not resolve: see :func:`generator.refcheck.check_refs`."""
    from generator.refcheck import check_refs as check  # refcheck reads this module's types

    check(spec, sink)


# -- the walk over one document ----------------------------------------------------------------
Chain = tuple[str, "Chain"] | None


def _tokens(chain: Chain) -> list[str]:
    out: list[str] = []
    while chain is not None:
        out.append(chain[0])
        chain = chain[1]
    out.reverse()
    return out


def scan_document(
    document: Any, *, check_json_limits: bool, check_strings: bool
) -> tuple[list[tuple[str, Any, int]], tuple[str, list[str]] | None]:
    """Collect ``(pointer, ref, opaque)`` for every ``$ref`` in document order.

    ``opaque`` is 0 for a reference, else ``_LITERAL`` for a ``$ref`` inside literal data (an
    ``example``, a ``default``, ...) or ``_EXTENSION`` for one inside an ``x-`` extension: such
    refs are data, never followed (docs/recovery.md, ``W0261``).
    With ``check_json_limits`` the walk also stops at the first container deeper than
    ``MAX_DEPTH``, and with ``check_strings`` at the first string longer than
    ``MAX_SCALAR_CHARS``; the second value is then ``(code, pointer tokens)`` of that place (YAML
    documents were checked while parsing).

    Equal string values are made one object on the way (``"string"``, ``"object"``, refs and
    descriptions repeat thousands of times: ~8 MB of github-rest.json's ~10 MB of values).
    """
    refs: list[tuple[str, Any, int]] = []
    strings: dict[str, str] = {}
    stack: list[tuple[Any, Chain, int, int]] = [(document, None, 0, 0)]
    while stack:
        node, chain, depth, flags = stack.pop()
        if check_json_limits and depth > MAX_DEPTH:
            return refs, (codes.E_TOO_DEEP, _tokens(chain))
        literal = flags & (_LITERAL | _EXTENSION)
        children: list[tuple[Any, Chain, int, int]] = []
        if type(node) is dict:
            name_map = flags & _NAME_MAP
            if "$ref" in node:
                ref = node["$ref"]
                # In a map of names "$ref" is a name, unless its value is a string: a property
                # schema is never a string, and specs do write `properties: {$ref: file.yml}`.
                if not name_map or type(ref) is str:
                    refs.append((pointer_from_tokens(_tokens(chain)), ref, literal))
            for key, value in node.items():
                kind = type(value)
                if kind is dict or kind is list:
                    if literal:
                        child = literal
                    elif (
                        (not name_map or flags & _EXT_MAP)
                        and type(key) is str
                        and key.startswith("x-")
                    ):
                        child = _EXTENSION  # extensions are opaque data, never references
                    elif name_map:
                        child = _EXAMPLE if flags & _EXAMPLE_ENTRIES else 0
                    elif key in LITERAL_KEYS or (key == "value" and flags & _EXAMPLE):
                        child = _LITERAL
                    elif key in NAME_MAPS:
                        if key in EXTENSIBLE_MAPS:
                            child = _NAME_MAP | _EXT_MAP
                        elif key != "examples":
                            child = _NAME_MAP
                        elif kind is list:
                            child = _LITERAL
                        else:
                            child = _NAME_MAP | _EXAMPLE_ENTRIES
                    else:
                        child = 0
                    children.append((value, (key, chain), depth + 1, child))
                elif kind is str:
                    if check_strings and len(value) > MAX_SCALAR_CHARS:
                        return refs, (codes.E_SCALAR_TOO_LONG, [*_tokens(chain), key])
                    shared = strings.setdefault(value, value)
                    if shared is not value:
                        node[key] = shared  # same key: allowed while iterating
                if check_strings and len(key) > MAX_SCALAR_CHARS:
                    return refs, (codes.E_SCALAR_TOO_LONG, [*_tokens(chain), key])
        elif type(node) is list:
            for index, value in enumerate(node):
                kind = type(value)
                if kind is dict or kind is list:
                    children.append((value, (str(index), chain), depth + 1, literal))
                elif kind is str:
                    if check_strings and len(value) > MAX_SCALAR_CHARS:
                        return refs, (codes.E_SCALAR_TOO_LONG, [*_tokens(chain), str(index)])
                    shared = strings.setdefault(value, value)
                    if shared is not value:
                        node[index] = shared
        if children:
            children.reverse()
            stack.extend(children)
    return refs, None


def _add_json(
    smap: SourceMap, uri: str, text: str, data: bytes, *, unique_keys: bool = False
) -> str:
    """Register a JSON file: its text when ASCII, else the byte view of ``data``; returns it.

    A byte view is one byte per character; the decoded text of a file with one character past
    U+FFFF takes four (github-rest.json: 13 MB of bytes, 50 MB of text kept for the whole run).
    """
    if text.isascii():
        smap.add(uri, text, "json", unique_keys=unique_keys)
        return text
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    view = byte_view(data[bom:] if bom else data)
    smap.add(uri, view, "json", utf8=True, unique_keys=unique_keys)
    return view


def _has_long_line(text: str, limit: int = MAX_SCALAR_CHARS) -> bool:
    """Whether a line of ``text`` is longer than ``limit`` characters.

    Window by window, in C: a window of ``limit + 1`` characters without a newline is such a
    line; else the next window starts after the last newline of this one (each step moves on by
    about ``limit``, so a 13 MB text takes a dozen steps instead of a split into 400k lines)."""
    start, size = 0, len(text)
    while size - start > limit:
        newline = text.rfind("\n", start, start + limit + 1)
        if newline < 0:
            return True
        start = newline + 1
    return False


# -- the loader --------------------------------------------------------------------------------
class _Loader:
    def __init__(
        self,
        sink: DiagnosticSink,
        *,
        allow_remote_refs: bool,
        allow_outside_root: bool,
        max_bytes: int,
    ) -> None:
        self.sink = sink
        self.allow_remote_refs = allow_remote_refs
        self.allow_outside_root = allow_outside_root
        self.max_bytes = max_bytes
        self.last: Diagnostic | None = None

    # diagnostics helpers
    def _problem(self, spec: LoadedSpec, uri: str, problem: Problem, hint: str = "") -> None:
        """Record ``problem`` (file coordinates) as a diagnostic; remembered in ``self.last``."""
        smap = spec.source_map
        pointer = spec.key(uri, pointer_from_tokens(problem.tokens or ()))
        location: Location | None = None
        message = problem.message
        if problem.line:
            location = smap.position(uri, problem.line, problem.col)
        elif problem.tokens is not None:
            occurrences = smap.key_occurrences(uri, pointer_from_tokens(problem.tokens))
            if occurrences:
                location = occurrences[-1]
                if problem.code == codes.E_DUPLICATE_KEY and len(occurrences) > 1:
                    first = occurrences[0]
                    message += f"; first defined at {first.file}:{first.line}:{first.col}"
            else:
                location = smap.locate_in(uri, pointer_from_tokens(problem.tokens))
        if problem.first is not None and location is not None:
            message += f"; first defined at {location.file}:{problem.first[0]}:{problem.first[1]}"
        hints = "; ".join(h for h in (problem.hint, hint) if h)
        self.last = self.sink.add(
            problem.code,
            Severity.ERROR,
            message,
            pointer if problem.tokens is not None else "",
            hint=hints,
            location=location or Location(smap.display(uri), 0, 0),
            locator=smap,
        )

    # reading
    def _read(self, uri: str) -> tuple[bytes | None, str, str]:
        """(bytes, code, message); bytes is None on failure."""
        if is_remote(uri):
            return self._fetch(uri)
        path = Path(uri)
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None, codes.E_FILE_NOT_FOUND, f"file not found: {uri}"
        except OSError as exc:
            return None, codes.E_READ_FAILED, f"cannot read {uri}: {exc.strerror or exc}"
        if path.is_dir():
            return None, codes.E_NOT_A_FILE, f"{uri} is a directory, not a spec file"
        if not path.is_file():
            return None, codes.E_NOT_A_FILE, f"{uri} is not a regular file"
        if stat.st_size > self.max_bytes:
            return (
                None,
                codes.E_FILE_TOO_LARGE,
                f"file is {stat.st_size:,} bytes, over the limit of {self.max_bytes:,}",
            )
        try:
            with open(path, "rb") as handle:
                data = handle.read(self.max_bytes + 1)
        except OSError as exc:
            return None, codes.E_READ_FAILED, f"cannot read {uri}: {exc.strerror or exc}"
        if len(data) > self.max_bytes:
            return (
                None,
                codes.E_FILE_TOO_LARGE,
                f"file is over the limit of {self.max_bytes:,} bytes",
            )
        return data, "", ""

    def _fetch(self, url: str) -> tuple[bytes | None, str, str]:
        import urllib.error  # imported here: ~20 ms that runs without remote refs never need
        import urllib.request

        request = urllib.request.Request(
            url,
            headers={
                "User-Agent": "portarium-codegen",
                "Accept": "application/yaml, application/json;q=0.9, */*;q=0.5",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=REMOTE_TIMEOUT_SECONDS) as response:
                data = response.read(self.max_bytes + 1)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            return None, codes.E_REMOTE_FETCH_FAILED, f"cannot fetch {url}: {reason}"
        if len(data) > self.max_bytes:
            return (
                None,
                codes.E_FILE_TOO_LARGE,
                f"{url} is over the limit of {self.max_bytes:,} bytes",
            )
        return bytes(data), "", ""

    def _parse(self, spec: LoadedSpec, uri: str, data: bytes, hint: str) -> Any:
        """Parse one file's bytes; records diagnostics; raises ParseFailure (already reported)."""
        smap = spec.source_map
        lowered = urllib.parse.urlsplit(uri).path.lower() if is_remote(uri) else uri.lower()
        prefer_json = lowered.endswith(".json")
        try:
            text = decode(data)
        except ParseFailure as failure:
            smap.add(uri, data.decode("utf-8", "replace"), "json" if prefer_json else "yaml")
            self._problem(spec, uri, failure.problem, hint)
            raise
        if not prefer_json:
            smap.add(uri, text, "yaml")
        try:
            parsed = parse_text(text, prefer_json=prefer_json)
        except ParseFailure as failure:
            if prefer_json:
                _add_json(smap, uri, text, data)
            self._problem(spec, uri, failure.problem, hint)
            raise
        if parsed.syntax == "yaml":
            smap.add(uri, text, "yaml", document=parsed.document, positions=parsed.positions)
        else:
            # Registered once parsed (nothing needed it before); the caller lets the text go.
            unique = not any(p.code == codes.E_DUPLICATE_KEY for p in parsed.problems)
            text = _add_json(smap, uri, text, data, unique_keys=unique)
        for problem in parsed.problems:
            self._problem(spec, uri, problem, hint)
        is_json = parsed.syntax == "json"
        refs, limit = scan_document(
            parsed.document,
            check_json_limits=is_json,
            # Line lengths of a byte view count bytes: never fewer than characters, and the walk
            # measures the strings themselves.
            check_strings=is_json and _has_long_line(text),
        )
        if limit is not None:
            code, tokens = limit
            if code == codes.E_TOO_DEEP:
                # On the registered text: offsets there are what the source map reads.
                offset = json_depth_offset(smap.file(uri).text)  # type: ignore[union-attr]
                location = smap.offset_location(uri, max(offset, 0))
                problem = Problem(
                    code,
                    f"containers nest deeper than {MAX_DEPTH} levels",
                    location.line,
                    location.col,
                    tokens=tuple(tokens),
                )
            else:
                problem = Problem(
                    code,
                    f"a string longer than the limit of {MAX_SCALAR_CHARS:,} characters",
                    tokens=tuple(tokens),
                )
            self._problem(spec, uri, problem, hint)
            raise ParseFailure(problem)
        spec.documents[uri] = parsed.document
        spec.note_self(uri, parsed.document)
        spec.refs.extend(
            RefSite(uri, pointer, ref, bool(opaque), opaque == _EXTENSION)
            for pointer, ref, opaque in refs
        )
        return parsed.document

    # root
    def load_root(self, path: str | Path) -> LoadedSpec:
        root_uri = os.path.realpath(os.fspath(path))
        spec = LoadedSpec(root_uri=root_uri, documents={}, source_map=SourceMap(root_uri))
        if self.sink.locator is None:
            self.sink.locator = spec.source_map
        display = spec.source_map.display(root_uri)
        data, code, message = self._read(root_uri)
        if data is None:
            hint = "check the path" if code == codes.E_FILE_NOT_FOUND else ""
            raise self.sink.fatal(
                code,
                message.replace(root_uri, display),
                hint=hint,
                location=Location(display, 0, 0),
            )
        try:
            document = self._parse(spec, root_uri, data, "")
        except ParseFailure as failure:
            assert self.last is not None
            raise FatalInputError(self.last) from failure
        if not isinstance(document, dict):
            kind = "a list" if isinstance(document, list) else f"a {type(document).__name__}"
            raise self.sink.fatal(
                codes.E_TOP_LEVEL_NOT_MAPPING,
                f"the root document is {kind}, not a mapping (an OpenAPI object)",
                "#",
                location=spec.source_map.locate_in(root_uri, "#"),
                locator=spec.source_map,
            )
        self._check_version(spec, document)
        if spec.swagger_document is not None:
            self._translate_swagger(spec, document)
        self._follow_external_refs(spec)
        return spec

    def _translate_swagger(self, spec: LoadedSpec, document: dict[str, Any]) -> None:
        """Read a Swagger 2.0 root document in its OpenAPI 3.0 form (:mod:`generator.swagger2`)."""
        from generator.swagger2 import translate

        smap, uri = spec.source_map, spec.root_uri

        def report(code: str, message: str, pointer: str) -> None:
            location = smap.locate_in(uri, pointer, as_written=True)
            self.sink.warning(code, message, pointer, location=location, locator=smap)

        translated, pointers = translate(document, report)
        spec.documents[uri] = translated
        smap.set_origin(uri, pointers.original)
        refs, _ = scan_document(translated, check_json_limits=False, check_strings=False)
        spec.refs = [site for site in spec.refs if site.uri != uri]
        spec.refs.extend(
            RefSite(uri, pointer, ref, bool(opaque), opaque == _EXTENSION)
            for pointer, ref, opaque in refs
        )

    def _check_version(self, spec: LoadedSpec, root: dict[str, Any]) -> None:
        sink, smap = self.sink, spec.source_map
        if "openapi" not in root:
            if root.get("swagger") == "2.0":
                spec.openapi_version = "2.0"
                spec.oas = "3.0"  # read in its 3.0 form
                spec.swagger_document = root
            elif "swagger" in root:
                value = root["swagger"]
                sink.error(
                    codes.E_SWAGGER_2,
                    f'`swagger: {value!r}`: Swagger 2.0 (`swagger: "2.0"`) and OpenAPI 3.0/3.1/3.2 '
                    "are read",
                    "#/swagger",
                    hint=(
                        'quote it: swagger: "2.0"'
                        if value == 2
                        else "Swagger 1.x is not read: convert it to 2.0 or OpenAPI 3"
                    ),
                    locator=smap,
                )
            else:
                sink.error(
                    codes.E_MISSING_OPENAPI,
                    "no `openapi` field: not an OpenAPI 3.x document",
                    "#",
                    hint='add `openapi: "3.1.0"` (or the version the spec follows) at the top',
                    locator=smap,
                )
            return
        value = root["openapi"]
        if not isinstance(value, str):
            sink.error(
                codes.E_VERSION_NOT_STRING,
                f"`openapi` must be a string, not the {type(value).__name__} {value!r}",
                "#/openapi",
                hint=f'quote it: openapi: "{value}.0"' if isinstance(value, float) else "",
                locator=smap,
            )
            return
        spec.openapi_version = value
        match = _VERSION.match(value.strip())
        if match is None or match.group(1) != "3":
            if match is not None and match.group(1) == "2":
                sink.error(
                    codes.E_SWAGGER_2,
                    f"`openapi: {value}` is not a version: Swagger 2.0 documents say "
                    '`swagger: "2.0"`',
                    "#/openapi",
                    hint='write `swagger: "2.0"` in place of the `openapi` field',
                    locator=smap,
                )
                return
            sink.error(
                codes.E_UNSUPPORTED_VERSION,
                f"unsupported OpenAPI version {value!r}; 3.0.x, 3.1.x and 3.2.x are supported",
                "#/openapi",
                locator=smap,
            )
            return
        minor = match.group(2)
        if minor == "0":
            spec.oas = "3.0"
        elif minor == "1":
            spec.oas = "3.1"
        elif minor == "2":
            spec.oas = "3.2"
        else:
            sink.error(
                codes.E_UNSUPPORTED_VERSION,
                f"unsupported OpenAPI version {value!r}; 3.0.x, 3.1.x and 3.2.x are supported",
                "#/openapi",
                locator=smap,
            )
            return
        if match.group(3) is None:
            sink.warning(
                codes.W_VERSION_TREATED_AS,
                f"OpenAPI version {value!r} has no patch number; read as {value}.0",
                "#/openapi",
                locator=smap,
            )

    # external refs
    def _follow_external_refs(self, spec: LoadedSpec) -> None:
        """Load the files named by every site in ``spec.refs``, which grows as files load.

        A file that cannot be read is reported at every ``$ref`` naming it; a file that cannot
        be parsed is reported once, at its own line and column.
        """
        root_dir = spec.source_map.base_dir
        index = 0
        while index < len(spec.refs):
            site = spec.refs[index]
            index += 1
            ref = site.ref
            if not isinstance(ref, str) or ref.startswith("#"):
                continue
            address, _ = split_ref(ref)
            if not address:
                continue
            target = spec.target_uri(address, site.uri)
            if target in spec.documents:
                continue
            if site.literal:
                continue  # data, never followed (check_refs reports extension refs that dangle)
            key = spec.key(site.uri, site.ref_pointer)
            if target is None:
                self.sink.error(
                    codes.E_BAD_REF,
                    f"$ref {ref!r}: unsupported URI scheme",
                    key,
                    locator=spec.source_map,
                )
                continue
            code = spec.failed.get(target)
            if code is None:
                code = self._refusal(target, root_dir)
                if code:
                    spec.failed[target] = code
                else:
                    code = self._load_external(spec, target, key)
            if code in _READ_CODES:
                self._refuse(spec, site, target, code, key, root_dir)

    def _refusal(self, target: str, root_dir: str) -> str:
        """The code refusing ``target`` by policy, or ""."""
        if is_remote(target):
            return "" if self.allow_remote_refs else codes.E_REMOTE_REF_REFUSED
        if not self.allow_outside_root and not _inside(target, root_dir):
            return codes.E_REF_OUTSIDE_ROOT
        return ""

    def _refuse(
        self, spec: LoadedSpec, site: RefSite, target: str, code: str, key: str, root_dir: str
    ) -> None:
        """Report, at the ``$ref``, why its file is not loaded."""
        smap = spec.source_map
        if code == codes.E_REMOTE_REF_REFUSED:
            self.sink.error(
                code,
                f"$ref {site.ref!r} names a remote document; remote refs are off",
                key,
                hint="download it next to the spec, or pass --allow-remote-refs",
                locator=smap,
            )
        elif code == codes.E_REF_OUTSIDE_ROOT:
            self.sink.error(
                code,
                f"$ref {site.ref!r} leaves the spec's folder ({smap.display(root_dir) or '.'})",
                key,
                hint="move the file under the spec's folder, or pass --allow-outside-root",
                locator=smap,
            )
        elif code in (codes.E_FILE_NOT_FOUND, codes.E_NOT_A_FILE):
            self.sink.warning(
                codes.W_REF_FILE_MISSING,
                f"$ref {site.ref!r}: {_FAILURE_MESSAGES[code]} ({smap.display(target)}); what it "
                "stands for is typed as Any (a parameter, response or body is left out or passed "
                "through)",
                key,
                hint="add the file or fix the path (--strict refuses missing files)",
                locator=smap,
            )
        else:
            message = _FAILURE_MESSAGES.get(code, "cannot be loaded")
            kept = code in (codes.E_REMOTE_FETCH_FAILED, codes.E_FILE_TOO_LARGE)
            self.sink.error(
                code if kept else codes.E_REF_FILE_MISSING,
                f"$ref {site.ref!r}: {message} ({smap.display(target)})",
                key,
                locator=smap,
            )

    def _load_external(self, spec: LoadedSpec, target: str, key: str) -> str:
        """Read and parse ``target``: "" when loaded, else the failure code (also in ``failed``)."""
        data, code, _ = self._read(target)
        if data is None:
            spec.failed[target] = code
            return code
        try:
            self._parse(spec, target, data, f"loaded for the $ref at {key}")
        except ParseFailure as failure:
            spec.failed[target] = failure.problem.code
            return failure.problem.code
        return ""


_READ_CODES = frozenset(
    {
        codes.E_FILE_NOT_FOUND,
        codes.E_NOT_A_FILE,
        codes.E_READ_FAILED,
        codes.E_FILE_TOO_LARGE,
        codes.E_REMOTE_REF_REFUSED,
        codes.E_REF_OUTSIDE_ROOT,
        codes.E_REMOTE_FETCH_FAILED,
    }
)
_FAILURE_MESSAGES = {
    codes.E_FILE_NOT_FOUND: "file not found",
    codes.E_NOT_A_FILE: "not a regular file",
    codes.E_FILE_TOO_LARGE: "file is over the size limit",
    codes.E_REMOTE_FETCH_FAILED: "could not be fetched",
    codes.E_READ_FAILED: "could not be read",
}


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def load_spec(
    path: str | Path,
    sink: DiagnosticSink,
    *,
    allow_remote_refs: bool = False,
    allow_outside_root: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadedSpec:
    """Load the root document at ``path`` and every file its ``$ref``\\ s name.

    Problems are recorded on ``sink`` (its ``locator`` is set to the spec's source map when it has
    none). Raises :class:`FatalInputError` when the root document itself cannot be used; problems
    in other files leave those files out (``spec.failed``) and loading goes on.
    """
    loader = _Loader(
        sink,
        allow_remote_refs=allow_remote_refs,
        allow_outside_root=allow_outside_root,
        max_bytes=max_bytes,
    )
    return loader.load_root(path)
