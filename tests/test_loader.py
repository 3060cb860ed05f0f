"""Load stage: every bad input gives its code at the right line:col and pointer, refs across files
are followed (and refused when they should be), and the whole corpus loads without errors.

Inputs are written inline into ``tmp_path``; tests assert codes, pointers and positions, never
prose or timings.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import codes
from generator.diagnostics import (
    Diagnostic,
    DiagnosticSink,
    FatalInputError,
    Severity,
    escape_pointer_token,
)
from generator.loader import LoadedSpec, check_refs, load_spec, location_key, resolve_ref
from generator.parsing import MAX_DEPTH, MAX_SCALAR_CHARS
from generator.validate import validate_spec

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
MINIMAL = 'openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths: {}\n'


def write(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def load(path: Path, **options: Any) -> tuple[LoadedSpec | None, DiagnosticSink]:
    sink = DiagnosticSink()
    try:
        spec = load_spec(path, sink, **options)
    except FatalInputError:
        return None, sink
    return spec, sink


def the(sink: DiagnosticSink, code: str) -> Diagnostic:
    found = [d for d in sink if d.code == code]
    assert len(found) == 1, [d.render() for d in sink]
    return found[0]


def fatal(path: Path, code: str, **options: Any) -> Diagnostic:
    spec, sink = load(path, **options)
    assert spec is None, [d.render() for d in sink]
    diag = the(sink, code)
    assert diag.severity is Severity.ERROR
    assert diag.code in codes.CODES
    return diag


# -- reading and parsing -----------------------------------------------------------------------
def test_missing_path(tmp_path: Path) -> None:
    diag = fatal(tmp_path / "nope.yaml", codes.E_FILE_NOT_FOUND)
    assert diag.file.endswith("nope.yaml")
    assert diag.hint


def test_directory(tmp_path: Path) -> None:
    fatal(tmp_path, codes.E_NOT_A_FILE)


@pytest.mark.parametrize("content", ["", "   \n\n", "# only a comment\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    fatal(write(tmp_path, "spec.yaml", content), codes.E_EMPTY_FILE)


def test_binary_garbage(tmp_path: Path) -> None:
    diag = fatal(
        write(tmp_path, "spec.yaml", b"openapi: 3.0.0\nx: \x00\x01\x02\xff"), codes.E_ENCODING
    )
    assert (diag.line, diag.col) == (2, 4)


def test_not_utf8_reports_byte_position(tmp_path: Path) -> None:
    data = b'openapi: 3.0.0\ninfo:\n  title: caf\xe9\n  version: "1"\n'
    diag = fatal(write(tmp_path, "spec.yaml", data), codes.E_ENCODING)
    assert (diag.line, diag.col) == (3, 13)
    assert "offset 33" in diag.message


def test_utf16_refused_utf8_bom_accepted(tmp_path: Path) -> None:
    fatal(write(tmp_path, "a.yaml", MINIMAL.encode("utf-16")), codes.E_ENCODING)
    spec, sink = load(write(tmp_path, "b.yaml", b"\xef\xbb\xbf" + MINIMAL.encode()))
    assert spec is not None and not sink.has_errors


def test_invalid_yaml_position(tmp_path: Path) -> None:
    text = "openapi: 3.0.0\ninfo:\n  title: [unclosed\n  version: 1\npaths: {}\n"
    diag = fatal(write(tmp_path, "spec.yaml", text), codes.E_YAML_SYNTAX)
    assert diag.line >= 3 and diag.col >= 1


def test_yaml_with_two_documents(tmp_path: Path) -> None:
    diag = fatal(write(tmp_path, "spec.yaml", MINIMAL + "---\n" + MINIMAL), codes.E_YAML_SYNTAX)
    assert diag.line == 4
    assert "document" in diag.hint


def test_invalid_json_position(tmp_path: Path) -> None:
    diag = fatal(
        write(tmp_path, "spec.json", '{"openapi": "3.0.0",\n  "info": }'), codes.E_JSON_SYNTAX
    )
    assert (diag.line, diag.col) == (2, 11)


def test_json_content_in_yaml_file_and_flow_yaml(tmp_path: Path) -> None:
    as_json = json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}})
    spec, sink = load(write(tmp_path, "a.yaml", as_json))
    assert spec is not None and not sink.has_errors
    spec, sink = load(write(tmp_path, "b.yaml", '{openapi: 3.1.0, info: {title: t, version: "1"}}'))
    assert spec is not None and not sink.has_errors
    assert spec.root["openapi"] == "3.1.0"


def test_duplicate_yaml_key_reports_both_places(tmp_path: Path) -> None:
    text = (
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n"
        "    get:\n      responses: {}\n    get:\n      responses: {}\n"
    )
    spec, sink = load(write(tmp_path, "spec.yaml", text))
    assert spec is not None  # not fatal: everything else is still reported
    diag = the(sink, codes.E_DUPLICATE_KEY)
    assert diag.pointer == "#/paths/~1a/get"
    assert (diag.line, diag.col) == (7, 5)
    assert "spec.yaml:5:5" in diag.message


def test_duplicate_json_key_reports_both_places(tmp_path: Path) -> None:
    text = '{\n  "openapi": "3.0.0",\n  "info": {"title": "t", "version": "1", "title": "u"},\n'
    text += '  "paths": {}\n}\n'
    spec, sink = load(write(tmp_path, "spec.json", text))
    assert spec is not None
    diag = the(sink, codes.E_DUPLICATE_KEY)
    assert diag.pointer == "#/info/title"
    assert (diag.line, diag.col) == (3, 42)
    assert "spec.json:3:12" in diag.message
    assert spec.root["info"]["title"] == "u"  # the last one wins, as in every JSON parser


def test_top_level_not_a_mapping(tmp_path: Path) -> None:
    diag = fatal(write(tmp_path, "spec.yaml", "- a\n- b\n"), codes.E_TOP_LEVEL_NOT_MAPPING)
    assert diag.pointer == "#"
    fatal(write(tmp_path, "s.json", '"just a string"'), codes.E_TOP_LEVEL_NOT_MAPPING)


def test_file_over_max_bytes(tmp_path: Path) -> None:
    fatal(write(tmp_path, "spec.yaml", MINIMAL), codes.E_FILE_TOO_LARGE, max_bytes=20)


BILLION_LAUGHS = """\
openapi: 3.0.0
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_alias_bomb_refused(tmp_path: Path) -> None:
    diag = fatal(write(tmp_path, "spec.yaml", BILLION_LAUGHS), codes.E_ALIAS_BOMB)
    assert 3 <= diag.line <= 11  # refused at an alias while expanding


