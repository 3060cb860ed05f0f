"""Validate stage: every finding openapi-spec-validator would make, each at its own location, plus
the checks the generator needs, sorted into what blocks generation and what only warns.

What runs (in this order):

1. **Semantic walk** (Python, follows ``$ref`` across files with :func:`resolve_ref`): the shape
   the generator relies on (``E0206``: paths, path items, operations, parameters, request
   bodies, responses must be objects/lists of the right kind), duplicate operationIds
   (``E0201``), path templates vs ``in: path`` parameters (``E0202`` / ``E0203``), path
   parameters not ``required: true`` (``W0204``), duplicate parameters in one list (``E0205``),
   duplicate tags (``W0214``), and per Schema Object what openapi-spec-validator's keyword
   validators check: the JSON Schema meta-schema (``W0211``), ``required`` names no ``allOf``
   branch defines (``W0213``), ``default`` values against their schema (``W0212``).
2. **Structural validation** against the official OAS 3.0 / 3.1 / 3.2 JSON Schema shipped in
   openapi-spec-validator, through :mod:`generator.schema_engine` (jsonschema-rs when installed,
   about 100x faster; jsonschema otherwise). ``oneOf``/``anyOf`` failures are narrowed to the branch that was meant (a non-$ref
   value is not judged as a Reference Object; a branch whose single-valued ``enum``/``const``
   does not match was not meant), so each warning points at the real culprit. Every finding is
   a warning (``W0207`` / ``W0208`` unexpected field / ``W0209`` missing field): where a
   structural problem makes generation unsound, step 1 already reported an error at that place
   and the warning is dropped.

Multi-file specs: openapi-spec-validator validates only the root document, where every external
``$ref`` is an opaque Reference Object. Here the root is validated as written (so a ``$ref`` where
OpenAPI allows none, e.g. an Operation, gives ``W0210``) and then once more as a *view* in which
each external target is inlined at its first use, so the content of every referenced file is
validated as the object it stands for; findings map back to ``file#/pointer`` through the view.
A ``$ref`` where none is allowed whose target was not inlined is followed and its target
validated against the expected object's schema.

Policy, in one line: errors only where a generated client would be wrong or ambiguous; anything
the generator can read around (unknown fields, missing descriptions, odd defaults, invalid
keywords inside a schema) is a warning at its exact location.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from collections.abc import Iterator
from typing import Any

from generator import codes
from generator.diagnostics import DiagnosticSink, json_type, split_pointer
from generator.loader import LoadedSpec, RefSite, resolve_ref, split_ref
from generator.naming import snake_case
from generator.path_items import additional_key, fixed_methods, operations_of
from generator.paths import (
    split_template,
    undeclared_variable_message,
    unused_path_parameter_message,
)
from generator.records import mutable_record, record
from generator.schema_engine import (
    KNOWN_DIALECTS,
    OAS30_DIALECT,
    OAS31_DIALECT,
    OAS32_DIALECT,
    Finding,
    get_engine,
)
from generator.source_map import is_remote, pointer_from_tokens

__all__ = ["validate_spec"]


_PARAM_LOCATIONS = ("path", "query", "header", "cookie")
_PARAM_LOCATIONS_32 = (*_PARAM_LOCATIONS, "querystring")
_MAX_REF_HOPS = 64


# -- locations ---------------------------------------------------------------------------------
@record(slots=True)
class _Loc:
    """A value somewhere in the spec: its document, pointer tokens, and the value itself."""

    uri: str
    tokens: tuple[str, ...]
    value: Any

    def child(self, *tokens: str | int) -> _Loc:
        value = self.value
        for token in tokens:
            if isinstance(value, dict):
                value = value.get(str(token))
            elif isinstance(value, list) and isinstance(token, int) and token < len(value):
                value = value[token]
            else:
                value = None
        return _Loc(self.uri, (*self.tokens, *(str(t) for t in tokens)), value)

    def at(self, token: str, value: Any) -> _Loc:
        """The child ``token`` whose value the caller already has (the fast path)."""
        return _Loc(self.uri, (*self.tokens, token), value)

    @property
    def pointer(self) -> str:
        return pointer_from_tokens(self.tokens)


def _step(node: Any, token: str) -> tuple[bool, Any]:
    if isinstance(node, dict):
        if token in node:
            return True, node[token]
        return False, None
    if isinstance(node, list) and token.isdigit() and int(token) < len(node):
        return True, node[int(token)]
    return False, None


class _Tree:
    """An instance tree validated as one value; maps instance paths back to (uri, tokens).

    ``origin`` holds, for containers that were inlined from another place (the multi-file view),
    where they really live.
    """

    def __init__(
        self,
        root: Any,
        uri: str,
        tokens: tuple[str, ...] = (),
        origin: dict[int, tuple[str, tuple[str, ...]]] | None = None,
    ) -> None:
        self.root = root
        self.uri = uri
        self.tokens = tokens
        self.origin = origin or {}

    def locate(self, path: tuple[str, ...]) -> tuple[str, tuple[str, ...], Any, bool]:
        """(uri, tokens, value, exists) of the instance at ``path``."""
        uri, tokens, node = self.uri, list(self.tokens), self.root
        exists = True
        for token in path:
            if exists:
                exists, node = _step(node, token)
            if exists and isinstance(node, dict | list) and id(node) in self.origin:
                uri, origin_tokens = self.origin[id(node)]
                tokens = list(origin_tokens)
            else:
                tokens.append(token)
        return uri, tuple(tokens), node, exists


class _View:
    """The root document with each external ``$ref`` target inlined at its first use."""

    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.origin: dict[int, tuple[str, tuple[str, ...]]] = {}
        self.inlined: set[int] = set()  # id() of target nodes that were inlined
        self._done: set[tuple[str, str]] = set()
        self._sites: dict[str, dict[tuple[str, ...], RefSite]] = {}
        self._prefixes: dict[str, set[tuple[str, ...]]] = {}
        for site in spec.refs:
            if site.literal or not isinstance(site.ref, str):
                continue
            address, _ = split_ref(site.ref)
            if not address or spec.target_uri(address, site.uri) in (None, site.uri):
                continue
            tokens = tuple(split_pointer(site.pointer))
            self._sites.setdefault(site.uri, {})[tokens] = site
            prefixes = self._prefixes.setdefault(site.uri, set())
            for end in range(len(tokens) + 1):
                prefixes.add(tokens[:end])
        self.root = self._build(spec.root_uri, (), spec.root)

    def _build(self, uri: str, tokens: tuple[str, ...], node: Any) -> Any:
        prefixes = self._prefixes.get(uri)
        if not prefixes or tokens not in prefixes:
            return node
        site = self._sites[uri].get(tokens)
        if site is not None and isinstance(node, dict):
            target = resolve_ref(self.spec, site.ref, uri)
            if target is None or (target[0], target[1]) in self._done:
                return node
            self._done.add((target[0], target[1]))
            target_tokens = tuple(split_pointer(target[1]))
            built = self._build(target[0], target_tokens, target[2])
            if isinstance(built, dict | list):
                self.origin[id(built)] = (target[0], target_tokens)
            self.inlined.add(id(target[2]))
            return built
        if isinstance(node, dict):
            return {k: self._build(uri, (*tokens, k), v) for k, v in node.items()}
        if isinstance(node, list):
            return [self._build(uri, (*tokens, str(i)), v) for i, v in enumerate(node)]
        return node


# -- messages ----------------------------------------------------------------------------------
def _short(value: Any, limit: int = 60) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):  # pragma: no cover - documents are plain data
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _object_name(location: str) -> str:
    """``#/definitions/PathItem/...`` -> "Path Item"; ``#/$defs/media-type/...`` -> "Media Type"."""
    tokens = split_pointer(location)
    name = ""
    for i, token in enumerate(tokens[:-1]):
        if token in ("definitions", "$defs"):
            name = tokens[i + 1]
    if not name:
        return ""
    name = name.replace("-or-reference", "").replace("-", " ")
    name = _CAMEL.sub(" ", name)
    return " ".join(part[:1].upper() + part[1:] for part in name.split())


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _expected(finding: Finding) -> str:
    """What the schema wanted where ``finding`` failed: "an Operation Object", "a string"."""
    tokens = split_pointer(finding.location)
    depth = max((i for i, t in enumerate(tokens) if t in ("definitions", "$defs")), default=-1)
    name = _object_name(finding.location)
    if name and len(tokens) - depth <= 3:  # the keyword sits right on the definition
        return _a(f"{name} Object")
    types = finding.detail.get("types") if finding.kind == "type" else None
    if types:
        return _a(" or ".join(str(t) for t in types))
    return _a(f"{name} Object field") if name else "another value"


