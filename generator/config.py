"""Generator configuration: ``codegen.yaml`` (found at the working directory by default) + CLI flags.

The file is validated against ``generator/schemas/codegen-config.schema.json`` (shipped with the
generator); every finding is a located diagnostic (file:line:col, JSON pointer) and exit code 2.
CLI flags override file values. Names derived from the spec (package, project) apply last.

Keys (all optional)::

    package_name: portarium_client        # import name
    project_name: portarium-client        # distribution name
    version: 1.0.0                        # default: the spec's info.version
    templates: path/to/overrides          # directory of template overrides
    include_tags: [runs]                  # generate a subset
    exclude_tags: [internal]
    renames:
      models: {StartRunRequest: RunStart}           # schema/derived name -> class name
      fields: {Run: {workflowId: workflow}}         # class name -> {wire name: attribute}
      operations: {start_run: launch_run}           # operationId -> function module name
      tags: {evidence: audit}                       # tag -> api module name
    errors:
      names: {not_found: MissingError}              # ErrorNames attribute -> class name
      status: {410: GoneError}                      # extra status -> new ClientError/ServerError subclass
    pagination:
      list_runs: {cursor_param: cursor, items: items, next_cursor: nextCursor}
      some_op: false                                # disable inference
    runtime: {max_retries: 2, timeout: 60.0, connect_timeout: 5.0}
    formatter: ruff                                 # ruff | none
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from generator.diagnostics import DiagnosticSink, FatalInputError, Location, join_pointer
from generator.ir import ErrorNames

SCHEMA_PATH = Path(__file__).parent / "schemas" / "codegen-config.schema.json"
DEFAULT_CONFIG_NAME = "codegen.yaml"


@dataclass(frozen=True)
class Config:
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
    source: str = ""  # the config file, or "" for defaults


class _PositionLoader(yaml.SafeLoader):
    """SafeLoader that remembers where each mapping value starts (config files are small)."""


def _positions(text: str, display: str) -> dict[str, Location]:
    out: dict[str, Location] = {}

    def walk(node: yaml.Node, pointer: str) -> None:
        out[pointer] = Location(display, node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = str(k.value)
                child = join_pointer(pointer, key)
                walk(v, child)
                out[child + "#key"] = Location(
                    display, k.start_mark.line + 1, k.start_mark.column + 1
                )
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, join_pointer(pointer, i))

    try:
        root = yaml.compose(text, Loader=_PositionLoader)
    except yaml.YAMLError:
        return out
    if root is not None:
        walk(root, "#")
    return out


class _ConfigLocator:
    def __init__(self, positions: dict[str, Location], lines: list[str]) -> None:
        self.positions = positions
        self.lines = lines

    def locate(self, pointer: str) -> Location | None:
        p = pointer
        while p:
            if p in self.positions:
                return self.positions[p]
            if "/" not in p:
                break
            p = p.rsplit("/", 1)[0]
        return self.positions.get("#")

    def source_line(self, location: Location) -> str | None:
        if 0 < location.line <= len(self.lines):
            return self.lines[location.line - 1]
        return None


def find_config(explicit: str | None, cwd: Path) -> Path | None:
    if explicit:
        return Path(explicit)
    candidate = cwd / DEFAULT_CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_config(path: Path | None, sink: DiagnosticSink) -> Config:
    """Read and validate a config file; ``None`` gives the defaults. Raises FatalInputError on errors."""
    if path is None:
        return Config()
    display = str(path)
    config_sink = DiagnosticSink(default_file=display)
    if not path.is_file():
        sink.extend(
            [
                config_sink.error(
                    "E0501",
                    f"config file not found: {display}",
                    hint="pass an existing file to --config",
                )
            ]
        )
        raise FatalInputError(sink.items[-1])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        diag = config_sink.error("E0502", f"config file cannot be read: {exc}")
        sink.extend([diag])
        raise FatalInputError(diag) from exc
    config_sink.locator = _ConfigLocator(_positions(text, display), text.splitlines())
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = Location(display, mark.line + 1, mark.column + 1) if mark else None
        diag = config_sink.error(
            "E0503", f"config is not valid YAML: {getattr(exc, 'problem', exc)}", "#", location=loc
        )
        sink.extend([diag])
        raise FatalInputError(diag) from exc
    if data is None:
        data = {}
    _validate(data, config_sink)
    sink.extend(config_sink.items)
    if config_sink.has_errors:
        raise FatalInputError(config_sink.errors()[0])
    return _from_data(data, path, config_sink)


def _validate(data: Any, sink: DiagnosticSink) -> None:
    import jsonschema  # type: ignore[import-untyped]

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        pointer = join_pointer("#", *[str(p) for p in err.absolute_path])
        hint = ""
        if err.validator == "additionalProperties":
            extra = re.findall(r"'([^']+)' was unexpected", err.message)
            allowed = sorted(err.schema.get("properties", {}))
            if extra:
                pointer = join_pointer(pointer, extra[0])
                close = [a for a in allowed if _similar(a, extra[0])]
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else f"allowed keys: {', '.join(allowed)}"
                )
        sink.error("E0504", f"invalid config: {err.message}", pointer, hint=hint)


def _similar(a: str, b: str) -> bool:
    import difflib

    return difflib.SequenceMatcher(None, a, b).ratio() > 0.7


def _from_data(data: dict[str, Any], path: Path, sink: DiagnosticSink) -> Config:
    renames = data.get("renames", {})
    errors = data.get("errors", {})
    runtime = data.get("runtime", {})
    error_names: ErrorNames | None = None
    if errors:
        base = ErrorNames()
        names = dict(errors.get("names", {}))
        valid = {f.name for f in fields(ErrorNames)} - {"status_classes"}
        error_names = replace(base, **{k: v for k, v in names.items() if k in valid})
        defaults = dict(
            zip(
                (400, 401, 403, 404, 409, 422, 429),
                (
                    "bad_request",
                    "unauthorized",
                    "forbidden",
                    "not_found",
                    "conflict",
                    "unprocessable_entity",
                    "rate_limit",
                ),
                strict=True,
            )
        )
        status_map = {code: getattr(error_names, attr) for code, attr in defaults.items()}
        for code, cls in errors.get("status", {}).items():
            status_map[int(code)] = str(cls)
        error_names = replace(error_names, status_classes=tuple(sorted(status_map.items())))
    templates = data.get("templates")
    return Config(
        package_name=data.get("package_name", ""),
        project_name=data.get("project_name", ""),
        version=str(data.get("version", "")),
        templates_dir=(path.parent / templates) if templates else None,
        include_tags=tuple(data.get("include_tags", ())),
        exclude_tags=tuple(data.get("exclude_tags", ())),
        model_renames=dict(renames.get("models", {})),
        field_renames={k: dict(v) for k, v in renames.get("fields", {}).items()},
        operation_renames=dict(renames.get("operations", {})),
        tag_modules=dict(renames.get("tags", {})),
        error_names=error_names,
        pagination=dict(data.get("pagination", {})),
        max_retries=int(runtime.get("max_retries", 2)),
        timeout=float(runtime.get("timeout", 60.0)),
        connect_timeout=float(runtime.get("connect_timeout", 5.0)),
        formatter=str(data.get("formatter", "ruff")),
        source=str(path),
    )
