"""Validate stage: each finding has its code, pointer and line; blocking vs tolerated follows the
policy in ``generator/validate.py``; both JSON Schema engines agree; the corpus validates with
warnings only.
"""

from __future__ import annotations

import collections
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import codes, schema_engine
from generator.diagnostics import Diagnostic, DiagnosticSink, Severity
from generator.loader import check_refs, load_spec
from generator.validate import validate_spec

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

try:
    import jsonschema_rs  # noqa: F401

    BACKENDS = ["rust", "python"]
except ImportError:  # pragma: no cover - depends on the environment
    BACKENDS = ["python"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(schema_engine, "BACKEND", request.param)
    yield str(request.param)


def run(
    tmp_path: Path, text: str, name: str = "spec.yaml", files: dict[str, str] | None = None
) -> DiagnosticSink:
    for rel, content in (files or {}).items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    root = tmp_path / name
    root.write_text(text, encoding="utf-8")
    sink = DiagnosticSink()
    spec = load_spec(root, sink)
    check_refs(spec, sink)
    validate_spec(spec, sink)
    for diag in sink:
        assert diag.code in codes.CODES, diag.render()
    return sink


def found(sink: DiagnosticSink, code: str) -> list[Diagnostic]:
    return [d for d in sink if d.code == code]


def the(sink: DiagnosticSink, code: str) -> Diagnostic:
    items = found(sink, code)
    assert len(items) == 1, [d.render() for d in sink]
    return items[0]


def spec30(paths: str = "{}", components: str = "", extra: str = "") -> str:
    text = f'openapi: 3.0.3\ninfo: {{title: t, version: "1"}}\n{extra}paths: {paths}\n'
    if components:
        text += f"components:\n{components}"
    return text


OK_RESPONSES = "responses: {'200': {description: ok}}"


# -- checks the generator needs ----------------------------------------------------------------
def test_clean_spec_has_no_findings(tmp_path: Path, backend: str) -> None:
    paths = f"""
  /pets/{{id}}:
    get:
      operationId: getPet
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
      {OK_RESPONSES}
"""
    sink = run(tmp_path, spec30(paths))
    assert not len(sink), [d.render() for d in sink]


def test_duplicate_operation_id(tmp_path: Path) -> None:
    paths = f"""
  /a:
    get: {{operationId: same, {OK_RESPONSES}}}
  /b:
    get:
      operationId: same
      {OK_RESPONSES}
"""
    diag = the(run(tmp_path, spec30(paths)), codes.W_DUPLICATE_OPERATION_ID)
    assert diag.severity is Severity.WARNING  # a recovery: renamed from method and path
    assert diag.pointer == "#/paths/~1b/get/operationId"
    assert (diag.line, diag.col) == (8, 7)
    assert "spec.yaml:5:" in diag.message  # where the first one is


def test_path_template_parameter_without_declaration(tmp_path: Path) -> None:
    paths = f"""
  /pets/{{id}}/toys/{{toy}}:
    parameters:
      - {{name: id, in: path, required: true, schema: {{type: string}}}}
    get:
      {OK_RESPONSES}
"""
    diag = the(run(tmp_path, spec30(paths)), codes.W_PATH_VAR_UNDECLARED)
    assert diag.pointer == "#/paths/~1pets~1{id}~1toys~1{toy}/get"
    assert diag.line == 7 and "{toy}" in diag.message


def test_path_parameter_not_in_template(tmp_path: Path) -> None:
    paths = f"""
  /pets:
    get:
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
      {OK_RESPONSES}
"""
    diag = the(run(tmp_path, spec30(paths)), codes.W_PATH_PARAM_UNUSED)
    assert diag.pointer == "#/paths/~1pets/get/parameters/0"
    assert (diag.line, diag.col) == (7, 11)


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize("required", ["required: false, ", ""])
def test_path_parameter_not_required_is_one_warning(
    tmp_path: Path, backend: str, version: str, required: str
) -> None:
    paths = f"""
  /pets/{{id}}:
    get:
      parameters:
        - {{name: id, in: path, {required}schema: {{type: string}}}}
      {OK_RESPONSES}
"""
    text = spec30(paths).replace("3.0.3", version)
    sink = run(tmp_path, text)
    diag = the(sink, codes.W_PATH_PARAM_NOT_REQUIRED)
    expected = "#/paths/~1pets~1{id}/get/parameters/0"
    assert diag.pointer == (expected + "/required" if required else expected)
    assert diag.line == 7
    assert len(sink) == 1, [d.render() for d in sink]  # the schema's complaint is folded in


def test_duplicate_parameter(tmp_path: Path) -> None:
    paths = f"""
  /pets:
    get:
      parameters:
        - {{name: q, in: query, schema: {{type: string}}}}
        - {{name: q, in: query, schema: {{type: integer}}}}
        - {{name: q, in: header, schema: {{type: integer}}}}
      {OK_RESPONSES}
"""
    diag = the(run(tmp_path, spec30(paths)), codes.E_DUPLICATE_PARAMETER)
    assert diag.pointer == "#/paths/~1pets/get/parameters/1"


@pytest.mark.parametrize(
    ("paths", "pointer"),
    [
        ("[]", "#/paths"),
        (f"{{pets: {{get: {{{OK_RESPONSES}}}}}}}", "#/paths/pets"),
        ("{/a: {get: [1]}}", "#/paths/~1a/get"),
        (f"{{/a: {{get: {{parameters: {{}}, {OK_RESPONSES}}}}}}}", "#/paths/~1a/get/parameters"),
        (
            f"{{/a: {{get: {{parameters: [{{name: q, schema: {{}}}}], {OK_RESPONSES}}}}}}}",
            "#/paths/~1a/get/parameters/0",
        ),
        (
            f"{{/a: {{get: {{parameters: [{{name: q, in: body}}], {OK_RESPONSES}}}}}}}",
            "#/paths/~1a/get/parameters/0",
        ),
        (
            f"{{/a: {{post: {{requestBody: {{}}, {OK_RESPONSES}}}}}}}",
            "#/paths/~1a/post/requestBody",
        ),
        ("{/a: {get: {responses: []}}}", "#/paths/~1a/get/responses"),
        ("{/a: {get: {responses: {'200': 3}}}}", "#/paths/~1a/get/responses/200"),
    ],
)
def test_structure_errors(tmp_path: Path, backend: str, paths: str, pointer: str) -> None:
    sink = run(tmp_path, spec30(paths))
    diag = the(sink, codes.E_STRUCTURE)
    assert diag.pointer == pointer
    assert diag.line > 0
    # No schema warning repeats what the error says.
    assert not [d for d in sink.warnings() if d.pointer.startswith(pointer)], [
        d.render() for d in sink
    ]


@pytest.mark.parametrize(
    ("paths", "components", "pointer"),
    [
        ("{/a: {$ref: '#/paths/~1b'}, /b: {$ref: '#/paths/~1a'}}", "", "#/paths/~1a/$ref"),
        (
            f"{{/a: {{get: {{parameters: [{{$ref: '#/components/parameters/P'}}], {OK_RESPONSES}}}}}}}",
            "  parameters:\n    P: {$ref: '#/components/parameters/Q'}\n"
            "    Q: {$ref: '#/components/parameters/P'}\n",
            "#/paths/~1a/get/parameters/0/$ref",
        ),
        (
            "{/a: {get: {responses: {'200': {$ref: '#/components/responses/R'}}}}}",
            "  responses:\n    R: {$ref: '#/components/responses/R'}\n",
            "#/paths/~1a/get/responses/200/$ref",
        ),
    ],
)
def test_ref_cycles_that_never_reach_a_value(
    tmp_path: Path, paths: str, components: str, pointer: str
) -> None:
    sink = run(tmp_path, spec30(paths, components))
    cycles = found(sink, codes.E_REF_CYCLE)
    assert cycles and min(cycles, key=lambda d: d.line).pointer == pointer


def test_recursive_schemas_are_not_cycles(tmp_path: Path) -> None:
    components = (
        "  schemas:\n    Node:\n      type: object\n"
        "      properties: {next: {$ref: '#/components/schemas/Node'}}\n"
    )
    assert not len(run(tmp_path, spec30(components=components)))


# -- tolerated findings ------------------------------------------------------------------------
def test_unexpected_field_missing_field_and_wrong_type(tmp_path: Path, backend: str) -> None:
    paths = """
  /a:
    get:
      responses:
        '200':
          content:
            application/json:
              description: not allowed here
              schema: {type: string}
"""
    text = spec30(paths).replace('version: "1"', "version: 1")
    sink = run(tmp_path, text)
    assert not sink.has_errors
    unexpected = the(sink, codes.W_UNEXPECTED_FIELD)
    assert (
        unexpected.pointer == "#/paths/~1a/get/responses/200/content/application~1json/description"
    )
    assert (unexpected.line, unexpected.col) == (10, 15)
    missing = the(sink, codes.W_MISSING_FIELD)
    assert missing.pointer == "#/paths/~1a/get/responses/200"
    assert "description" in missing.message
    wrong = the(sink, codes.W_SCHEMA_VIOLATION)
    assert wrong.pointer == "#/info/version" and wrong.line == 2


def test_narrowed_to_the_meant_branch(tmp_path: Path, backend: str) -> None:
    paths = f"""
  /a:
    get:
      parameters:
        - name: q
          in: query
          style: matrix
          schema: {{type: string}}
      {OK_RESPONSES}
"""
    diag = the(run(tmp_path, spec30(paths)), codes.W_SCHEMA_VIOLATION)
    assert diag.pointer == "#/paths/~1a/get/parameters/0/style"
    assert diag.line == 9 and "matrix" in diag.message


def test_invalid_schema_keyword_reported_once(tmp_path: Path, backend: str) -> None:
    components = "  schemas:\n    A:\n      type: strnig\n"
    sink = run(tmp_path, spec30(components=components))
    assert not sink.has_errors
    at_type = [d for d in sink if d.pointer == "#/components/schemas/A/type"]
    assert len(at_type) == 1 and at_type[0].line == 7, [d.render() for d in sink]


def test_invalid_schema_keyword_31(tmp_path: Path, backend: str) -> None:
    text = spec30(components="  schemas:\n    A:\n      type: strnig\n      minLength: -1\n")
    sink = run(tmp_path, text.replace("3.0.3", "3.1.0"))
    pointers = sorted(d.pointer for d in found(sink, codes.W_INVALID_SCHEMA))
    assert pointers == ["#/components/schemas/A/minLength", "#/components/schemas/A/type"]


def test_default_mismatch(tmp_path: Path, backend: str) -> None:
    components = (
        "  schemas:\n    A:\n      type: object\n      properties:\n"
        "        n: {type: integer, default: 'ten'}\n"
        "        m: {type: integer, nullable: true, default: null}\n"
        "        r: {$ref: '#/components/schemas/B'}\n"
        "    B: {type: object, required: [x], properties: {x: {type: string}}, default: {}}\n"
    )
    sink = run(tmp_path, spec30(components=components))
    pointers = sorted(d.pointer for d in found(sink, codes.W_DEFAULT_MISMATCH))
    assert pointers == [
        "#/components/schemas/A/properties/n/default",
        "#/components/schemas/B/default",
    ]


def test_required_names_no_defined_property(tmp_path: Path) -> None:
    components = (
        "  schemas:\n    A:\n      allOf:\n        - {$ref: '#/components/schemas/B'}\n"
        "        - {properties: {y: {type: string}}}\n      required: [x, y, z]\n"
        "    B: {properties: {x: {type: string}}}\n"
    )
    diag = the(run(tmp_path, spec30(components=components)), codes.W_REQUIRED_UNDEFINED)
    assert diag.pointer == "#/components/schemas/A/required" and "'z'" in diag.message


def test_duplicate_tag(tmp_path: Path) -> None:
    extra = "tags:\n  - name: a\n  - name: b\n  - name: a\n"
    diag = the(run(tmp_path, spec30(extra=extra)), codes.W_DUPLICATE_TAG)
    assert diag.pointer == "#/tags/2/name" and diag.line == 6


def test_unknown_dialect(tmp_path: Path) -> None:
    components = "  schemas:\n    A: {$schema: 'https://example.com/my-dialect', type: string}\n"
    text = spec30(components=components).replace("3.0.3", "3.1.0")
    diag = the(run(tmp_path, text), codes.W_VALIDATION_SKIPPED)
    assert diag.pointer == "#/components/schemas/A"


# -- multi-file ----------------------------------------------------------------------------------
def test_operation_by_ref_is_followed_and_located_in_its_file(tmp_path: Path, backend: str) -> None:
    paths = "\n  /a:\n    get:\n      $ref: 'ops/get_a.yaml'\n  /b:\n    get:\n      $ref: 'ops/get_a.yaml'\n"
    op = (
        "operationId: getA\n"
        "responses:\n"
        "  '200':\n"
        "    $ref: '../responses.yaml#/ok'\n"
        "x-fine: 1\n"
        "bogus: 2\n"
    )
    responses = "ok:\n  content:\n    application/json:\n      schema: {type: string}\n"
    files = {"ops/get_a.yaml": op, "responses.yaml": responses}
    sink = run(tmp_path, spec30(paths), files=files)
    assert not sink.has_errors, [d.render() for d in sink]
    refs = sorted(d.pointer for d in found(sink, codes.W_REF_NOT_ALLOWED_HERE))
    assert refs == ["#/paths/~1a/get/$ref", "#/paths/~1b/get/$ref"]
    bogus = the(sink, codes.W_UNEXPECTED_FIELD)
    assert bogus.pointer == "ops/get_a.yaml#/bogus"
    assert bogus.file.endswith("get_a.yaml") and (bogus.line, bogus.col) == (6, 1)
    missing = the(sink, codes.W_MISSING_FIELD)  # the response file is validated as a Response
    assert missing.pointer == "responses.yaml#/ok" and missing.line == 1


def test_errors_in_referenced_files(tmp_path: Path) -> None:
    paths = "\n  /a/{id}:\n    get:\n      $ref: 'op.yaml'\n"
    op = "parameters:\n  - $ref: 'params.yaml#/Limit'\nresponses: {'200': {description: ok}}\n"
    params = "Limit: {name: limit, in: query, required: true, schema: {type: integer}}\n"
    sink = run(tmp_path, spec30(paths), files={"op.yaml": op, "params.yaml": params})
    diag = the(sink, codes.W_PATH_VAR_UNDECLARED)
    assert diag.pointer == "op.yaml#" and diag.file.endswith("op.yaml")


# -- engines agree -------------------------------------------------------------------------------
def test_engines_agree_on_codes_and_pointers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if len(BACKENDS) < 2:
        pytest.skip("jsonschema-rs not installed")
    paths = """
  /a/{id}:
    get:
      parameters:
        - {name: id, in: path, schema: {type: string}}
        - {name: q, in: query, style: matrix, schema: {type: integer, default: x}}
      responses:
        '200':
          content:
            application/json: {description: no, schema: {type: strnig}}
"""
    text = spec30(paths)
    results = []
    for name in BACKENDS:
        monkeypatch.setattr(schema_engine, "BACKEND", name)
        sink = run(tmp_path, text)
        results.append(sorted((d.code, d.pointer) for d in sink))
    assert results[0] == results[1]
    assert len(results[0]) >= 5


# -- openapi-spec-validator parity ---------------------------------------------------------------
def test_every_openapi_spec_validator_finding_is_reported(tmp_path: Path) -> None:
    from jsonschema_path import SchemaPath
    from openapi_spec_validator import OpenAPIV30SpecValidator

    paths = f"""
  /a/{{id}}:
    get:
      operationId: dup
      parameters: [{{name: other, in: path, required: true, schema: {{type: string}}}}]
      {OK_RESPONSES}
  /b:
    get:
      operationId: dup
      parameters: [{{name: q, in: query, schema: {{type: integer, default: x}}}}]
      {OK_RESPONSES}
"""
    components = (
        "  schemas:\n    A:\n      allOf: [{properties: {a: {}}}]\n      required: [a, b]\n"
        "    B: {type: strnig}\n"
    )
    text = spec30(paths, components)
    kinds: collections.Counter[str] = collections.Counter()
    doc = yaml.safe_load(text)
    for error in OpenAPIV30SpecValidator(SchemaPath.from_dict(doc)).iter_errors():
        kinds[type(error).__name__] += 1
    sink = run(tmp_path, text)
    ours = collections.Counter(d.code for d in sink)
    assert kinds["DuplicateOperationIDError"] == ours[codes.W_DUPLICATE_OPERATION_ID] == 1
    assert kinds["UnresolvableParameterError"] == (
        ours[codes.W_PATH_VAR_UNDECLARED] + ours[codes.W_PATH_PARAM_UNUSED]
    )
    assert kinds["ExtraParametersError"] == ours[codes.W_REQUIRED_UNDEFINED] == 1
    assert ours[codes.W_DEFAULT_MISMATCH] == 1
    # openapi-spec-validator finds "type: strnig" twice (OAS schema and meta-schema); it is one
    # problem at one place, reported once.
    assert kinds["OpenAPIValidationError"] == 3
    strnig = [d for d in sink if d.pointer == "#/components/schemas/B/type"]
    assert len(strnig) == 1 and strnig[0].code in (codes.W_SCHEMA_VIOLATION, codes.W_INVALID_SCHEMA)


# -- the corpus ----------------------------------------------------------------------------------
def corpus_entries() -> list[dict[str, Any]]:
    manifest = CORPUS / "manifest.json"
    if not manifest.is_file():
        return []
    entries: list[dict[str, Any]] = json.loads(manifest.read_text(encoding="utf-8"))
    return entries


@pytest.mark.skipif(not corpus_entries(), reason="../shared/corpus not found")
@pytest.mark.parametrize("entry", corpus_entries(), ids=lambda e: str(e["name"]))
def test_corpus_validates_with_warnings_only(entry: dict[str, Any]) -> None:
    sink = DiagnosticSink()
    spec = load_spec(CORPUS / str(entry["file"]), sink)
    check_refs(spec, sink)
    validate_spec(spec, sink)
    assert not sink.has_errors, [d.render() for d in sink.errors()[:10]]
    for diag in sink:
        assert diag.code in codes.CODES and diag.code.startswith("W")
        assert diag.line > 0, diag.render()  # every finding is located
    counts = collections.Counter(d.code for d in sink)
    print(f"{entry['name']}: {len(sink)} warning(s) {dict(sorted(counts.items()))}")
