"""The public surface of one generated package, as data that two versions can be compared by.

A :class:`Surface` is a flat table ``symbol -> Entry``. Symbols are Python paths relative to the
package (``api.pets.list_pets``, ``api.pets.list_pets(limit)``, ``models.Pet``,
``models.Pet.owner``, ``models.Kind.DOG``, ``models.Event[Bark]``, ``errors.NotFoundError``,
``webhooks.parse_pet_adopted``, ``client.DEFAULT_BASE_URL``,
``client.AuthenticatedClient(token)``), so two packages with different import names still
line up. Each entry carries:

- ``kind``: what the symbol is (operation, parameter, class, field, enum, member, union, variant,
  error, server, auth);
- ``attrs``: the compared facts, as strings -- the Python side (annotation, default,
  required-ness) *and* the wire side behind it (wire name, ``in``, enum wire value, method and
  path, documented statuses, pagination, streaming, security), so a break that leaves the
  Python names equal is still seen;
- ``role`` of a model or field: ``request`` (users build it), ``response`` (users read it) or
  ``both``; it decides whether e.g. a field made nullable breaks anyone (:mod:`generator.evolution`);
- ``doc``: summary/description text (a change there is a ``docs`` change only);
- where it comes from in the spec: file, line, column, JSON pointer.

It is extracted from the IR plus the planner's views (the exact declarations the templates print),
during ``generate`` (written into the package as :data:`SURFACE_FILE`, so a generated directory
is a diffable side without its spec) and during ``diff`` of a spec file (the pipeline stops after
planning: nothing is rendered or written). Serialisation is deterministic (sorted, no timestamps).
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

from generator.build import closure, type_refs
from generator.diagnostics import Location, Locator
from generator.ir import (
    Api,
    EnumModel,
    Model,
    Operation,
    UnionModel,
)
from generator.plan import ModelView, PlannedFile, UnionView
from generator.plan_operations import OperationView
from generator.records import record

_json_str: Callable[[str], str] = json.encoder.encode_basestring
"""A JSON string literal as ``json.dumps(text, ensure_ascii=False)`` writes it."""
_JSON_KEYS: dict[str, str] = {}
"""``_json_str(key) + ": "`` of the attribute names met so far."""

SURFACE_FILE = ".codegen-surface.json"
SURFACE_FORMAT = 1
CHUNK = 1 << 20
_QUOTES = "\"'"


@record(slots=True)
class Entry:
    """One public symbol: what is compared, and where it comes from in the spec."""

    kind: str
    attrs: Mapping[str, str]
    role: str = ""
    doc: str = ""
    pointer: str = ""  # IR location key: ``#/...`` in the root document, or ``file#/...``

    def to_json(self) -> list[object]:
        return [self.kind, dict(sorted(self.attrs.items())), self.role, self.doc, self.pointer]

    def json_text(self) -> str:
        """``json.dumps(self.to_json(), ensure_ascii=False)``, written out directly: every part
        is a string (a snapshot has one line per public symbol, ~200,000 on Microsoft Graph)."""
        attrs = self.attrs
        pairs: list[str] = []
        for key in sorted(attrs):
            value = attrs[key]
            if type(value) is not str:
                return json.dumps(self.to_json(), ensure_ascii=False)
            head = _JSON_KEYS.get(key)
            if head is None:  # a few dozen attribute names, over and over
                head = _JSON_KEYS[key] = _json_str(key) + ": "
            pairs.append(head + _json_str(value))
        return (
            f"[{_json_str(self.kind)}, {{{', '.join(pairs)}}}, {_json_str(self.role)}, "
            f"{_json_str(self.doc)}, {_json_str(self.pointer)}]"
        )

    @classmethod
    def from_json(cls, data: Sequence[Any]) -> Entry:
        kind, attrs, role, doc, pointer = data
        return cls(
            str(kind),
            {str(k): str(v) for k, v in dict(attrs).items()},
            str(role),
            str(doc),
            str(pointer),
        )


@record(slots=True)
class Surface:
    """The public surface of one package: ``symbol -> Entry`` plus what names the package.

    ``locator`` (not serialised) maps an entry's pointer to file:line:col when the spec is at
    hand; it is consulted only for the entries a diff reports (locating every one of ~20,000
    symbols of a large spec costs more than building its IR).
    """

    package: str
    version: str
    spec: str
    entries: Mapping[str, Entry]
    locator: Locator | None = field(default=None, compare=False)

    def where(self, symbol: str) -> Location:
        """file:line:col of ``symbol`` (line 0 when the spec is not at hand)."""
        entry = self.entries.get(symbol)
        pointer = entry.pointer if entry else ""
        found = self.locator.locate(pointer) if self.locator and pointer else None
        if found is not None:
            return found
        file, _, _ = pointer.partition("#")
        return Location(file or self.spec, 0, 0)

    def dumps(self) -> bytes:
        return b"".join(self.chunks())

    def chunks(self) -> Iterator[bytes]:
        """:meth:`dumps` in pieces of about :data:`CHUNK` bytes: a large surface (Microsoft Graph:
        60 MB) is written without its whole text, or every entry's JSON, in memory at once."""
        # One entry a line: readable in a code review, and a one-line change is a one-line diff.
        head = (
            "{\n"
            f'"format": {SURFACE_FORMAT},\n'
            f'"package": {json.dumps(self.package)},\n'
            f'"version": {json.dumps(self.version)},\n'
            f'"spec": {json.dumps(self.spec)},\n'
            '"entries": {\n'
        )
        part: list[str] = [head]
        size = 0
        separator = ""
        entries = self.entries
        for key in sorted(entries):
            line = f"{separator}{_json_str(key)}: {entries[key].json_text()}"
            part.append(line)
            separator = ",\n"
            size += len(line)
            if size >= CHUNK:
                yield "".join(part).encode("utf-8")
                part, size = [], 0
        part.append("\n}\n}\n")
        yield "".join(part).encode("utf-8")

    @classmethod
    def loads(cls, data: bytes) -> Surface:
        body = json.loads(data)
        if not isinstance(body, dict) or body.get("format") != SURFACE_FORMAT:
            raise ValueError(f"not a surface snapshot of format {SURFACE_FORMAT}")
        entries = {str(k): Entry.from_json(v) for k, v in body["entries"].items()}
        return cls(str(body["package"]), str(body["version"]), str(body["spec"]), entries)


