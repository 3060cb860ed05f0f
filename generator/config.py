"""Generator configuration: ``codegen.yaml`` (found at the working directory by default) + CLI flags.

The file is validated against ``generator/schemas/codegen-config.schema.json`` (shipped with the
generator) and then checked for consistency; every finding is a located diagnostic (file:line:col,
JSON pointer, the offending line) and the run exits with code 2. CLI flags override file values;
names derived from the spec (package, project, version) apply last. ``docs/config.md`` is the
user's reference; ``codegen.example.yaml`` is a complete, commented example.

Keys (all optional)::

    package_name: petstore_client         # import name
    project_name: petstore-client         # distribution name
    version: 1.0.0                        # default: the spec's info.version (PEP 440)
    templates: path/to/overrides          # directory of template overrides (relative to this file)
    include_tags: [pets]                  # generate a subset
    exclude_tags: [internal]
    renames:
      models: {NewPet: PetCreate}                   # schema/derived name -> class name
      fields: {Pet: {petName: name}}                # generated class name -> {wire name: attribute}
      operations: {addPet: create_pet}              # operationId -> function module name
      tags: {store: shop}                           # tag -> api module name
    errors:
      names: {not_found: MissingError}              # ErrorNames attribute -> class name
      status: {410: GoneError}                      # status -> class (new classes: 4xx under the
                                                    # client error, 5xx under the server error)
    pagination:
      listPets: {style: offset, param: offset, size_param: limit}  # see docs/config.md
      listOld: {cursor_param: cursor, items: items, next_cursor: nextCursor}  # the 1.x form
      some_op: false                                # disable inference
    runtime: {max_retries: 2, timeout: 60.0, connect_timeout: 5.0}
    formatter: ruff                                 # ruff | none
    models: referenced                              # referenced | all (component schemas)
    strict: false                                   # recovery warnings become errors (--strict)
    naming: {operation_ids: short}                  # short | raw (FastAPI's id suffixes)

Diagnostic codes (stable; tests and users match on them):

=========  ==========================================================================
``E0501``  the config file does not exist
``E0502``  the config file cannot be read (permissions, encoding)
``E0503``  the config file is not valid YAML
``E0504``  unknown key (a typo); the hint names the closest allowed key
``E0505``  wrong type or invalid value (per the JSON Schema)
``E0506``  duplicate key in one mapping
``E0507``  inconsistent values (error class names clash, a keyword as a name, a status
           mapped to a class of the other status family, a non-PEP 440 version)
``E0508``  the ``templates`` directory does not exist
``W0509``  a tag is both included and excluded
=========  ==========================================================================
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Mapping
from dataclasses import field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from generator.diagnostics import (
    DiagnosticSink,
    FatalInputError,
    Location,
    join_pointer,
    json_type,
)
from generator.ir import ErrorNames
from generator.records import mutable_record, record

SCHEMA_PATH = Path(__file__).parent / "schemas" / "codegen-config.schema.json"
DEFAULT_CONFIG_NAME = "codegen.yaml"

E_CONFIG_NOT_FOUND = "E0501"
E_CONFIG_UNREADABLE = "E0502"
E_CONFIG_YAML = "E0503"
E_CONFIG_UNKNOWN_KEY = "E0504"
E_CONFIG_INVALID = "E0505"
E_CONFIG_DUPLICATE_KEY = "E0506"
E_CONFIG_INCONSISTENT = "E0507"
E_CONFIG_TEMPLATES_DIR = "E0508"
W_CONFIG_TAG_OVERLAP = "W0509"

# The status classes every client has, as ErrorNames attributes (their status -> the attribute).
DEFAULT_STATUS_ATTRS: Mapping[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    422: "unprocessable_entity",
    429: "rate_limit",
}
_CLIENT_FAMILY = ("client_error", *DEFAULT_STATUS_ATTRS.values())
_NON_STATUS_ATTRS = ("api_error", "connection_error", "timeout_error", "unexpected_response")
# Names errors.py itself uses at module level; an error class may not shadow them.
_ERRORS_MODULE_NAMES = frozenset({"Any", "Exception", "BaseException", "httpx"})

# PEP 440 (the packaging library's pattern, used when packaging is not importable; compiled only
# then: with IGNORECASE it is a few milliseconds of every start-up otherwise).
_PEP440 = (
    r"^v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?"
    r"(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?"
    r"(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$"
)


@record()
class Config:
    """The validated configuration; every field has the value used when the key is absent."""

    package_name: str = ""
    project_name: str = ""
    version: str = ""
    templates_dir: Path | None = None
    include_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    model_renames: dict[str, str] = field(default_factory=dict)
    field_renames: dict[str, dict[str, str]] = field(default_factory=dict)
    operation_renames: dict[str, str] = field(default_factory=dict)
    tag_modules: dict[str, str] = field(default_factory=dict)
    error_names: ErrorNames | None = None
    pagination: dict[str, Any] = field(default_factory=dict)
    max_retries: int = 2
    timeout: float = 60.0
    connect_timeout: float = 5.0
    formatter: str = "ruff"
    models: str = "referenced"  # "all": also component schemas no operation/webhook uses
    strict: bool = False  # every recovery warning (codes.RECOVERY_CODES) becomes an error
    operation_ids: str = "short"  # naming.operation_ids; "raw": FastAPI ids kept as they are
    source: str = ""  # the config file, or "" for defaults


# ------------------------------------------------------------------------------------------------
# reading: YAML with positions
# ------------------------------------------------------------------------------------------------


class _ConfigLoader(yaml.SafeLoader):
    """SafeLoader whose mapping keys are the key's source text (``410`` stays ``"410"``)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    "a key must be a plain value (not a list or mapping)",
                    key_node.start_mark,
                )
            out[key_node.value] = self.construct_object(value_node, deep=deep)
        return out


_ConfigLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _ConfigLoader.construct_mapping,
)


@mutable_record()
class _Positions:
    """Where each value (``#/a/b``) and each key (``#/a/b`` in ``keys``) starts; duplicate keys."""

    values: dict[str, Location] = field(default_factory=dict)
    keys: dict[str, Location] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)


def _positions(text: str, display: str) -> _Positions:
    pos = _Positions()

    def at(node: yaml.Node) -> Location:
        return Location(display, node.start_mark.line + 1, node.start_mark.column + 1)

    def walk(node: yaml.Node, pointer: str) -> None:
        pos.values[pointer] = at(node)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for k, v in node.value:
                key = str(k.value)
                child = join_pointer(pointer, key)
                if key in seen:
                    pos.duplicates.append(child)
                    pos.keys[child + "#duplicate"] = at(k)
                    continue
                seen.add(key)
                pos.keys[child] = at(k)
                walk(v, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, join_pointer(pointer, i))

    try:
        root = yaml.compose(text, Loader=_ConfigLoader)
    except yaml.YAMLError:
        return pos
    if root is not None:
        walk(root, "#")
    return pos


class _ConfigLocator:
    """Maps config pointers to locations: the value's start, else the nearest located parent."""

    def __init__(self, positions: _Positions, lines: list[str]) -> None:
        self.positions = positions
        self.lines = lines

    def locate(self, pointer: str) -> Location | None:
        p = pointer
        while p:
            if p in self.positions.values:
                return self.positions.values[p]
            if "/" not in p:
                break
            p = p.rsplit("/", 1)[0]
        return self.positions.values.get("#")

    def original_key(self, pointer: str) -> str:
        return pointer

    def locate_key(self, pointer: str) -> Location | None:
        return self.positions.keys.get(pointer) or self.locate(pointer)

    def source_line(self, location: Location) -> str | None:
        if 0 < location.line <= len(self.lines):
            return self.lines[location.line - 1]
        return None


