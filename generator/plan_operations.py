"""Operation modules' views: signatures, request building, the status table, paging and streaming.

Split out of :mod:`generator.plan` (which owns models, the file list and the client): everything
``operation.py.jinja`` prints for one :class:`~generator.ir.Operation` is decided here, plus the
small helpers both planners share (:func:`block`, :func:`default_literal`, :func:`page_attr_expr`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from generator.coerce import default_expression
from generator.imports import sort_imports
from generator.ir import (
    AnyModel,
    Api,
    EnumModel,
    ListOf,
    Model,
    ModelRef,
    Operation,
    Pagination,
    Param,
    Prim,
    ResponseCase,
    TypeRef,
)
from generator.layout import arguments, call_layout, grouped
from generator.pycode import ModuleCode, comment, docstring, py_literal, tuple_literal
from generator.records import record


@record(slots=True)
class ParamView:
    """A parameter of a generated function, as the operation template writes it."""

    name: str
    declaration: str  # "name: annotation" or with default
    doc: str
    statement: str  # code that puts it into `parts`
    optional: bool


@record(slots=True)
class OperationView:
    """Everything the operation template needs for one operation's module."""

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
    # ``ENDPOINT = Endpoint(...)`` laid out as the formatter would (endpoint_args, one call)
    endpoint: str
    # ``doc`` for the module docstring (no indentation)
    module_doc: str
    # ``build_request(<call_args>),`` as an argument at column 8, laid out as the formatter would
    build_call: str
    # the arguments of a ``*_detailed`` (``iterate_pages``) call at column 12, laid out
    forward: str
    forward_pages: str
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
    page_items_expr: str  # expression over ``page``: the items as a list (a return value)
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
    # -- since 1.4: every paging style (``paginated`` above stays the 1.2 cursor-only flag) --
    paging: bool = False  # iterate/aiterate/iterate_pages/aiterate_pages are generated
    page_style: str = ""  # "cursor", "item_cursor", "offset", "page", "link_header", "next_url"
    pager: str = ""  # the runtime ``Pager(...)`` constructor expression
    pager_statement: str = ""  # ``PAGER = Pager(...)``, laid out as the formatter would
    paging_doc: str = ""  # one docstring line: how this operation pages


