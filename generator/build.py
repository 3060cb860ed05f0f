"""Loaded spec + config -> :class:`~generator.ir.Api` (the "build IR" stage).

Orders the sub-builders: component schemas first (so named models get their component names
before inline schemas claim names), then operations (which build inline schemas on the way),
webhooks, security schemes, pagination; finally prunes models nothing references when a tag
subset was requested. Everything it cannot type is reported by the sub-builders; this module only
wires them together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from generator import pagination
from generator.config import Config
from generator.diagnostics import DiagnosticSink, join_pointer
from generator.gcpause import gc_paused
from generator.ir import (
    AnyModel,
    AnyOf,
    Api,
    ErrorNames,
    ListOf,
    MapOf,
    Model,
    ModelRef,
    Operation,
    SecurityScheme,
    TypeRef,
    UnionModel,
    WebhookEvent,
)
from generator.loader import LoadedSpec, location_key, resolve_ref
from generator.naming import NameScope, snake_case
from generator.operations import OperationBuilder, media_kind
from generator.path_items import operations_of
from generator.records import record
from generator.schemas import SchemaBuilder, Site


@record()
class BuildResult:
    """The IR of a spec and its models by id (the planner looks models up by id)."""

    api: Api
    models_by_id: dict[str, AnyModel]


@gc_paused
def build_api(spec: LoadedSpec, config: Config, sink: DiagnosticSink) -> BuildResult:
    root = spec.documents[spec.root_uri]
    schemas = SchemaBuilder(
        resolve=lambda ref, base: resolve_ref(spec, ref, base),
        key_of=lambda uri, pointer: location_key(spec, uri, pointer),
        sink=sink,
        class_renames=config.model_renames,
        field_renames=config.field_renames,
    )
    components = root.get("components") if isinstance(root.get("components"), dict) else {}
    comp_schemas = components.get("schemas") if isinstance(components, dict) else None
    if isinstance(comp_schemas, dict):
        for name in comp_schemas:
            schemas.named(
                Site(spec.root_uri, join_pointer("#", "components", "schemas", name)), str(name)
            )
    ops_builder = OperationBuilder(
        root=root,
        root_uri=spec.root_uri,
        schemas=schemas,
        sink=sink,
        op_renames=config.operation_renames,
        operation_ids=config.operation_ids,
        tag_modules=config.tag_modules,
        include_tags=frozenset(config.include_tags),
        exclude_tags=frozenset(config.exclude_tags),
        oas=spec.oas,
    )
    operations = ops_builder.build_all()
    _check_tag_filters(ops_builder.seen_tags, config, sink)
    webhooks = _webhooks(root, spec, schemas, sink)
    models: dict[str, AnyModel] = {k: m for k, m in schemas.models.items() if m is not None}
    operations = pagination.attach(
        operations, models, config.pagination, sink, ops_builder.page_hints
    )
    if config.include_tags or config.exclude_tags or config.models == "referenced":
        kept = _prune(models, operations, webhooks)
        if config.models == "referenced":
            _note_unused(models, kept, sink)
        models = kept
    models = _one_way_fields(models, operations, webhooks)
    ordered = tuple(models[k] for k in schemas.order if k in models)
    info = root.get("info") if isinstance(root.get("info"), dict) else {}
    servers = root.get("servers")
    server_url = ""
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        server_url = str(servers[0].get("url", ""))
    security = _security(components, sink)
    default_security: tuple[tuple[str, ...], ...] = ()
    if isinstance(root.get("security"), list):
        default_security = tuple(
            tuple(str(k) for k in req) for req in root["security"] if isinstance(req, dict)
        )
    api = Api(
        title=str(info.get("title", "")) or config.package_name,
        version=str(info.get("version", "")),
        description=str(info.get("description", "") or ""),
        openapi=str(root.get("openapi", "")),
        server_url=server_url,
        package_name=config.package_name,
        project_name=config.project_name,
        models=ordered,
        operations=tuple(operations),
        security=security,
        default_security=default_security,
        webhooks=webhooks,
        errors=config.error_names or ErrorNames(),
    )
    return BuildResult(api, models)


def _check_tag_filters(known: set[str], config: Config, sink: DiagnosticSink) -> None:
    """Warn about include/exclude tags no operation carries (a typo would silently drop all)."""
    for option, tags in (
        ("include_tags", config.include_tags),
        ("exclude_tags", config.exclude_tags),
    ):
        for tag in tags:
            if tag not in known:
                sink.warning(
                    "W0256",
                    f"{option}: no operation has the tag {tag!r}",
                    "#/paths",
                    hint=f"tags in this spec: {', '.join(sorted(known)) or '(none)'}",
                )


def _webhooks(
    root: dict[str, Any], spec: LoadedSpec, schemas: SchemaBuilder, sink: DiagnosticSink
) -> tuple[WebhookEvent, ...]:
    hooks = root.get("webhooks")
    if not isinstance(hooks, dict):
        return ()
    out: list[WebhookEvent] = []
    for name, item in hooks.items():
        site = Site(spec.root_uri, join_pointer("#", "webhooks", name))
        if isinstance(item, dict) and isinstance(item.get("$ref"), str):
            found = resolve_ref(spec, item["$ref"], spec.root_uri)
            if found is None:
                sink.warning(
                    "W0311",
                    "webhook $ref does not resolve",
                    location_key(spec, site.uri, site.pointer),
                )
                continue
            site, item = Site(found[0], found[1]), found[2]
        if not isinstance(item, dict):
            continue
        for method, tokens, op in operations_of(item, spec.oas):
            if not isinstance(op, dict):
                continue
            body = op.get("requestBody")
            body_t: TypeRef | None = None
            bsite = site.child(*tokens, "requestBody")
            if isinstance(body, dict) and isinstance(body.get("$ref"), str):
                found = resolve_ref(spec, body["$ref"], site.uri)
                body = found[2] if found else None
                bsite = Site(found[0], found[1]) if found else bsite
            if isinstance(body, dict) and isinstance(body.get("content"), dict):
                for ct, media in body["content"].items():
                    if (
                        media_kind(str(ct)) == "json"
                        and isinstance(media, dict)
                        and "schema" in media
                    ):
                        body_t = schemas.type_of(
                            media["schema"],
                            bsite.child("content", ct, "schema"),
                            f"{name}Webhook",
                        )
                        break
            out.append(
                WebhookEvent(str(name), method, body_t, location_key(spec, site.uri, site.pointer))
            )
    return tuple(out)


def _security(components: Any, sink: DiagnosticSink) -> tuple[SecurityScheme, ...]:
    raw = components.get("securitySchemes") if isinstance(components, dict) else None
    if not isinstance(raw, dict):
        return ()
    scope = NameScope(
        "security parameters",
        frozenset(
            {
                "base_url",
                "headers",
                "cookies",
                "timeout",
                "token",
                "token_provider",
                "client_credentials",
                "username",
                "password",
                "api_key",
            }
        ),
    )
    out: list[SecurityScheme] = []
    for name, scheme in raw.items():
        if not isinstance(scheme, dict):
            continue
        stype = scheme.get("type")
        desc = str(scheme.get("description", "") or "")
        if stype == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            out.append(SecurityScheme(str(name), "bearer", "token", description=desc))
        elif stype == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            out.append(SecurityScheme(str(name), "basic", "basic", description=desc))
        elif stype == "apiKey":
            out.append(
                SecurityScheme(
                    str(name),
                    "apiKey",
                    scope.claim(snake_case(str(name))),
                    location=str(scheme.get("in", "header")),
                    key_name=str(scheme.get("name", "")),
                    description=desc,
                )
            )
        elif stype == "oauth2":
            flows = scheme.get("flows") if isinstance(scheme.get("flows"), dict) else {}
            cc = flows.get("clientCredentials") if isinstance(flows, dict) else None
            token_url = str(cc.get("tokenUrl", "")) if isinstance(cc, dict) else ""
            scopes = (
                tuple(str(s) for s in cc.get("scopes", {}))
                if isinstance(cc, dict) and isinstance(cc.get("scopes"), dict)
                else ()
            )
            out.append(
                SecurityScheme(
                    str(name),
                    "oauth2",
                    "oauth2",
                    token_url=token_url,
                    scopes=scopes,
                    description=desc,
                )
            )
        elif stype == "openIdConnect":
            out.append(SecurityScheme(str(name), "openIdConnect", "oidc", description=desc))
        else:
            out.append(SecurityScheme(str(name), "other", "other", description=desc))
    return tuple(out)


def type_refs(t: TypeRef | None) -> Iterator[str]:
    """The model ids a type refers to (through lists, maps and unions)."""
    if t is None:
        return
    if isinstance(t, ModelRef):
        yield t.model_id
    elif isinstance(t, ListOf):
        yield from type_refs(t.item)
    elif isinstance(t, MapOf):
        yield from type_refs(t.value)
    elif isinstance(t, AnyOf):
        for m in t.members:
            yield from type_refs(m)


def model_refs(model: AnyModel) -> Iterator[str]:
    """Model ids referenced directly by ``model``."""
    if isinstance(model, Model):
        for f in model.fields:
            yield from type_refs(f.type)
        yield from type_refs(model.extra)
    elif isinstance(model, UnionModel):
        for v in model.variants:
            yield from type_refs(v.type)


def operation_refs(op: Operation) -> Iterator[str]:
    for p in op.params:
        yield from type_refs(p.type)
    if op.body:
        yield from type_refs(op.body.type)
    for r in op.responses:
        yield from type_refs(r.type)


def closure(models: Mapping[str, AnyModel], seeds: Iterable[str]) -> set[str]:
    """The model ids ``seeds`` reach through the models' field types (unknown ids skipped)."""
    keep: set[str] = set()
    stack = list(seeds)
    while stack:
        mid = stack.pop()
        if mid in keep or mid not in models:
            continue
        keep.add(mid)
        stack.extend(model_refs(models[mid]))
    return keep