def _describe(finding: Finding, instance: Any) -> str:
    field_name = finding.path[-1] if finding.path else "document"
    kind = finding.kind
    if kind == "type":
        types = finding.detail.get("types") or []
        wanted = " or ".join(str(t) for t in types) if types else "another type"
        return f"{field_name!r} must be {wanted}, not {json_type(instance)}"
    if kind == "enum":
        options = finding.detail.get("options")
        return f"{field_name!r}: {_short(instance)} is not one of {_short(options, 120)}"
    if kind == "const":
        return f"{field_name!r} must be {_short(finding.detail.get('expected_value'))}"
    if kind in ("oneOf", "anyOf"):
        return f"{field_name!r}: {_short(instance)} matches none of the allowed forms"
    message = finding.message
    return message if len(message) <= 200 else message[:197] + "..."


# -- the validation run ------------------------------------------------------------------------
@mutable_record()
class _Pending:
    """A finding from a meta-schema check, reported after the structural pass (to dedupe)."""

    key: str
    message: str


class _Validation:
    def __init__(self, spec: LoadedSpec, sink: DiagnosticSink) -> None:
        self.spec = spec
        self.sink = sink
        self.locator = spec.source_map
        self.engine = get_engine()
        version = spec.openapi_version or ""
        self.family = "3.0" if spec.oas == "3.0" else "3.1"
        self.schema_version = "3.2" if version.startswith("3.2") else self.family
        self.blocked: set[str] = set()  # keys (and everything under them) with an error
        # Exact keys whose structural warning a semantic one replaces (e.g. W0204).
        self.claimed: set[str] = set()
        self.reported: set[str] = set()  # keys with a structural warning
        self.meta_findings: list[_Pending] = []
        self.operation_ids: dict[str, _Loc] = {}
        self.visited: set[int] = set()
        self.meta_checked: set[int] = set()
        self.schema_queue: list[tuple[_Loc, bool]] = []
        self.followed: set[tuple[int, str]] = set()
        self._registry: Any = None
        self._refs: dict[tuple[str, str], Any] = {}  # (uri, $ref) -> _Loc | None
        self.inlined: set[int] = set()  # id() of $ref targets validated in place (the view)
        root = spec.root
        dialect = root.get("jsonSchemaDialect") if self.family == "3.1" else None
        base_dialect = OAS32_DIALECT if spec.oas == "3.2" else OAS31_DIALECT
        self.default_dialect = dialect if isinstance(dialect, str) else base_dialect

    # -- reporting helpers --------------------------------------------------------------------
    def key(self, loc: _Loc | tuple[str, tuple[str, ...]]) -> str:
        if isinstance(loc, _Loc):
            return self.spec.key(loc.uri, loc.pointer)
        return self.spec.key(loc[0], pointer_from_tokens(loc[1]))

    def error(self, code: str, message: str, loc: _Loc, *, hint: str = "") -> None:
        key = self.key(loc)
        self.blocked.add(key)
        self.sink.error(code, message, key, hint=hint, locator=self.locator)

    def warning(self, code: str, message: str, key: str, *, hint: str = "") -> None:
        self.sink.warning(code, message, key, hint=hint, locator=self.locator)

    def is_blocked(self, key: str) -> bool:
        """True when ``key`` or one of its ancestors carries an error of the semantic walk."""
        probe = key
        while self.blocked:
            if probe in self.blocked:
                return True
            cut = probe.rfind("/")
            if cut < 0:
                return False
            probe = probe[:cut]
        return False

    # -- refs ---------------------------------------------------------------------------------
    def deref(self, loc: _Loc, what: str = "") -> _Loc | None:
        """Follow a ``$ref`` chain to its value; ``None`` when it dangles or loops.

        Dangling refs are reported by :func:`check_refs`. A chain that loops (``P -> Q -> P``)
        never reaches a value: with ``what`` (the kind of object expected here) that is an error
        at ``loc`` (``E0307``); schemas pass no ``what`` (the build stage degrades them to Any).
        """
        start = loc
        seen: set[tuple[str, tuple[str, ...]]] = set()
        while isinstance(loc.value, dict) and isinstance(loc.value.get("$ref"), str):
            if (loc.uri, loc.tokens) in seen or len(seen) > _MAX_REF_HOPS:
                if what:
                    self.error(
                        codes.E_REF_CYCLE,
                        f"circular $ref chain: this {what} refers back to itself and never "
                        "reaches a value",
                        start.at("$ref", start.value["$ref"]),
                    )
                return None
            seen.add((loc.uri, loc.tokens))
            ref = loc.value["$ref"]
            cached = self._refs.get((loc.uri, ref), _UNRESOLVED)
            if cached is _UNRESOLVED:
                target = resolve_ref(self.spec, ref, loc.uri)
                cached = None
                if target is not None:
                    cached = _Loc(target[0], tuple(split_pointer(target[1])), target[2])
                self._refs[(loc.uri, ref)] = cached
            if cached is None:
                return None
            loc = cached
        return loc

    # -- semantic walk ------------------------------------------------------------------------
    def semantic(self) -> None:
        root = _Loc(self.spec.root_uri, (), self.spec.root)
        self.tags(root.child("tags"))
        paths = root.child("paths")
        if paths.value is not None:
            if not isinstance(paths.value, dict):
                self.error(codes.E_STRUCTURE, "`paths` must be an object", paths)
            else:
                for path in paths.value:
                    if not isinstance(path, str) or path.startswith("x-"):
                        continue
                    item = paths.child(path)
                    if not path.startswith("/"):
                        self.error(
                            codes.E_STRUCTURE,
                            f"path {path!r} must start with '/'",
                            item,
                            hint=f"write it as '/{path}'",
                        )
                        continue
                    self.path_item(path, item)
        webhooks = root.child("webhooks")
        if isinstance(webhooks.value, dict):
            for name in webhooks.value:
                self.path_item(None, webhooks.child(name))
        components = root.child("components")
        if components.value is not None and not isinstance(components.value, dict):
            self.error(codes.E_STRUCTURE, "`components` must be an object", components)
        elif isinstance(components.value, dict):
            self.components(components)
        self.run_schemas()

    def tags(self, tags: _Loc) -> None:
        if not isinstance(tags.value, list):
            return
        seen: set[str] = set()
        for index, tag in enumerate(tags.value):
            name = tag.get("name") if isinstance(tag, dict) else None
            if not isinstance(name, str):
                continue
            if name in seen:
                self.warning(
                    codes.W_DUPLICATE_TAG,
                    f"duplicate tag name {name!r}",
                    self.key(tags.child(index, "name")),
                )
            seen.add(name)
        self.tag_parents(tags)

    def tag_parents(self, tags: _Loc) -> None:
        """OpenAPI 3.2 tag nesting: each ``parent`` names a declared tag, and no chain loops."""
        parents: dict[str, tuple[str, int]] = {}
        for index, tag in enumerate(tags.value):
            if isinstance(tag, dict) and isinstance(tag.get("name"), str):
                parent = tag.get("parent")
                if isinstance(parent, str):
                    parents.setdefault(tag["name"], (parent, index))
        names = {
            t["name"] for t in tags.value if isinstance(t, dict) and isinstance(t.get("name"), str)
        }
        for name, (parent, index) in parents.items():
            if parent not in names:
                self.warning(
                    codes.W_TAG_PARENT_UNKNOWN,
                    f"tag {name!r} names the parent {parent!r}, which is not a declared tag",
                    self.key(tags.child(index, "parent")),
                    hint=f"declare a tag named {parent!r}, or remove the parent",
                )
                continue
            chain, current = [name], parent
            while current in parents and current not in chain:
                chain.append(current)
                current = parents[current][0]
            if current == name:
                self.warning(
                    codes.W_TAG_PARENT_CYCLE,
                    f"tag parents loop: {' -> '.join([*chain, name])}",
                    self.key(tags.child(index, "parent")),
                    hint="tags form a tree: break the loop",
                )

    def components(self, components: _Loc) -> None:
        schemas = components.child("schemas")
        if schemas.value is not None and not isinstance(schemas.value, dict):
            self.error(codes.E_STRUCTURE, "`components.schemas` must be an object", schemas)
        elif isinstance(schemas.value, dict):
            for name in schemas.value:
                self.schema_queue.append((schemas.child(name), True))
        for section, handler in (
            ("parameters", self.parameter),
            ("requestBodies", self.request_body),
            ("responses", self.response),
            ("headers", self.header),
        ):
            entries = components.child(section)
            if isinstance(entries.value, dict):
                for name in entries.value:
                    handler(entries.child(name))

    def path_item(self, path: str | None, loc: _Loc) -> None:
        item = self.deref(loc, "Path Item")
        if item is None:
            return
        if not isinstance(item.value, dict):
            self.error(codes.E_STRUCTURE, "a Path Item must be an object", item)
            return
        shared: list[tuple[_Loc, _Loc]] = []
        if "parameters" in item.value:
            shared = self.parameters(item.child("parameters"))
        self.additional_operations(item)
        for method, tokens, _ in operations_of(item.value, self.spec.oas):
            operation = self.deref(item.child(*tokens), "Operation")
            if operation is None:
                continue
            if not isinstance(operation.value, dict):
                self.error(codes.E_STRUCTURE, f"operation {method!r} must be an object", operation)
                continue
            self.operation(path, method, operation, shared)

    def additional_operations(self, item: _Loc) -> None:
        """Custom-method keys that repeat a fixed field are ignored (the fixed field wins)."""
        extra = item.child(additional_key(self.spec.oas))
        if not isinstance(extra.value, dict):
            return
        fixed = fixed_methods(self.spec.oas)
        for method in extra.value:
            if isinstance(method, str) and method.lower() in fixed:
                self.warning(
                    codes.W_ADDITIONAL_OPERATION_FIXED,
                    f"additional operation {method!r} repeats the fixed field {method.lower()!r}; "
                    "ignored",
                    self.key(extra.child(method)),
                    hint=f"describe it under `{method.lower()}:` of the path item instead",
                )

    def operation(
        self, path: str | None, method: str, op: _Loc, shared: list[tuple[_Loc, _Loc]]
    ) -> None:
        op_id = op.value.get("operationId")
        if isinstance(op_id, str) and path is not None:
            first = self.operation_ids.get(op_id)
            if first is None:
                self.operation_ids[op_id] = op
            elif (first.uri, first.tokens) != (op.uri, op.tokens):
                where = self.locator.locate(self.key(first.child("operationId")))
                at = f" (first used at {where.file}:{where.line}:{where.col})" if where else ""
                self.warning(
                    codes.W_DUPLICATE_OPERATION_ID,
                    duplicate_operation_id_message(op_id, method, path) + at,
                    self.key(op.child("operationId")),
                    hint="operationIds name the generated methods; give each operation its own",
                )
        own: list[tuple[_Loc, _Loc]] = []
        if "parameters" in op.value:
            own = self.parameters(op.child("parameters"))
        if path is not None:
            self.path_parameters(path, method, op, shared, own)
        if "requestBody" in op.value:
            self.request_body(op.child("requestBody"))
        responses = op.child("responses")
        if responses.value is not None:
            if not isinstance(responses.value, dict):
                self.error(codes.E_STRUCTURE, "`responses` must be an object", responses)
            else:
                for status in responses.value:
                    if not str(status).startswith("x-"):
                        self.response(responses.child(status))

    def path_parameters(
        self,
        path: str,
        method: str,
        op: _Loc,
        shared: list[tuple[_Loc, _Loc]],
        own: list[tuple[_Loc, _Loc]],
    ) -> None:
        declared: dict[str, tuple[_Loc, _Loc]] = {}
        for raw, param in [*shared, *own]:
            if param.value.get("in") == "path":
                declared[param.value["name"]] = (raw, param)
        split = split_template(path)
        if split.is_split:
            self.warning(
                codes.W_PATH_TEMPLATE_QUERY,
                split.message(),
                self.key(op),
                hint="move the query string into `in: query` parameters",
            )
        template = split.variables
        for name in dict.fromkeys(template):
            if name not in declared:
                self.warning(
                    codes.W_PATH_VAR_UNDECLARED,
                    undeclared_variable_message(method, path, name),
                    self.key(op),
                    hint=f"add {{name: {name}, in: path, required: true, schema: {{type: string}}}}",
                )
        for name, (_raw, param) in declared.items():
            if name not in template:
                self.warning(
                    codes.W_PATH_PARAM_UNUSED,
                    unused_path_parameter_message(method, path, name),
                    self.key(param),
                    hint="remove the parameter or add {" + name + "} to the path",
                )
            elif param.value.get("required") is not True:
                target = param.child("required") if "required" in param.value else param
                key = self.key(target)
                self.claimed.add(key)
                self.claimed.add(self.key(param))
                self.warning(
                    codes.W_PATH_PARAM_NOT_REQUIRED,
                    f"path parameter {name!r} must be `required: true`; treated as required",
                    key,
                    hint="set required: true",
                )

    def parameters(self, loc: _Loc) -> list[tuple[_Loc, _Loc]]:
        """Check a parameters list; (list item, resolved parameter) for the usable ones."""
        if not isinstance(loc.value, list):
            self.error(codes.E_STRUCTURE, "`parameters` must be a list", loc)
            return []
        out: list[tuple[_Loc, _Loc]] = []
        seen: dict[tuple[str, str], _Loc] = {}
        for index in range(len(loc.value)):
            raw = loc.child(index)
            param = self.parameter(raw)
            if param is None:
                continue
            pair = (param.value["name"], param.value["in"])
            if pair in seen:
                where = self.locator.locate(self.key(seen[pair]))
                at = f" (first at {where.file}:{where.line}:{where.col})" if where else ""
                self.error(
                    codes.E_DUPLICATE_PARAMETER,
                    f"parameter {pair[0]!r} in {pair[1]} appears twice in this list{at}",
                    raw,
                )
                continue
            seen[pair] = raw
            out.append((raw, param))
        return out

    def parameter(self, loc: _Loc) -> _Loc | None:
        param = self.deref(loc, "Parameter")
        if param is None:
            return None
        if not isinstance(param.value, dict):
            self.error(codes.E_STRUCTURE, "a Parameter must be an object", param)
            return None
        name, where = param.value.get("name"), param.value.get("in")
        locations = _PARAM_LOCATIONS_32 if self.spec.oas == "3.2" else _PARAM_LOCATIONS
        if not isinstance(name, str) or where not in locations:
            problem = "a string `name`" if not isinstance(name, str) else f"`in` ({where!r})"
            self.error(
                codes.E_STRUCTURE,
                f"a Parameter needs {problem}; `in` is one of {', '.join(locations)}",
                param,
                hint=(
                    "`in: querystring` needs OpenAPI 3.2 (`openapi: 3.2.0`)"
                    if where == "querystring"
                    else ""
                ),
            )
            return None
        if param.tokens and id(param.value) in self.visited:
            return param
        self.visited.add(id(param.value))
        if "schema" in param.value:
            self.schema_queue.append((param.child("schema"), True))
        if "content" in param.value:
            self.content(param.child("content"))
        return param

    def request_body(self, loc: _Loc) -> None:
        body = self.deref(loc, "Request Body")
        if body is None:
            return
        if not isinstance(body.value, dict):
            self.error(codes.E_STRUCTURE, "a Request Body must be an object", body)
            return
        if not isinstance(body.value.get("content"), dict):
            self.error(
                codes.E_STRUCTURE, "a Request Body needs a `content` object (media types)", body
            )
            return
        self.content(body.child("content"))

    def response(self, loc: _Loc) -> None:
        response = self.deref(loc, "Response")
        if response is None:
            return
        if not isinstance(response.value, dict):
            self.error(codes.E_STRUCTURE, "a Response must be an object", response)
            return
        if id(response.value) in self.visited:
            return
        self.visited.add(id(response.value))
        if "content" in response.value:
            self.content(response.child("content"))
        headers = response.child("headers")
        if isinstance(headers.value, dict):
            for name in headers.value:
                self.header(headers.child(name))

    def header(self, loc: _Loc) -> None:
        header = self.deref(loc, "Header")
        if header is None or not isinstance(header.value, dict):
            return
        if "schema" in header.value:
            self.schema_queue.append((header.child("schema"), True))
        if "content" in header.value:
            self.content(header.child("content"))

    def content(self, loc: _Loc) -> None:
        if not isinstance(loc.value, dict):
            self.error(codes.E_STRUCTURE, "`content` must be an object of media types", loc)
            return
        for media_type in loc.value:
            media = loc.child(media_type)
            if not isinstance(media.value, dict):
                self.error(codes.E_STRUCTURE, "a Media Type must be an object", media)
                continue
            for keyword in ("schema", "itemSchema"):
                if keyword in media.value:
                    self.schema_queue.append((media.child(keyword), True))

    # -- schemas ------------------------------------------------------------------------------
    def run_schemas(self) -> None:
        while self.schema_queue:
            loc, entry = self.schema_queue.pop()
            self.schema(loc, entry)

    def schema(self, loc: _Loc, entry: bool) -> None:
        crossed = isinstance(loc.value, dict) and "$ref" in loc.value
        target = self.deref(loc)
        if target is None:
            return
        value = target.value
        if not isinstance(value, dict | bool):
            key = self.key(target)
            self.meta_findings.append(
                _Pending(key, f"a Schema must be an object, not {json_type(value)}")
            )
            return
        if (entry or crossed) and id(value) not in self.meta_checked:
            self.meta_checked.add(id(value))
            self.meta_check(target)
        if id(value) in self.visited or isinstance(value, bool):
            return
        self.visited.add(id(value))
        queue = self.schema_queue
        for keyword in ("allOf", "anyOf", "oneOf", "prefixItems", "items"):
            items = value.get(keyword)
            if isinstance(items, list):
                parent = target.at(keyword, items)
                queue.extend((parent.at(str(i), item), False) for i, item in enumerate(items))
        for keyword in ("not", "items", "additionalProperties"):
            sub = value.get(keyword)
            if isinstance(sub, dict):
                queue.append((target.at(keyword, sub), False))
        properties = self.properties(target)
        if properties is not None:
            queue.extend(
                (properties.at(name, sub), False) for name, sub in properties.value.items()
            )
        if "allOf" in value:
            self.required_check(target)
        if "default" in value:
            default = value["default"]
            if default is not None or value.get("nullable") is not True:
                self.default_check(target, default)

    def meta_check(self, target: _Loc) -> None:
        value = target.value
        if self.family == "3.0":
            dialect = OAS30_DIALECT
        else:
            declared = value.get("$schema") if isinstance(value, dict) else None
            dialect = declared if isinstance(declared, str) else self.default_dialect
            dialect = KNOWN_DIALECTS.get(dialect, dialect)
        check = self.engine.meta(dialect)
        if check is None:
            self.warning(
                codes.W_VALIDATION_SKIPPED,
                f"unknown JSON Schema dialect {dialect!r}; this schema was not checked",
                self.key(target),
            )
            return
        for finding in check(value):
            for leaf in _narrow(finding, value):
                _, tokens, instance, _ = _Tree(value, target.uri, target.tokens).locate(leaf.path)
                self.meta_findings.append(
                    _Pending(
                        self.key((target.uri, tokens)),
                        _describe(leaf, instance) + " (JSON Schema meta-schema)",
                    )
                )

    def properties(self, schema: _Loc) -> _Loc | None:
        """The ``properties`` map of a schema, following ``properties: {$ref: file}``.

        JSON Schema has no such reference (a property named "$ref" would need a schema, not a
        string), but real specs write it and bundlers resolve it; so does the generator, with a
        warning at the ``$ref``.
        """
        value = schema.value.get("properties") if isinstance(schema.value, dict) else None
        if not isinstance(value, dict):
            return None
        loc = schema.at("properties", value)
        if not isinstance(value.get("$ref"), str):
            return loc
        key = self.key(loc.child("$ref"))
        if key not in self.claimed:
            self.claimed.add(key)
            self.warning(
                codes.W_REF_NOT_ALLOWED_HERE,
                "JSON Schema allows no $ref for a whole `properties` map; the $ref is followed",
                key,
            )
        target = self.deref(loc)
        return target if target is not None and isinstance(target.value, dict) else None

    def _collect_properties(self, start: _Loc) -> set[str]:
        names: set[str] = set()
        seen: set[int] = set()
        stack = [start]
        while stack:
            loc = self.deref(stack.pop())
            if loc is None or not isinstance(loc.value, dict) or id(loc.value) in seen:
                continue
            seen.add(id(loc.value))
            value = loc.value
            properties = self.properties(loc)
            if properties is not None:
                names.update(str(k) for k in properties.value)
            for keyword in ("allOf", "anyOf", "oneOf"):
                if isinstance(value.get(keyword), list):
                    stack.extend(loc.child(keyword, i) for i in range(len(value[keyword])))
            for keyword in ("items", "not"):
                if isinstance(value.get(keyword), dict):
                    stack.append(loc.child(keyword))
        return names

    def required_check(self, target: _Loc) -> None:
        value = target.value
        required = value.get("required")
        if not isinstance(required, list):
            return
        defined: set[str] = set()
        properties = self.properties(target)
        if properties is not None:
            defined.update(str(k) for k in properties.value)
        all_of = value.get("allOf")
        if isinstance(all_of, list):
            for index in range(len(all_of)):
                defined |= self._collect_properties(target.child("allOf", index))
        missing = [r for r in required if isinstance(r, str) and r not in defined]
        if missing:
            self.warning(
                codes.W_REQUIRED_UNDEFINED,
                f"`required` lists {', '.join(repr(m) for m in missing)}, defined by no "
                "property of this schema or its allOf branches",
                self.key(target.child("required")),
            )

    def _resource_registry(self) -> Any:
        if self._registry is None:
            from referencing import Registry, Resource
            from referencing.exceptions import NoSuchResource
            from referencing.jsonschema import DRAFT4, DRAFT202012

            spec = self.spec
            specification = DRAFT4 if self.family == "3.0" else DRAFT202012

            def retrieve(uri: str) -> Resource[Any]:
                path = uri
                if uri.startswith("file:"):
                    path = os.path.realpath(
                        urllib.request.url2pathname(urllib.parse.urlsplit(uri).path)
                    )
                document = spec.documents.get(path)
                if document is None:
                    raise NoSuchResource(uri)
                return specification.create_resource(document)

            self._registry = Registry(retrieve=retrieve)  # type: ignore[call-arg]
        return self._registry

    def default_check(self, target: _Loc, default: Any) -> None:
        if plainly_valid_default(target.value, default):
            return  # certainly no finding: no validator needed (nor importing one, ~0.2 s)
        from openapi_schema_validator import (
            OAS30Validator,
            OAS31Validator,
            oas30_format_checker,
            oas31_format_checker,
        )

        base = target.uri if is_remote(target.uri) else _file_uri(target.uri)
        resolver = self._resource_registry().resolver(base_uri=base)
        cls: Any = OAS30Validator if self.family == "3.0" else OAS31Validator
        checker = oas30_format_checker if self.family == "3.0" else oas31_format_checker
        try:
            validator = cls(target.value, _resolver=resolver, format_checker=checker)
            errors = list(validator.iter_errors(default))
        except Exception:  # noqa: BLE001 - unresolvable refs etc. are reported elsewhere
            return
        for error in errors:
            path = tuple(str(t) for t in error.absolute_path)
            where = target.child("default", *path)
            message = str(error.message)
            if len(message) > 200:
                message = message[:197] + "..."
            self.warning(
                codes.W_DEFAULT_MISMATCH,
                f"`default` does not match its schema: {message}",
                self.key(where),
            )

    # -- structural pass ----------------------------------------------------------------------
    def structural(self) -> None:
        check = self.engine.structural(self.schema_version)
        spec = self.spec
        view: _View | None = None
        if spec.is_multi_file:
            try:
                view = _View(spec)
            except RecursionError:
                self.warning(
                    codes.W_VALIDATION_SKIPPED,
                    "external $refs nest too deeply to validate their files in place; only the "
                    "root document was validated against the OpenAPI schema",
                    "#",
                )
        if view is not None:
            # The root as written: only "a $ref where no Reference Object is allowed" matters
            # here; everything else is found again (and placed better) in the view.
            tree = _Tree(spec.root, spec.root_uri)
            for finding in check(spec.root):
                self.handle(finding, tree, follow=False, refs_only=True)
            tree = _Tree(view.root, spec.root_uri, origin=view.origin)
            self.inlined = view.inlined
        else:
            tree = _Tree(spec.root, spec.root_uri)
            self.inlined = set()
        for finding in check(tree.root):
            self.handle(finding, tree, follow=True, refs_only=False)

    def handle(self, finding: Finding, tree: _Tree, *, follow: bool, refs_only: bool) -> None:
        uri, tokens, instance, _ = tree.locate(finding.path)
        if isinstance(instance, dict) and isinstance(instance.get("$ref"), str):
            self.ref_not_allowed(finding, uri, tokens, instance, follow=follow)
            return
        if refs_only:
            if finding.branches:
                for branch in _branches_for(finding, instance):
                    for sub in branch:
                        self.handle(sub, tree, follow=follow, refs_only=True)
            return
        for leaf in _narrow(finding, instance, tree):
            self.report(leaf, tree)

    def report(self, finding: Finding, tree: _Tree) -> None:
        uri, tokens, instance, _ = tree.locate(finding.path)
        key = self.key((uri, tokens))
        if self.is_blocked(key) or key in self.claimed:
            return
        obj = _object_name(finding.location)
        suffix = f" ({obj} Object)" if obj else ""
        if finding.kind in ("additionalProperties", "unevaluatedProperties"):
            unexpected = finding.detail.get("unexpected") or []
            for name in unexpected:
                field_key = self.key((uri, (*tokens, str(name))))
                if self.is_blocked(field_key):
                    continue
                self.reported.add(field_key)
                self.warning(
                    codes.W_UNEXPECTED_FIELD,
                    f"field {str(name)!r} is not allowed here{suffix}; ignored",
                    field_key,
                )
            if unexpected:
                return
        self.reported.add(key)
        if finding.kind == "required":
            name = finding.detail.get("property", "")
            self.warning(
                codes.W_MISSING_FIELD,
                f"missing required field {name!r}{suffix}",
                key,
            )
            return
        self.warning(codes.W_SCHEMA_VIOLATION, _describe(finding, instance) + suffix, key)

    def ref_not_allowed(
        self,
        finding: Finding,
        uri: str,
        tokens: tuple[str, ...],
        instance: dict[str, Any],
        *,
        follow: bool,
    ) -> None:
        parent = finding.location.rpartition("/")[0] or "#"
        key = self.key((uri, (*tokens, "$ref")))
        self.warning(
            codes.W_REF_NOT_ALLOWED_HERE,
            f"OpenAPI allows no $ref here ({_expected(finding)} is expected); the $ref is followed",
            key,
        )
        if not follow:
            return
        target = resolve_ref(self.spec, instance["$ref"], uri)
        if target is None or id(target[2]) in self.inlined:
            return
        marker = (id(target[2]), parent)
        if marker in self.followed:
            return
        self.followed.add(marker)
        check = self.engine.structural(self.schema_version, parent)
        sub_tree = _Tree(target[2], target[0], tuple(split_pointer(target[1])))
        for sub in check(target[2]):
            self.handle(sub, sub_tree, follow=True, refs_only=False)

    def flush_meta(self) -> None:
        for pending in self.meta_findings:
            if pending.key in self.reported or pending.key in self.claimed:
                continue
            if self.is_blocked(pending.key):
                continue
            self.warning(codes.W_INVALID_SCHEMA, pending.message, pending.key)