def find_config(explicit: str | None, cwd: Path) -> Path | None:
    """``--config`` when given, else ``codegen.yaml`` in ``cwd`` if it exists, else ``None``."""
    if explicit:
        return Path(explicit)
    candidate = cwd / DEFAULT_CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_config(path: Path | None, sink: DiagnosticSink) -> Config:
    """Read, validate and check a config file; ``None`` gives the defaults.

    Every finding goes into ``sink``; when any is an error, raises :class:`FatalInputError`
    (the pipeline stops with exit code 2 before reading the spec).
    """
    if path is None:
        return Config()
    display = str(path)
    config_sink = DiagnosticSink(default_file=display)
    if not path.is_file():
        diag = config_sink.error(
            E_CONFIG_NOT_FOUND,
            f"config file not found: {display}",
            hint="pass an existing file to --config, or drop --config to use ./codegen.yaml",
        )
        sink.extend([diag])
        raise FatalInputError(diag)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        diag = config_sink.error(E_CONFIG_UNREADABLE, f"config file cannot be read: {exc}")
        sink.extend([diag])
        raise FatalInputError(diag) from exc
    locator = _ConfigLocator(_positions(text, display), text.splitlines())
    config_sink.locator = locator
    try:
        data = (
            yaml.load(text, Loader=_ConfigLoader) if text.strip() else {}
        )  # noqa: S506 - safe subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = Location(display, mark.line + 1, mark.column + 1) if mark else None
        diag = config_sink.error(
            E_CONFIG_YAML,
            f"config is not valid YAML: {getattr(exc, 'problem', None) or exc}",
            "#",
            location=loc,
        )
        sink.extend([diag])
        raise FatalInputError(diag) from exc
    if data is None:
        data = {}
    for pointer in locator.positions.duplicates:
        config_sink.error(
            E_CONFIG_DUPLICATE_KEY,
            f"duplicate key {pointer.rsplit('/', 1)[1]!r}; the later value would silently win",
            pointer,
            location=locator.positions.keys[pointer + "#duplicate"],
            hint="keep one of them",
        )
    schema_ok = _validate(data, config_sink, locator)
    if schema_ok and not config_sink.has_errors:
        _check(data, path, config_sink)
    sink.extend(config_sink.items)
    if config_sink.has_errors:
        raise FatalInputError(config_sink.errors()[0])
    return _from_data(data, path)


# ------------------------------------------------------------------------------------------------
# validation: the JSON Schema, then consistency
# ------------------------------------------------------------------------------------------------


