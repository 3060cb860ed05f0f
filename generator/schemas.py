"""Schema objects -> IR types and models.

:class:`SchemaBuilder` turns one JSON Schema node (OpenAPI 3.0 or 3.1 dialect) into a
:data:`~generator.ir.TypeRef`, registering named models (dataclasses, enums, unions) as it meets
them. It owns every decision about *what a schema means*:

- ``$ref`` targets are built once per (file, pointer) and cached; a model id is the target's
  location key, registered before its fields are built, so recursion (direct, mutual, through arrays
  of models, across files) terminates naturally. ``$ref`` siblings (3.1) may add ``nullable`` /
  ``type: [.., "null"]``; descriptions and defaults on a ref are the caller's business (fields).
- nullability (3.0 ``nullable``, 3.1 ``type`` lists and ``{type: "null"}`` union members,
  ``null`` in ``enum``) is folded into the ``nullable`` flag of the resulting type.
- ``allOf`` merges object members' properties and ``required``; a lone ``$ref`` wrapper is that ref.
- ``oneOf``/``anyOf`` become a :class:`~generator.ir.UnionModel` (with discriminator dispatch when
  the spec gives one, mapping or not) unless every member is a plain value, then an ``AnyOf``.
- what cannot be typed soundly (unresolvable refs, ``not``, alias-only cycles, unsupported
  keywords) degrades to ``Any`` with a located warning; nothing is dropped silently.

Names are allocated through :class:`~generator.naming.NameScope` in traversal order, which follows
document order, so the result is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field, replace
from typing import Any

from generator.bindings import class_names
from generator.diagnostics import DiagnosticSink, join_pointer
from generator.ir import (
    AnyModel,
    AnyOf,
    EnumMember,
    EnumModel,
    Field,
    ListOf,
    LiteralOf,
    MapOf,
    Model,
    ModelRef,
    Prim,
    TypeRef,
    UnionModel,
    UnionVariant,
)
from generator.naming import (
    MAX_MODULE_NAME,
    RESERVED_FIELD_NAMES,
    NameScope,
    constant_case,
    pascal_case,
    snake_case,
)
from generator.records import mutable_record, record
from generator.schema_values import fit_default, fit_values, literal_or_plain

ANY = Prim("any")

_FORMAT_KINDS: dict[str, Prim] = {
    "date-time": Prim("datetime"),
    "date": Prim("date"),
    "uuid": Prim("uuid"),
    "byte": Prim("base64"),
    "binary": Prim("binary"),
}
_TYPE_KINDS: dict[str, Prim] = {
    "string": Prim("str"),
    "integer": Prim("int"),
    "number": Prim("float"),
    "boolean": Prim("bool"),
    "null": Prim("none"),
}
_MAX_DEPTH = 200
_GENERIC_FILE_STEMS = frozenset(
    {"schema", "schemas", "index", "openapi", "model", "models", "definitions", "components"}
)


@record(slots=True)
class Site:
    """Where a schema node lives: the file (uri) and the JSON pointer inside it."""

    uri: str
    pointer: str

    def child(self, *tokens: str | int) -> Site:
        return Site(self.uri, join_pointer(self.pointer, *tokens))


RefResolver = Callable[[str, str], "tuple[str, str, Any] | None"]
"""(ref, base uri) -> (target uri, target pointer, node) or None when the ref dangles."""
KeyOf = Callable[[str, str], str]
"""(uri, pointer) -> location key used in diagnostics."""


def with_nullable(t: TypeRef, nullable: bool = True) -> TypeRef:
    if t.nullable == nullable or (isinstance(t, Prim) and t.kind in ("any", "none")):
        return t
    return replace(t, nullable=nullable)


def is_plain_value(t: TypeRef, models: Mapping[str, AnyModel | None]) -> bool:
    """True when values of ``t`` decode as themselves (no model, date or bytes conversion)."""
    if isinstance(t, Prim):
        return t.kind in ("str", "int", "float", "bool", "any", "none")
    if isinstance(t, LiteralOf):
        return True
    if isinstance(t, ListOf):
        return is_plain_value(t.item, models)
    if isinstance(t, MapOf):
        return is_plain_value(t.value, models)
    if isinstance(t, AnyOf):
        return all(is_plain_value(m, models) for m in t.members)
    return False


@mutable_record()
class SchemaBuilder:
    """Builds types and models from schema nodes; see the module docstring for the rules."""

    resolve: RefResolver
    key_of: KeyOf
    sink: DiagnosticSink
    class_scope: NameScope = field(default_factory=lambda: NameScope("models", class_names()))
    module_scope: NameScope = field(
        default_factory=lambda: NameScope(
            "model modules",
            frozenset({"init", "tagged", "untagged", "value"}),
            casefold=True,
            max_length=MAX_MODULE_NAME,
        )
    )
    class_renames: Mapping[str, str] = field(default_factory=dict)
    field_renames: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    models: dict[str, AnyModel | None] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    _named: dict[str, TypeRef] = field(default_factory=dict)
    _in_progress: set[str] = field(default_factory=set)
    _owners: dict[tuple[str, str], str] = field(default_factory=dict)
    _referenced_early: set[str] = field(default_factory=set)
    _depth: int = 0

    # -- entry points -------------------------------------------------------------------------

    def named(self, site: Site, name: str) -> TypeRef:
        """The type of a named schema (a ``components/schemas`` entry, a ``$defs`` entry, or the
        root of an external file), built once."""
        key = self.key_of(site.uri, site.pointer)
        if key in self._named:
            return self._named[key]
        if key in self.models:
            # Registered (possibly still being built): recursion through an object, union or enum.
            if self.models[key] is None:
                self._referenced_early.add(key)
            # The target's own nullability (3.0 ``nullable``, 3.1 ``"null"`` in ``type``/``enum``)
            # is not known from the ModelRef alone while it is being built.
            target = self._node(site)
            nullable = isinstance(target, dict) and (
                _nullable_marker(target)
                or (isinstance(target.get("enum"), list) and None in target["enum"])
            )
            return ModelRef(key, nullable)
        if key in self._in_progress:
            # Only reached for alias cycles (a -> b -> a with no object in between); objects are
            # registered in ``models`` before recursing, so their cycles never come through here.
            self.sink.warning(
                "W0410",
                "schema refers to itself without an object in between; typed as Any",
                key,
            )
            return ANY
        node = self._node(site)
        if node is None:
            return ANY
        self._in_progress.add(key)
        try:
            t = self._build(node, site, name, model_key=key)
        finally:
            self._in_progress.discard(key)
        self._named[key] = t
        return t

    def type_of(self, node: Any, site: Site, name_hint: str) -> TypeRef:
        """The type of an inline schema node; inline objects/enums/unions get ``name_hint``."""
        return self._build(node, site, name_hint, model_key=None)

    def fit_default(self, t: TypeRef, value: object, site: Site) -> tuple[bool, object]:
        """Whether ``value`` (a ``default`` at ``site``) is emitted, and as what: see
        :func:`generator.schema_values.fit_default`."""
        return fit_default(t, value, self.models, self.sink, self.key_of(site.uri, site.pointer))

    # -- internals ----------------------------------------------------------------------------

    def _node(self, site: Site) -> Any:
        found = self.resolve(
            "#" + site.pointer[1:] if site.pointer.startswith("#") else site.pointer, site.uri
        )
        if found is None:
            self.sink.error(
                "E0301", "reference target does not exist", self.key_of(site.uri, site.pointer)
            )
            return None
        return found[2]

    def _ref_target(self, ref: str, site: Site) -> tuple[Site, Any] | None:
        found = self.resolve(ref, site.uri)
        if found is None:
            # Typed as Any; check_refs reported the ref at this place (W0320 / W0321).
            return None
        uri, pointer, node = found
        return Site(uri, pointer), node

    def _name_for_ref(self, target: Site, node: Any) -> str:
        title = node.get("title") if isinstance(node, dict) else None
        tokens = target.pointer.split("/")
        last = tokens[-1] if len(tokens) > 1 and tokens[-1] else ""
        if last and last not in ("schema", "items", "additionalProperties"):
            from generator.diagnostics import unescape_pointer_token

            return unescape_pointer_token(last)
        # The root of another file: name it after the file (what bundlers name the component it
        # becomes, so a multi-file spec and its bundled twin agree), unless the file name says
        # nothing (``schema.yaml``, ``index.json``...), then after its title.
        stem = target.uri.rsplit("/", 1)[-1].split(".", 1)[0]
        if stem and stem.lower() not in _GENERIC_FILE_STEMS:
            return stem
        if isinstance(title, str) and title.strip():
            return title
        return stem or "Model"

    def _properties(self, node: dict[str, Any], site: Site) -> Any:
        """``node["properties"]``, following a ``$ref`` that names a whole properties map."""
        props = node.get("properties")
        if isinstance(props, dict) and isinstance(props.get("$ref"), str) and len(props) == 1:
            target = self._ref_target(props["$ref"], site.child("properties"))
            return target[1] if target is not None and isinstance(target[1], dict) else None
        return props

    def _build(self, node: Any, site: Site, name: str, model_key: str | None) -> TypeRef:
        if node is True or node == {}:
            return ANY
        if not isinstance(node, dict):
            if node is False:
                return Prim("none")
            self.sink.warning(
                "W0402",
                "schema is not an object; typed as Any",
                self.key_of(site.uri, site.pointer),
            )
            return ANY
        self._depth += 1
        try:
            if self._depth > _MAX_DEPTH:
                self.sink.error(
                    "E0404",
                    f"schema nesting deeper than {_MAX_DEPTH} levels",
                    self.key_of(site.uri, site.pointer),
                    hint="flatten the schema with named components",
                )
                return ANY
            return self._build_dict(node, site, name, model_key)
        finally:
            self._depth -= 1

    def _build_dict(
        self, node: dict[str, Any], site: Site, name: str, model_key: str | None
    ) -> TypeRef:
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = self._ref_target(ref, site)
            if target is None:
                return ANY
            tsite, tnode = target
            t = self.named(tsite, self._name_for_ref(tsite, tnode))
            if _nullable_marker(node):
                t = with_nullable(t)
            return t

        nullable = _nullable_marker(node)
        types = node.get("type")
        type_list: list[str] = []
        if isinstance(types, list):
            type_list = [str(x) for x in types]
        elif isinstance(types, str):
            type_list = [types]
        if "null" in type_list:
            nullable = True
            type_list = [x for x in type_list if x != "null"]

        if "const" in node:
            value = node["const"]
            if value is None:
                return Prim("none")
            if isinstance(value, (str, int, float, bool)):
                key = self.key_of(site.uri, join_pointer(site.pointer, "const"))
                kept = fit_values([value], type_list, self.sink, key, "const")
                if kept:
                    return literal_or_plain(kept, nullable, type_list, self.sink, key)
                base = type_list[0] if len(type_list) == 1 else ""
                return with_nullable(_TYPE_KINDS.get(base, ANY), nullable)
            return with_nullable(ANY, nullable)

        if isinstance(node.get("enum"), list):
            return self._enum(node, site, name, model_key, nullable, type_list)

        for keyword in ("oneOf", "anyOf"):
            members = node.get(keyword)
            if isinstance(members, list) and members:
                return self._union(node, keyword, members, site, name, model_key, nullable)

        all_of = node.get("allOf")
        if isinstance(all_of, list) and all_of:
            return self._all_of(node, all_of, site, name, model_key, nullable)

        if len(type_list) > 1:
            members_t = tuple(
                self._build({**node, "type": t}, site, f"{name}{pascal_case(t)}", None)
                for t in type_list
            )
            return self._plain_or_union(members_t, site, name, model_key, nullable, node)

        kind = type_list[0] if type_list else None
        if kind is None:
            if "properties" in node or "additionalProperties" in node:
                kind = "object"
            elif "items" in node:
                kind = "array"
        if kind == "object":
            return self._object(node, site, name, model_key, nullable)
        if kind == "array":
            items = node.get("items")
            if items is None or isinstance(items, bool):
                item_t: TypeRef = ANY
            else:
                item_t = self._build(items, site.child("items"), _singular(name) + "Item", None)
            return ListOf(item_t, nullable)
        if kind == "string":
            fmt = node.get("format")
            prim = (
                _FORMAT_KINDS.get(fmt, _TYPE_KINDS["string"])
                if isinstance(fmt, str)
                else _TYPE_KINDS["string"]
            )
            return with_nullable(prim, nullable)
        if kind in _TYPE_KINDS:
            return with_nullable(_TYPE_KINDS[kind], nullable)
        if kind is not None:
            self.sink.warning(
                "W0403",
                f"unknown schema type {kind!r}; typed as Any",
                self.key_of(site.uri, join_pointer(site.pointer, "type")),
            )
        return ANY

    # objects ------------------------------------------------------------------------------------

    def _object(
        self, node: dict[str, Any], site: Site, name: str, model_key: str | None, nullable: bool
    ) -> TypeRef:
        props = self._properties(node, site)
        extra = self._extra(node, site, name)
        if not isinstance(props, dict) or not props:
            value_t = extra if extra is not None else ANY
            return MapOf(value_t, nullable)
        required = _required(node)
        return self._register_object(
            site, name, model_key, nullable, [(site, node, props, required)], extra, node
        )

    def _extra(self, node: dict[str, Any], site: Site, name: str) -> TypeRef | None:
        ap = node.get("additionalProperties", True)
        if ap is False:
            return None
        if ap is True or ap == {}:
            pattern = node.get("patternProperties")
            if isinstance(pattern, dict) and pattern:
                kinds = [
                    self._build(v, site.child("patternProperties", k), name + "Value", None)
                    for k, v in pattern.items()
                ]
                return kinds[0] if len(set(kinds)) == 1 else ANY
            return ANY
        return self._build(ap, site.child("additionalProperties"), name + "Value", None)

    def _register_object(
        self,
        site: Site,
        name: str,
        model_key: str | None,
        nullable: bool,
        sources: list[tuple[Site, dict[str, Any], dict[str, Any], set[str]]],
        extra: TypeRef | None,
        node: dict[str, Any],
    ) -> TypeRef:
        key = model_key or self.key_of(site.uri, site.pointer)
        if key in self.models:
            return ModelRef(key, nullable)
        class_name, module = self._allocate(key, name)
        self.models[key] = None  # placeholder: recursion now yields ModelRef(key)
        self.order.append(key)
        renames = self.field_renames.get(class_name, {})
        scope = NameScope(f"fields of {class_name}", RESERVED_FIELD_NAMES)
        fields: list[Field] = []
        seen: set[str] = set()
        required_anywhere = set().union(*(r for _s, _n, _p, r in sources))
        for psite, _pnode, props, _required in sources:
            prefix = (
                class_name
                if psite == site
                else self._owners.get((psite.uri, psite.pointer), class_name)
            )
            for wire, pschema in props.items():
                if wire in seen:
                    continue
                seen.add(wire)
                fsite = psite.child("properties", wire)
                ftype = self._build(pschema, fsite, prefix + pascal_case(wire), None)
                is_req = wire in required_anywhere
                read_only = bool(isinstance(pschema, dict) and pschema.get("readOnly"))
                write_only = bool(isinstance(pschema, dict) and pschema.get("writeOnly"))
                if (
                    isinstance(pschema, dict)
                    and "$ref" not in pschema
                    and isinstance(pschema.get("default"), (str, int, float, bool))
                ):
                    has_default, default = self.fit_default(
                        ftype, pschema["default"], fsite.child("default")
                    )
                else:
                    default, has_default = None, False
                wanted = renames.get(wire) or snake_case(wire)
                fields.append(
                    Field(
                        name=scope.claim(wanted, wire),
                        wire_name=wire,
                        type=ftype,
                        required=is_req,
                        description=(
                            _text(pschema.get("description")) if isinstance(pschema, dict) else ""
                        ),
                        default=default if has_default else None,
                        has_default=has_default,
                        read_only=read_only,
                        write_only=write_only,
                        pointer=self.key_of(fsite.uri, fsite.pointer),
                    )
                )
        for renamed in scope.renames:
            self.sink.note(
                "N0551",
                f"field {renamed.original!r} of {class_name} renamed to {renamed.given!r} "
                "to avoid a clash",
                self.key_of(site.uri, site.pointer),
            )
        self.models[key] = Model(
            id=key,
            class_name=class_name,
            module=module,
            description=_text(node.get("description")) or _text(node.get("title")),
            fields=tuple(fields),
            extra=extra,
            pointer=key,
        )
        return ModelRef(key, nullable)

    def _allocate(self, key: str, name: str) -> tuple[str, str]:
        wanted = self.class_renames.get(name) or pascal_case(name)
        class_name = self.class_scope.claim(wanted, name)
        if class_name != wanted:
            self.sink.note(
                "N0552",
                f"model name {wanted!r} is taken; this schema is generated as {class_name!r}",
                key,
            )
        module = self.module_scope.claim(snake_case(class_name), class_name)
        return class_name, module

    def _all_of(
        self,
        node: dict[str, Any],
        members: list[Any],
        site: Site,
        name: str,
        model_key: str | None,
        nullable: bool,
    ) -> TypeRef:
        own_props = self._properties(node, site)
        # Members that only annotate (``{description: ..}``, ``{nullable: true}``, ``{maxLength:
        # 16}``) do not change the type: ``allOf: [$ref, {nullable: true}]`` is that ref.
        typed = [(i, m) for i, m in enumerate(members) if not _annotation_only(m)]
        if any(_annotation_only(m) and m.get("nullable") is True for m in members):
            nullable = True
        if len(typed) == 1 and not own_props:
            i, only = typed[0]
            t = self._build(only, site.child("allOf", i), name, model_key)
            return with_nullable(t, nullable or t.nullable)
        if not typed and not own_props:
            return with_nullable(ANY, nullable)
        distributed = self._union_in_all_of(node, typed, site)
        if distributed is not None:
            keyword, synth = distributed
            return self._union(synth, keyword, synth[keyword], site, name, model_key, nullable)
        sources: list[tuple[Site, dict[str, Any], dict[str, Any], set[str]]] = []
        extras: list[TypeRef | None] = []
        unsupported = False
        for i, member in enumerate(members):
            flat = self._flatten_object(member, site.child("allOf", i), 0)
            if flat is None:
                unsupported = True
                continue
            sources.extend(flat)
        if isinstance(own_props, dict):
            sources.append((site, node, own_props, _required(node)))
        extra_required = _required(node)
        if extra_required:
            sources = [(s, n, p, r | extra_required) for s, n, p, r in sources]
        if unsupported:
            self.sink.warning(
                "W0404",
                "allOf member is not an object schema; its constraints are not represented",
                self.key_of(site.uri, site.pointer),
            )
        if not sources:
            return with_nullable(ANY, nullable)
        for s, n, _p, _r in sources:
            extras.append(self._extra(n, s, name))
        extra = None if any(e is None for e in extras) else (extras[0] if extras else ANY)
        return self._register_object(site, name, model_key, nullable, sources, extra, node)

    def _union_in_all_of(
        self, node: dict[str, Any], typed: list[tuple[int, Any]], site: Site
    ) -> tuple[str, dict[str, Any]] | None:
        """``allOf: [<oneOf/anyOf>, <objects>...]`` as a union whose variants each carry the
        objects' properties (``A & (B | C)`` = ``(A & B) | (A & C)``), or None if not that shape.
        """
        unions: list[tuple[int, dict[str, Any]]] = []
        for i, member in typed:
            target: Any = member
            if isinstance(member, dict) and isinstance(member.get("$ref"), str):
                found = self.resolve(member["$ref"], site.uri)
                if found is None or found[0] != site.uri:
                    continue  # refs inside another file's union are relative to that file
                target = found[2]
            if (
                isinstance(target, dict)
                and any(isinstance(target.get(k), list) and target[k] for k in ("oneOf", "anyOf"))
                and not target.get("properties")
                and not target.get("allOf")
            ):
                unions.append((i, target))
        if len(unions) != 1:
            return None
        ui, union = unions[0]
        rest = [m for i, m in typed if i != ui]
        for i, m in typed:
            if i != ui and self._flatten_object(m, site.child("allOf", i), 0) is None:
                return None
        own = node.get("properties")
        if isinstance(own, dict) and own:
            rest.append({"properties": own, "required": sorted(_required(node))})
        keyword = "oneOf" if isinstance(union.get("oneOf"), list) and union["oneOf"] else "anyOf"
        synth: dict[str, Any] = {
            keyword: [{"allOf": [variant, *rest]} for variant in union[keyword]],
        }
        if isinstance(union.get("discriminator"), dict):
            synth["discriminator"] = union["discriminator"]
        if isinstance(node.get("description"), str):
            synth["description"] = node["description"]
        return keyword, synth

    def _flatten_object(
        self, member: Any, site: Site, depth: int, owner: str = ""
    ) -> list[tuple[Site, dict[str, Any], dict[str, Any], set[str]]] | None:
        """The property sources of an ``allOf`` member; properties declared by a referenced
        schema remember that schema's name (``owner``) so their inline models are named after
        it, whichever schema reaches them first."""
        if depth > 50 or not isinstance(member, dict):
            return None
        if isinstance(member.get("$ref"), str):
            target = self._ref_target(member["$ref"], site)
            if target is None:
                return None
            tsite, tnode = target
            known = self.models.get(self.key_of(tsite.uri, tsite.pointer))
            owner = (
                known.class_name
                if known is not None
                else pascal_case(self._name_for_ref(tsite, tnode))
            )
            return self._flatten_object(tnode, tsite, depth + 1, owner)
        out: list[tuple[Site, dict[str, Any], dict[str, Any], set[str]]] = []
        nested = member.get("allOf")
        if isinstance(nested, list):
            for i, m in enumerate(nested):
                sub = self._flatten_object(m, site.child("allOf", i), depth + 1, owner)
                if sub is None:
                    return None
                out.extend(sub)
        props = self._properties(member, site)
        if owner:
            self._owners[(site.uri, site.pointer)] = owner
        if isinstance(props, dict):
            out.append((site, member, props, _required(member)))
        elif not nested:
            if member.get("type") not in (None, "object") or any(
                k in member for k in ("oneOf", "anyOf", "enum", "items")
            ):
                return None
            out.append((site, member, {}, _required(member)))
        return out

    # enums --------------------------------------------------------------------------------------

    def _enum(
        self,
        node: dict[str, Any],
        site: Site,
        name: str,
        model_key: str | None,
        nullable: bool,
        type_list: list[str],
    ) -> TypeRef:
        raw: list[Any] = node["enum"]
        values = [v for v in raw if v is not None]
        if len(values) < len(raw):
            nullable = True
        scalars = [v for v in values if isinstance(v, (str, int, float, bool))]
        if not values:
            base = type_list[0] if type_list else "string"
            return with_nullable(_TYPE_KINDS.get(base, ANY), nullable)
        if len(scalars) < len(values):
            self.sink.warning(
                "W0405",
                "enum has non-scalar values; typed as Any",
                self.key_of(site.uri, join_pointer(site.pointer, "enum")),
            )
            return with_nullable(ANY, nullable)
        enum_key = self.key_of(site.uri, join_pointer(site.pointer, "enum"))
        # First occurrence of each value of each type (``1`` and ``True`` stay apart); one set
        # lookup per value. NaN equals nothing, so every NaN is kept.
        unique: list[Any] = []
        seen: set[tuple[type, Any]] = set()
        for v in fit_values(scalars, type_list, self.sink, enum_key, "enum"):
            if v != v:
                unique.append(v)
            elif (type(v), v) not in seen:
                seen.add((type(v), v))
                unique.append(v)
        if not unique:
            base = type_list[0] if len(type_list) == 1 else ""
            return with_nullable(_TYPE_KINDS.get(base, ANY), nullable)
        all_str = all(isinstance(v, str) for v in unique)
        all_int = all(isinstance(v, int) and not isinstance(v, bool) for v in unique)
        if len(unique) == 1 or not (all_str or all_int):
            return literal_or_plain(unique, nullable, type_list, self.sink, enum_key)
        key = model_key or self.key_of(site.uri, site.pointer)
        if key in self.models:
            return ModelRef(key, nullable)
        class_name, module = self._allocate(key, name)
        member_scope = NameScope(
            f"members of {class_name}", frozenset({"mro", "name", "value"}), casefold=False
        )
        members: list[EnumMember] = []
        for v in unique:
            wanted = (
                constant_case(str(v)) if isinstance(v, str) else f"VALUE_{v}".replace("-", "MINUS_")
            )
            member_name = member_scope.claim(wanted, str(v))
            members.append(EnumMember(member_name, v))
        for renamed in member_scope.renames:
            self.sink.note(
                "N0553",
                f"enum value {renamed.original!r} of {class_name} is generated as member "
                f"{renamed.given} (sanitised names collide)",
                key,
            )
        self.models[key] = EnumModel(
            id=key,
            class_name=class_name,
            module=module,
            description=_text(node.get("description")),
            base="str" if all_str else "int",
            members=tuple(members),
            pointer=key,
        )
        self.order.append(key)
        return ModelRef(key, nullable)

    # unions -------------------------------------------------------------------------------------

    def _union(
        self,
        node: dict[str, Any],
        keyword: str,
        members: list[Any],
        site: Site,
        name: str,
        model_key: str | None,
        nullable: bool,
    ) -> TypeRef:
        key = model_key or self.key_of(site.uri, site.pointer)
        if key in self.models:
            if self.models[key] is None:
                # Re-entered while being built: the same inline union reached again through a
                # member (an allOf that copies the properties of a schema whose property is this
                # union). The ModelRef handed out must stay valid, so the union keeps its name.
                self._referenced_early.add(key)
            return ModelRef(key, nullable)
        self.models[key] = None  # placeholder: a recursive member now yields ModelRef(key)
        built: list[tuple[TypeRef, Any, Site | None]] = []
        for i, member in enumerate(members):
            msite = site.child(keyword, i)
            if isinstance(member, dict) and member.get("type") == "null" and len(member) == 1:
                nullable = True
                continue
            target_site: Site | None = None
            if isinstance(member, dict) and isinstance(member.get("$ref"), str):
                found = self._ref_target(member["$ref"], msite)
                target_site = found[0] if found else None
                resolved = found[1] if found else None
            else:
                resolved = member
            shared = self._properties(node, site)
            if isinstance(shared, dict) and shared and isinstance(resolved, dict):
                # oneOf alongside sibling properties: each variant carries the shared properties.
                merged = {
                    "allOf": [
                        member,
                        {"properties": shared, "required": sorted(_required(node))},
                    ]
                }
                t = self._build(merged, msite, f"{name}Variant{i + 1}", None)
            else:
                t = self._build(member, msite, _variant_name(name, member, i), None)
            if isinstance(t, Prim) and t.kind == "none":
                nullable = True
                continue
            if isinstance(t, ModelRef) and t.model_id == key:
                # ``U = A | U`` is ``A``: a member that is the union itself adds no values.
                nullable = nullable or t.nullable
                continue
            built.append((t, resolved, target_site))
        types = tuple(t for t, _n, _s in built)
        unique: list[TypeRef] = []
        for t in types:
            if t not in unique:
                unique.append(t)
        collapsed: TypeRef | None = None
        if not unique:
            collapsed = with_nullable(ANY, nullable)
        elif len(unique) == 1:
            collapsed = with_nullable(unique[0], nullable or unique[0].nullable)
        elif all(is_plain_value(t, self.models) for t in unique):
            collapsed = AnyOf(tuple(unique), nullable)
        if collapsed is not None:
            if key not in self._referenced_early:
                del self.models[key]
                return collapsed
            # A member refers back to this union: keep it as a named alias so the cycle has a name.
            types = tuple(unique) or (ANY,)
            built = [(t, None, None) for t in types]
        discriminator = node.get("discriminator")
        prop: str | None = None
        tags: dict[int, tuple[str, ...]] = {}
        if isinstance(discriminator, dict) and isinstance(discriminator.get("propertyName"), str):
            prop = discriminator["propertyName"]
            raw_mapping = discriminator.get("mapping")
            mapping: dict[str, Any] = raw_mapping if isinstance(raw_mapping, dict) else {}
            tags = self._tags(prop, mapping, built, site)
        variants = tuple(UnionVariant(t, tags.get(i, ())) for i, t in enumerate(types))
        if prop is not None and not any(v.tags for v in variants):
            prop = None
        return self._register_union(key, name, node, variants, prop, nullable)

    def _register_union(
        self,
        key: str,
        name: str,
        node: dict[str, Any],
        variants: tuple[UnionVariant, ...],
        discriminator: str | None,
        nullable: bool,
    ) -> TypeRef:
        class_name, module = self._allocate(key, name)
        self.models[key] = UnionModel(
            id=key,
            class_name=class_name,
            module=module,
            description=_text(node.get("description")),
            variants=variants,
            discriminator=discriminator,
            pointer=key,
        )
        self.order.append(key)
        return ModelRef(key, nullable)

    def _plain_or_union(
        self,
        members: tuple[TypeRef, ...],
        site: Site,
        name: str,
        model_key: str | None,
        nullable: bool,
        node: dict[str, Any],
    ) -> TypeRef:
        if all(is_plain_value(t, self.models) for t in members):
            return AnyOf(members, nullable)
        key = model_key or self.key_of(site.uri, site.pointer)
        variants = tuple(UnionVariant(t, ()) for t in members)
        return self._register_union(key, name, node, variants, None, nullable)

    def _tags(
        self,
        prop: str,
        mapping: dict[str, Any],
        built: list[tuple[TypeRef, Any, Site | None]],
        site: Site,
    ) -> dict[int, tuple[str, ...]]:
        tags: dict[int, list[str]] = {}
        by_target: dict[str, int] = {}
        for i, (_t, _n, tsite) in enumerate(built):
            if tsite is not None:
                by_target[self.key_of(tsite.uri, tsite.pointer)] = i
        for tag, ref in mapping.items():
            if not isinstance(ref, str):
                continue
            target_ref = (
                ref if ("#" in ref or "/" in ref or "." in ref) else f"#/components/schemas/{ref}"
            )
            found = self.resolve(target_ref, site.uri)
            if found is None:
                self.sink.warning(
                    "W0406",
                    f"discriminator mapping {tag!r} -> {ref!r} does not resolve",
                    self.key_of(
                        site.uri, join_pointer(site.pointer, "discriminator", "mapping", tag)
                    ),
                )
                continue
            idx = by_target.get(self.key_of(found[0], found[1]))
            if idx is not None:
                tags.setdefault(idx, []).append(str(tag))
        mapped = {tag for values in tags.values() for tag in values}
        for i, (_t, node, tsite) in enumerate(built):
            if i in tags:
                continue
            # No mapping entry: use the property's const / single enum, else the schema name.
            value = _const_of(node, prop, self.resolve, tsite.uri if tsite else site.uri)
            if value is None and tsite is not None:
                value = self._name_for_ref(tsite, node)
            if value is None:
                continue
            if value in mapped:
                # The mapping sends this value to another variant too: both stay candidates for
                # the value and the decoder picks between them by shape.
                self.sink.warning(
                    "W0407",
                    f"discriminator value {value!r} of variant {i + 1} is mapped to another "
                    "variant; payloads with this value are matched against both by shape",
                    self.key_of(site.uri, join_pointer(site.pointer, "discriminator")),
                )
            tags[i] = [value]
        return {i: tuple(v) for i, v in tags.items()}


# helpers ----------------------------------------------------------------------------------------


_ANNOTATION_KEYS = frozenset(
    {
        "description",
        "title",
        "default",
        "example",
        "examples",
        "nullable",
        "deprecated",
        "readOnly",
        "writeOnly",
        "externalDocs",
        "xml",
        "maxLength",
        "minLength",
        "pattern",
        "maximum",
        "minimum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "multipleOf",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxProperties",
        "minProperties",
        "$comment",
    }
)


def _annotation_only(member: Any) -> bool:
    """An ``allOf`` member that documents or constrains values without changing their type."""
    return isinstance(member, dict) and all(
        k in _ANNOTATION_KEYS or k.startswith("x-") for k in member
    )


def _nullable_marker(node: dict[str, Any]) -> bool:
    if node.get("nullable") is True:
        return True
    t = node.get("type")
    return isinstance(t, list) and "null" in t


def _required(node: dict[str, Any]) -> set[str]:
    req = node.get("required")
    return {r for r in req if isinstance(r, str)} if isinstance(req, list) else set()


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def _variant_name(parent: str, member: Any, i: int) -> str:
    if isinstance(member, dict):
        title = member.get("title")
        if isinstance(title, str) and title.strip():
            return title
        t = member.get("type")
        if isinstance(t, str) and t not in ("object",):
            return f"{parent}{pascal_case(t)}"
    return f"{parent}Variant{i + 1}"


def _const_of(node: Any, prop: str, resolve: RefResolver, uri: str) -> str | None:
    if not isinstance(node, dict):
        return None
    props = node.get("properties")
    if isinstance(props, dict) and isinstance(props.get(prop), dict):
        p = props[prop]
        if isinstance(p.get("$ref"), str):
            found = resolve(p["$ref"], uri)
            p = found[2] if found else {}
        if isinstance(p, dict):
            if isinstance(p.get("const"), str):
                return str(p["const"])
            enum = p.get("enum")
            if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
                return enum[0]
    for member in node.get("allOf", []) if isinstance(node.get("allOf"), list) else []:
        if isinstance(member, dict) and isinstance(member.get("$ref"), str):
            found = resolve(member["$ref"], uri)
            if found is not None:
                value = _const_of(found[2], prop, resolve, found[0])
                if value is not None:
                    return value
        else:
            value = _const_of(member, prop, resolve, uri)
            if value is not None:
                return value
    return None