class OperationPlanner:
    """Builds the :class:`OperationView` of each operation of one :class:`~generator.ir.Api`."""

    def __init__(self, api: Api, models: Mapping[str, AnyModel]) -> None:
        self.api = api
        self.models = models

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
        endpoint = [
            f"method={py_literal(op.method)}",
            f"path={py_literal(op.path)}",
            f"operation_id={py_literal(op.id)}",
        ]
        if op.idempotency_header:
            endpoint.append(f"idempotency_header={py_literal(op.idempotency_header)}")
        if security is not None:
            alternatives = [tuple_literal([py_literal(s) for s in alt]) for alt in security]
            endpoint.append(f"security={tuple_literal(alternatives)}")
        endpoint_args = ", ".join(endpoint)
        call_args = [f"{p.name}={p.name}" for p in params]
        page = op.pagination
        legacy = _legacy_cursor(op, self.models)
        paging_params: list[ParamView] = []
        paging_args: list[str] = []
        page_item = ""
        if page:
            page_item = code.annotation(page.item_type)
        if page and legacy:
            paging_params = [p for p in params if p.name != page.cursor_param]
            paging_args = [f"{p.name}={p.name}" for p in paging_params]
        stream = op.stream or ""
        exports = ["build_request", "sync", "sync_detailed", "asyncio", "asyncio_detailed"]
        if page:
            exports += ["iterate", "aiterate", "iterate_pages", "aiterate_pages"]
        if stream:
            exports += ["stream", "astream"]
        doc_lines = [op.summary or f"{op.method} {op.path}"]
        if op.description and op.description != op.summary:
            doc_lines += ["", op.description]
        doc_lines += ["", f"``{op.method} {op.path}``"]
        pager = pager_args(page) if page else []
        doc_text = "\n".join(doc_lines)
        doc = docstring(doc_text, "    ")
        return OperationView(
            name=op.name,
            tag_module=op.tag_module,
            method=op.method,
            path=op.path,
            summary=comment(op.summary or f"{op.method} {op.path}"),
            doc=doc,
            # ruff format re-indents a docstring's lines to the module's level (unless a line
            # ends in a backslash): written so, ruff leaves the module alone
            module_doc=doc.replace("\n    ", "\n") if "\\" not in doc_text else doc,
            params=params,
            call_args=call_args,
            return_annotation=ret,
            endpoint_args=endpoint_args,
            endpoint=call_layout("ENDPOINT = Endpoint(", endpoint),
            build_call=_build_call(call_args),
            forward=arguments(["client=client", *call_args, *_OPTIONS], 12),
            forward_pages=arguments(
                ["client=client", *call_args, *_OPTIONS, "max_pages=max_pages"], 12
            ),
            body_statement=body_stmt,
            success_entries=success,
            error_entries=errors,
            stream=stream,
            stream_item=stream_item,
            stream_decoder=stream_decoder,
            paginated=legacy,
            page_item=page_item,
            page_items_attr=page.items_field if page else "",
            page_cursor_attr=page.next_cursor_field if page else "",
            page_items_expr=items_expr(page, ret, self.models, code) if page else "",
            page_cursor_expr=(
                page_attr_expr(
                    self.models[page.page_model_id], page.next_cursor_field, "page", "str", "None"
                )
                if page and legacy
                else ""
            ),
            cursor_param=page.cursor_param if page else "",
            paging_params=paging_params,
            paging_args=paging_args,
            fetch_args=paging_args
            + ([f"{page.cursor_param}=cursor_value"] if page and legacy else []),
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
            paging=page is not None,
            page_style=page.style if page else "",
            pager=f"Pager({', '.join(pager)})" if page else "",
            pager_statement=call_layout("PAGER = Pager(", pager) if page else "",
            paging_doc=paging_doc(page) if page else "",
            import_block=block(
                "from __future__ import annotations",
                "from collections.abc import Mapping",
                "from collections.abc import AsyncIterator, Iterator" if page or stream else "",
                "import httpx",
                "from ..._runtime.endpoint import Endpoint, RequestParts",
                "from ..._runtime.pagination import Page, Pager" if page else "",
                "from collections.abc import Sequence" if page else "",
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
            decl = f"{p.name}: {ann} = {default_literal(self.models, p.type, p.default, code)}"
        elif p.required:
            decl = f"{p.name}: {ann}"
        else:
            decl = (
                f"{p.name}: {ann} | None = None"
                if ann not in ("Any", "None")
                else f"{p.name}: {ann} = None"
            )
        encoded = code.encode(p.type, value) if not p.type.nullable else value
        explode = f"explode={p.explode}"
        # laid out at the statement's indentation, as the formatter would (pycode.call_layout)
        indent = 8 if optional and not p.has_default else 4
        if p.location == "path":
            head = f"parts.path_params[{py_literal(p.wire_name)}] = "
            call = code.runtime("params", "path_param")
            args = [encoded, f"style={py_literal(p.style)}", explode]
        elif p.location == "query":
            head = ""
            call = code.runtime("params", "add_query")
            args = ["parts.query", py_literal(p.wire_name), encoded]
            args += [f"style={py_literal(p.style)}", explode]
        elif p.location == "querystring":
            head = "parts.query_string = "
            call = code.runtime("params", "query_string")
            args = [encoded, py_literal(p.content_type)]
        else:
            target = "headers" if p.location == "header" else "cookies"
            head = f"parts.{target}[{py_literal(p.wire_name)}] = "
            call = code.runtime("params", "header_param")
            args = [encoded, explode]
        stmt = call_layout(f"{head}{call}(", args, indent)
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


def block(*lines: str, wrap_like: Sequence[str] = ()) -> str:
    """The import statements ``lines`` (empty ones ignored) as one isort-ordered block;
    ``wrap_like``: see :func:`generator.imports.sort_imports`."""
    return "\n".join(sort_imports((line for line in lines if line), wrap_like=wrap_like))


def default_literal(
    models: Mapping[str, AnyModel], t: TypeRef, value: object, code: ModuleCode
) -> str:
    """The Python literal of a schema default (enum members by their class attribute; date,
    date-time and UUID defaults, ISO strings in the IR (see :mod:`generator.coerce`), as
    constructor calls: the annotation of the same type already imported the class)."""
    if isinstance(t, Prim):
        expression = default_expression(t.kind, value)
        if expression is not None:
            return expression
    if isinstance(t, ModelRef):
        model = models[t.model_id]
        if isinstance(model, EnumModel):
            member = next(m for m in model.members if m.value == value)
            code._need_model(model, [model.class_name], runtime=True)
            return f"{model.class_name}.{member.name}"
    return py_literal(value)


def page_attr_expr(model: AnyModel, attr: str, obj: str, py_type: str, fallback: str) -> str:
    """``obj.attr`` narrowed to ``py_type`` (optional/nullable fields read as ``fallback``)."""
    f = (
        next((f for f in model.fields if f.name == attr), None)
        if isinstance(model, Model)
        else None
    )
    if f is not None and f.required and not f.type.nullable:
        return f"{obj}.{attr}"
    return grouped(f"{obj}.{attr} if isinstance({obj}.{attr}, {py_type}) else {fallback}")


def _legacy_cursor(op: Operation, models: Mapping[str, AnyModel]) -> bool:
    """Whether the 1.2 cursor-only view attributes describe ``op`` (``paginated``)."""
    page = op.pagination
    return bool(
        page
        and page.style == "cursor"
        and page.location == "query"
        and page.cursor_param
        and page.next_cursor_field
        and page.items_field
        and isinstance(models.get(page.page_model_id), Model)
    )


def items_expr(page: Pagination, ret: str, models: Mapping[str, AnyModel], code: ModuleCode) -> str:
    """An expression over ``page`` (typed ``ret``) giving the page's items as a list."""
    conds: list[str] = []
    if not page.page_model_id:
        if ret == code.annotation(ListOf(page.item_type)):
            return "page"
        return "page if isinstance(page, list) else []"
    model = models[page.page_model_id]
    cls = model.class_name
    code._need_model(model, [cls], runtime=True)
    if ret != cls:
        conds.append(f"isinstance(page, {cls})")
    obj = "page"
    current: AnyModel | None = model
    attrs = page.items_attrs or (page.items_field,)
    for i, attr in enumerate(attrs):
        fld = (
            next((f for f in current.fields if f.name == attr), None)
            if isinstance(current, Model)
            else None
        )
        if i == len(attrs) - 1:
            if fld is None or not fld.required or fld.type.nullable:
                conds.append(f"isinstance({obj}.{attr}, list)")
            expr = f"{obj}.{attr}"
            break
        inner = models.get(fld.type.model_id) if fld and isinstance(fld.type, ModelRef) else None
        if inner is None:
            return "[]"
        code._need_model(inner, [inner.class_name], runtime=True)
        var = f"_p{i}"
        conds.append(f"isinstance({var} := {obj}.{attr}, {inner.class_name})")
        obj, current = var, inner
    return f"{expr} if {' and '.join(conds)} else []" if conds else expr


_OPTIONS = ("extra_headers=extra_headers", "timeout=timeout", "max_retries=max_retries")


def _build_call(call_args: Sequence[str]) -> str:
    """``build_request(...)``, as an argument of a call at column 8 (its trailing comma
    included): one argument a line (the stock template always wrote them with a trailing comma)."""
    if not call_args:
        return "build_request(),"
    lines = "".join(f"            {arg},\n" for arg in call_args)
    return f"build_request(\n{lines}        ),"


def pager_args(page: Pagination) -> list[str]:
    """The arguments of the runtime ``Pager(...)`` constructor for ``page`` (defaults left out)."""
    args = [py_literal(page.style)]
    for key, value, default in (
        ("param", page.param, ""),
        ("location", page.location, "query"),
        ("size_param", page.size_param, ""),
        ("items", page.items_path, ()),
        ("next", page.next_path, ()),
        ("has_more", page.has_more_path, ()),
        ("total", page.total_path, ()),
        ("pages", page.pages_path, ()),
        ("item_id", page.item_id, "id"),
        ("start", page.start, 0),
    ):
        if value != default:
            args.append(f"{key}={_literal(value)}")
    return args


def paging_doc(page: Pagination) -> str:
    """How the operation pages, for docstrings (one line)."""
    where = f"``{page.param}`` ({'query' if page.location == 'query' else 'JSON body'})"
    nxt = ".".join(page.next_path)
    text = {
        "cursor": f"Pages with the cursor {where} from ``{nxt}``.",
        "item_cursor": f"Pages with {where} set to the last item's ``{nxt or page.item_id}``.",
        "offset": f"Pages by offset {where}.",
        "page": f"Pages by page number {where}.",
        "link_header": 'Follows the ``Link: <...>; rel="next"`` response header.',
        "next_url": f"Follows the next-page URL in ``{nxt}``.",
    }[page.style]
    return comment(text)


def _literal(value: object) -> str:
    if isinstance(value, tuple):
        return tuple_literal([py_literal(v) for v in value])
    return py_literal(value)