def load_schema() -> dict[str, Any]:
    """The shipped JSON Schema of ``codegen.yaml``."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def _validate(data: Any, sink: DiagnosticSink, locator: _ConfigLocator) -> bool:
    """Record one diagnostic per schema finding; True when the data fits the schema."""
    import jsonschema  # type: ignore[import-untyped]
    from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

    validator = jsonschema.Draft202012Validator(load_schema())
    found = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    for err in _specific(found, best_match):
        base = join_pointer("#", *[str(p) for p in err.absolute_path])
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = sorted(err.schema.get("properties", {}))
            for extra in sorted(k for k in err.instance if str(k) not in allowed):
                pointer = join_pointer(base, str(extra))
                import difflib  # only for a misspelt key

                close = difflib.get_close_matches(str(extra), allowed, n=1, cutoff=0.6)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else f"allowed keys: {', '.join(allowed)}"
                )
                sink.error(
                    E_CONFIG_UNKNOWN_KEY,
                    f"unknown key {extra!r}",
                    pointer,
                    location=locator.locate_key(pointer),
                    hint=hint,
                )
            continue
        if "propertyNames" in err.relative_schema_path:
            # the failing key itself is the instance; the path is its mapping's
            pointer = join_pointer(base, str(err.instance))
            sink.error(
                E_CONFIG_INVALID,
                f"invalid key {err.instance!r}: {_describe(err)}",
                pointer,
                location=locator.locate_key(pointer),
            )
            continue
        sink.error(E_CONFIG_INVALID, f"invalid value: {_describe(err)}", base, hint=_type_hint(err))
    return not found


def _specific(errors: list[Any], best_match: Any) -> list[Any]:
    """Replace each ``oneOf``/``anyOf`` failure by the failures of the branch the value was meant for.

    The intended branch is the one whose type (or const) the value fits; e.g. a pagination
    override given as a mapping is reported against the mapping branch, not against ``false``.
    """
    out: list[Any] = []
    for err in errors:
        if err.validator not in ("oneOf", "anyOf") or not err.context:
            out.append(err)
            continue
        branches: dict[int, list[Any]] = {}
        for sub in err.context:
            branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
        fitting = [
            subs
            for subs in branches.values()
            if not any(s.validator in ("type", "const") and not s.relative_path for s in subs)
        ]
        out.extend(fitting[0] if len(fitting) == 1 else [best_match(err.context)])
    return out


def _describe(err: Any) -> str:
    """A short message for one jsonschema error (type and pattern messages made readable)."""
    if err.validator == "type":
        return f"expected {_type_words(err.validator_value)}, got {_type_words(json_type(err.instance))} {err.instance!r}"
    if err.validator == "pattern":
        return f"{err.instance!r} does not match {err.validator_value!r}"
    if err.validator == "enum":
        return f"{err.instance!r} is not one of {', '.join(map(repr, err.validator_value))}"
    if err.validator == "const":
        return f"expected {json.dumps(err.validator_value)}"
    return str(err.message)


def _type_hint(err: Any) -> str:
    if (
        err.validator == "type"
        and err.validator_value == "string"
        and isinstance(err.instance, (int, float))
    ):
        return f'quote the value: "{err.instance}" (YAML reads it as a number)'
    if err.validator == "type" and err.validator_value == "array" and isinstance(err.instance, str):
        return f"use a list: [{err.instance}]"
    return ""


def _type_words(value: Any) -> str:
    words = {
        "object": "a mapping",
        "array": "a list",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "true or false",
        "null": "null",
    }
    if isinstance(value, list):
        return " or ".join(words.get(str(v), str(v)) for v in value)
    return words.get(value, str(value))


def _version_ok(version: str) -> bool:
    try:
        from packaging.version import InvalidVersion, Version
    except ImportError:  # pragma: no cover - packaging is nearly always present
        return bool(re.match(_PEP440, version, re.IGNORECASE))
    try:
        Version(version)
    except InvalidVersion:
        return False
    return True


def _check(data: dict[str, Any], path: Path, sink: DiagnosticSink) -> None:
    """Consistency rules the JSON Schema cannot express."""
    version = data.get("version")
    if isinstance(version, str) and not _version_ok(version):
        sink.error(
            E_CONFIG_INCONSISTENT,
            f"version {version!r} is not a PEP 440 version; wheels and sdists could not be built",
            "#/version",
            hint="use e.g. 1.2.0, 1.2.0rc1 or 1.2.0.post1",
        )
    package = data.get("package_name")
    if isinstance(package, str) and keyword.iskeyword(package):
        sink.error(
            E_CONFIG_INCONSISTENT, f"package_name {package!r} is a Python keyword", "#/package_name"
        )
    templates = data.get("templates")
    if isinstance(templates, str) and not (path.parent / templates).is_dir():
        sink.error(
            E_CONFIG_TEMPLATES_DIR,
            f"templates directory not found: {path.parent / templates}",
            "#/templates",
            hint="the path is relative to the config file",
        )
    overlap = sorted(set(data.get("include_tags", ())) & set(data.get("exclude_tags", ())))
    for tag in overlap:
        sink.warning(
            W_CONFIG_TAG_OVERLAP,
            f"tag {tag!r} is both included and excluded (excluded wins)",
            "#/exclude_tags",
        )
    renames = data.get("renames", {})
    for section in ("models", "operations", "tags"):
        for key, value in renames.get(section, {}).items():
            if keyword.iskeyword(value) or keyword.issoftkeyword(value):
                sink.error(
                    E_CONFIG_INCONSISTENT,
                    f"{value!r} is a Python keyword",
                    join_pointer("#", "renames", section, key),
                )
    for cls, mapping in renames.get("fields", {}).items():
        for wire, attr in mapping.items():
            if keyword.iskeyword(attr) or keyword.issoftkeyword(attr):
                sink.error(
                    E_CONFIG_INCONSISTENT,
                    f"{attr!r} is a Python keyword",
                    join_pointer("#", "renames", "fields", cls, wire),
                )
    _check_errors(data.get("errors", {}), sink)


def _check_errors(errors: dict[str, Any], sink: DiagnosticSink) -> None:
    names = ErrorNames()
    given: dict[str, str] = dict(errors.get("names", {}))
    final = {
        f.name: given.get(f.name, getattr(names, f.name))
        for f in fields(ErrorNames)
        if f.name != "status_classes"
    }
    owner: dict[str, str] = {}
    for attr, cls in final.items():
        pointer = join_pointer("#", "errors", "names", attr)
        if keyword.iskeyword(cls) or cls in _ERRORS_MODULE_NAMES:
            sink.error(E_CONFIG_INCONSISTENT, f"{cls!r} cannot be an error class name", pointer)
        if cls in owner:
            sink.error(
                E_CONFIG_INCONSISTENT,
                f"error class name {cls!r} is used for both {owner[cls]} and {attr}",
                pointer if attr in given else join_pointer("#", "errors", "names", owner[cls]),
                hint="give each error class its own name",
            )
        owner.setdefault(cls, attr)
    client_family = {final[a] for a in _CLIENT_FAMILY}
    server_family = {final["server_error"]}
    non_status = {final[a] for a in _NON_STATUS_ATTRS}
    new_family: dict[str, str] = {}  # new class -> "4xx" / "5xx"
    for code, cls in errors.get("status", {}).items():
        pointer = join_pointer("#", "errors", "status", str(code))
        family = "4xx" if str(code).startswith("4") else "5xx"
        if keyword.iskeyword(cls) or cls in _ERRORS_MODULE_NAMES:
            sink.error(E_CONFIG_INCONSISTENT, f"{cls!r} cannot be an error class name", pointer)
        elif cls in non_status:
            sink.error(
                E_CONFIG_INCONSISTENT,
                f"{cls!r} is not a status error class; status {code} cannot raise it",
                pointer,
            )
        elif (family == "4xx" and cls in server_family) or (
            family == "5xx" and cls in client_family
        ):
            sink.error(
                E_CONFIG_INCONSISTENT,
                f"status {code} is a {family} status but {cls!r} is a "
                f"{'5xx' if family == '4xx' else '4xx'} error class",
                pointer,
                hint="map it to a new class name, or to one of the same family",
            )
        elif cls not in final.values() and new_family.setdefault(cls, family) != family:
            sink.error(
                E_CONFIG_INCONSISTENT,
                f"new error class {cls!r} is mapped from both 4xx and 5xx statuses",
                pointer,
                hint="a new class derives from the client error (4xx) or the server error (5xx), not both",
            )


# ------------------------------------------------------------------------------------------------
# building the Config value
# ------------------------------------------------------------------------------------------------


def error_names(errors: Mapping[str, Any]) -> ErrorNames:
    """ErrorNames from the ``errors`` section: renamed classes, and the status -> class table.

    The table starts from the stock statuses (400 ... 429) with their (possibly renamed) classes;
    ``errors.status`` entries add or replace entries. A class named there that is not one of the
    named classes is a new class (``templates/errors.py.jinja`` declares it under the client error
    for 4xx, under the server error for 5xx).
    """
    base = ErrorNames()
    names = dict(errors.get("names", {}))
    valid = {f.name for f in fields(ErrorNames)} - {"status_classes"}
    renamed: dict[str, Any] = {k: str(v) for k, v in names.items() if k in valid}
    result = replace(base, **renamed)
    status_map = {code: getattr(result, attr) for code, attr in DEFAULT_STATUS_ATTRS.items()}
    for code, cls in errors.get("status", {}).items():
        status_map[int(code)] = str(cls)
    return replace(result, status_classes=tuple(sorted(status_map.items())))


def _from_data(data: dict[str, Any], path: Path) -> Config:
    renames = data.get("renames", {})
    errors = data.get("errors", {})
    runtime = data.get("runtime", {})
    templates = data.get("templates")
    return Config(
        package_name=str(data.get("package_name", "")),
        project_name=str(data.get("project_name", "")),
        version=str(data.get("version", "")),
        templates_dir=(path.parent / templates) if templates else None,
        include_tags=tuple(data.get("include_tags", ())),
        exclude_tags=tuple(data.get("exclude_tags", ())),
        model_renames=dict(renames.get("models", {})),
        field_renames={k: dict(v) for k, v in renames.get("fields", {}).items()},
        operation_renames=dict(renames.get("operations", {})),
        tag_modules=dict(renames.get("tags", {})),
        error_names=error_names(errors) if errors else None,
        pagination=dict(data.get("pagination", {})),
        max_retries=int(runtime.get("max_retries", 2)),
        timeout=float(runtime.get("timeout", 60.0)),
        connect_timeout=float(runtime.get("connect_timeout", 5.0)),
        formatter=str(data.get("formatter", "ruff")),
        models=str(data.get("models", "referenced")),
        strict=bool(data.get("strict", False)),
        operation_ids=str(data.get("naming", {}).get("operation_ids", "short")),
        source=str(path),
    )
