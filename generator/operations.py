"""Paths -> IR operations: parameters, request bodies, responses, security, streaming kind.

:class:`OperationBuilder` walks ``paths`` (and path items / operations / parameters / bodies /
responses reached through ``$ref``, in any file) and produces :class:`~generator.ir.Operation`
values. It decides:

- the tag module (first tag, or ``default``) and the operation's Python name (``operationId``
  snake-cased, else ``<method>_<path words>``), unique per module; FastAPI's default ids
  (``create_flow_flows__post``) lose the path+method suffix when the short name is unique in its
  module (``naming: {operation_ids: raw}`` keeps them; notes N0561 / N0562 list each);
- parameter names (unique per operation, avoiding the names generated functions use themselves),
  with path-item parameters merged under operation parameters (OpenAPI's override rule);
- which request body media type is used (JSON, then form, multipart, text, binary) and which
  response kind each status has (JSON incl. ``+json`` and ``*/*``, text, binary, SSE, NDJSON);
- whether the operation carries an ``Idempotency-Key``-style header (enables safe retries).

Anything it cannot type soundly degrades to ``Any`` with a located warning and is recorded on the
operation's ``degraded`` list so the report can count it; operations are never dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import field
from typing import Any

from generator import codes
from generator.diagnostics import DiagnosticSink, join_pointer
from generator.ir import (
    Body,
    Operation,
    Param,
    Prim,
    ResponseCase,
    TypeRef,
)
from generator.naming import (
    MAX_MODULE_NAME,
    RESERVED_PARAM_NAMES,
    NameScope,
    fastapi_stem,
    pascal_case,
    snake_case,
)
from generator.pagination_hints import PAGINATION_EXTENSIONS, PageHints
from generator.path_items import HTTP_METHODS, operations_of
from generator.paths import (
    split_template,
    undeclared_variable_message,
    unused_path_parameter_message,
)
from generator.records import mutable_record, record
from generator.schemas import ANY, SchemaBuilder, Site

__all__ = ["HTTP_METHODS", "OperationBuilder", "media_kind"]

_IDEMPOTENCY_HEADERS = ("idempotency-key", "x-idempotency-key")
_BODY_PREFERENCE = ("json", "form", "multipart", "text", "binary")


def media_kind(content_type: str) -> str:
    """Classify a media type: json, form, multipart, text, sse, ndjson or binary."""
    ct = content_type.split(";", 1)[0].strip().lower()
    if ct == "text/event-stream":
        return "sse"
    if (
        ct
        in (
            "application/x-ndjson",
            "application/ndjson",
            "application/jsonl",
            "application/x-jsonlines",
            "application/jsonlines",
            "application/json-seq",
        )
        or ct.endswith("+ndjson")
        or ";stream=watch" in content_type.replace(" ", "")
    ):
        return "ndjson"
    if (
        ct in ("application/json", "*/*", "application/*")
        or ct.endswith("+json")
        or ct == "text/json"
    ):
        return "json"
    if ct == "application/x-www-form-urlencoded":
        return "form"
    if ct.startswith("multipart/"):
        return "multipart"
    if ct.startswith("text/") or ct in ("application/xml",) or ct.endswith("+xml"):
        return "text"
    return "binary"


def _operation_id(node: dict[str, Any]) -> str:
    op_id = node.get("operationId")
    return op_id if isinstance(op_id, str) and op_id.strip() else ""


@record()
class _Found:
    """One operation of ``paths`` that passed the tag filters, before it is built."""

    path: str
    method: str
    node: dict[str, Any]
    site: Site
    item: dict[str, Any]
    item_site: Site
    tag: str
    unique_id: bool  # False: a later operation reusing an operationId (named from method and path)


@mutable_record()
class OperationBuilder:
    """Builds every operation of the spec; see the module docstring."""

    root: dict[str, Any]
    root_uri: str
    schemas: SchemaBuilder
    sink: DiagnosticSink
    op_renames: dict[str, str] = field(default_factory=dict)
    operation_ids: str = "short"  # config naming.operation_ids: "short" | "raw"
    tag_modules: dict[str, str] = field(default_factory=dict)
    include_tags: frozenset[str] = frozenset()
    exclude_tags: frozenset[str] = frozenset()
    seen_tags: set[str] = field(default_factory=set)  # every tag on any operation, before filtering
    oas: str | None = None  # "3.0" / "3.1" / "3.2": which Path Item fields hold operations
    _module_scope: NameScope = field(
        default_factory=lambda: NameScope(
            "api modules", frozenset({"init"}), casefold=True, max_length=MAX_MODULE_NAME
        )
    )
    _tag_to_module: dict[str, str] = field(default_factory=dict)
    _op_scopes: dict[str, NameScope] = field(default_factory=dict)
    # operation pointer -> what the spec says about paging beyond the IR (Link headers, extensions)
    page_hints: dict[str, PageHints] = field(default_factory=dict)
    _op_ids: set[str] = field(default_factory=set)  # operationIds seen so far (W0260)

    def build_all(self) -> list[Operation]:
        paths = self.root.get("paths")
        if not isinstance(paths, dict):
            return []
        found: list[_Found] = []
        for path, item in paths.items():
            if not isinstance(item, dict):
                continue
            site = Site(self.root_uri, join_pointer("#", "paths", path))
            item_site, item_node = self._deref(item, site)
            if not isinstance(item_node, dict):
                continue
            for method, tokens, op_node in operations_of(item_node, self.oas):
                if op_node is None:
                    continue
                op_site, op_resolved = self._deref(op_node, item_site.child(*tokens))
                if not isinstance(op_resolved, dict):
                    continue
                op_id = op_resolved.get("operationId")
                # A later operation that reuses an operationId is named from its method and path
                # (validate reported W0260); counted before tag filters so names stay stable.
                unique_id = not (isinstance(op_id, str) and op_id.strip() in self._op_ids)
                if isinstance(op_id, str) and op_id.strip():
                    self._op_ids.add(op_id.strip())
                tags = op_resolved.get("tags")
                tag_list = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
                self.seen_tags.update(tag_list)
                if self.include_tags and not (set(tag_list) & self.include_tags):
                    continue
                if self.exclude_tags and set(tag_list) & self.exclude_tags:
                    continue
                first = tags[0] if isinstance(tags, list) and tags else None
                tag = first if isinstance(first, str) else "default"
                found.append(
                    _Found(
                        str(path),
                        method,
                        op_resolved,
                        op_site,
                        item_node,
                        item_site,
                        tag,
                        unique_id,
                    )
                )
        wanted = self._wanted_names(found)
        return [
            self._operation(
                f.path, f.method, f.node, f.site, f.item, f.item_site, f.tag, name, f.unique_id
            )
            for f, name in zip(found, wanted, strict=True)
        ]

    def _wanted_names(self, found: list[_Found]) -> list[str]:
        """Each operation's function name before uniqueness: a config rename, else the
        operationId snake-cased -- without FastAPI's path+method suffix when the shorter name is
        unique in its module (``operation_ids: short``) -- else ``<method>_<path words>``."""
        wanted: list[str] = []
        stems: list[str] = []
        modules: list[str] = []
        for f in found:
            op_id = _operation_id(f.node) if f.unique_id else ""
            modules.append(self._module_for(f.tag))
            renamed = self.op_renames.get(op_id)
            stem = ""
            if not renamed and op_id and self.operation_ids == "short":
                stem = fastapi_stem(op_id, f.path, f.method)
                stem = snake_case(stem) if stem else ""
            stems.append(stem)
            wanted.append(
                renamed
                or (snake_case(op_id) if op_id else snake_case(f"{f.method.lower()} {f.path}"))
            )
        counts = Counter(
            (module, (stem or name).casefold())
            for module, stem, name in zip(modules, stems, wanted, strict=True)
        )
        for i, (f, module, stem) in enumerate(zip(found, modules, stems, strict=True)):
            if not stem:
                continue
            op_id = _operation_id(f.node)  # a stem implies a unique operationId
            if counts[(module, stem.casefold())] == 1:
                self.sink.note(
                    "N0561",
                    f"operationId {op_id!r} is generated as {module}.{stem} "
                    "(FastAPI's path and method suffix dropped)",
                    self._key(f.site),
                )
                wanted[i] = stem
            else:
                self.sink.note(
                    "N0562",
                    f"operationId {op_id!r} keeps FastAPI's path and method suffix: "
                    f"{module}.{stem} would not be unique",
                    self._key(f.site),
                )
        return wanted

    # -- plumbing ---------------------------------------------------------------------------------

    def _key(self, site: Site) -> str:
        return self.schemas.key_of(site.uri, site.pointer)

    def _deref(self, node: Any, site: Site, depth: int = 0) -> tuple[Site, Any]:
        """Follow ``$ref`` chains on non-schema objects (path items, parameters, responses...)."""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 32:
            found = self.schemas.resolve(node["$ref"], site.uri)
            if found is None:
                # Reported by check_refs (W0320 / W0321); the caller degrades what it stood for.
                return site, None
            site, node = Site(found[0], found[1]), found[2]
            depth += 1
        return site, node

    def _module_for(self, tag: str) -> str:
        if tag not in self._tag_to_module:
            wanted = self.tag_modules.get(tag) or snake_case(tag)
            self._tag_to_module[tag] = self._module_scope.claim(wanted, tag)
        return self._tag_to_module[tag]

    # -- one operation ----------------------------------------------------------------------------

    def _operation(
        self,
        path: str,
        method: str,
        node: dict[str, Any],
        site: Site,
        item: dict[str, Any],
        item_site: Site,
        tag: str,
        wanted: str,
        unique_id: bool = True,
    ) -> Operation:
        module = self._module_for(tag)
        op_id = _operation_id(node)
        named_by = op_id if unique_id else ""
        scope = self._op_scopes.setdefault(
            module,
            NameScope(
                f"api.{module}", frozenset({"init"}), casefold=True, max_length=MAX_MODULE_NAME
            ),
        )
        name = scope.claim(wanted, op_id or f"{method} {path}")
        if name != wanted:
            self.sink.note(
                "N0554",
                f"operation {op_id or path!r} is generated as {module}.{name}",
                self._key(site),
            )
        class_hint = pascal_case(named_by or f"{method.lower()} {path}")
        degraded: list[str] = []

        params = self._params(path, method, node, site, item, item_site, class_hint, degraded)
        body = self._body(node, site, class_hint, degraded)
        link_header: list[bool] = []
        responses = self._responses(node, site, class_hint, degraded, link_header)
        stream: str | None = None
        for r in responses:
            if not r.is_error and r.kind in ("sse", "ndjson"):
                stream = r.kind
        if stream is None and any(not r.is_error and r.kind == "binary" for r in responses):
            stream = "bytes"  # binary downloads can also be read chunk by chunk
        security = self._security(node)
        idem = next(
            (
                p.wire_name
                for p in params
                if p.location == "header" and p.wire_name.lower() in _IDEMPOTENCY_HEADERS
            ),
            None,
        )
        extensions = tuple(
            (key, node[key]) for key in PAGINATION_EXTENSIONS if node.get(key) is not None
        )
        if link_header or extensions:
            self.page_hints[self._key(site)] = PageHints(bool(link_header), extensions)
        return Operation(
            id=op_id or name,
            name=name,
            tag_module=module,
            method=method,
            path=split_template(path).path,
            summary=_text(node.get("summary")),
            description=_text(node.get("description")),
            deprecated=bool(node.get("deprecated")),
            params=tuple(params),
            body=body,
            responses=tuple(responses),
            security=security,
            idempotency_header=idem,
            pagination=None,
            stream=stream,  # type: ignore[arg-type]
            degraded=tuple(degraded),
            pointer=self._key(site),
        )

    def _params(
        self,
        path: str,
        method: str,
        node: dict[str, Any],
        site: Site,
        item: dict[str, Any],
        item_site: Site,
        class_hint: str,
        degraded: list[str],
    ) -> list[Param]:
        merged: dict[tuple[str, str], tuple[dict[str, Any], Site]] = {}
        for owner, owner_site in ((item, item_site), (node, site)):
            plist = owner.get("parameters")
            if not isinstance(plist, list):
                continue
            for i, raw in enumerate(plist):
                psite, pnode = self._deref(raw, owner_site.child("parameters", i))
                if pnode is None and isinstance(raw, dict) and "$ref" in raw:
                    degraded.append(f"parameter {raw['$ref']!r} does not resolve: left out")
                if not isinstance(pnode, dict):
                    continue
                pname, loc = pnode.get("name"), pnode.get("in")
                if not isinstance(pname, str) or loc not in self._locations:
                    self.sink.warning(
                        "W0251", "parameter without a valid name/in is ignored", self._key(psite)
                    )
                    continue
                if loc == "header" and pname.lower() in ("accept", "content-type", "authorization"):
                    continue  # OpenAPI says these are ignored; the runtime sets them.
                merged[(pname, loc)] = (pnode, psite)
        split = split_template(path)
        if split.is_split:
            self.sink.warning(codes.W_PATH_TEMPLATE_QUERY, split.message(), self._key(site))
        for pair in split.query:
            if (pair.name, "query") in merged or (pair.variable, "query") in merged:
                continue
            merged[(pair.name, "query")] = (
                (
                    {"name": pair.name, "in": "query", "required": True}
                    if pair.variable
                    else {
                        "name": pair.name,
                        "in": "query",
                        "schema": {"type": "string", "default": pair.value},
                    }
                ),
                site,
            )
        template_vars = split.variables
        for var in template_vars:
            if (var, "path") not in merged:
                self.sink.warning(
                    codes.W_PATH_VAR_UNDECLARED,
                    undeclared_variable_message(method, path, var),
                    self._key(site),
                )
                merged[(var, "path")] = (
                    {"name": var, "in": "path", "required": True, "schema": {"type": "string"}},
                    site,
                )
        scope = NameScope(f"parameters of {class_hint}", RESERVED_PARAM_NAMES)
        params: list[Param] = []
        order = {"path": 0, "query": 1, "querystring": 1, "header": 2, "cookie": 3}
        items = sorted(
            merged.items(),
            key=lambda kv: (
                order[kv[0][1]],
                (
                    template_vars.index(kv[0][0])
                    if kv[0][1] == "path" and kv[0][0] in template_vars
                    else 0
                ),
            ),
        )
        for (pname, loc), (pnode, psite) in items:
            if loc == "path" and pname not in template_vars:
                self.sink.warning(
                    codes.W_PATH_PARAM_UNUSED,
                    unused_path_parameter_message(method, path, pname),
                    self._key(psite),
                )
                continue
            schema = pnode.get("schema")
            content_type = ""
            if schema is None and isinstance(pnode.get("content"), dict):
                content = pnode["content"]
                content_type = str(next(iter(content), ""))
                first: Any = next(iter(content.values()), {})
                _, first = self._deref(first, psite.child("content", content_type))
                schema = first.get("schema") if isinstance(first, dict) else None
            if loc == "querystring":
                content_type = self._querystring_media(content_type, items, psite)
            ptype: TypeRef = (
                self.schemas.type_of(schema, psite.child("schema"), class_hint + pascal_case(pname))
                if schema is not None
                else Prim("str")
            )
            required = bool(pnode.get("required")) or loc == "path"
            default = schema.get("default") if isinstance(schema, dict) else None
            has_default = False
            if isinstance(default, (str, int, float, bool)):
                has_default, default = self.schemas.fit_default(
                    ptype, default, psite.child("schema", "default")
                )
            style = pnode.get("style") or ("simple" if loc in ("path", "header") else "form")
            explode = pnode.get("explode")
            if not isinstance(explode, bool):
                explode = style == "form"
            params.append(
                Param(
                    name=scope.claim(snake_case(pname), pname),
                    wire_name=pname,
                    location=loc,  # type: ignore[arg-type]  # checked against the four locations above
                    type=ptype,
                    required=required,
                    description=_text(pnode.get("description")),
                    style=str(style),
                    explode=explode,
                    default=default if has_default else None,
                    has_default=has_default,
                    deprecated=bool(pnode.get("deprecated")),
                    pointer=self._key(psite),
                    content_type=content_type,
                )
            )
        for r in scope.renames:
            self.sink.note(
                "N0555",
                f"parameter {r.original!r} is generated as {r.given!r} (name clash)",
                self._key(site),
            )
        return params

    @property
    def _locations(self) -> tuple[str, ...]:
        base = ("path", "query", "header", "cookie")
        return (*base, "querystring") if self.oas == "3.2" else base

    def _querystring_media(
        self, content_type: str, params: list[tuple[tuple[str, str], Any]], site: Site
    ) -> str:
        """The media type an ``in: querystring`` parameter is written in (OpenAPI 3.2), warning
        where the choice is not the spec's own: beside ``in: query`` parameters (both are sent),
        or a media type without a query-string form (its text is percent-encoded whole)."""
        if any(loc == "query" for (_, loc), _ in params):
            self.sink.warning(
                "W0183",
                "an `in: querystring` parameter beside `in: query` parameters; both are sent",
                self._key(site),
                hint="OpenAPI 3.2 forbids mixing them: move the query parameters into the "
                "querystring schema",
            )
        kind = media_kind(content_type) if content_type else "form"
        if kind not in ("form", "json", "text"):
            self.sink.warning(
                "W0184",
                f"`in: querystring` media type {content_type!r} has no query-string form; "
                "the value's text is percent-encoded as the whole query",
                self._key(site),
            )
        return content_type or "application/x-www-form-urlencoded"

    def _body(
        self, node: dict[str, Any], site: Site, class_hint: str, degraded: list[str]
    ) -> Body | None:
        raw = node.get("requestBody")
        if raw is None:
            return None
        bsite, bnode = self._deref(raw, site.child("requestBody"))
        if not isinstance(bnode, dict):
            degraded.append("request body unresolvable")
            return Body(
                "binary", "application/octet-stream", Prim("binary"), False, "", self._key(site)
            )
        content = bnode.get("content")
        if not isinstance(content, dict) or not content:
            return None
        by_kind: dict[str, tuple[str, Any]] = {}
        for ct, media in content.items():
            kind = media_kind(str(ct))
            if kind in ("sse", "ndjson"):
                kind = "binary"
            by_kind.setdefault(kind, (str(ct), media))
        kind = next(k for k in _BODY_PREFERENCE if k in by_kind)
        ct, media = by_kind[kind]
        msite = bsite.child("content", ct)
        schema = media.get("schema") if isinstance(media, dict) else None
        if kind == "binary":
            btype: TypeRef = Prim("binary")
        elif kind == "text":
            btype = Prim("str")
        elif schema is None:
            btype = ANY
        else:
            btype = self.schemas.type_of(schema, msite.child("schema"), class_hint + "Body")
        return Body(
            kind=kind,  # type: ignore[arg-type]
            content_type=ct if ct not in ("*/*", "application/*") else "application/json",
            type=btype,
            required=bool(bnode.get("required")),
            description=_text(bnode.get("description")),
            pointer=self._key(msite),
        )

    def _responses(
        self,
        node: dict[str, Any],
        site: Site,
        class_hint: str,
        degraded: list[str],
        link_header: list[bool],
    ) -> list[ResponseCase]:
        """The response cases; appends True to ``link_header`` if a 2xx documents ``Link``."""
        raw = node.get("responses")
        out: list[ResponseCase] = []
        if not isinstance(raw, dict) or not raw:
            # No responses documented: any 2xx is accepted and its body passed through.
            return [
                ResponseCase("2XX", "json", "application/json", ANY, False, "", self._key(site))
            ]
        for status, resp in raw.items():
            status = str(status).upper()
            if not (status == "DEFAULT" or re.fullmatch(r"[1-5](\d\d|XX)", status)):
                self.sink.warning(
                    "W0254",
                    f"response key {status!r} is not a status code; ignored",
                    self._key(site.child("responses", status)),
                )
                continue
            status = "default" if status == "DEFAULT" else status
            is_error = status == "default" or status[0] in "45"
            rsite, rnode = self._deref(resp, site.child("responses", status))
            if rnode is None and isinstance(resp, dict) and "$ref" in resp:
                # A dangling response: the status is still expected, its body passed through.
                degraded.append(f"response {status} does not resolve: body typed as Any")
                out.append(
                    ResponseCase(
                        status, "json", "application/json", ANY, is_error, "", self._key(rsite)
                    )
                )
                continue
            if not isinstance(rnode, dict):
                continue
            headers = rnode.get("headers")
            if (
                not is_error
                and isinstance(headers, dict)
                and any(str(h).lower() == "link" for h in headers)
            ):
                link_header.append(True)
            content = rnode.get("content")
            desc = _text(rnode.get("description"))
            if not isinstance(content, dict) or not content:
                out.append(
                    ResponseCase(status, "empty", "", None, is_error, desc, self._key(rsite))
                )
                continue
            chosen: tuple[str, str, Any] | None = None
            for pref in ("json", "sse", "ndjson", "text", "binary", "form", "multipart"):
                for ct, media in content.items():
                    if media_kind(str(ct)) == pref:
                        chosen = (pref, str(ct), media)
                        break
                if chosen:
                    break
            assert chosen is not None
            kind, ct, media = chosen
            media_site, media = self._deref(media, rsite.child("content", ct))
            schema = media.get("schema") if isinstance(media, dict) else None
            if kind in ("form", "multipart") or (kind == "text" and _is_binary(schema)):
                kind = "binary"  # a text/* type whose schema says bytes (Swagger 2.0 type: file)
            msite = media_site.child("schema")
            hint = (
                class_hint
                + ("Response" if not is_error else "Error")
                + (status if status != "default" else "Default")
            )
            item_schema = media.get("itemSchema") if isinstance(media, dict) else None
            if kind == "binary":
                rtype: TypeRef | None = Prim("binary")
            elif kind == "text":
                rtype = Prim("str")
            elif kind in ("sse", "ndjson") and item_schema is not None:
                rtype = self._stream_item(kind, item_schema, media_site.child("itemSchema"), hint)
            elif schema is None:
                rtype = ANY
            else:
                rtype = self.schemas.type_of(schema, msite, hint)
            out.append(ResponseCase(status, kind, ct, rtype, is_error, desc, self._key(rsite)))  # type: ignore[arg-type]
        return out

    def _stream_item(self, kind: str, item_schema: Any, site: Site, hint: str) -> TypeRef:
        """The type of one item of a sequential media type from OpenAPI 3.2's ``itemSchema``.

        JSON Lines / NDJSON / json-seq: the item schema is the type of each record. Server-sent
        events: the item schema describes the event (``event``, ``data``, ``id``, ``retry``);
        the stream's type is that of ``data``: its ``contentSchema`` when the data is JSON text
        (``contentMediaType: application/json``), ``str`` for plain text data, its own schema
        otherwise. Event variants (``oneOf``/``anyOf`` of event schemas) give the union of their
        data types; an event schema without ``data`` gives ``Any``.
        """
        if kind == "ndjson":
            return self.schemas.type_of(item_schema, site, hint)
        site, event = self._deref_schema(item_schema, site)
        if not isinstance(event, dict):
            return ANY
        for keyword in ("oneOf", "anyOf"):
            variants = event.get(keyword)
            if isinstance(variants, list) and variants:
                datas = [
                    self._event_data(*self._deref_schema(v, site.child(keyword, i)))
                    for i, v in enumerate(variants)
                ]
                nodes = [d[1] for d in datas if d is not None]
                if len(nodes) != len(datas):
                    return ANY
                return self.schemas.type_of({keyword: nodes}, site, hint + "Data")
        data = self._event_data(site, event)
        if data is None:
            return ANY
        data_site, node = data
        return self.schemas.type_of(node, data_site, hint + "Data")

    def _deref_schema(self, node: Any, site: Site) -> tuple[Site, Any]:
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            found = self.schemas.resolve(node["$ref"], site.uri)
            if found is not None:
                return Site(found[0], found[1]), found[2]
        return site, node

    def _event_data(self, site: Site, event: Any) -> tuple[Site, Any] | None:
        """``(site, schema)`` of the data of one SSE event schema, or None when it has none."""
        props = event.get("properties") if isinstance(event, dict) else None
        data = props.get("data") if isinstance(props, dict) else None
        if data is None:
            return None
        data_site = site.child("properties", "data")
        data_site, data = self._deref_schema(data, data_site)
        if not isinstance(data, dict):
            return data_site, data
        if "contentSchema" in data:
            return data_site.child("contentSchema"), data["contentSchema"]
        media = data.get("contentMediaType")
        if isinstance(media, str) and media_kind(media) == "json":
            return data_site, {}  # JSON text of no stated shape
        if data.get("type") == "string":
            return data_site, {"type": "string"}  # the event's text as sent
        return data_site, data

    def _security(self, node: dict[str, Any]) -> tuple[tuple[str, ...], ...] | None:
        sec = node.get("security")
        if not isinstance(sec, list):
            return None
        if not sec:
            return ()  # ``security: []``: this operation takes no credentials
        alts = [tuple(str(k) for k in req) for req in sec if isinstance(req, dict)]
        if any(len(a) == 0 for a in alts):
            return None  # ``{}`` among the alternatives: auth optional, send what is configured
        return tuple(alts)


def _is_binary(schema: Any) -> bool:
    """``{type: string, format: binary}``: raw bytes, whatever the media type says."""
    return (
        isinstance(schema, dict)
        and schema.get("type") == "string"
        and schema.get("format") == "binary"
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