def _one_way_fields(
    models: dict[str, AnyModel], ops: list[Operation], hooks: tuple[WebhookEvent, ...]
) -> dict[str, AnyModel]:
    """A required ``readOnly`` field is only required in responses, a required ``writeOnly`` one
    only in requests. One dataclass serves both directions, so such a field stays required only
    when the model is never sent the other way: ``readOnly`` ids of a model that is also a request
    body, and ``writeOnly`` passwords of a model that is also a response, become optional."""
    if not any(
        isinstance(m, Model) and any(f.required and (f.read_only or f.write_only) for f in m.fields)
        for m in models.values()
    ):
        return models
    sent = closure(
        models,
        [r for op in ops if op.body for r in type_refs(op.body.type)]
        + [r for op in ops for p in op.params for r in type_refs(p.type)],
    )
    received = closure(
        models,
        [r for op in ops for resp in op.responses for r in type_refs(resp.type)]
        + [r for h in hooks for r in type_refs(h.type)],
    )
    out: dict[str, AnyModel] = {}
    for mid, model in models.items():
        if isinstance(model, Model):
            fields = tuple(
                (
                    replace(f, required=False)
                    if f.required
                    and ((f.read_only and mid in sent) or (f.write_only and mid in received))
                    else f
                )
                for f in model.fields
            )
            if fields != model.fields:
                model = replace(model, fields=fields)
        out[mid] = model
    return out


