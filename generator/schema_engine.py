"""JSON Schema engines for OpenAPI documents: one finding shape over jsonschema-rs and jsonschema.

The validate stage asks three things of an engine, each compiled once per process and cached:

- ``structural(version)``: the official OpenAPI 3.0 / 3.1 / 3.2 JSON Schema (shipped inside
  openapi-spec-validator) over a whole document, or ``structural(version, location)`` over one
  value against the sub-schema at ``location`` (``#/definitions/Operation``);
- ``meta(dialect)``: a Schema Object against its JSON Schema meta-schema (draft 4 for OAS 3.0,
  the OAS 3.1 base dialect, or a ``$schema`` a schema declares), formats checked;

and every answer is a list of :class:`Finding` (instance path, absolute keyword location,
keyword, detail, and per-branch findings for ``oneOf``/``anyOf``), whichever engine ran.

jsonschema-rs is used when importable (about 100x faster on large specs); jsonschema, already a
dependency of openapi-spec-validator, otherwise. ``BACKEND`` (or the environment variable
``PORTARIUM_VALIDATOR_BACKEND``) forces one: "auto", "rust" or "python".
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import os
import pathlib
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import field
from typing import Any

from generator.diagnostics import escape_pointer_token
from generator.records import mutable_record

__all__ = [
    "BACKEND",
    "Check",
    "Engine",
    "Finding",
    "KNOWN_DIALECTS",
    "OAS30_DIALECT",
    "OAS31_DIALECT",
    "OAS32_DIALECT",
    "get_engine",
    "validator_backend",
]

#: "auto" (jsonschema-rs when importable), "rust" or "python"; tests switch it.
BACKEND = os.environ.get("PORTARIUM_VALIDATOR_BACKEND", "auto")

#: The dialect of Schema Objects in OpenAPI 3.0 (an extended subset of draft 4).
OAS30_DIALECT = "oas30"
OAS31_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"
#: The default dialect of Schema Objects in OpenAPI 3.2 (3.1's plus ``defaultMapping``, ...).
OAS32_DIALECT = "https://spec.openapis.org/oas/3.2/dialect/2025-09-17"
#: The OAS dialects whose meta-schemas ship in openapi-schema-validator: id -> files there.
_OAS_DIALECT_FILES = {
    OAS31_DIALECT: ("oas3.1/metaschema.json", "oas3.1/vocabularies/base"),
    OAS32_DIALECT: ("oas3.2/dialect/2025-09-17.json", "oas3.2/meta/2025-09-17.json"),
}
#: ``$schema`` values understood, mapped to their canonical URI.
KNOWN_DIALECTS = {
    "https://json-schema.org/draft/2020-12/schema": "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2019-09/schema": "https://json-schema.org/draft/2019-09/schema",
    "http://json-schema.org/draft-07/schema#": "http://json-schema.org/draft-07/schema#",
    "http://json-schema.org/draft-07/schema": "http://json-schema.org/draft-07/schema#",
    "http://json-schema.org/draft-06/schema#": "http://json-schema.org/draft-06/schema#",
    "http://json-schema.org/draft-04/schema#": "http://json-schema.org/draft-04/schema#",
}


# -- findings: one shape for both JSON Schema engines -----------------------------------------
@mutable_record()
class Finding:
    """One JSON Schema error, engine-neutral.

    ``path`` is the instance path (tokens as strings); ``location`` the absolute keyword location
    in the meta-schema (``#/definitions/Operation/required``, percent-decoded); ``kind`` the
    failing keyword; ``detail`` keyword specifics (``property``, ``unexpected``, ``options``,
    ``expected_value``, ``types``); ``branches`` the per-branch errors of ``oneOf``/``anyOf``.
    """

    path: tuple[str, ...]
    location: str
    kind: str
    message: str
    detail: dict[str, Any] = field(default_factory=dict)
    branches: list[list[Finding]] = field(default_factory=list)


Check = Callable[[Any], list[Finding]]

_RS_KINDS = {
    "Required": "required",
    "AdditionalProperties": "additionalProperties",
    "UnevaluatedProperties": "unevaluatedProperties",
    "Enum": "enum",
    "Constant": "const",
    "Type": "type",
    "OneOfNotValid": "oneOf",
    "OneOfMultipleValid": "oneOf",
    "AnyOf": "anyOf",
}
_DETAILED = frozenset({"required", "additionalProperties", "unevaluatedProperties", "enum"})


def _from_rust(error: Any) -> Finding:
    kind_obj = error.kind
    kind = _RS_KINDS.get(type(kind_obj).__name__)
    if kind is None:
        name = type(kind_obj).__name__
        kind = name[:1].lower() + name[1:]
    detail: dict[str, Any] = {}
    if kind in _DETAILED or kind in ("const", "type"):
        try:
            detail = dict(kind_obj.as_dict())
        except Exception:  # noqa: BLE001 - detail is optional
            detail = {}
    branches: list[list[Finding]] = []
    context = getattr(kind_obj, "context", None)
    if context:
        branches = [[_from_rust(sub) for sub in branch] for branch in context]
    location = str(error.absolute_keyword_location or "")
    fragment = urllib.parse.unquote(location.partition("#")[2])
    return Finding(
        path=tuple(str(t) for t in error.instance_path),
        location="#" + fragment,
        kind=kind,
        message=str(error.message),
        detail=detail,
        branches=branches,
    )


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _from_python(error: Any, index: dict[int, str]) -> Finding:
    kind = str(error.validator)
    base = index.get(id(error.schema), "#")
    location = f"{base}/{escape_pointer_token(kind)}"
    detail: dict[str, Any] = {}
    instance = error.instance
    if kind == "required":
        found = _QUOTED.match(str(error.message))
        detail["property"] = found.group(1) if found else ""
    elif kind == "additionalProperties" and isinstance(instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = schema.get("properties") or {}
        patterns = list(schema.get("patternProperties") or {})
        detail["unexpected"] = [
            name
            for name in instance
            if name not in known and not any(re.search(p, name) for p in patterns)
        ]
    elif kind == "unevaluatedProperties" and isinstance(instance, dict):
        found = re.search(r"\((.*) (?:was|were) unexpected\)", str(error.message))
        names = _QUOTED.findall(found.group(1)) if found else []
        detail["unexpected"] = [name for name in names if name in instance]
    elif kind == "enum":
        detail["options"] = error.validator_value
    elif kind == "const":
        detail["expected_value"] = error.validator_value
    elif kind == "type":
        value = error.validator_value
        detail["types"] = value if isinstance(value, list) else [value]
    branches: list[list[Finding]] = []
    if error.context:
        grouped: dict[Any, list[Finding]] = {}
        for sub in error.context:
            grouped.setdefault(sub.relative_schema_path[0], []).append(_from_python(sub, index))
        branches = list(grouped.values())
    return Finding(
        path=tuple(str(t) for t in error.absolute_path),
        location=location,
        kind=kind,
        message=str(error.message),
        detail=detail,
        branches=branches,
    )


def _index_schema(root: Any) -> dict[int, str]:
    """id(sub-schema object) -> its pointer inside ``root`` (for the pure-Python engine)."""
    index: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(root, "#")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            index[id(node)] = pointer
            stack.extend((v, f"{pointer}/{escape_pointer_token(k)}") for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{pointer}/{i}") for i, v in enumerate(node))
    return index


# -- engines -----------------------------------------------------------------------------------
def _rust_module() -> Any | None:
    if BACKEND == "python":
        return None
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - depends on the environment
        if BACKEND == "rust":
            raise
        return None
    return jsonschema_rs


def validator_backend() -> str:
    """Which JSON Schema engine validation uses now: ``"jsonschema-rs"`` or ``"jsonschema"``."""
    return "jsonschema-rs" if _rust_module() is not None else "jsonschema"


def _package_files(package: str) -> Any:
    """The files of ``package`` (a ``Traversable``), without importing it when it is a folder.

    Importing openapi_spec_validator only to read its schema files loads jsonschema-path,
    requests and more: ~60 ms and ~11 MB of RSS that nothing else uses.
    """
    found = importlib.util.find_spec(package)
    locations = list(found.submodule_search_locations or []) if found else []
    if locations and os.path.isdir(locations[0]):
        return pathlib.Path(locations[0])
    from importlib import resources  # pragma: no cover - zipped or unusual installs

    return resources.files(package)  # pragma: no cover


@functools.cache
def _oas_schema(version: str) -> dict[str, Any]:
    """The official OpenAPI JSON Schema for ``version`` ("3.0", "3.1", "3.2")."""
    ref = _package_files("openapi_spec_validator") / "resources" / "schemas" / f"v{version}"
    data: dict[str, Any] = json.loads((ref / "schema.json").read_text(encoding="utf-8"))
    return data


def _schema_id(schema: dict[str, Any]) -> str:
    return str(schema.get("$id") or schema.get("id") or "")


@functools.cache
def _oas_dialect_resources(dialect: str) -> tuple[tuple[str, Any], ...]:
    """``(id, schema)`` of an OAS dialect's meta-schema (first) and of its vocabulary."""
    base = _package_files("openapi_schema_validator") / "schemas"
    out = []
    for name in _OAS_DIALECT_FILES[dialect]:
        data = json.loads((base / name).read_text(encoding="utf-8"))
        out.append((str(data["$id"]), data))
    return tuple(out)


class Engine:
    """Compiled validators, cached per process (compiling is the slow part for Python)."""

    def __init__(self) -> None:
        self.rust = _rust_module()
        self._cache: dict[tuple[str, str], Check] = {}
        self._indexes: dict[str, dict[int, str]] = {}

    def _python_check(self, validator: Any, root: Any) -> Check:
        key = _schema_id(root) if isinstance(root, dict) else ""
        index = self._indexes.get(key)
        if index is None:
            index = self._indexes[key] = _index_schema(root)

        def check(instance: Any) -> list[Finding]:
            return [_from_python(e, index) for e in validator.iter_errors(instance)]

        return check

    def _rust_check(self, validator: Any) -> Check:
        def check(instance: Any) -> list[Finding]:
            return [_from_rust(e) for e in validator.iter_errors(instance)]

        return check

    def structural(self, version: str, location: str = "") -> Check:
        """Validator for the OAS document (``location`` "": whole; else that sub-schema)."""
        cache_key = (f"oas{version}", location)
        cached = self._cache.get(cache_key)
        if cached is not None:
            return cached
        schema = _oas_schema(version)
        schema_id = _schema_id(schema)
        target = {"$schema": schema["$schema"], "$ref": schema_id + _encode_fragment(location)}
        if self.rust is not None:
            registry = self.rust.Registry([(schema_id, schema)])
            if location:
                check = self._rust_check(self.rust.validator_for(target, registry=registry))
            else:
                check = self._rust_check(self.rust.validator_for(schema))
        else:
            validator_for = importlib.import_module("jsonschema.validators").validator_for
            from referencing import Registry, Resource

            cls = validator_for(schema)
            registry = Registry().with_resource(schema_id, Resource.from_contents(schema))
            check = self._python_check(
                cls(target if location else schema, registry=registry), schema
            )
        self._cache[cache_key] = check
        return check

    def meta(self, dialect: str) -> Check | None:
        """Meta-schema validator for Schema Objects of ``dialect`` (None: unknown dialect)."""
        cached = self._cache.get(("meta", dialect))
        if cached is not None:
            return cached
        check: Check
        if self.rust is not None:
            if dialect == OAS30_DIALECT:
                draft4 = "http://json-schema.org/draft-04/schema#"
                check = self._rust_check(
                    self.rust.validator_for(
                        {"$schema": draft4, "$ref": draft4}, validate_formats=True
                    )
                )
            elif dialect in _OAS_DIALECT_FILES:
                pairs = _oas_dialect_resources(dialect)
                check = self._rust_check(
                    self.rust.validator_for(
                        pairs[0][1], registry=self.rust.Registry(list(pairs)), validate_formats=True
                    )
                )
            elif dialect in KNOWN_DIALECTS.values():
                check = self._rust_check(
                    self.rust.validator_for(
                        {"$schema": dialect, "$ref": dialect}, validate_formats=True
                    )
                )
            else:
                return None
        else:
            validator_for = importlib.import_module("jsonschema.validators").validator_for
            from openapi_schema_validator import OAS30Validator, OAS31Validator, OAS32Validator
            from openapi_schema_validator._specifications import REGISTRY

            if dialect == OAS30_DIALECT:
                cls: Any = OAS30Validator
                meta_schema = OAS30Validator.META_SCHEMA
            elif dialect == OAS31_DIALECT:
                cls = OAS31Validator
                meta_schema = OAS31Validator.META_SCHEMA
            elif dialect == OAS32_DIALECT:
                cls = OAS32Validator
                meta_schema = OAS32Validator.META_SCHEMA
            elif dialect in KNOWN_DIALECTS.values():
                meta_schema = REGISTRY.contents(dialect)
                cls = validator_for(meta_schema)
            else:
                return None
            meta_cls = validator_for(meta_schema, default=cls)
            validator = meta_cls(meta_schema, format_checker=cls.FORMAT_CHECKER, registry=REGISTRY)
            check = self._python_check(validator, meta_schema)
        self._cache[("meta", dialect)] = check
        return check


def _encode_fragment(location: str) -> str:
    if not location:
        return ""
    return "#" + urllib.parse.quote(location.lstrip("#"), safe="/~!$&'()*+,;=:@")


@functools.lru_cache(maxsize=1)
def _engine() -> Engine:
    return Engine()


def get_engine() -> Engine:
    engine = _engine()
    if (engine.rust is None) != (_rust_module() is None):
        _engine.cache_clear()
        engine = _engine()
    return engine