def test_recursive_alias_refused(tmp_path: Path) -> None:
    diag = fatal(
        write(tmp_path, "spec.yaml", "openapi: 3.0.0\nx: &x\n  - *x\n"), codes.E_ALIAS_BOMB
    )
    assert diag.line == 2  # the anchored collection that contains itself


def test_small_aliases_and_merge_keys_are_fine(tmp_path: Path) -> None:
    text = MINIMAL + "x-base: &base {a: 1, b: 2}\nx-use:\n  <<: *base\n  b: 3\nx-again: *base\n"
    spec, sink = load(write(tmp_path, "spec.yaml", text))
    assert spec is not None and not sink.has_errors
    assert spec.root["x-use"] == {"a": 1, "b": 3}
    assert spec.root["x-again"] == {"a": 1, "b": 2}


@pytest.mark.parametrize("quoted", [True, False])
def test_ten_megabyte_yaml_scalar_refused(tmp_path: Path, quoted: bool) -> None:
    big = "x" * (10 * 2**20)
    value = f'"{big}"' if quoted else big
    diag = fatal(
        write(tmp_path, "spec.yaml", f"openapi: 3.0.0\ninfo:\n  title: {value}\n"),
        codes.E_SCALAR_TOO_LONG,
    )
    assert diag.pointer == "#/info/title"
    assert (diag.line, diag.col) == (3, 10)


def test_ten_megabyte_json_string_refused(tmp_path: Path) -> None:
    big = "x" * (10 * 2**20)
    text = '{"openapi": "3.0.0", "info": {"title": "' + big + '", "version": "1"}}'
    diag = fatal(write(tmp_path, "spec.json", text), codes.E_SCALAR_TOO_LONG)
    assert diag.pointer == "#/info/title"
    assert (diag.line, diag.col) == (1, 31)