# ------------------------------------------------------------------------------------------------
# symbols
# ------------------------------------------------------------------------------------------------


def parent_symbol(symbol: str) -> str:
    """``api.t.op(p)`` -> ``api.t.op``; ``models.A.f`` -> ``models.A``; ``models.U[X]`` -> ``models.U``."""
    if symbol.endswith(")") and "(" in symbol:
        return symbol[: symbol.index("(")]
    if symbol.endswith("]") and "[" in symbol:
        return symbol[: symbol.index("[")]
    return symbol.rsplit(".", 1)[0]


def leaf_symbol(symbol: str) -> str:
    if symbol.endswith(")") and "(" in symbol:
        return symbol[symbol.index("(") + 1 : -1]
    if symbol.endswith("]") and "[" in symbol:
        return symbol[symbol.index("[") + 1 : -1]
    return symbol.rsplit(".", 1)[1]


def child_symbol(parent: str, leaf: str, like: str) -> str:
    if like.endswith(")"):
        return f"{parent}({leaf})"
    if like.endswith("]"):
        return f"{parent}[{leaf}]"
    return f"{parent}.{leaf}"


def annotation_parts(annotation: str) -> set[str]:
    """Top-level members of a ``A | B | None`` annotation."""
    parts: list[str] = []
    depth = 0
    cur = ""
    for ch in annotation:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    parts.append(cur.strip())
    return {p for p in parts if p}


# ------------------------------------------------------------------------------------------------
# extraction
# ------------------------------------------------------------------------------------------------


def model_roles(api: Api) -> dict[str, str]:
    """``model id -> request | response | both`` by what reaches it (bodies vs responses)."""
    models = {m.id: m for m in api.models}
    request: list[str] = []
    response: list[str] = []
    for op in api.operations:
        for p in op.params:
            request.extend(type_refs(p.type))
        if op.body is not None:
            request.extend(type_refs(op.body.type))
        for r in op.responses:
            response.extend(type_refs(r.type))
    for hook in api.webhooks:
        response.extend(type_refs(hook.type))
    sent = closure(models, request)
    read = closure(models, response)
    roles: dict[str, str] = {}
    for mid in models:
        if mid in sent and mid in read:
            roles[mid] = "both"
        elif mid in sent:
            roles[mid] = "request"
        elif mid in read:
            roles[mid] = "response"
        else:
            roles[mid] = "both"  # generated but unused (models: all): assume anything
    return roles


def _split_decl(declaration: str) -> tuple[str, str]:
    """``name: ann = default`` -> (``ann``, ``default`` or ``""``)."""
    _, _, rest = declaration.partition(": ")
    ann, sep, default = rest.partition(" = ")
    return ann, default if sep else ""