_UNRESOLVED = object()


#: Keywords that never fail (annotations, ``x-`` extensions aside) or that
#: :func:`plainly_valid_default` checks itself, with the OAS 3.0 and 3.1 validators alike.
_PLAIN_KEYWORDS = frozenset(
    {
        "type",
        "enum",
        "minimum",
        "maximum",
        "nullable",
        "description",
        "title",
        "default",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "format",
    }
)
_URI_FORMATS = frozenset({"uri", "uri-reference", "iri", "iri-reference"})
# ``scheme ":" path-rootless`` over unreserved characters, ":" and "@" (RFC 3986, 3.3): a URI by
# the rules of every checker a validator may use for these formats (rfc3987, rfc3986-validator,
# or none when neither is installed). ``about:blank``, the problem-details default (RFC 9457).
_PLAIN_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9._~:@-]+(?:/[A-Za-z0-9._~:@-]+)*")
_PLAIN_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
}


def duplicate_operation_id_message(op_id: str, method: str, path: str) -> str:
    """The ``W0260`` message (validate reports it; the build stage applies the rename)."""
    return (
        f"operationId {op_id!r} of {method.upper()} {path} is not unique; this operation is "
        f"generated as {snake_case(f'{method} {path}')!r} (from its method and path)"
    )


def plainly_valid_default(schema: Any, value: Any) -> bool:
    """True only when ``value`` certainly matches ``schema`` under OAS 3.0 and 3.1 rules alike.

    Covers what most defaults look like (``type`` string/boolean/integer/number, ``enum``,
    ``minimum``/``maximum``); anything else, or any doubt (``null``, ``NaN``, a float for
    ``integer``, ``True`` for ``1``), returns False and the real validator decides.
    """
    if not isinstance(schema, dict) or value is None:
        return False
    for keyword in schema:
        if keyword not in _PLAIN_KEYWORDS and not (
            isinstance(keyword, str) and keyword.startswith("x-")
        ):
            return False
    kind = type(value)
    if "type" in schema:
        allowed = _PLAIN_TYPES.get(schema["type"]) if isinstance(schema["type"], str) else None
        if allowed is None or kind not in allowed:
            return False
    if "enum" in schema:
        options = schema["enum"]
        if not isinstance(options, list) or not any(
            type(option) is kind and option == value for option in options
        ):
            return False
    for keyword in ("minimum", "maximum"):
        if keyword in schema:
            bound = schema[keyword]
            if type(bound) not in (int, float) or kind not in (int, float):
                return False
            if not (bound <= value if keyword == "minimum" else value <= bound):
                return False
    return "format" not in schema or _plainly_formatted(schema["format"], value)