def test_long_strings_under_the_limit_are_fine(tmp_path: Path) -> None:
    text = json.dumps({"openapi": "3.0.0", "info": {"title": "y" * (MAX_SCALAR_CHARS - 10)}})
    spec, sink = load(write(tmp_path, "spec.json", text))
    assert spec is not None and not sink.has_errors


@pytest.mark.parametrize("depth", [MAX_DEPTH + 10, 900, 5000, 200_000])
def test_deep_json_nesting(tmp_path: Path, depth: int) -> None:
    text = '{"openapi": "3.0.0", "x": ' + "[" * depth + "]" * depth + "}"
    diag = fatal(write(tmp_path, "spec.json", text), codes.E_TOO_DEEP)
    assert diag.line == 1 and diag.col > MAX_DEPTH


@pytest.mark.parametrize("depth", [MAX_DEPTH + 10, 5000])
def test_deep_yaml_nesting(tmp_path: Path, depth: int) -> None:
    text = "openapi: 3.0.0\nx: " + "[" * depth + "]" * depth + "\n"
    diag = fatal(write(tmp_path, "spec.yaml", text), codes.E_TOO_DEEP)
    assert diag.line == 2


def test_deep_block_yaml_nesting(tmp_path: Path) -> None:
    text = "openapi: 3.0.0\nx:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 700))
    fatal(write(tmp_path, "spec.yaml", text), codes.E_TOO_DEEP)


@pytest.mark.parametrize(
    "value",
    ["!!python/object/apply:os.system ['true']", "!!python/name:os.system", "!include x.yaml"],
)
def test_object_constructing_tags_refused(tmp_path: Path, value: str) -> None:
    spec, sink = load(write(tmp_path, "spec.yaml", f"openapi: 3.0.0\ninfo: {value}\n"))
    diag = the(sink, codes.E_YAML_TAG)
    assert (diag.line, diag.col, diag.pointer) == (2, 7, "#/info")


def test_non_scalar_key(tmp_path: Path) -> None:
    spec, sink = load(write(tmp_path, "spec.yaml", MINIMAL + "x-m:\n  ? [a, b]\n  : c\n"))
    diag = the(sink, codes.E_NON_SCALAR_KEY)
    assert diag.line == 5


def test_keys_are_source_text_and_timestamps_stay_strings(tmp_path: Path) -> None:
    text = MINIMAL + "x-k:\n  200: a\n  on: b\n  1.5: c\n  null: d\n  when: 2024-01-02\n"
    spec, sink = load(write(tmp_path, "spec.yaml", text))
    assert spec is not None and not sink.has_errors
    assert spec.root["x-k"] == {
        "200": "a",
        "on": "b",
        "1.5": "c",
        "null": "d",
        "when": "2024-01-02",
    }


# -- version -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "code", "pointer"),
    [
        ('info: {title: t, version: "1"}\npaths: {}\n', codes.E_MISSING_OPENAPI, "#"),
        ('swagger: "1.2"\ninfo: {title: t, version: "1"}\n', codes.E_SWAGGER_2, "#/swagger"),
        ("swagger: 2.0\ninfo: {title: t, version: '1'}\n", codes.E_SWAGGER_2, "#/swagger"),
        ("openapi: 2.0.0\n", codes.E_SWAGGER_2, "#/openapi"),
        ("openapi: 4.0.0\n", codes.E_UNSUPPORTED_VERSION, "#/openapi"),
        ("openapi: banana\n", codes.E_UNSUPPORTED_VERSION, "#/openapi"),
        ("openapi: 3.1\n", codes.E_VERSION_NOT_STRING, "#/openapi"),
    ],
)
def test_version_errors(tmp_path: Path, text: str, code: str, pointer: str) -> None:
    spec, sink = load(write(tmp_path, "spec.yaml", text))
    assert spec is not None and spec.oas is None
    diag = the(sink, code)
    assert diag.pointer == pointer and diag.line == 1
    if code == codes.E_SWAGGER_2:
        assert "2.0" in diag.hint


