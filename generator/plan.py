"""IR -> the list of files to write: (relative path, template name, prepared context) or a verbatim copy.

This is where Python decides everything a template prints: signatures, annotations, import blocks,
decode/encode expressions, the status table, pagination and streaming wiring. Templates receive
"views" (frozen dataclasses of strings and lists) and only lay them out.

Model modules that sit in one import cycle (mutually recursive schemas) import each other lazily
inside functions; the cycles are found with an iterative Tarjan SCC over the model graph, so
20,000-schema specs need no recursion.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.build import model_refs
from generator.gcpause import gc_paused
from generator.imports import sort_imports
from generator.ir import (
    AnyModel,
    Api,
    EnumModel,
    MapOf,
    Model,
    ModelRef,
    Operation,
    Param,
    Prim,
    ResponseCase,
    TypeRef,
    UnionModel,
)
from generator.pycode import ModuleCode, comment, docstring, py_literal
from generator.resources import RUNTIME_DIR
from generator.schemas import with_nullable


@dataclass(frozen=True, slots=True)
class PlannedFile:
    path: str  # relative to the output root, "/"-separated
    template: str | None  # template name, or None for a verbatim copy
    context: Mapping[str, object] = field(default_factory=dict)
    source: Path | None = None  # verbatim copy source


# ------------------------------------------------------------------------------------------------
# views
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldView:
    name: str
    wire: str  # Python literal of the wire name
    declaration: str  # "name: annotation" or "name: annotation = default"
    decode: str
    encode_guard: str  # "" when always written
    encode: str
    doc: str
    # The value that leaves the key out of the wire form: "ALWAYS" (never), "None" or "UNSET".
    omit: str


@dataclass(frozen=True, slots=True)
class ModelView:
    class_name: str
    module: str
    doc: str
    fields: list[FieldView]
    keeps_extra: bool
    extra_decode: str
    extra_annotation: str
    extra_encode: str  # expression: the JSON form of ``self.additional_properties`` (a new dict)
    known_keys: str  # Python literal frozenset of wire names
    required_keys: str
    cursor_alias: str  # attribute to expose as .cursor, or ""
    cursor_expr: str  # expression (over ``self``) giving the cursor as ``str | None``
    imports: list[str]
    type_checking_imports: list[str]  # in isort order
    lazy_imports: list[str]  # in isort order
    encode_head: list[FieldView]  # leading fields written unconditionally (one dict display)
    encode_tail: list[FieldView]  # the remaining fields, in order
    prelude: list[str]  # module-level constants the decode expressions use
    import_block: str = ""  # every module-level import, laid out as isort (ruff I001) would
    lazy_encode_imports: list[str] = field(default_factory=list)  # what to_dict uses
    lazy_decode_imports: list[str] = field(default_factory=list)  # what from_dict uses


@dataclass(frozen=True, slots=True)
class EnumMemberView:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class EnumView:
    class_name: str
    module: str
    doc: str
    base: str
    members: list[EnumMemberView]
    imports: list[str]


@dataclass(frozen=True, slots=True)
class VariantView:
    annotation: str
    decode: str  # a callable expression: Model.from_dict, or a lambda
    tags: list[str]  # Python literals
    check: str


@dataclass(frozen=True, slots=True)
class UnionView:
    class_name: str
    module: str
    doc: str
    alias: str  # the alias value: a string literal of the ``A | B`` type expression
    discriminator: str  # Python literal or ""
    variants: list[VariantView]
    table: list[tuple[str, str]]  # (tag literal, decoder expression), one entry per tag
    encode_fn: str
    decode_fn: str
    imports: list[str]
    type_checking_imports: list[str]  # in isort order
    lazy_imports: list[str]  # in isort order
    import_block: str = ""  # every module-level import, laid out as isort (ruff I001) would


@dataclass(frozen=True, slots=True)
class ParamView:
    name: str
    declaration: str  # "name: annotation" or with default
    doc: str
    statement: str  # code that puts it into `parts`
    optional: bool


@dataclass(frozen=True, slots=True)
class OperationView:
    name: str
    tag_module: str
    method: str
    path: str
    summary: str
    doc: str
    params: list[ParamView]  # keyword-only signature, required first
    call_args: list[str]  # "name=name" forwarding list (without client)
    return_annotation: str
    endpoint_args: str
    body_statement: str
    success_entries: list[tuple[str, str]]
    error_entries: list[tuple[str, str]]
    stream: str  # "", "sse", "ndjson", "bytes"
    stream_item: str  # annotation of stream items
    stream_decoder: str
    paginated: bool
    page_item: str
    page_items_attr: str
    page_cursor_attr: str
    page_items_expr: str  # expression over ``page``: the items as a list
    page_cursor_expr: str  # expression over ``page``: the next cursor as ``str | None``
    cursor_param: str
    paging_params: list[ParamView]  # params minus the cursor
    paging_args: list[str]
    fetch_args: list[str]  # forwarding list for one page fetch (cursor included)
    stream_type: str  # annotation of what stream() yields
    stream_method: str  # client method name for stream() ("stream_events" / "stream_lines")
    exports: list[str]
    imports: list[str]
    deprecated: bool
    degraded: list[str]
    import_block: str = ""  # every module-level import, laid out as isort (ruff I001) would


# ------------------------------------------------------------------------------------------------
# planning
# ------------------------------------------------------------------------------------------------


def strongly_connected(graph: Mapping[str, Sequence[str]]) -> dict[str, frozenset[str]]:
    """Map each node to the members of its strongly connected component (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: dict[str, frozenset[str]] = {}
    counter = 0
    for start in graph:
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(graph.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members: list[str] = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    members.append(top)
                    if top == node:
                        break
                component = frozenset(members)
                for m in members:
                    result[m] = component
    return result


IMPORT_CHAIN_BREAK = 40
"""Longest chain of model modules importing each other at module level (see Planner._code)."""


def import_depths(
    graph: Mapping[str, Sequence[str]], scc: Mapping[str, frozenset[str]]
) -> dict[str, int]:
    """Length of the longest chain of module-level imports below each model (iterative).

    Models in one strongly connected component import each other lazily already, so edges inside
    a component do not count.
    """
    depth: dict[str, int] = {}
    for start in graph:
        if start in depth:
            continue
        stack: list[tuple[str, bool]] = [(start, False)]
        while stack:
            node, expanded = stack.pop()
            if node in depth:
                continue
            deps = [d for d in graph.get(node, ()) if d in graph and d not in scc.get(node, ())]
            if expanded:
                depth[node] = 1 + max((depth.get(d, 0) for d in deps), default=0)
                continue
            stack.append((node, True))
            stack.extend((d, False) for d in deps if d not in depth)
    return depth


class Planner:
    """Builds views and the file list for one :class:`~generator.ir.Api`."""

    @gc_paused
    def __init__(
        self,
        api: Api,
        version: str,
        *,
        max_retries: int = 2,
        timeout: float = 60.0,
        connect_timeout: float = 5.0,
    ) -> None:
        self.api = api
        self.version = version
        self.max_retries = max_retries
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.models: dict[str, AnyModel] = {m.id: m for m in api.models}
        graph = {m.id: sorted(set(model_refs(m))) for m in api.models}
        self.scc = strongly_connected(graph)
        self.depth = import_depths(graph, self.scc)
        self.pages = {
            op.pagination.page_model_id: op.pagination for op in api.operations if op.pagination
        }

    # -- models -----------------------------------------------------------------------------------

    def _code(self, model: AnyModel, *, enum_tables: bool = False) -> ModuleCode:
        lazy: frozenset[str] = self.scc.get(model.id, frozenset()) - {model.id}
        if self.depth.get(model.id, 0) % IMPORT_CHAIN_BREAK == 0:
            # Every IMPORT_CHAIN_BREAK-th link of a long chain of models imports lazily, so no
            # import of a model module nests deeper than that (Python's recursion limit).
            lazy = frozenset(model_refs(model)) - {model.id}
        return ModuleCode(
            self.models, ".", "..", "..", self_id=model.id, lazy=lazy, enum_tables=enum_tables
        )

    def model_view(self, model: Model) -> ModelView:
        code = self._code(model, enum_tables=True)  # model.py.jinja renders ``prelude``
        code.phase = "decode"  # lazy imports used by from_dict; "encode": by to_dict
        fields: list[FieldView] = []
        for f in model.fields:
            ann = code.annotation(f.type)
            wire = py_literal(f.wire_name)
            plain_get = f"src.get({wire})"
            if f.has_default:
                default = self._default_literal(f.type, f.default, code)
                decl = f"{f.name}: {ann} = {default}"
                dec = code.decode(f.type, f"src[{wire}]")
                decode = f"({dec} if {wire} in src else {default})"
                guard, omit = "", "ALWAYS"
            elif f.required:
                decl = f"{f.name}: {ann}"
                decode = code.decode(f.type, f"src[{wire}]")
                guard, omit = "", "ALWAYS"
            elif f.type.nullable:
                code.runtime_names.setdefault("__types__", set()).update({"UNSET", "Unset"})
                decl = f"{f.name}: {ann} | Unset = UNSET"
                var = code.fresh()
                inner = code.decode(with_nullable(f.type, False), var)
                decode = (
                    f"src.get({wire}, UNSET)"
                    if inner == var
                    else f"(UNSET if ({var} := src.get({wire}, UNSET)) is UNSET "
                    f"else (None if {var} is None else {inner}))"
                )
                guard, omit = f"not isinstance(self.{f.name}, Unset)", "UNSET"
            else:
                decl = (
                    f"{f.name}: {ann} | None = None"
                    if ann not in ("Any", "None")
                    else f"{f.name}: {ann} = None"
                )
                var = code.fresh()
                inner = code.decode(f.type, var)
                decode = (
                    plain_get
                    if inner == var
                    else f"(None if ({var} := {plain_get}) is None else {inner})"
                )
                guard, omit = f"self.{f.name} is not None", "None"
            code.phase = "encode"
            encode = code.encode(f.type, f"self.{f.name}")
            code.phase = "decode"
            fields.append(
                FieldView(
                    name=f.name,
                    wire=wire,
                    declaration=decl,
                    decode=decode,
                    encode_guard=guard,
                    encode=encode,
                    doc=comment(f.description),
                    omit=omit,
                )
            )
        keeps_extra = model.extra is not None
        extra_decode = ""
        extra_encode = ""
        extra_ann = ""
        if model.extra is not None:
            extra_ann = f"dict[str, {code.annotation(model.extra)}]"
            extra_decode = code.decode(model.extra, "src[_x_key]")
            code.phase = "encode"
            encoded = code.encode(MapOf(model.extra), "self.additional_properties")
            code.phase = "decode"
            extra_encode = (
                "dict(self.additional_properties)"
                if encoded == "self.additional_properties"
                else encoded
            )
        code.runtime("strict", "unknown_fields")
        code.runtime("jsonlib", "WireFields")
        code.typing("ClassVar")
        if any(fv.omit == "ALWAYS" for fv in fields):
            code.runtime("jsonlib", "ALWAYS")
        if not keeps_extra:
            code.runtime("strict", "is_strict")
        code.typing("Any")
        if code.type_checking_lines():
            code.typing("TYPE_CHECKING")
        # ``to_dict`` writes the leading always-present fields as one dict display (faster than
        # item assignments); the rest follow in order, so key order is the field order.
        head = next((i for i, fv in enumerate(fields) if fv.encode_guard), len(fields))
        page = self.pages.get(model.id)
        names = {f.name for f in model.fields}
        cursor_alias = ""
        cursor_expr = ""
        if page and "cursor" not in names:
            cursor_alias = page.next_cursor_field
            cursor_expr = _page_attr_expr(model, cursor_alias, "self", "str", "None")
        return ModelView(
            class_name=model.class_name,
            module=model.module,
            doc=docstring(model.description or f"{model.class_name} ({model.pointer})", "    "),
            fields=fields,
            keeps_extra=keeps_extra,
            extra_decode=extra_decode,
            extra_encode=extra_encode,
            extra_annotation=extra_ann,
            known_keys=_frozenset_literal(f.wire_name for f in model.fields),
            required_keys=_frozenset_literal(f.wire_name for f in model.fields if f.required),
            cursor_alias=cursor_alias,
            cursor_expr=cursor_expr,
            imports=code.import_lines(),
            encode_head=fields[:head],
            encode_tail=fields[head:],
            prelude=code.prelude_lines(),
            type_checking_imports=sort_imports(code.type_checking_lines(), indent_width=4),
            lazy_imports=sort_imports(code.lazy_lines(), indent_width=8),
            lazy_encode_imports=sort_imports(
                code.lazy_lines("encode"), indent_width=8, wrap_like=code.lazy_lines()
            ),
            lazy_decode_imports=sort_imports(
                code.lazy_lines("decode"), indent_width=8, wrap_like=code.lazy_lines()
            ),
            import_block=_block(
                "from __future__ import annotations",
                "from collections.abc import Mapping",
                "from dataclasses import dataclass, field" if keeps_extra else "",
                "from dataclasses import dataclass",
                *code.import_lines(),
                wrap_like=["from dataclasses import field"],
            ),
        )

    def _default_literal(self, t: TypeRef, value: object, code: ModuleCode) -> str:
        if isinstance(t, ModelRef):
            model = self.models[t.model_id]
            if isinstance(model, EnumModel):
                member = next(m for m in model.members if m.value == value)
                code._need_model(model, [model.class_name], runtime=True)
                return f"{model.class_name}.{member.name}"
        return py_literal(value)

    def enum_view(self, model: EnumModel) -> EnumView:
        return EnumView(
            class_name=model.class_name,
            module=model.module,
            doc=docstring(model.description or f"{model.class_name} ({model.pointer})", "    "),
            base=model.base,
            members=[EnumMemberView(m.name, py_literal(m.value)) for m in model.members],
            imports=[],
        )

    def union_view(self, model: UnionModel) -> UnionView:
        code = self._code(model)
        code.typing("Any")
        code.typing("TypeAlias")
        members: list[str] = []
        variants: list[VariantView] = []
        check_names: dict[str, dict[str, set[str]]] = {}
        for v in model.variants:
            ann = self._flat_annotation(v.type, code, frozenset({model.id}))
            for part in _split_union(ann):
                if part not in members:
                    members.append(part)
            var = "_src"
            dec = code.decode(v.type, var)
            if dec == f"{_model_name(self.models, v.type)}.from_dict({var})":
                decoder = f"{_model_name(self.models, v.type)}.from_dict"
            else:
                decoder = f"lambda {var}: {dec}"
            # The check's runtime helpers are imported only if the check is used (below).
            scratch = ModuleCode(
                self.models, code.models_prefix, code.runtime_prefix, code.types_prefix
            )
            spec, check = scratch.variant_check(v.type)
            check_names[check] = scratch.runtime_names
            variants.append(
                VariantView(ann, decoder, [py_literal(t) for t in v.tags], f"{spec:03d}|{check}")
            )
        tagged = model.discriminator is not None
        needs_fallback = tagged or any(
            isinstance(v.type, ModelRef) and isinstance(self.models.get(v.type.model_id), Model)
            for v in model.variants
        )
        if needs_fallback and "dict[str, Any]" not in members:
            members.append("dict[str, Any]")
        if "None" in members:
            members = [m for m in members if m != "None"] + ["None"]
        table: list[tuple[str, str]] = []
        if tagged:
            code.runtime("modeling", "decode_tagged")
            by_tag: dict[str, list[VariantView]] = {}
            for view in variants:
                for tag in view.tags:
                    by_tag.setdefault(tag, []).append(view)
            for tag, candidates in by_tag.items():
                if len(candidates) == 1:
                    table.append((tag, candidates[0].decode))
                    continue
                # One tag value selects several variants: try them by shape, most specific first.
                decode_untagged = code.runtime("modeling", "decode_untagged")
                ranked = sorted(candidates, key=lambda v: -int(v.check.split("|", 1)[0]))
                for used in ranked:
                    _merge_runtime(code, check_names[used.check.split("|", 1)[1]])
                pairs = ", ".join(f"({v.check.split('|', 1)[1]}, {v.decode})" for v in ranked)
                table.append(
                    (
                        tag,
                        f"lambda _src: {decode_untagged}(_src, [{pairs}], "
                        f"{py_literal(model.class_name)})",
                    )
                )
        else:
            code.runtime("modeling", "decode_untagged")
            variants.sort(key=lambda v: -int(v.check.split("|", 1)[0]))
            for used in variants:
                _merge_runtime(code, check_names[used.check.split("|", 1)[1]])
        variants = [
            VariantView(v.annotation, v.decode, v.tags, v.check.split("|", 1)[1]) for v in variants
        ]
        code.runtime("modeling", "encode_value")
        if code.type_checking_lines():
            code.typing("TYPE_CHECKING")
        alias = py_literal(" | ".join(members))
        return UnionView(
            class_name=model.class_name,
            module=model.module,
            doc=docstring(model.description or f"{model.class_name} ({model.pointer})"),
            alias=alias,
            discriminator=py_literal(model.discriminator) if model.discriminator else "",
            variants=variants,
            table=table,
            encode_fn=f"encode_{model.module}",
            decode_fn=f"decode_{model.module}",
            imports=code.import_lines(),
            type_checking_imports=sort_imports(code.type_checking_lines(), indent_width=4),
            lazy_imports=sort_imports(code.lazy_lines(), indent_width=4),
            import_block=_block(
                "from __future__ import annotations",
                *code.import_lines(),
                wrap_like=[
                    line for names in check_names.values() for line in _runtime_lines(code, names)
                ],
            ),
        )

    def _flat_annotation(self, t: TypeRef, code: ModuleCode, seen: frozenset[str]) -> str:
        """The annotation of a union variant, with variants that are unions themselves spelled
        out as their members (mypy rejects aliases that are union items of each other, and a
        member naming the union being defined adds nothing)."""
        model = self.models.get(t.model_id) if isinstance(t, ModelRef) else None
        if not isinstance(model, UnionModel):
            return code.annotation(t)
        if model.id in seen:
            return ""
        parts: list[str] = []
        for v in model.variants:
            for part in _split_union(self._flat_annotation(v.type, code, seen | {model.id})):
                if part not in parts:
                    parts.append(part)
        if model.discriminator is not None or any(
            isinstance(v.type, ModelRef) and isinstance(self.models.get(v.type.model_id), Model)
            for v in model.variants
        ):
            code.typing("Any")
            parts.append("dict[str, Any]")  # that union's own fallback for unknown variants
        if t.nullable:
            parts.append("None")
        return " | ".join(dict.fromkeys(p for p in parts if p)) or "Any"

    # -- operations -------------------------------------------------------------------------------

    def operation_view(self, op: Operation) -> OperationView:
        code = ModuleCode(self.models, "...models.", "...", "...")
        params: list[ParamView] = []
        for p in op.params:
            params.append(self._param_view(p, code))
        body_stmt = ""
        if op.body is not None:
            params.append(self._body_param(op, code))
            body_stmt = self._body_statement(op, code)
        params.sort(key=lambda pv: pv.optional)
        success: list[tuple[str, str]] = []
        errors: list[tuple[str, str]] = []
        returns: list[str] = []
        stream_item = ""
        stream_decoder = ""
        for r in op.responses:
            if r.is_error:
                parser = self._error_parser(r, code)
                if parser:
                    errors.append((py_literal(r.status), parser))
                continue
            if r.kind in ("sse", "ndjson"):
                item_t = r.type or Prim("any")
                stream_item = code.annotation(item_t)
                if r.kind == "sse":
                    stream_decoder = self._sse_data_decoder(item_t, code)
                else:
                    stream_decoder = f"lambda _line: {code.decode(item_t, '_line')}"
                ann = (
                    f"list[ServerSentEvent[{stream_item}]]"
                    if r.kind == "sse"
                    else f"list[{stream_item}]"
                )
                if r.kind == "sse":
                    code.runtime("wire", "ServerSentEvent")
                    dec = f"{code.runtime('wire', 'sse_list_decoder')}({stream_decoder})"
                else:
                    dec = f"{code.runtime('wire', 'ndjson_list_decoder')}({stream_decoder})"
            else:
                ann, dec = self._success_decoder(r, code)
            if ann not in returns:
                returns.append(ann)
            success.append((py_literal(r.status), dec))
        if not success:
            returns.append("None")
            success.append(("'2XX'", code.runtime("responses", "none_decoder")))
        ret = " | ".join(returns)
        if "Any" in returns:
            ret = "Any"
        if ret == "None | None":
            ret = "None"
        # Operations without their own ``security`` inherit the document's; an empty alternative
        # (``{}``) makes auth optional, which the runtime expresses as None (send what is set).
        security = op.security
        if security is None and self.api.default_security:
            inherited = self.api.default_security
            security = None if any(len(alt) == 0 for alt in inherited) else inherited
        endpoint_args = (
            f"method={py_literal(op.method)}, path={py_literal(op.path)}, "
            f"operation_id={py_literal(op.id)}"
        )
        if op.idempotency_header:
            endpoint_args += f", idempotency_header={py_literal(op.idempotency_header)}"
        if security is not None:
            endpoint_args += f", security={security!r}"
        call_args = [f"{p.name}={p.name}" for p in params]
        page = op.pagination
        paging_params: list[ParamView] = []
        paging_args: list[str] = []
        page_item = ""
        if page:
            paging_params = [p for p in params if p.name != page.cursor_param]
            paging_args = [f"{p.name}={p.name}" for p in paging_params]
            page_item = code.annotation(page.item_type)
        stream = op.stream or ""
        exports = ["build_request", "sync", "sync_detailed", "asyncio", "asyncio_detailed"]
        if page:
            exports += ["iterate", "aiterate"]
        if stream:
            exports += ["stream", "astream"]
        doc_lines = [op.summary or f"{op.method} {op.path}"]
        if op.description and op.description != op.summary:
            doc_lines += ["", op.description]
        doc_lines += ["", f"``{op.method} {op.path}``"]
        return OperationView(
            name=op.name,
            tag_module=op.tag_module,
            method=op.method,
            path=op.path,
            summary=comment(op.summary or f"{op.method} {op.path}"),
            doc=docstring("\n".join(doc_lines), "    "),
            params=params,
            call_args=call_args,
            return_annotation=ret,
            endpoint_args=endpoint_args,
            body_statement=body_stmt,
            success_entries=success,
            error_entries=errors,
            stream=stream,
            stream_item=stream_item,
            stream_decoder=stream_decoder,
            paginated=page is not None,
            page_item=page_item,
            page_items_attr=page.items_field if page else "",
            page_cursor_attr=page.next_cursor_field if page else "",
            page_items_expr=(
                _page_attr_expr(
                    self.models[page.page_model_id], page.items_field, "page", "list", "[]"
                )
                if page
                else ""
            ),
            page_cursor_expr=(
                _page_attr_expr(
                    self.models[page.page_model_id], page.next_cursor_field, "page", "str", "None"
                )
                if page
                else ""
            ),
            cursor_param=page.cursor_param if page else "",
            paging_params=paging_params,
            paging_args=paging_args,
            fetch_args=paging_args + ([f"{page.cursor_param}=cursor_value"] if page else []),
            stream_type=(
                f"ServerSentEvent[{stream_item}]"
                if stream == "sse"
                else "bytes" if stream == "bytes" else stream_item
            ),
            stream_method={"sse": "stream_events", "bytes": "stream_bytes"}.get(
                stream, "stream_lines"
            ),
            exports=exports,
            imports=code.import_lines() + code.type_checking_lines(),
            deprecated=op.deprecated,
            degraded=list(op.degraded),
            import_block=_block(
                "from __future__ import annotations",
                "from collections.abc import Mapping",
                "from collections.abc import AsyncIterator, Iterator" if page or stream else "",
                "import httpx",
                "from ..._runtime.endpoint import Endpoint, RequestParts",
                "from ..._runtime.pagination import aiterate_pages, iterate_pages" if page else "",
                "from ..._runtime.responses import ResponseSpec",
                "from ...client import AuthenticatedClient, Client",
                "from ...types import NOT_GIVEN, NotGiven, Response",
                *code.import_lines(),
                *code.type_checking_lines(),
                wrap_like=["from typing import Any"],
            ),
        )

    def _param_view(self, p: Param, code: ModuleCode) -> ParamView:
        ann = code.annotation(p.type)
        value = p.name
        optional = not p.required or p.has_default
        if p.has_default:
            decl = f"{p.name}: {ann} = {self._default_literal(p.type, p.default, code)}"
        elif p.required:
            decl = f"{p.name}: {ann}"
        else:
            decl = (
                f"{p.name}: {ann} | None = None"
                if ann not in ("Any", "None")
                else f"{p.name}: {ann} = None"
            )
        encoded = code.encode(p.type, value) if not p.type.nullable else value
        explode = "True" if p.explode else "False"
        if p.location == "path":
            stmt = (
                f"parts.path_params[{py_literal(p.wire_name)}] = "
                f"{code.runtime('params', 'path_param')}({encoded}, style={py_literal(p.style)}, explode={explode})"
            )
        elif p.location == "query":
            stmt = (
                f"{code.runtime('params', 'add_query')}(parts.query, {py_literal(p.wire_name)}, {encoded}, "
                f"style={py_literal(p.style)}, explode={explode})"
            )
        elif p.location == "querystring":
            stmt = (
                f"parts.query_string = {code.runtime('params', 'query_string')}"
                f"({encoded}, {py_literal(p.content_type)})"
            )
        else:
            target = "headers" if p.location == "header" else "cookies"
            stmt = (
                f"parts.{target}[{py_literal(p.wire_name)}] = "
                f"{code.runtime('params', 'header_param')}({encoded}, explode={explode})"
            )
        if optional and not p.has_default:
            stmt = f"if {p.name} is not None:\n        {stmt}"
        return ParamView(p.name, decl, comment(p.description), stmt, optional)

    def _body_param(self, op: Operation, code: ModuleCode) -> ParamView:
        body = op.body
        assert body is not None
        if body.kind == "binary":
            code.typing("IO")
            ann = "bytes | IO[bytes]"
        elif body.kind == "text":
            ann = "str"
        else:
            ann = code.annotation(body.type)
        optional = not body.required
        if optional:
            decl = (
                f"body: {ann} | None = None"
                if ann not in ("Any", "None")
                else f"body: {ann} = None"
            )
        else:
            decl = f"body: {ann}"
        return ParamView(
            "body",
            decl,
            comment(body.description or f"request body ({body.content_type})"),
            "",
            optional,
        )

    def _body_statement(self, op: Operation, code: ModuleCode) -> str:
        body = op.body
        assert body is not None
        ct = py_literal(body.content_type)
        if body.kind == "json":
            # The value itself: ``jsonlib.dumps`` writes models, enums, datetimes, ... (with orjson
            # without building the ``to_dict`` form first).
            stmt = f"parts.json = body\n    parts.content_type = {ct}"
        elif body.kind == "form":
            enc = code.encode(body.type, "body")
            stmt = f"parts.data = {code.runtime('wire', 'form_fields')}({enc})"
        elif body.kind == "multipart":
            enc = code.encode(body.type, "body")
            stmt = f"parts.data, parts.files = {code.runtime('wire', 'multipart_fields')}({enc})"
        else:
            stmt = f"parts.content = body\n    parts.content_type = {ct}"
        if not body.required:
            stmt = "if body is not None:\n        " + stmt.replace("\n    ", "\n        ")
        return stmt

    def _success_decoder(self, r: ResponseCase, code: ModuleCode) -> tuple[str, str]:
        if r.kind == "empty" or r.type is None:
            return "None", code.runtime("responses", "none_decoder")
        if r.kind == "text":
            return "str", code.runtime("responses", "text_decoder")
        if r.kind == "binary":
            return "bytes", code.runtime("responses", "bytes_decoder")
        ann = code.annotation(r.type)
        dec = code.decode(r.type, "_data")
        json_decoder = code.runtime("responses", "json_decoder")
        if isinstance(r.type, ModelRef) and dec == f"{ann}.from_dict(_data)":
            return ann, f"{json_decoder}({ann}.from_dict)"
        return ann, f"{json_decoder}(lambda _data: {dec})"

    def _error_parser(self, r: ResponseCase, code: ModuleCode) -> str:
        if (
            r.kind != "json"
            or r.type is None
            or (isinstance(r.type, Prim) and r.type.kind == "any")
        ):
            return ""
        dec = code.decode(r.type, "_data")
        if dec == "_data":
            return "lambda _data: _data"
        if isinstance(r.type, ModelRef) and dec.endswith(".from_dict(_data)"):
            return dec[: -len("(_data)")]
        return f"lambda _data: {dec}"

    def _sse_data_decoder(self, t: TypeRef, code: ModuleCode) -> str:
        if isinstance(t, Prim) and t.kind in ("str", "any"):
            return (
                code.runtime("wire", "text_data")
                if t.kind == "str"
                else code.runtime("wire", "json_data")
            )
        dec = code.decode(t, "_data")
        return f"{code.runtime('wire', 'json_data_as')}(lambda _data: {dec})"

    # -- files ------------------------------------------------------------------------------------

    @gc_paused
    def files(self) -> list[PlannedFile]:
        api = self.api
        pkg = api.package_name
        out: list[PlannedFile] = []
        common = {"api": api, "version": self.version}
        for model in api.models:
            path = f"{pkg}/models/{model.module}.py"
            if isinstance(model, Model):
                out.append(
                    PlannedFile(path, "model.py.jinja", {**common, "model": self.model_view(model)})
                )
            elif isinstance(model, EnumModel):
                out.append(
                    PlannedFile(path, "enum.py.jinja", {**common, "model": self.enum_view(model)})
                )
            else:
                out.append(
                    PlannedFile(path, "union.py.jinja", {**common, "model": self.union_view(model)})
                )
        exports = sorted(
            [(m.class_name, m.module) for m in api.models]
            + [(f"decode_{m.module}", m.module) for m in api.models if isinstance(m, UnionModel)]
            + [(f"encode_{m.module}", m.module) for m in api.models if isinstance(m, UnionModel)],
        )
        out.append(
            PlannedFile(
                f"{pkg}/models/__init__.py",
                "models_init.py.jinja",
                {
                    **common,
                    "exports": exports,
                    "export_imports": sort_imports(
                        (f"from .{module} import {name} as {name}" for name, module in exports),
                        indent_width=4,
                    ),
                },
            )
        )
        tags: dict[str, list[OperationView]] = {}
        for op in api.operations:
            view = self.operation_view(op)
            tags.setdefault(op.tag_module, []).append(view)
            out.append(
                PlannedFile(
                    f"{pkg}/api/{op.tag_module}/{op.name}.py",
                    "operation.py.jinja",
                    {**common, "op": view},
                )
            )
        for tag in sorted(tags):
            out.append(
                PlannedFile(
                    f"{pkg}/api/{tag}/__init__.py",
                    "api_tag_init.py.jinja",
                    {**common, "tag": tag, "ops": tags[tag]},
                )
            )
        out.append(
            PlannedFile(
                f"{pkg}/api/__init__.py", "api_init.py.jinja", {**common, "tags": sorted(tags)}
            )
        )
        out.append(
            PlannedFile(
                f"{pkg}/client.py", "client.py.jinja", {**common, "client": self.client_view()}
            )
        )
        out.append(
            PlannedFile(
                f"{pkg}/errors.py",
                "errors.py.jinja",
                {**common, "errors": api.errors, "package_name": pkg},
            )
        )
        out.append(PlannedFile(f"{pkg}/__init__.py", "package_init.py.jinja", common))
        if api.webhooks:
            out.append(
                PlannedFile(
                    f"{pkg}/webhooks.py",
                    "webhooks.py.jinja",
                    {**common, "hooks": self.webhook_views()},
                )
            )
        out.append(PlannedFile(f"{pkg}/py.typed", None, {}, source=None))
        out.append(
            PlannedFile(f"{pkg}/types.py", None, {}, source=RUNTIME_DIR.parent / "runtime_types.py")
        )
        for src in sorted(RUNTIME_DIR.glob("*.py")):
            out.append(PlannedFile(f"{pkg}/_runtime/{src.name}", None, {}, source=src))
        out.append(PlannedFile("pyproject.toml", "pyproject.toml.jinja", common))
        out.append(
            PlannedFile(
                "README.md", "README.md.jinja", {**common, "examples": self.readme_examples()}
            )
        )
        out.append(PlannedFile(".gitignore", "gitignore.jinja", common))
        return out

    def client_view(self) -> dict[str, object]:
        """Constructor parameters and auth wiring of ``client.py``, decided from securitySchemes."""
        api = self.api
        url = api.server_url
        has_default = url.startswith(("http://", "https://")) and "{" not in url
        params: list[str] = []
        body: list[str] = []
        doc: list[str] = []
        imports = {"AuthMethod"}
        bearer_like = [s for s in api.security if s.kind in ("bearer", "openIdConnect")]
        oauth = [s for s in api.security if s.kind == "oauth2"]
        api_keys = [s for s in api.security if s.kind == "apiKey"]
        basic = [s for s in api.security if s.kind == "basic"]
        if bearer_like or oauth:
            imports.update({"BearerToken", "TokenProvider"})
            params += [
                "token: str | None = None",
                "token_provider: TokenProvider | None = None",
                'token_prefix: str = "Bearer"',
            ]
            doc += [
                "``token``: a bearer token sent as ``Authorization: Bearer <token>``;",
                "``token_provider``: a sync or async callable (or ``ClientCredentials``) asked for a",
                "token on every request and once more after a 401.",
            ]
            names = [s.name for s in bearer_like + oauth]
            body += [
                "if token is not None or token_provider is not None:",
                "    bearer = BearerToken(token, token_provider=token_provider, prefix=token_prefix)",
                *[f"    auth[{py_literal(n)}] = bearer" for n in names],
            ]
        cc = [s for s in oauth if s.token_url]
        if cc:
            imports.add("ClientCredentials")
            params += [
                "client_id: str | None = None",
                "client_secret: str | None = None",
                "scopes: Sequence[str] = ()",
            ]
            doc += [
                "``client_id`` / ``client_secret``: service-account credentials exchanged at",
                f"``{docstring(comment(cc[0].token_url))}`` (OAuth2 client credentials); the token is cached and",
                "refreshed shortly before it expires, once for all concurrent calls.",
            ]
            body += [
                "if client_id is not None and client_secret is not None:",
                f"    token_url = str(httpx.URL(base_url).join({py_literal(cc[0].token_url)}))",
                "    exchange = ClientCredentials(client_id, client_secret, token_url, scopes)",
                "    oauth = BearerToken(token_provider=exchange, prefix=token_prefix)",
                *[
                    f"    auth.setdefault({py_literal(n)}, oauth)"
                    for n in [s.name for s in bearer_like + oauth]
                ],
            ]
        if api_keys:
            imports.add("ApiKey")
            for s in api_keys:
                pname = "api_key" if len(api_keys) == 1 else s.param_name + "_key"
                params.append(f"{pname}: str | None = None")
                doc.append(
                    f"``{pname}``: sent as {s.location} ``{docstring(comment(s.key_name))}``."
                )
                body += [
                    f"if {pname} is not None:",
                    f"    auth[{py_literal(s.name)}] = ApiKey({pname}, {py_literal(s.key_name)}, {py_literal(s.location if s.location in ('header', 'query', 'cookie') else 'header')})",
                ]
        if basic:
            imports.add("HttpBasic")
            params += ["username: str | None = None", "password: str | None = None"]
            doc.append("``username`` / ``password``: HTTP basic credentials.")
            body += [
                "if username is not None and password is not None:",
                "    basic = HttpBasic(username, password)",
                *[f"    auth[{py_literal(s.name)}] = basic" for s in basic],
            ]
        if not params:
            doc.append("The API declares no security schemes; this client sends none.")
        timeout_default = "NOT_GIVEN"
        if (self.timeout, self.connect_timeout) != (60.0, 5.0):
            timeout_default = f"httpx.Timeout({self.timeout!r}, connect={self.connect_timeout!r})"
        return {
            "default_base_url": py_literal(url if has_default else ""),
            "has_default_base_url": has_default,
            # Shown in the client's docstring: escaped like any text from the spec placed there.
            "example_base_url": docstring(
                py_literal(url if has_default else "https://api.example.com")
            ),
            "timeout_default": timeout_default,
            "timeout_doc": f"{self.timeout:g} s overall, {self.connect_timeout:g} s to connect",
            "max_retries": self.max_retries,
            "auth_imports": ", ".join(sorted(imports)),
            "auth_params": params,
            "auth_body": body,
            "auth_doc": doc,
        }

    def webhook_views(self) -> list[dict[str, str]]:
        views: list[dict[str, str]] = []
        code = ModuleCode(self.models, ".models.", ".", ".")
        for hook in self.api.webhooks:
            t = hook.type or Prim("any")
            views.append(
                {
                    "name": hook.name,
                    "literal": py_literal(hook.name),
                    "fn": "parse_" + _safe_fn(hook.name),
                    "annotation": code.annotation(t),
                    "decode": code.decode(t, "payload"),
                }
            )
        code.typing("Any")
        code.runtime("jsonlib", "loads")
        block = _block(
            "from __future__ import annotations",
            *code.import_lines(),
            *code.type_checking_lines(),
        )
        return [
            {
                "imports": "\n".join(code.import_lines() + code.type_checking_lines()),
                "import_block": block,
            },
            *views,
        ]

    def readme_examples(self) -> dict[str, object]:
        ops = list(self.api.operations)
        plain = next(
            (o for o in ops if o.method == "GET" and not o.pagination and not o.stream), None
        )
        paged = next((o for o in ops if o.pagination), None)
        streamed = next((o for o in ops if o.stream == "sse"), None)
        idem = next((o for o in ops if o.idempotency_header), None)

        def call(o: Operation | None) -> str:
            if o is None:
                return ""
            args = ["client=client"]
            for p in o.params:
                if p.required and not p.has_default:
                    args.append(f"{p.name}={_example_value(p.type)}")
            return ", ".join(args)

        return {
            "plain": plain,
            "plain_args": call(plain),
            "paged": paged,
            "paged_args": call(paged),
            "streamed": streamed,
            "streamed_args": call(streamed),
            "idem": idem,
        }


def _block(*lines: str, wrap_like: Sequence[str] = ()) -> str:
    """The import statements ``lines`` (empty ones ignored) as one isort-ordered block;
    ``wrap_like``: see :func:`generator.imports.sort_imports`."""
    return "\n".join(sort_imports((line for line in lines if line), wrap_like=wrap_like))


def _runtime_lines(code: ModuleCode, names: Mapping[str, set[str]]) -> list[str]:
    """``from <runtime>._runtime.<module> import ...`` lines for ``names`` as ``code`` spells them."""
    return [
        f"from {code.runtime_prefix}_runtime.{module} import {', '.join(sorted(found))}"
        for module, found in names.items()
        if module != "__types__"
    ]


def _merge_runtime(code: ModuleCode, names: Mapping[str, set[str]]) -> None:
    for module, found in names.items():
        code.runtime_names.setdefault(module, set()).update(found)


def _page_attr_expr(model: AnyModel, attr: str, obj: str, py_type: str, fallback: str) -> str:
    """``obj.attr`` narrowed to ``py_type`` (optional/nullable fields read as ``fallback``)."""
    f = (
        next((f for f in model.fields if f.name == attr), None)
        if isinstance(model, Model)
        else None
    )
    if f is not None and f.required and not f.type.nullable:
        return f"{obj}.{attr}"
    return f"({obj}.{attr} if isinstance({obj}.{attr}, {py_type}) else {fallback})"


def _example_value(t: TypeRef) -> str:
    if isinstance(t, Prim) and t.kind == "int":
        return "1"
    if isinstance(t, Prim) and t.kind == "bool":
        return "True"
    return '"..."'


def _safe_fn(name: str) -> str:
    from generator.naming import safe_identifier, snake_case

    return safe_identifier(snake_case(name))


def _frozenset_literal(items: Iterable[str]) -> str:
    values = sorted(set(items))
    if not values:
        return "frozenset()"
    return f"frozenset([{', '.join(py_literal(v) for v in values)}])"


def _split_union(ann: str) -> list[str]:
    """The top-level ``|`` members of an annotation (``A | list[B | C]`` -> ``A``, ``list[B | C]``)."""
    parts: list[str] = []
    depth = 0
    start = 0
    quote = ""
    for i, ch in enumerate(ann):
        if quote:
            if ch == quote and ann[i - 1] != "\\":
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(ann[start:i].strip())
            start = i + 1
    parts.append(ann[start:].strip())
    return [p for p in parts if p]


def _is_builtin_annotation(ann: str) -> bool:
    return ann.split("[", 1)[0] in (
        "str",
        "int",
        "float",
        "bool",
        "list",
        "dict",
        "None",
        "Any",
        "Literal",
        "bytes",
    )


def _model_name(models: Mapping[str, AnyModel], t: TypeRef) -> str:
    if isinstance(t, ModelRef):
        return models[t.model_id].class_name
    return ""
