"""IR -> the list of files to write: (relative path, template name, prepared context) or a verbatim copy.

This is where Python decides everything a template prints: signatures, annotations, import blocks,
decode/encode expressions, the status table, pagination and streaming wiring. Templates receive
"views" (records, :mod:`generator.records`, of strings and lists) and only lay them out.

Model modules that sit in one import cycle (mutually recursive schemas) import each other lazily
inside functions; the cycles are found with an iterative Tarjan SCC over the model graph, so
20,000-schema specs need no recursion.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import field
from pathlib import Path

from generator import bindings, imports, layout, naming, plan_package
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
    Prim,
    TypeRef,
    UnionModel,
)
from generator.layout import grouped, has_layout, statement
from generator.plan_operations import (
    OperationPlanner,
    OperationView,
    block,
    default_literal,
    page_attr_expr,
)
from generator.pycode import ModuleCode, comment, docstring, py_literal
from generator.records import record
from generator.resources import RUNTIME_DIR
from generator.schemas import with_nullable


@record(slots=True)
class PlannedFile:
    """One file of the output tree: a template and its context, or a verbatim copy."""

    path: str  # relative to the output root, "/"-separated
    template: str | None  # template name, or None for a verbatim copy
    context: Mapping[str, object] = field(default_factory=dict)
    source: Path | None = None  # verbatim copy source


# ------------------------------------------------------------------------------------------------
# views
# ------------------------------------------------------------------------------------------------


@record(slots=True)
class FieldView:
    """A field of a generated dataclass, as the model template writes it."""

    name: str
    wire: str  # Python literal of the wire name
    declaration: str  # "name: annotation" or "name: annotation = default"
    decode: str
    encode_guard: str  # "" when always written
    encode: str
    doc: str
    # The value that leaves the key out of the wire form: "ALWAYS" (never), "None" or "UNSET".
    omit: str
    # ``obj.<name> = <decode>`` (in from_dict) and ``out[<wire>] = <encode>`` (in to_dict, under
    # its guard if any), laid out as the formatter would (pycode.statement), when that differs
    # from the plain statement; "" when the plain one is the formatter's too
    decode_statement: str = ""
    encode_statement: str = ""
    # ``declaration`` laid out as the formatter would at column 4 (a long one's default in
    # parentheses), when that differs from it; "" otherwise
    declaration_statement: str = ""


@record(slots=True)
class ModelView:
    """Everything the model template needs for one dataclass module."""

    class_name: str
    module: str
    doc: str
    fields: list[FieldView]
    keeps_extra: bool
    extra_decode: str
    extra_annotation: str
    extra_encode: str  # expression: the JSON form of ``self.additional_properties`` (a new dict)
    known_keys: str  # Python literal frozenset of wire names
    known_keys_statement: str  # ``_KNOWN_KEYS: ... = <known_keys>``, laid out
    wire_line: str  # ``_wire_: ... = (...)`` on one line where the formatter puts it so, or ""
    required_keys: str
    cursor_alias: str  # attribute to expose as .cursor, or ""
    cursor_expr: str  # expression (over ``self``) giving the cursor as ``str | None``
    cursor_statement: str  # ``return <cursor_expr>``, laid out as the formatter would
    from_dict_def: str  # ``def from_dict(...) -> <class_name>:``, laid out (class level)
    unknown_keys_call: str  # ``unknown_fields(<name>, src.keys() - _KNOWN_KEYS)`` at column 12
    unknown_extra_call: str  # ``unknown_fields(<name>, extra)`` at column 16, laid out
    imports: list[str]
    type_checking_imports: list[str]  # in isort order
    lazy_imports: list[str]  # in isort order
    encode_head: list[FieldView]  # leading fields written unconditionally (one dict display)
    encode_tail: list[FieldView]  # the remaining fields, in order
    prelude: list[str]  # module-level constants the decode expressions use
    import_block: str = ""  # every module-level import, laid out as isort (ruff I001) would
    lazy_encode_imports: list[str] = field(default_factory=list)  # what to_dict uses
    lazy_decode_imports: list[str] = field(default_factory=list)  # what from_dict uses


@record(slots=True)
class EnumMemberView:
    """An enum member, as the enum template writes it."""

    name: str
    value: str


@record(slots=True)
class EnumView:
    """Everything the enum template needs for one enum module."""

    class_name: str
    module: str
    doc: str
    base: str
    members: list[EnumMemberView]
    imports: list[str]
    missing_def: str  # ``def _missing_(...) -> <class_name> | None:``, laid out (class level)


@record(slots=True)
class VariantView:
    """A member of a union, as the union template writes its decoder."""

    annotation: str
    decode: str  # a callable expression: Model.from_dict, or a lambda
    tags: list[str]  # Python literals
    check: str


@record(slots=True)
class UnionView:
    """Everything the union template needs for one union alias and its decoder."""

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


def forget_memos() -> None:
    """Empty the memo tables that naming and import layout keep across a run.

    They only speed up the build and plan stages, and what they hold is spread over the memory
    the views take: let go once planning is done, the views' memory goes back to the system as
    each file is rendered (on Microsoft Graph ~200k entries, and ~250 MiB of partly used pages
    kept alive by them otherwise)."""
    imports.forget()
    layout.forget_recorded()
    for memo in (
        bindings.imported_names,
        bindings._builtins_in,
        naming.snake_case,
        naming.pascal_case,
        naming.constant_case,
        naming.safe_identifier,
        naming._split_words,
    ):
        memo.cache_clear()


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
        self.version = version
        self.max_retries = max_retries
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        graph = {m.id: sorted(set(model_refs(m))) for m in api.models}
        self.scc = strongly_connected(graph)
        self.depth = import_depths(graph, self.scc)
        #: id() of a model or operation -> (that object, its view), when computed. The object is
        #: kept so its id() is never reused by another one while cached.
        self.views: dict[int, tuple[object, object]] = {}
        self.replace_api(api)

    def replace_api(self, api: Api) -> None:
        """Plan ``api`` instead (same models and references, names changed by
        :func:`generator.bindings.bind_names`). The views computed so far stay: a rename
        replaces the model or operation it changes (whose new object has no view yet) and
        never changes a class name, so the view of an object ``api`` still holds is its view."""
        self.api = api
        self.models: dict[str, AnyModel] = {m.id: m for m in api.models}
        self.ops = OperationPlanner(api, self.models)
        self.pages = {
            op.pagination.page_model_id: op.pagination for op in api.operations if op.pagination
        }

    def cached_view(self, obj: object) -> object | None:
        """The view :func:`generator.bindings.bind_names` computed for ``obj``, if any."""
        entry = self.views.get(id(obj))
        return entry[1] if entry is not None and entry[0] is obj else None

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
                default = default_literal(self.models, f.type, f.default, code)
                decl, value = f"{f.name}: {ann} = {default}", default
                dec = code.decode(f.type, f"src[{wire}]")
                decode = grouped(f"{dec} if {wire} in src else {default}")
                guard, omit = "", "ALWAYS"
            elif f.required and _allows_null(f.type):
                # Servers drop null fields (Go omitempty, Jackson NON_NULL, exclude_none): absent
                # reads as None, unless strict (then the KeyError names the missing key).
                decl, value = f"{f.name}: {ann}", ""
                is_strict = code.runtime("strict", "is_strict")
                present = grouped(f"src[{wire}] if {wire} in src or {is_strict}() else None")
                decode = code.decode(f.type, present)
                guard, omit = "", "ALWAYS"
            elif f.required:
                decl, value = f"{f.name}: {ann}", ""
                decode = code.decode(f.type, f"src[{wire}]")
                guard, omit = "", "ALWAYS"
            elif f.type.nullable:
                code.runtime_names.setdefault("__types__", set()).update({"UNSET", "Unset"})
                decl, value = f"{f.name}: {ann} | Unset = UNSET", "UNSET"
                var = code.fresh()
                inner = code.decode(with_nullable(f.type, False), var)
                decode = (
                    f"src.get({wire}, UNSET)"
                    if inner == var
                    else grouped(
                        f"UNSET if ({var} := src.get({wire}, UNSET)) is UNSET "
                        f"else (None if {var} is None else {inner})"
                    )
                )
                guard, omit = f"not isinstance(self.{f.name}, Unset)", "UNSET"
            else:
                decl, value = (
                    f"{f.name}: {ann} | None = None"
                    if ann not in ("Any", "None")
                    else f"{f.name}: {ann} = None"
                ), "None"
                var = code.fresh()
                inner = code.decode(f.type, var)
                decode = (
                    plain_get
                    if inner == var
                    else grouped(f"None if ({var} := {plain_get}) is None else {inner}")
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
                    declaration_statement=layout.declaration(decl, value, 4) if value else "",
                    decode=decode,
                    encode_guard=guard,
                    encode=encode,
                    doc=comment(f.description),
                    omit=omit,
                    decode_statement=(
                        statement(decode, f"obj.{f.name} = ", 12) if has_layout(decode) else ""
                    ),
                    encode_statement=(
                        statement(encode, f"out[{wire}] = ", 12 if guard else 8)
                        if has_layout(encode)
                        else ""
                    ),
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
        code.runtime("serde", "field_error")
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
        if page and page.next_cursor_field and "cursor" not in names:
            cursor_alias = page.next_cursor_field
            cursor_expr = page_attr_expr(model, cursor_alias, "self", "str", "None")
        known = _key_literals(f.wire_name for f in model.fields)
        return ModelView(
            class_name=model.class_name,
            module=model.module,
            doc=docstring(model.description or f"{model.class_name} ({model.pointer})", "    "),
            fields=fields,
            keeps_extra=keeps_extra,
            extra_decode=extra_decode,
            extra_encode=extra_encode,
            extra_annotation=extra_ann,
            known_keys=layout.frozenset_display(known),
            known_keys_statement=layout.known_keys_statement(known),
            wire_line=layout.wire_line(  # two entries or more are never on one line
                [f"({py_literal(fv.name)}, {fv.wire}, {fv.omit})" for fv in fields[:2]]
            ),
            required_keys=layout.frozenset_display(
                _key_literals(f.wire_name for f in model.fields if f.required)
            ),
            cursor_alias=cursor_alias,
            cursor_expr=cursor_expr,
            cursor_statement=statement(cursor_expr, "return ", 8) if cursor_expr else "",
            from_dict_def=layout.signature(
                "from_dict", "cls, src: Mapping[str, Any]", model.class_name, 4
            ),
            unknown_keys_call=layout.call_layout(
                "unknown_fields(", [py_literal(model.class_name), "src.keys() - _KNOWN_KEYS"], 12
            ),
            unknown_extra_call=layout.call_layout(
                "unknown_fields(", [py_literal(model.class_name), "extra"], 16
            ),
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
            import_block=block(
                "from __future__ import annotations",
                "from collections.abc import Mapping",
                "from dataclasses import dataclass, field" if keeps_extra else "",
                "from dataclasses import dataclass",
                *code.import_lines(),
                wrap_like=["from dataclasses import field"],
            ),
        )

    def enum_view(self, model: EnumModel) -> EnumView:
        return EnumView(
            class_name=model.class_name,
            module=model.module,
            doc=docstring(model.description or f"{model.class_name} ({model.pointer})", "    "),
            base=model.base,
            members=[EnumMemberView(m.name, py_literal(m.value)) for m in model.members],
            imports=[],
            missing_def=layout.signature(
                "_missing_", "cls, value: object", f"{model.class_name} | None", 4
            ),
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
            import_block=block(
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
        return self.ops.operation_view(op)

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
                cached_model = self.cached_view(model)
                view = (
                    cached_model if isinstance(cached_model, ModelView) else self.model_view(model)
                )
                out.append(PlannedFile(path, "model.py.jinja", {**common, "model": view}))
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
            cached = self.cached_view(op)
            op_view = cached if isinstance(cached, OperationView) else self.operation_view(op)
            tags.setdefault(op.tag_module, []).append(op_view)
            out.append(
                PlannedFile(
                    f"{pkg}/api/{op.tag_module}/{op.name}.py",
                    "operation.py.jinja",
                    {**common, "op": op_view},
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
        """Constructor parameters and auth wiring of ``client.py`` (:mod:`generator.plan_package`)."""
        return plan_package.client_view(
            self.api, self.timeout, self.connect_timeout, self.max_retries
        )

    def webhook_views(self) -> list[dict[str, str]]:
        return plan_package.webhook_views(self.api, self.models)

    def readme_examples(self) -> dict[str, object]:
        return plan_package.readme_examples(self.api)


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


def _allows_null(t: TypeRef) -> bool:
    """Whether JSON ``null`` is a value of ``t`` (nullable, or any value at all)."""
    return t.nullable or (isinstance(t, Prim) and t.kind == "any")


def _key_literals(items: Iterable[str]) -> list[str]:
    """Python literals of the distinct ``items``, sorted (a frozenset display's contents)."""
    return [py_literal(v) for v in sorted(set(items))]


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