def test_version_families(tmp_path: Path) -> None:
    for version, family in (("3.0.3", "3.0"), ("3.1.1", "3.1"), ("3.1.0-rc1", "3.1")):
        spec, sink = load(write(tmp_path, f"{version}.yaml", f"openapi: {version}\n"))
        assert spec is not None and spec.oas == family and not len(sink)
    spec, sink = load(write(tmp_path, "32.yaml", "openapi: 3.2.0\n"))
    assert spec is not None and spec.oas == "3.2" and not len(sink)
    spec, sink = load(write(tmp_path, "3.yaml", "openapi: '3.1'\n"))
    assert spec is not None and spec.oas == "3.1"
    assert the(sink, codes.W_VERSION_TREATED_AS).severity is Severity.WARNING


# -- source map --------------------------------------------------------------------------------
YAML_SPEC = """\
openapi: 3.0.3
info:
  title: t
  version: "1"
paths:
  /pets/{id}:
    get:
      parameters:
        - name: id
          in: path
      responses:
        200:
          description: ok
"""


def test_yaml_locations(tmp_path: Path) -> None:
    spec, _ = load(write(tmp_path, "spec.yaml", YAML_SPEC))
    assert spec is not None
    smap = spec.source_map
    get = smap.locate("#/paths/~1pets~1{id}/get")
    assert get is not None and (get.line, get.col) == (7, 5)
    assert get.file.endswith("spec.yaml")
    item = smap.locate("#/paths/~1pets~1{id}/get/parameters/0")
    assert item is not None and (item.line, item.col) == (9, 11)
    status = smap.locate("#/paths/~1pets~1{id}/get/responses/200/description")
    assert status is not None and (status.line, status.col) == (13, 11)
    missing = smap.locate("#/paths/~1pets~1{id}/get/parameters/0/schema/type")
    assert missing is not None and (missing.line, missing.col) == (9, 11)  # nearest ancestor
    root = smap.locate("#")
    assert root is not None and (root.line, root.col) == (1, 1)
    assert smap.source_line(get) == "    get:"


def test_json_locations(tmp_path: Path) -> None:
    doc = {
        "openapi": "3.0.3",
        "paths": {"/a/b": {"get": {"parameters": [{"name": "x"}, {"name": "y"}]}}},
        "x-esc": {"caf\u00e9~/": [1, [2, {"deep": True}]]},
    }
    spec, _ = load(write(tmp_path, "spec.json", json.dumps(doc, indent=2, ensure_ascii=True)))
    assert spec is not None
    smap = spec.source_map
    loc = smap.locate("#/paths/~1a~1b/get/parameters/1/name")
    assert loc is not None and smap.source_line(loc) is not None
    assert smap.source_line(loc).strip().startswith('"name": "y"')  # type: ignore[union-attr]
    loc = smap.locate("#/x-esc/caf\u00e9~0~1/1/1/deep")
    assert loc is not None and smap.source_line(loc).strip() == '"deep": true'  # type: ignore[union-attr]
    loc = smap.locate("#/x-esc/caf\u00e9~0~1/7")  # no such item: the array's key
    assert loc is not None and '"caf\\u00e9~/"' in (smap.source_line(loc) or "")


def test_minified_json_locations(tmp_path: Path) -> None:
    doc = {"openapi": "3.0.3", "paths": {"/a": {"get": {"operationId": "a"}}}}
    text = json.dumps(doc, separators=(",", ":"))
    spec, _ = load(write(tmp_path, "spec.json", text))
    assert spec is not None
    loc = spec.source_map.locate("#/paths/~1a/get/operationId")
    assert loc is not None and loc.line == 1 and loc.col == text.index('"operationId"') + 1


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("indent", [None, 2])
def test_non_ascii_json_locations_count_characters(
    tmp_path: Path, indent: int | None, bom: bytes
) -> None:
    """Non-ASCII JSON is kept as a byte view; lines, columns and shown lines stay in characters."""
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "\U0001fab2 caf\u00e9 \u65e5\u672c", "version": "1"},
        "paths": {
            "/\u00fcber": {"get": {"description": "\u00e9\u00e9\U0001f600", "operationId": "a"}},
            "/b": {"get": {"operationId": "b", "x-\u65e5": {"\u00e9\U0001f600": [1, {"k": 2}]}}},
        },
    }
    text = json.dumps(doc, indent=indent, ensure_ascii=False)
    path = tmp_path / "spec.json"
    path.write_bytes(bom + text.encode("utf-8"))
    spec, _ = load(path)
    assert spec is not None
    assert spec.documents[spec.root_uri] == doc
    smap = spec.source_map
    lines = text.split("\n")

    def expect(needle: str, start: int = 0) -> tuple[int, int]:
        offset = text.index(needle, start)
        line = text.count("\n", 0, offset) + 1
        return line, offset - (text.rfind("\n", 0, offset) + 1) + 1

    cases = {
        "#/paths/~1\u00fcber/get/operationId": expect('"operationId"'),
        "#/paths/~1b/get/operationId": expect('"operationId"', text.index('"/b"')),
        "#/paths/~1b/get/x-\u65e5/\u00e9\U0001f600/1/k": expect('"k"'),
        "#/paths/~1b/get/x-\u65e5/\u00e9\U0001f600/1/nope": expect(
            "{", text.rindex("{", 0, text.index('"k"'))
        ),
        "#/info/version": expect('"version"'),
    }
    for pointer, (line, col) in cases.items():
        loc = smap.locate(pointer)
        assert loc is not None and (loc.line, loc.col) == (line, col), pointer
        assert smap.source_line(loc) == lines[line - 1][:1000].rstrip("\r")