class _Extractor:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.entries: dict[str, Entry] = {}

    def add(
        self,
        symbol: str,
        kind: str,
        attrs: dict[str, str],
        pointer: str,
        *,
        role: str = "",
        doc: str = "",
    ) -> None:
        self.entries[symbol] = Entry(kind, attrs, role, doc.strip(), pointer)

    def model(self, model: Model, view: ModelView, role: str) -> None:
        sym = f"models.{model.class_name}"
        self.add(
            sym,
            "class",
            {"module": model.module, "extra": view.extra_annotation or "-"},
            model.pointer,
            role=role,
            doc=model.description,
        )
        for f, fv in zip(model.fields, view.fields, strict=True):
            ann, default = _split_decl(fv.declaration)
            self.add(
                f"{sym}.{f.name}",
                "field",
                {
                    "annotation": ann,
                    "default": default,
                    "required": "yes" if f.required and not f.has_default else "no",
                    "nullable": "yes" if f.type.nullable else "no",
                    "wire": f.wire_name,
                    "read_only": "yes" if f.read_only else "no",
                    "write_only": "yes" if f.write_only else "no",
                },
                f.pointer or model.pointer,
                role=role,
                doc=f.description,
            )

    def enum(self, model: EnumModel, role: str) -> None:
        sym = f"models.{model.class_name}"
        self.add(
            sym,
            "enum",
            {"module": model.module, "base": model.base},
            model.pointer,
            role=role,
            doc=model.description,
        )
        for m in model.members:
            self.add(f"{sym}.{m.name}", "member", {"wire": repr(m.value)}, model.pointer, role=role)

    def union(self, model: UnionModel, view: UnionView, role: str) -> None:
        sym = f"models.{model.class_name}"
        self.add(
            sym,
            "union",
            {"module": model.module, "discriminator": model.discriminator or "-"},
            model.pointer,
            role=role,
            doc=model.description,
        )
        for v in view.variants:
            self.add(
                f"{sym}[{v.annotation}]",
                "variant",
                {"tags": ", ".join(v.tags) or "-"},
                model.pointer,
                role=role,
            )

    def operation(self, op: Operation, view: OperationView) -> None:
        sym = f"api.{op.tag_module}.{op.name}"
        security = op.security if op.security is not None else self.api.default_security
        errors = ", ".join(
            f"{status.strip(_QUOTES)}: {parser.removesuffix('.from_dict')}"
            for status, parser in view.error_entries
        )
        page = op.pagination
        self.add(
            sym,
            "operation",
            {
                "method": op.method,
                "path": op.path,
                "operation_id": op.id,
                "returns": view.return_annotation,
                "success": ", ".join(s.strip(_QUOTES) for s, _ in view.success_entries),
                "errors": errors or "-",
                "pagination": (
                    f"{page.cursor_param} -> {page.items_field}, {page.next_cursor_field}"
                    if page
                    else "-"
                ),
                "stream": f"{op.stream} of {view.stream_type}" if op.stream else "-",
                "security": _security_text(security),
                "idempotency": op.idempotency_header or "-",
                "deprecated": "yes" if op.deprecated else "no",
            },
            op.pointer,
            doc="\n".join(t for t in (op.summary, op.description) if t),
        )
        params = {p.name: p for p in op.params}
        for pv in view.params:
            ann, default = _split_decl(pv.declaration)
            p = params.get(pv.name)
            attrs = {
                "annotation": ann,
                "default": default,
                "required": "no" if pv.optional else "yes",
            }
            if p is not None:
                attrs.update(
                    {
                        "wire": p.wire_name,
                        "in": p.location,
                        "style": f"{p.style}{', explode' if p.explode else ''}",
                    }
                )
                pointer, doc = p.pointer or op.pointer, p.description
            else:  # the request body
                body = op.body
                attrs.update(
                    {
                        "wire": "-",
                        "in": "body",
                        "style": f"{body.kind} {body.content_type}" if body else "-",
                    }
                )
                pointer, doc = (body.pointer if body else "") or op.pointer, (
                    body.description if body else ""
                )
            self.add(f"{sym}({pv.name})", "parameter", attrs, pointer, doc=doc)

    def client(self, view: Mapping[str, object]) -> None:
        self.add(
            "client.DEFAULT_BASE_URL",
            "server",
            {"value": str(view.get("default_base_url", ""))},
            "#/servers",
        )
        for decl in view.get("auth_params", []) or []:  # type: ignore[attr-defined]
            ann, default = _split_decl(str(decl))
            name = str(decl).partition(":")[0]
            self.add(
                f"client.AuthenticatedClient({name})",
                "auth",
                {"annotation": ann, "default": default},
                "#/components/securitySchemes",
            )
        for scheme in self.api.security:
            self.add(
                f"client.AuthenticatedClient[{scheme.name}]",
                "auth",
                {
                    "kind": scheme.kind,
                    "in": scheme.location or "-",
                    "wire": scheme.key_name or "-",
                    "token_url": scheme.token_url or "-",
                },
                f"#/components/securitySchemes/{scheme.name.replace('~', '~0').replace('/', '~1')}",
                doc=scheme.description,
            )

    def errors(self) -> None:
        names = self.api.errors
        statuses: dict[str, list[int]] = {}
        for status, cls in names.status_classes:
            statuses.setdefault(cls, []).append(status)
        fixed = [
            (names.api_error, "Exception"),
            (names.api_status_error, names.api_error),
            (names.client_error, names.api_status_error),
            (names.server_error, names.api_status_error),
            (names.bad_request, names.client_error),
            (names.unauthorized, names.client_error),
            (names.forbidden, names.client_error),
            (names.not_found, names.client_error),
            (names.conflict, names.client_error),
            (names.unprocessable_entity, names.client_error),
            (names.rate_limit, names.client_error),
            (names.connection_error, names.api_error),
            (names.timeout_error, names.connection_error),
            (names.unexpected_response, names.api_error),
        ] + [(extra.name, extra.base) for extra in names.extra_classes]
        for cls, base in fixed:
            self.add(
                f"errors.{cls}",
                "error",
                {"base": base, "statuses": ", ".join(map(str, statuses.get(cls, []))) or "-"},
                "",
            )