def _note_unused(
    models: dict[str, AnyModel], kept: dict[str, AnyModel], sink: DiagnosticSink
) -> None:
    """One note for the component schemas nothing uses (config ``models: referenced``)."""
    dropped = [m for k, m in models.items() if k not in kept]
    if not dropped:
        return
    tops = [m.pointer for m in dropped if _COMPONENT_SCHEMA.search(m.pointer)]
    names = ", ".join(p.rsplit("/", 1)[1] for p in tops[:5]) + (", ..." if len(tops) > 5 else "")
    sink.note(
        "N0556",
        f"{len(tops)} component schema(s) that no operation or webhook uses were not generated "
        f"({len(dropped)} model(s) with their inline parts): {names or '(inline only)'}",
        "#/components/schemas",
        hint="set `models: all` in codegen.yaml to generate a model for every component schema",
    )


_COMPONENT_SCHEMA = re.compile(r"#/components/schemas/[^/]+$")


def _prune(
    models: dict[str, AnyModel], ops: list[Operation], hooks: tuple[WebhookEvent, ...]
) -> dict[str, AnyModel]:
    seeds = [r for op in ops for r in operation_refs(op)]
    seeds += [r for h in hooks for r in type_refs(h.type)]
    keep = closure(models, seeds)
    return {k: v for k, v in models.items() if k in keep}