def test_non_ascii_json_problems_are_located(tmp_path: Path) -> None:
    text = '{"openapi": "3.0.3", "info": {"title": "\U0001fab2", "title": "\u00e9"}, "paths": {}}'
    spec, sink = load(write(tmp_path, "spec.json", text.encode("utf-8")))
    dup = [d for d in sink.items if d.code == codes.E_DUPLICATE_KEY]
    assert len(dup) == 1
    second = text.rindex('"title"') + 1
    assert (dup[0].line, dup[0].col) == (1, second)
    first = text.index('"title"') + 1
    assert f"first defined at {dup[0].file}:1:{first}" in dup[0].message
    bad = '{"openapi": "3.0.3", "info": {"title": "\U0001fab2" "x"}}'
    _, sink = load(write(tmp_path, "bad.json", bad.encode("utf-8")))
    err = [d for d in sink.items if d.code == codes.E_JSON_SYNTAX]
    assert len(err) == 1 and err[0].line == 1 and err[0].col == bad.index('"x"') + 1
    assert err[0].source_line == bad
    deep = '{"openapi": "3.0.3", "x": "\U0001fab2", "y": ' + "[" * (MAX_DEPTH + 5)
    deep += "]" * (MAX_DEPTH + 5) + "}"
    _, sink = load(write(tmp_path, "deep.json", deep.encode("utf-8")))
    err = [d for d in sink.items if d.code == codes.E_TOO_DEEP]
    assert len(err) == 1 and (err[0].line, err[0].col) == (1, deep.index("[") + MAX_DEPTH)


# -- $refs across files ------------------------------------------------------------------------
ROOT_WITH_REFS = """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      responses:
        "200":
          $ref: "responses.yaml#/ok"
components:
  schemas:
    Pet:
      $ref: "./models/pet.yaml"
"""


def multi_file(tmp_path: Path) -> Path:
    write(
        tmp_path,
        "responses.yaml",
        "ok:\n  description: ok\n  content:\n    application/json:\n      schema:\n        $ref: 'models/pet.yaml'\n",
    )
    write(
        tmp_path,
        "models/pet.yaml",
        "type: object\nproperties:\n  owner:\n    $ref: 'owner.yaml#/Owner'\n",
    )
    write(
        tmp_path,
        "models/owner.yaml",
        "Owner:\n  type: object\n  properties:\n    pets:\n      type: array\n      items:\n        $ref: 'pet.yaml'\n",
    )
    return write(tmp_path, "openapi.yaml", ROOT_WITH_REFS)


def test_external_refs_load_transitively_with_cycles(tmp_path: Path) -> None:
    spec, sink = load(multi_file(tmp_path))
    assert spec is not None and not len(sink), [d.render() for d in sink]
    names = sorted(Path(uri).relative_to(tmp_path.resolve()).as_posix() for uri in spec.documents)
    assert names == ["models/owner.yaml", "models/pet.yaml", "openapi.yaml", "responses.yaml"]
    check_refs(spec, sink)
    assert not len(sink)
    pet = str(tmp_path.resolve() / "models" / "pet.yaml")
    assert location_key(spec, pet, "#/properties/owner") == "models/pet.yaml#/properties/owner"
    assert location_key(spec, spec.root_uri, "#/paths") == "#/paths"
    found = resolve_ref(spec, "owner.yaml#/Owner/properties/pets", pet)
    assert found is not None
    uri, pointer, node = found
    assert uri.endswith("owner.yaml") and pointer == "#/Owner/properties/pets"
    assert node["type"] == "array"
    assert resolve_ref(spec, "owner.yaml#/Nope", pet) is None
    loc = spec.source_map.locate("models/owner.yaml#/Owner/properties/pets/items/$ref")
    assert loc is not None and (loc.line, loc.col) == (7, 9)
    assert loc.file.endswith("owner.yaml")


