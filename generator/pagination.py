"""Which operations page, in which style, and over which parameters and fields.

For each operation, in order: a config override (``pagination: {op: {...}}`` or ``false``,
:mod:`generator.pagination_explicit`), a vendor extension in the spec (``x-pagination``,
``x-speakeasy-pagination``, ``x-fern-pagination``), then inference from the spec:

1. The page: the single JSON success body is a bare array, or a model with one item array (at the
   top or one level down, e.g. Qdrant's ``result.points``), preferring ``items``/``data``/...
2. The style, first that fits: a documented ``Link`` response header (``link_header``); a body
   field named like a cursor parameter (``cursors.after`` for ``after``, ``metadata.continue``
   for ``continue``) or a cursor parameter plus a next-cursor field, nested ones included
   (``meta.next_cursor``) (``cursor``; over a bare array with no such field the cursor can only
   come in a ``Link`` header: ``link_header``); a next-page URL field (``next``,
   ``next_page_uri``, ``links.next``, ``links.pages.next``, ``_links.next.href``,
   ``@odata.nextLink``; a bare ``next``/``next_page`` beside a string cursor parameter is that
   parameter's cursor) (``next_url``); ``after``/``starting_after``/``before``, ``before`` first
   over bare arrays (``item_cursor``); ``offset``/``skip``/``start`` (``offset``, or ``cursor``
   when the body returns ``next_page_offset`` as Qdrant's scroll does); ``page`` (``page``). The
   parameter may be a query parameter or a key of the JSON request body (Prefect's ``POST
   /flows/filter``, Qdrant's scroll).
3. Stop signals the walk can use: ``has_more`` flags, ``total``/``total_count`` and
   ``pages``/``total_pages`` fields, and the page-size parameter (``limit``, ``per_page``).

Only GET, POST and QUERY operations are considered. One that looks paginated (a page parameter, a
``Link`` header or a next-link field) but cannot be wired gets a ``W0603`` warning saying why, at
the operation; one whose body holds no list at all gets the note ``N0605``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Literal

from generator import pagination_explicit
from generator.diagnostics import DiagnosticSink
from generator.ir import (
    AnyModel,
    AnyOf,
    Field,
    ListOf,
    Model,
    ModelRef,
    Operation,
    Pagination,
    Prim,
    TypeRef,
    UnionModel,
)
from generator.pagination_hints import (
    CONTAINERS,
    CURSOR_PARAMS,
    HAS_MORE_FIELDS,
    ITEM_CURSOR_PARAMS,
    ITEM_FIELDS,
    LAST_ID_FIELDS,
    NEXT_CURSOR_FIELDS,
    NEXT_URL_FIELDS,
    OFFSET_PARAMS,
    PAGE_PARAMS,
    PAGES_FIELDS,
    SIZE_PARAMS,
    TOTAL_FIELDS,
    PageHints,
    norm,
)
from generator.records import record

W_UNWIRED = "W0603"
N_NOT_A_LIST = "N0605"
AMBIGUOUS_NEXT = ("next", "nextpage")

Models = Mapping[str, AnyModel | None]


@record()
class Knob:
    """A request input the walk can set: a query parameter or a JSON body key."""

    wire: str
    name: str  # python name ("" for body keys)
    location: Literal["query", "body"]
    kind: str  # "str", "int", "any"


@record()
class Shape:
    """The page body: where the items are and the model the page fields are looked up in."""

    items_path: tuple[str, ...]
    items_attrs: tuple[str, ...]
    item_type: TypeRef
    model: Model | None  # None: a bare array


# ------------------------------------------------------------------------------------------------
# reading the operation
# ------------------------------------------------------------------------------------------------


def success_type(op: Operation) -> TypeRef | None:
    """The type of the one JSON body among the 2xx responses (None: none, several, not JSON)."""
    bodies = [
        r for r in op.responses if not r.is_error and r.kind != "empty" and r.status.startswith("2")
    ]
    if len(bodies) != 1 or bodies[0].kind != "json":
        return None
    return bodies[0].type


def _model(t: TypeRef | None, models: Models) -> Model | None:
    if isinstance(t, ModelRef):
        m = models.get(t.model_id)
        return m if isinstance(m, Model) else None
    return None


def _kind(t: TypeRef, models: Models) -> str:
    if isinstance(t, Prim):
        if t.kind in ("int",):
            return "int"
        if t.kind in ("str", "uuid"):
            return "str"
        if t.kind == "any":
            return "any"
        return t.kind
    if isinstance(t, ModelRef):
        m = models.get(t.model_id)
        if m is not None and m.kind == "enum":
            return "str"
        if isinstance(m, UnionModel):
            kinds = {_kind(v.type, models) for v in m.variants}
            return "any" if kinds <= {"int", "str", "any", "none"} else "object"
        return "object"
    if isinstance(t, AnyOf):
        kinds = {_kind(m, models) for m in t.members}
        return "any" if kinds <= {"int", "str", "any", "none"} else "object"
    return "list" if isinstance(t, ListOf) else "object"


def knobs(op: Operation, models: Models) -> list[Knob]:
    """Query parameters and top-level JSON body keys, in spec order."""
    out = [
        Knob(p.wire_name, p.name, "query", _kind(p.type, models))
        for p in op.params
        if p.location == "query"
    ]
    body = op.body
    if body is not None and body.kind == "json":
        model = _model(body.type, models)
        if model is not None:
            out += [Knob(f.wire_name, "", "body", _kind(f.type, models)) for f in model.fields]
    return out


def _pick(found: list[Knob], names: tuple[str, ...], kinds: tuple[str, ...]) -> Knob | None:
    """The first knob (query before body) whose name is in ``names`` (in ``names`` order)."""
    for location in ("query", "body"):
        for wanted in names:
            for k in found:
                if k.location == location and norm(k.wire) == wanted and k.kind in kinds:
                    return k
    return None


def shape(op: Operation, models: Models) -> Shape | str:
    """Where the items of a page are, or why no item array was found."""
    t = success_type(op)
    if t is None:
        return "its success response is not one JSON body"
    if isinstance(t, ListOf):
        return Shape((), (), t.item, None)
    model = _model(t, models)
    if model is None:
        return "its success body is neither an array nor an object model"
    found = _items_in(model, op)
    if found is not None:
        return Shape((found.wire_name,), (found.name,), found.type.item, model)  # type: ignore[union-attr]
    nested: list[tuple[Field, Field]] = []
    for f in model.fields:
        inner = _model(f.type, models)
        found = _items_in(inner, op) if inner is not None else None
        if found is not None:
            nested.append((f, found))
    if len(nested) > 1:  # several wrapped lists: the one under a container name, if any
        preferred = {norm(f.wire_name) for f in _ranked(model.fields, CONTAINERS)}
        nested = [pair for pair in nested if norm(pair[0].wire_name) in preferred][:1]
    if len(nested) == 1:
        outer, found = nested[0]
        item = found.type.item  # type: ignore[union-attr]
        return Shape((outer.wire_name, found.wire_name), (outer.name, found.name), item, model)
    return "its success body has no single item array"


def holds_list(op: Operation, models: Models) -> bool:
    """Whether the 2xx body is an array or an object with an array at most two levels down."""
    t = success_type(op)
    if isinstance(t, ListOf):
        return True
    model = _model(t, models)
    if model is None:
        return t is not None and _kind(t, models) == "object"  # unions: cannot tell, say yes
    level = [model]
    for _ in range(2):
        if any(isinstance(f.type, ListOf) for m in level for f in m.fields):
            return True
        level = [inner for m in level for f in m.fields if (inner := _model(f.type, models))]
    return False


def _items_in(model: Model, op: Operation) -> Field | None:
    """The item array of ``model``: its only array; else the one named ``items``/``data``/...;
    else the one the operation is named after (``list_guild_audit_log_entries`` ->
    ``audit_log_entries`` beside ``users`` and ``webhooks``)."""
    arrays = [f for f in model.fields if isinstance(f.type, ListOf)]
    if len(arrays) > 1:
        named = [f for f in arrays if norm(f.wire_name) in ITEM_FIELDS][:1]
        if not named:
            op_name = norm(op.id) + "/" + norm(op.path.rsplit("/", 1)[-1])
            named = [f for f in arrays if norm(f.wire_name) in op_name]
            named = sorted(named, key=lambda f: -len(f.wire_name))[:1]
        arrays = named
    return arrays[0] if len(arrays) == 1 else None


def _ranked(fields: tuple[Field, ...], names: tuple[str, ...]) -> list[Field]:
    by_name = {norm(f.wire_name): f for f in fields}
    return [by_name[n] for n in dict.fromkeys(names) if n in by_name]


def find_field(
    model: Model | None,
    names: tuple[str, ...],
    kinds: tuple[str, ...],
    models: Models,
    depth: int = 3,
    within: tuple[str, ...] = (),
) -> tuple[str, ...]:
    """Wire path of the first field named like ``names`` with a kind in ``kinds``: top level
    first, then under ``meta``/``pagination``/``links``/... containers (breadth first), and
    beside the item array when it is wrapped (``within``: the items path, e.g. Spotify's
    ``playlists.items`` next to ``playlists.next``)."""
    level: list[tuple[tuple[str, ...], Model]] = [((), model)] if model else []
    if model is not None and within:
        inner = _model(
            next((f.type for f in model.fields if f.wire_name == within[0]), None), models
        )
        if inner is not None:
            level.append((within[:1], inner))
    for _ in range(depth):
        for prefix, m in level:
            for f in _ranked(m.fields, names):
                if _kind(f.type, models) in kinds:
                    return (*prefix, f.wire_name)
                href = _model(f.type, models)
                if (
                    "href" in kinds
                    and href is not None
                    and any(x.wire_name == "href" for x in href.fields)
                ):
                    return (*prefix, f.wire_name, "href")
        level = [
            ((*prefix, f.wire_name), inner)
            for prefix, m in level
            for f in _ranked(m.fields, CONTAINERS)
            if (inner := _model(f.type, models)) is not None
        ]
    return ()


# ------------------------------------------------------------------------------------------------
# inference
# ------------------------------------------------------------------------------------------------


def looks_paginated(op: Operation, models: Models, hints: PageHints | None) -> str:
    """Why the operation looks paginated ("" when it does not).

    Only reads (GET, and POST searches/filters) can page: a DELETE or PATCH with a ``continue``
    parameter (Kubernetes' deletecollection) is not a list call.
    """
    if op.method not in ("GET", "POST", "QUERY"):
        return ""
    if hints is not None and hints.link_header:
        return "it documents a Link response header"
    names = CURSOR_PARAMS + ITEM_CURSOR_PARAMS + OFFSET_PARAMS + PAGE_PARAMS
    found = knobs(op, models)
    for k in found:
        if norm(k.wire) in names and k.kind in ("int", "str", "any"):
            if norm(k.wire) in OFFSET_PARAMS + PAGE_PARAMS and k.kind == "str":
                continue
            return f"it takes a page parameter {k.wire!r} ({k.location})"
    model = _model(success_type(op), models)
    path = find_field(model, NEXT_URL_FIELDS, ("str", "href"), models)
    if path:
        return f"its body has a next-page field {'.'.join(path)!r}"
    return ""


def infer(op: Operation, models: Models, hints: PageHints | None) -> Pagination | str:
    """The operation's pagination, or the reason it cannot be wired."""
    found = shape(op, models)
    if isinstance(found, str):
        return found
    page = found
    params = knobs(op, models)
    size = _pick(params, SIZE_PARAMS, ("int", "any"))
    within = page.items_path[:-1]
    signals = _signals(page.model, models, within)

    def make(style: str, knob: Knob | None, next_path: tuple[str, ...] = ()) -> Pagination:
        return _pagination(op, page, style, knob, size, next_path, signals, models)

    if hints is not None and hints.link_header:
        return make("link_header", None)
    # A field named like a cursor parameter hands its next value back (Spotify's
    # ``cursors.after`` for ``after``, Kubernetes' ``metadata.continue`` for ``continue``).
    for knob in params:
        if norm(knob.wire) in CURSOR_PARAMS + ITEM_CURSOR_PARAMS and knob.kind != "int":
            kinds = ("str", "any", "int")
            path = find_field(page.model, (norm(knob.wire),), kinds, models, within=within)
            if len(path) > 1:
                return make("cursor", knob, path)
    cursor = _pick(params, CURSOR_PARAMS, ("str", "any", "int"))
    if cursor is not None:
        path = find_field(
            page.model, NEXT_CURSOR_FIELDS, ("str", "any", "int"), models, within=within
        )
        if path:
            return make("cursor", cursor, path)
        if page.model is None:
            # A cursor parameter, a bare array and no cursor in the body: the next cursor can only
            # travel in a header, and Link is the standard one (GitHub's webhook deliveries).
            return make("link_header", None)
    url = find_field(page.model, NEXT_URL_FIELDS, ("str", "href"), models, within=within)
    if url and norm(url[-1]) in AMBIGUOUS_NEXT:
        # A bare ``next``/``next_page`` beside a string cursor parameter is that parameter's
        # next value (OpenAI's admin lists: ``after`` + ``next``; costs: ``page`` + ``next_page``).
        names = CURSOR_PARAMS + ITEM_CURSOR_PARAMS + PAGE_PARAMS
        token = _pick(params, names, ("str",))
        if token is not None:
            return make("cursor", token, url)
    if url:
        return make("next_url", None, url)
    item_cursor = _pick(params, _item_cursor_order(page), ("str", "any", "int"))
    if item_cursor is not None:
        last_id = find_field(page.model, LAST_ID_FIELDS, ("str", "int", "any"), models, 1)
        return make("item_cursor", item_cursor, last_id)
    offset = _pick(params, OFFSET_PARAMS, ("int", "any", "str"))
    if offset is not None:
        # An "offset" the server hands back (Qdrant's scroll: ``offset`` in, point id
        # ``next_page_offset`` out) is a cursor, not a count.
        returned = ("nextpage" + norm(offset.wire), "next" + norm(offset.wire))
        path = find_field(page.model, returned, ("str", "any", "int"), models, within=within)
        if path:
            return make("cursor", offset, path)
        if offset.kind != "str":
            return make("offset", offset)
    number = _pick(params, PAGE_PARAMS, ("int", "any"))
    if number is not None:
        return make("page", number)
    if cursor is not None:
        return f"no next-cursor field for parameter {cursor.wire!r} in its success body"
    return "no page parameter it could set and no next link"


def _item_cursor_order(page: Shape) -> tuple[str, ...]:
    """``before`` first over bare arrays (newest-first histories such as Discord's messages),
    ``after`` first over wrapper pages with ``has_more`` (OpenAI-style lists)."""
    if page.model is None:
        return ("before", "beforeid", "after", "afterid", "startingafter", "endingbefore")
    return ITEM_CURSOR_PARAMS


def _signals(
    model: Model | None, models: Models, within: tuple[str, ...] = ()
) -> dict[str, tuple[str, ...]]:
    return {
        "has_more": find_field(model, HAS_MORE_FIELDS, ("bool",), models, 2, within),
        "total": find_field(model, TOTAL_FIELDS, ("int",), models, 2, within),
        "pages": find_field(model, PAGES_FIELDS, ("int",), models, 2, within),
    }


def _start(op: Operation, knob: Knob | None, style: str) -> int:
    if style != "page":
        return 0
    param = next((p for p in op.params if knob and p.wire_name == knob.wire), None)
    if param is not None and param.has_default and isinstance(param.default, int):
        return int(param.default)
    return 1


def _pagination(
    op: Operation,
    page: Shape,
    style: str,
    knob: Knob | None,
    size: Knob | None,
    next_path: tuple[str, ...],
    signals: Mapping[str, tuple[str, ...]],
    models: Models,
) -> Pagination:
    model = page.model
    top = {f.wire_name: f for f in model.fields} if model else {}
    next_attr = top[next_path[0]].name if len(next_path) == 1 and next_path[0] in top else ""
    return Pagination(
        cursor_param=knob.name if knob else "",
        items_field=page.items_attrs[0] if len(page.items_attrs) == 1 else "",
        next_cursor_field=next_attr if style == "cursor" else "",
        item_type=page.item_type,
        page_model_id=model.id if model else "",
        source="inferred",
        style=style,  # type: ignore[arg-type]
        location=knob.location if knob else "query",
        param=knob.wire if knob else "",
        size_param=size.wire if size and (knob is None or size.location == knob.location) else "",
        items_path=page.items_path,
        items_attrs=page.items_attrs,
        next_path=next_path,
        has_more_path=signals["has_more"],
        total_path=signals["total"] if style in ("offset", "page") else (),
        pages_path=signals["pages"] if style == "page" else (),
        item_id="id",
        start=_start(op, knob, style),
    )


# ------------------------------------------------------------------------------------------------
# the build step
# ------------------------------------------------------------------------------------------------


def attach(
    ops: list[Operation],
    models: Models,
    overrides: Mapping[str, Any],
    sink: DiagnosticSink,
    hints: Mapping[str, PageHints] | None = None,
) -> list[Operation]:
    """Return ``ops`` with ``pagination`` filled in; warn about ones that look paged but are not."""
    hints = hints or {}
    out: list[Operation] = []
    for op in ops:
        page = _decide(op, models, overrides, sink, hints.get(op.pointer))
        out.append(replace(op, pagination=page) if page else op)
    return out


def _decide(
    op: Operation,
    models: Models,
    overrides: Mapping[str, Any],
    sink: DiagnosticSink,
    hint: PageHints | None,
) -> Pagination | None:
    override = overrides.get(op.id, overrides.get(op.name))
    if override is False:
        return None
    if isinstance(override, Mapping):
        return pagination_explicit.from_config(op, override, models, sink)
    if hint is not None and hint.extensions:
        explicit = pagination_explicit.from_extension(op, hint.extensions, models, sink)
        if explicit is not None:
            return explicit
    why = looks_paginated(op, models, hint)
    if op.stream is not None:
        if why:
            _unwired(op, why, "it streams its response", sink)
        return None
    if not why:
        return None
    if not holds_list(op, models):
        sink.note(
            N_NOT_A_LIST,
            f"operation {op.id!r}: {why}, but its success body holds no list; not paginated",
            op.pointer,
        )
        return None
    result = infer(op, models, hint)
    if isinstance(result, str):
        _unwired(op, why, result, sink)
        return None
    return result


def _unwired(op: Operation, why: str, reason: str, sink: DiagnosticSink) -> None:
    sink.warning(
        W_UNWIRED,
        f"operation {op.id!r} looks paginated ({why}) but has no iterate(): {reason}",
        op.pointer,
        hint="wire it with a `pagination:` entry in the config (docs/config.md), or set it to "
        "false to silence this",
    )


def describe(page: Pagination) -> dict[str, object]:
    """The report entry of one paginated operation: its style and what it reads and writes."""
    entry: dict[str, object] = {"style": page.style, "source": page.source}
    if page.param:
        entry["param"] = f"{page.param} ({page.location})"
    if page.size_param:
        entry["size_param"] = page.size_param
    entry["items"] = ".".join(page.items_path) or "<body>"
    for key, path in (
        ("next", page.next_path),
        ("has_more", page.has_more_path),
        ("total", page.total_path),
        ("pages", page.pages_path),
    ):
        if path:
            entry[key] = ".".join(path)
    return entry