def _plainly_formatted(fmt: object, value: Any) -> bool:
    """True only when ``value`` passes ``format: fmt`` under the OAS 3.0 and 3.1 format checkers
    alike, whichever optional format libraries are installed (they decide what else is checked).
    Deciding it here spares importing the validator (~0.15 s) for the common defaults."""
    if not isinstance(fmt, str):
        return False
    kind = type(value)
    if fmt in ("float", "double"):
        return kind in (int, float)
    if fmt == "int32":
        return kind is int and ~(1 << 31) < value < 1 << 31
    if fmt == "int64":
        return kind is int and ~(1 << 63) < value < 1 << 63
    if fmt == "password":
        return True
    if fmt in _URI_FORMATS:
        return kind is str and _PLAIN_URI.fullmatch(value) is not None
    return False


def _file_uri(path: str) -> str:
    from urllib.request import pathname2url  # imported here: urllib.request costs ~15 ms

    return "file://" + pathname2url(path)


def _is_reference_branch(branch: list[Finding]) -> bool:
    return bool(branch) and all(
        "/definitions/Reference" in f.location or "/$defs/reference" in f.location for f in branch
    )


def _branches_for(finding: Finding, instance: Any) -> list[list[Finding]]:
    has_ref = isinstance(instance, dict) and "$ref" in instance
    return [b for b in finding.branches if _is_reference_branch(b) == has_ref]