def test_missing_external_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        "spec.yaml",
        MINIMAL.replace("paths: {}", "paths:\n  /a:\n    $ref: 'paths/a.yaml'\n"),
    )
    spec, sink = load(tmp_path / "spec.yaml")
    assert spec is not None
    diag = the(sink, codes.W_REF_FILE_MISSING)  # a recovery (docs/recovery.md)
    assert diag.pointer == "#/paths/~1a/$ref"
    assert (diag.line, diag.col) == (5, 5)
    check_refs(spec, sink)  # already reported: no second diagnostic for the same ref
    assert len(sink) == 1 and not sink.has_errors


def test_broken_external_file_reports_its_own_position(tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", "a: [1, 2\nb: 3\n")
    write(tmp_path, "spec.yaml", MINIMAL + "components:\n  schemas:\n    A: {$ref: bad.yaml#/a}\n")
    spec, sink = load(tmp_path / "spec.yaml")
    assert spec is not None
    diag = the(sink, codes.E_YAML_SYNTAX)
    assert diag.file.endswith("bad.yaml") and diag.line == 2
    assert "spec.yaml" not in diag.file and "#/components/schemas/A/$ref" in diag.hint


def test_remote_refs_refused_by_default(tmp_path: Path) -> None:
    text = (
        MINIMAL + "components:\n  schemas:\n    X:\n      $ref: 'https://example.com/x.yaml#/X'\n"
    )
    spec, sink = load(write(tmp_path, "spec.yaml", text))
    assert spec is not None
    diag = the(sink, codes.E_REMOTE_REF_REFUSED)
    assert diag.pointer == "#/components/schemas/X/$ref"
    assert (diag.line, diag.col) == (7, 7)
    assert "--allow-remote-refs" in diag.hint
    check_refs(spec, sink)
    assert len(sink.errors()) == 1


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(QuietHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", served
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


def test_remote_refs_when_allowed(tmp_path: Path, http_root: tuple[str, Path]) -> None:
    base, served = http_root
    write(
        served,
        "models/x.json",
        json.dumps({"X": {"type": "object", "properties": {"y": {"$ref": "y.yaml"}}}}),
    )
    write(served, "models/y.yaml", "type: string\n")
    text = MINIMAL + f"components:\n  schemas:\n    X:\n      $ref: '{base}/models/x.json#/X'\n"
    spec, sink = load(write(tmp_path, "spec.yaml", text), allow_remote_refs=True)
    assert spec is not None and not len(sink), [d.render() for d in sink]
    assert f"{base}/models/y.yaml" in spec.documents
    check_refs(spec, sink)
    assert not len(sink)
    assert spec.key(f"{base}/models/x.json", "#/X") == f"{base}/models/x.json#/X"
    loc = spec.source_map.locate(f"{base}/models/x.json#/X/properties/y")
    assert loc is not None and loc.file == f"{base}/models/x.json"


def test_remote_fetch_failure(tmp_path: Path, http_root: tuple[str, Path]) -> None:
    base, _ = http_root
    text = MINIMAL + f"components:\n  schemas:\n    X:\n      $ref: '{base}/missing.yaml'\n"
    spec, sink = load(write(tmp_path, "spec.yaml", text), allow_remote_refs=True)
    assert spec is not None
    assert the(sink, codes.E_REMOTE_FETCH_FAILED).pointer == "#/components/schemas/X/$ref"


def test_refs_outside_the_root_folder(tmp_path: Path) -> None:
    write(tmp_path, "shared/common.yaml", "Id: {type: string}\n")
    text = MINIMAL + "components:\n  schemas:\n    Id:\n      $ref: '../shared/common.yaml#/Id'\n"
    root = write(tmp_path, "api/spec.yaml", text)
    spec, sink = load(root)
    assert spec is not None
    diag = the(sink, codes.E_REF_OUTSIDE_ROOT)
    assert diag.pointer == "#/components/schemas/Id/$ref" and "--allow-outside-root" in diag.hint
    spec, sink = load(root, allow_outside_root=True)
    assert spec is not None and not len(sink)
    shared = str((tmp_path / "shared" / "common.yaml").resolve())
    assert location_key(spec, shared, "#/Id") == "../shared/common.yaml#/Id"


def test_dangling_and_malformed_refs(tmp_path: Path) -> None:
    write(tmp_path, "other.yaml", "A: {type: string}\n")
    text = MINIMAL + (
        "components:\n  schemas:\n"
        "    A:\n      $ref: '#/components/schemas/Nope'\n"
        "    B:\n      $ref: 'other.yaml#/Nope'\n"
        "    C:\n      $ref: '#anchor'\n"
        "    D:\n      $ref: 12\n"
        "    E:\n      $ref: 'other.yaml#/A'\n"
        "    F:\n      $ref: '#/components/schemas/E'\n"
    )
    spec, sink = load(write(tmp_path, "spec.yaml", text))
    assert spec is not None and not len(sink)
    check_refs(spec, sink)
    dangling = sorted((d.pointer, d.line) for d in sink if d.code == codes.W_DANGLING_REF)
    assert dangling == [("#/components/schemas/A/$ref", 7), ("#/components/schemas/B/$ref", 9)]
    malformed = sorted(d.pointer for d in sink if d.code == codes.E_BAD_REF)
    assert malformed == ["#/components/schemas/C/$ref", "#/components/schemas/D/$ref"]


def test_percent_encoded_pointer(tmp_path: Path) -> None:
    text = MINIMAL.replace("paths: {}", "paths:\n  /a b:\n    get: {responses: {}}\n")
    text += "x-r:\n  $ref: '#/paths/~1a%20b/get'\n"
    spec, sink = load(write(tmp_path, "spec.yaml", text))
    assert spec is not None
    found = resolve_ref(spec, "#/paths/~1a%20b/get", spec.root_uri)
    assert found is not None and found[1] == "#/paths/~1a b/get"
    check_refs(spec, sink)
    assert not len(sink)


def test_refs_in_examples_and_property_names_are_not_refs(tmp_path: Path) -> None:
    text = MINIMAL + (
        "components:\n  schemas:\n    A:\n      type: object\n"
        "      properties:\n        $ref: {type: string}\n"
        "      example: {$ref: 'missing.yaml'}\n"
        "      default: {$ref: '#/nowhere'}\n"
        "  examples:\n    E:\n      value: {$ref: 'missing2.yaml'}\n"
    )
    spec, sink = load(write(tmp_path, "spec.yaml", text))
    assert spec is not None
    check_refs(spec, sink)
    assert not len(sink), [d.render() for d in sink]
    assert spec.refs and all(site.literal for site in spec.refs)


def test_refs_inside_examples_are_never_followed(tmp_path: Path) -> None:
    write(tmp_path, "examples.yaml", "pet: {name: Rex}\n")
    text = MINIMAL + "components:\n  examples:\n    E:\n      value: {$ref: 'examples.yaml#/pet'}\n"
    spec, sink = load(write(tmp_path, "spec.yaml", text))
    assert spec is not None and not len(sink)
    assert len(spec.documents) == 1  # literal data: the file it names is not read


def test_a_properties_map_given_by_ref(tmp_path: Path) -> None:
    write(tmp_path, "props.yaml", "id: {type: string}\n")
    text = (
        MINIMAL + "components:\n  schemas:\n    A:\n      properties:\n        $ref: props.yaml\n"
    )
    spec, sink = load(write(tmp_path, "spec.yaml", text))
    assert spec is not None and not len(sink)
    assert [site.pointer for site in spec.refs] == ["#/components/schemas/A/properties"]
    assert len(spec.documents) == 2


# -- the corpus --------------------------------------------------------------------------------
#: Corpus files that only x- extensions name (manifest "files" counts every file a $ref names).
FILES_ONLY_IN_EXTENSIONS = {"digitalocean": 1341}


def corpus_entries() -> list[dict[str, Any]]:
    manifest = CORPUS / "manifest.json"
    if not manifest.is_file():
        return []
    entries: list[dict[str, Any]] = json.loads(manifest.read_text(encoding="utf-8"))
    return entries


def corpus_path(entry: dict[str, Any]) -> Path:
    return CORPUS / str(entry["file"])


@pytest.mark.skipif(not corpus_entries(), reason="../shared/corpus not found")
@pytest.mark.parametrize("entry", corpus_entries(), ids=lambda e: str(e["name"]))
def test_corpus_loads(entry: dict[str, Any]) -> None:
    spec, sink = load(corpus_path(entry))
    assert spec is not None, [d.render() for d in sink]
    check_refs(spec, sink)
    assert not sink.has_errors, [d.render() for d in sink.errors()[:10]]
    # Files named only by $refs inside x- extensions (DigitalOcean's x-codeSamples) are opaque
    # data since recovery W0261 (docs/recovery.md): never read, so not counted.
    unread = FILES_ONLY_IN_EXTENSIONS.get(str(entry["name"]), 0)
    assert len(spec.documents) == entry.get("files", 1) - unread
    assert spec.oas == entry["openapi_version"][:3]
    print(f"{entry['name']}: {len(spec.documents)} file(s), {len(spec.refs)} $refs")


# -- properties --------------------------------------------------------------------------------
KEYS = st.text(st.characters(codec="utf-8"), max_size=8)
SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=10)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)


def member_pointers(node: Any, pointer: str = "#") -> Iterator[tuple[str, str]]:
    """(pointer, key) of every object member."""
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{pointer}/{escape_pointer_token(key)}"
            yield child, key
            yield from member_pointers(value, child)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from member_pointers(value, f"{pointer}/{index}")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_load_without_crashing(tmp_path: Path, data: bytes) -> None:
    for name in ("spec.yaml", "spec.json"):
        path = write(tmp_path, name, data)
        spec, sink = load(path)
        if spec is not None:
            check_refs(spec, sink)
            validate_spec(spec, sink)
        for diag in sink:
            assert diag.code in codes.CODES


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(doc=st.dictionaries(KEYS, JSON_VALUES, max_size=5), indent=st.sampled_from([None, 1, 2]))
def test_json_locate_points_at_each_key(
    tmp_path: Path, doc: dict[str, Any], indent: int | None
) -> None:
    text = json.dumps({"openapi": "3.1.0", "x": doc}, indent=indent)
    spec, _ = load(write(tmp_path, "spec.json", text))
    assert spec is not None
    lines = text.split("\n")
    for pointer, key in member_pointers(spec.root):
        loc = spec.source_map.locate(pointer)
        assert loc is not None
        line = lines[loc.line - 1]
        assert line[loc.col - 1 :].startswith(json.dumps(key)), (pointer, line)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(doc=st.dictionaries(KEYS, JSON_VALUES, max_size=5), flow=st.booleans())
def test_yaml_locate_points_at_each_key(tmp_path: Path, doc: dict[str, Any], flow: bool) -> None:
    text = yaml.safe_dump({"openapi": "3.1.0", "x": doc}, default_flow_style=flow, width=10**6)
    spec, _ = load(write(tmp_path, "spec.yaml", text))
    assert spec is not None
    assert spec.root["x"] == json.loads(json.dumps(doc))
    lines = text.split("\n")
    for pointer, key in member_pointers(spec.root):
        loc = spec.source_map.locate(pointer)
        assert loc is not None
        rest = lines[loc.line - 1][loc.col - 1 :]
        assert rest.startswith((key, "'", '"', "? ")) or not key, (pointer, key, rest)


def test_yaml_is_read_with_the_1_2_core_schema(tmp_path: Path) -> None:
    """``off``/``yes`` stay strings (enum values); 1.1/1.2-ambiguous numbers and times stay text."""
    text = (
        MINIMAL + "x-v: [off, yes, 0755, 0o17, 12:30, 2024-01-01, true, ~, .inf, 0E0, 1.5e+3, ._]\n"
    )
    spec, sink = load(write(tmp_path, "spec.yaml", text))
    assert spec is not None and not sink.has_errors
    expected = ["off", "yes", "0755", "0o17", "12:30", "2024-01-01", True, None, float("inf")]
    assert spec.root["x-v"] == [*expected, "0E0", 1500.0, "._"]