def _security_text(security: Sequence[Sequence[str]] | None) -> str:
    if not security:
        return "none"
    alternatives = [" + ".join(alt) if alt else "anonymous" for alt in security]
    return " | ".join(alternatives)


def extract(
    api: Api,
    planned: Sequence[PlannedFile],
    *,
    version: str,
    spec: str,
    locator: Locator | None = None,
) -> Surface:
    """The surface of the package ``planned`` lays out for ``api`` (``locator``: the spec's)."""
    ex = _Extractor(api)
    roles = model_roles(api)
    modules: dict[str, list[Any]] = {}
    for m in api.models:
        modules.setdefault(m.module, []).append(m)
    ops = {(op.tag_module, op.name): op for op in api.operations}
    for pf in planned:
        ctx = pf.context
        if pf.template == "model.py.jinja":
            view = ctx["model"]
            assert isinstance(view, ModelView)
            model = next(
                m
                for m in modules.get(view.module, [])
                if isinstance(m, Model) and m.class_name == view.class_name
            )
            ex.model(model, view, roles.get(model.id, "both"))
        elif pf.template == "enum.py.jinja":
            for m in modules.get(pf.path.rsplit("/", 1)[1][:-3], []):
                if isinstance(m, EnumModel):
                    ex.enum(m, roles.get(m.id, "both"))
        elif pf.template == "union.py.jinja":
            uview = ctx["model"]
            assert isinstance(uview, UnionView)
            for m in modules.get(uview.module, []):
                if isinstance(m, UnionModel):
                    ex.union(m, uview, roles.get(m.id, "both"))
        elif pf.template == "operation.py.jinja":
            oview = ctx["op"]
            assert isinstance(oview, OperationView)
            ex.operation(ops[(oview.tag_module, oview.name)], oview)
        elif pf.template == "webhooks.py.jinja":
            hooks = ctx["hooks"]
            assert isinstance(hooks, list)
            pointers = {h.name: h.pointer for h in api.webhooks}
            for hook in hooks[1:]:  # the first item carries the module's import block
                ex.add(
                    f"webhooks.{hook['fn']}",
                    "webhook",
                    {"name": hook["name"], "annotation": hook["annotation"]},
                    pointers.get(hook["name"], ""),
                    role="response",
                )
        elif pf.template == "client.py.jinja":
            client = ctx["client"]
            assert isinstance(client, Mapping)
            ex.client(client)
    ex.errors()
    return Surface(api.package_name, version, spec, ex.entries, locator)


def read_package_surface(directory: Path) -> Surface:
    """The surface a generated package recorded (:data:`SURFACE_FILE`); ``ValueError`` if none."""
    path = directory / SURFACE_FILE
    if not path.is_file():
        raise ValueError(
            f"{directory} has no {SURFACE_FILE}: not a package generated by portarium-codegen "
            "0.x with API-evolution support (regenerate it, or pass its spec file)"
        )
    return Surface.loads(path.read_bytes())