def _misses(branch: list[Finding], depth: int) -> int:
    """How many single-valued enum/const checks one level down failed (a discriminator miss)."""
    count = 0
    for f in branch:
        single = f.kind == "const" or (f.kind == "enum" and len(f.detail.get("options") or ()) == 1)
        if single and len(f.path) == depth + 1:
            count += 1
    return count


def _choose(finding: Finding, instance: Any) -> list[Finding] | None:
    """The branch of a failed oneOf/anyOf that the author meant, or None when unclear."""
    candidates = _branches_for(finding, instance)
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0]
    depth = len(finding.path)

    def score(branch: list[Finding]) -> tuple[int, int, int]:
        deepest = max((len(f.path) for f in branch), default=depth)
        return (_misses(branch, depth), len(branch), -deepest)

    ranked = sorted(candidates, key=score)
    if score(ranked[0]) == score(ranked[1]):
        return None
    return ranked[0]


def _narrow(finding: Finding, root: Any, tree: _Tree | None = None) -> Iterator[Finding]:
    """The leaf findings of ``finding``: oneOf/anyOf failures descend into the meant branch."""
    stack = [finding]
    while stack:
        current = stack.pop()
        if current.branches:
            if tree is not None:
                instance = tree.locate(current.path)[2]
            else:
                instance = _Tree(root, "").locate(current.path)[2]
            chosen = _choose(current, instance)
            if chosen:
                stack.extend(reversed(chosen))
                continue
        yield current


def validate_spec(spec: LoadedSpec, sink: DiagnosticSink) -> None:
    """Validate a loaded spec; every finding goes to ``sink`` (see the module docstring).

    Does nothing when the loader could not tell the OpenAPI version (it reported why). Dangling
    ``$ref``\\ s are reported by :func:`generator.loader.check_refs`, not here.
    """
    if spec.oas is None or spec.root_uri not in spec.documents:
        return
    run = _Validation(spec, sink)
    run.semantic()
    if spec.swagger_document is not None:
        # Swagger 2.0: the 2.0 schema over the file as written, not the 3.0 schema over its
        # translation (generator.swagger2_validate).
        from generator.swagger2_validate import validate_swagger2

        validate_swagger2(spec, sink)
    else:
        run.structural()
    run.flush_meta()
