"""``portarium-codegen diff``: one hand-written spec pair per change kind, with the expected verdict.

Each case edits a copy of one small base spec (an object built here), writes both to files, and
runs the real CLI (``generator.cli.main``) with ``--json``; the case names the change code, kind
and symbol it must produce. A second group checks exit codes (``--fail-on``), the SemVer advice,
package directories as sides and ``generate --check``'s summary.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.evolution import next_version

Spec = dict[str, Any]


def base_spec() -> Spec:
    page = {"name": "cursor", "in": "query", "schema": {"type": "string"}}
    problem = {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Evo", "version": "1.2.0"},
        "servers": [{"url": "https://api.example.com"}],
        "security": [{"bearer": []}],
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "tags": ["pets"],
                    "summary": "List pets",
                    "parameters": [
                        page,
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "default": 20},
                        },
                        {
                            "name": "kind",
                            "in": "query",
                            "schema": {"$ref": "#/components/schemas/Kind"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/PetPage"}
                                }
                            },
                        },
                        "404": {"description": "nope", **problem},
                    },
                },
                "post": {
                    "operationId": "createPet",
                    "tags": ["pets"],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "made",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                            },
                        }
                    },
                },
            },
            "/pets/{petId}": {
                "get": {
                    "operationId": "getPet",
                    "tags": ["pets"],
                    "parameters": [
                        {
                            "name": "petId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                            },
                        }
                    },
                }
            },
            "/events": {
                "get": {
                    "operationId": "getEvent",
                    "tags": ["events"],
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Event"}
                                }
                            },
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Kind": {"type": "string", "enum": ["cat", "dog", "in-between"]},
                "Pet": {
                    "type": "object",
                    "description": "A pet.",
                    "required": ["id", "name", "kind"],
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                        "ownerId": {"type": "string"},
                        "age": {"type": "integer"},
                    },
                },
                "NewPet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "tag": {"type": "string"},
                        "weight": {"type": "number"},
                    },
                },
                "PetPage": {
                    "type": "object",
                    "required": ["items"],
                    "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                        "nextCursor": {"type": ["string", "null"]},
                    },
                },
                "Problem": {
                    "type": "object",
                    "properties": {"title": {"type": "string"}},
                },
                "Bark": {
                    "type": "object",
                    "required": ["type"],
                    "properties": {"type": {"const": "bark"}, "loud": {"type": "boolean"}},
                },
                "Meow": {
                    "type": "object",
                    "required": ["type"],
                    "properties": {"type": {"const": "meow"}, "soft": {"type": "boolean"}},
                },
                "Purr": {
                    "type": "object",
                    "required": ["type"],
                    "properties": {"type": {"const": "purr"}, "hz": {"type": "number"}},
                },
                "Hiss": {
                    "type": "object",
                    "required": ["type"],
                    "properties": {"type": {"const": "hiss"}, "angry": {"type": "boolean"}},
                },
                "Event": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/Bark"},
                        {"$ref": "#/components/schemas/Meow"},
                        {"$ref": "#/components/schemas/Purr"},
                    ],
                    "discriminator": {
                        "propertyName": "type",
                        "mapping": {
                            "bark": "#/components/schemas/Bark",
                            "meow": "#/components/schemas/Meow",
                            "purr": "#/components/schemas/Purr",
                        },
                    },
                },
            },
        },
    }


def _op(spec: Spec, path: str, method: str) -> dict[str, Any]:
    op: dict[str, Any] = spec["paths"][path][method]
    return op


def _schema(spec: Spec, name: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"][name]
    return schema


def _add_op(s: Spec) -> None:
    s["paths"]["/pets/{petId}"]["delete"] = {
        "operationId": "deletePet",
        "tags": ["pets"],
        "parameters": [
            {"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "responses": {"204": {"description": "gone"}},
    }


def _rename_op(s: Spec) -> None:
    _op(s, "/pets/{petId}", "get")["operationId"] = "fetchPet"


def _param(s: Spec, name: str) -> dict[str, Any]:
    params = _op(s, "/pets", "get")["parameters"]
    found: dict[str, Any] = next(p for p in params if p.get("name") == name)
    return found


def _add_param(required: bool) -> Callable[[Spec], None]:
    def edit(s: Spec) -> None:
        _op(s, "/pets", "get")["parameters"].append(
            {"name": "owner", "in": "query", "required": required, "schema": {"type": "string"}}
        )

    return edit


def _remove_param(s: Spec) -> None:
    op = _op(s, "/pets", "get")
    op["parameters"] = [p for p in op["parameters"] if p.get("name") != "kind"]


def _rename_param(s: Spec) -> None:
    _param(s, "limit")["name"] = "pageSize"


def _retype_param(s: Spec) -> None:
    _param(s, "limit")["schema"] = {"type": "string", "default": "20"}


def _default_param(s: Spec) -> None:
    _param(s, "limit")["schema"]["default"] = 50


def _move_param(s: Spec) -> None:
    trace = _op(s, "/pets/{petId}", "get")["parameters"][1]
    trace["in"] = "query"


def _request_required(s: Spec) -> None:
    _schema(s, "NewPet")["properties"]["species"] = {"type": "string"}
    _schema(s, "NewPet")["required"].append("species")


def _request_remove(s: Spec) -> None:
    del _schema(s, "NewPet")["properties"]["tag"]


def _request_retype(s: Spec) -> None:
    _schema(s, "NewPet")["properties"]["weight"] = {"type": "string"}


def _response_remove(s: Spec) -> None:
    del _schema(s, "Pet")["properties"]["age"]


def _response_retype(s: Spec) -> None:
    _schema(s, "Pet")["properties"]["age"] = {"type": "string"}


def _response_optional(s: Spec) -> None:
    _schema(s, "Pet")["required"].remove("name")


def _response_nullable(s: Spec) -> None:
    _schema(s, "Pet")["properties"]["name"] = {"type": ["string", "null"]}


def _response_add(s: Spec) -> None:
    _schema(s, "Pet")["properties"]["color"] = {"type": "string"}


def _response_add_bound_name(s: Spec) -> None:
    # ``object`` is a builtin every model module uses (``object.__new__``): the field is emitted
    # as ``object_``, and the surface must name what is emitted.
    _schema(s, "Pet")["properties"]["object"] = {"type": "string"}


def _enum_remove(s: Spec) -> None:
    _schema(s, "Kind")["enum"] = ["cat", "in-between"]


def _enum_add(s: Spec) -> None:
    _schema(s, "Kind")["enum"].append("bird")


def _enum_wire(s: Spec) -> None:
    _schema(s, "Kind")["enum"] = ["cat", "dog", "in_between"]  # IN_BETWEEN both times


def _field_wire(s: Spec) -> None:
    props = _schema(s, "Pet")["properties"]
    props["owner_id"] = props.pop("ownerId")  # owner_id both times


def _variant_add(s: Spec) -> None:
    ev = _schema(s, "Event")
    ev["oneOf"].append({"$ref": "#/components/schemas/Hiss"})
    ev["discriminator"]["mapping"]["hiss"] = "#/components/schemas/Hiss"


def _variant_remove(s: Spec) -> None:
    ev = _schema(s, "Event")
    ev["oneOf"] = [v for v in ev["oneOf"] if not v["$ref"].endswith("/Meow")]
    del ev["discriminator"]["mapping"]["meow"]


def _error_status(s: Spec) -> None:
    _op(s, "/pets", "get")["responses"]["429"] = {
        "description": "slow down",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _no_pagination(s: Spec) -> None:
    op = _op(s, "/pets", "get")
    op["parameters"] = [p for p in op["parameters"] if p.get("name") != "cursor"]


def _stream(s: Spec) -> None:
    _op(s, "/events", "get")["responses"]["200"]["content"] = {
        "text/event-stream": {"schema": {"$ref": "#/components/schemas/Event"}}
    }


def _auth_required(s: Spec) -> None:
    del _op(s, "/events", "get")["security"]


def _server(s: Spec) -> None:
    s["servers"] = [{"url": "https://api.example.org/v2"}]


def _docs(s: Spec) -> None:
    _schema(s, "Pet")["description"] = "A pet, as the shelter records it."


def _deprecate(s: Spec) -> None:
    _op(s, "/pets/{petId}", "get")["deprecated"] = True


def _rename_model(s: Spec) -> None:
    schemas = s["components"]["schemas"]
    schemas["Creature"] = schemas.pop("NewPet")
    body = _op(s, "/pets", "post")["requestBody"]["content"]["application/json"]
    body["schema"]["$ref"] = "#/components/schemas/Creature"


def _webhook(s: Spec) -> None:
    s["webhooks"] = {
        "petAdopted": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                    }
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    }


def _remove_op(s: Spec) -> None:
    del s["paths"]["/pets/{petId}"]


P = "evo"  # --package-name for both sides
CASES: list[tuple[str, Callable[[Spec], None], str, str, str]] = [
    # (case id, edit, change code, kind, symbol)
    ("operation-added", _add_op, "operation-added", "additive", "api.pets.delete_pet"),
    ("operation-removed", _remove_op, "operation-removed", "breaking", "api.pets.get_pet"),
    ("operation-renamed", _rename_op, "operation-renamed", "breaking", "api.pets.fetch_pet"),
    (
        "param-added-required",
        _add_param(True),
        "param-added-required",
        "breaking",
        "api.pets.list_pets(owner)",
    ),
    (
        "param-added-optional",
        _add_param(False),
        "param-added-optional",
        "additive",
        "api.pets.list_pets(owner)",
    ),
    ("param-removed", _remove_param, "param-removed", "breaking", "api.pets.list_pets(kind)"),
    (
        "param-renamed",
        _rename_param,
        "parameter-renamed",
        "breaking",
        "api.pets.list_pets(page_size)",
    ),
    ("param-retyped", _retype_param, "param-retyped", "breaking", "api.pets.list_pets(limit)"),
    (
        "param-default",
        _default_param,
        "param-default-changed",
        "behaviour",
        "api.pets.list_pets(limit)",
    ),
    ("param-moved", _move_param, "param-moved", "breaking", "api.pets.get_pet(x_trace)"),
    (
        "request-field-required",
        _request_required,
        "field-added-required",
        "breaking",
        "models.NewPet.species",
    ),
    ("request-field-removed", _request_remove, "field-removed", "breaking", "models.NewPet.tag"),
    ("request-field-retyped", _request_retype, "field-retyped", "breaking", "models.NewPet.weight"),
    ("response-field-removed", _response_remove, "field-removed", "breaking", "models.Pet.age"),
    ("response-field-retyped", _response_retype, "field-retyped", "breaking", "models.Pet.age"),
    (
        "response-field-optional",
        _response_optional,
        "field-made-optional",
        "breaking",
        "models.Pet.name",
    ),
    (
        "response-field-nullable",
        _response_nullable,
        "field-nullable",
        "breaking",
        "models.Pet.name",
    ),
    ("response-field-added", _response_add, "field-added", "additive", "models.Pet.color"),
    (
        "response-field-added-bound-name",
        _response_add_bound_name,
        "field-added",
        "additive",
        "models.Pet.object_",
    ),
    ("enum-member-removed", _enum_remove, "enum-member-removed", "breaking", "models.Kind.DOG"),
    ("enum-member-added", _enum_add, "enum-member-added", "additive", "models.Kind.BIRD"),
    ("enum-wire-value", _enum_wire, "enum-value-changed", "breaking", "models.Kind.IN_BETWEEN"),
    ("field-wire-name", _field_wire, "field-wire-renamed", "breaking", "models.Pet.owner_id"),
    ("union-variant-added", _variant_add, "union-variant-added", "additive", "models.Event[Hiss]"),
    (
        "union-variant-removed",
        _variant_remove,
        "union-variant-removed",
        "breaking",
        "models.Event[Meow]",
    ),
    ("error-status", _error_status, "error-status-added", "behaviour", "api.pets.list_pets"),
    ("pagination-removed", _no_pagination, "pagination-removed", "breaking", "api.pets.list_pets"),
    ("streaming-added", _stream, "stream-added", "additive", "api.events.get_event"),
    ("auth-required", _auth_required, "auth-required", "breaking", "api.events.get_event"),
    ("server-url", _server, "server-url-changed", "behaviour", "client.DEFAULT_BASE_URL"),
    ("docs", _docs, "description-changed", "docs", "models.Pet"),
    ("deprecated", _deprecate, "deprecated", "docs", "api.pets.get_pet"),
    ("webhook-added", _webhook, "webhook-added", "additive", "webhooks.parse_pet_adopted"),
    ("model-renamed", _rename_model, "class-renamed", "breaking", "models.Creature"),
]


def _write(path: Path, spec: Spec) -> Path:
    path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return path


def _diff(
    capsys: pytest.CaptureFixture[str], old: Path, new: Path, *extra: str
) -> tuple[int, dict[str, Any]]:
    code = main(["diff", str(old), str(new), "--json", "--package-name", P, *extra])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


@pytest.mark.parametrize(
    ("edit", "change", "kind", "symbol"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_change_kind(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[Spec], None],
    change: str,
    kind: str,
    symbol: str,
) -> None:
    old = base_spec()
    new = copy.deepcopy(old)
    edit(new)
    code, report = _diff(
        capsys, _write(tmp_path / "old.json", old), _write(tmp_path / "new.json", new)
    )
    found = [(c["change"], c["kind"], c["symbol"]) for c in report["changes"]]
    assert (change, kind, f"{P}.{symbol}") in found, found
    assert code == (1 if any(k == "breaking" for _, k, _ in found) else 0)
    # every change is located on the side(s) it exists on
    for c in report["changes"]:
        for side in ("old", "new"):
            if c[side] is not None:
                assert c[side]["file"].endswith(f"{side}.json")
                assert c[side]["pointer"].startswith("#") or c[side]["pointer"] == ""


def test_identical_specs_have_no_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path / "a.json", base_spec())
    code, report = _diff(capsys, spec, spec)
    assert (code, report["changes"], report["advice"]) == (0, [], "none")


def test_location_has_line_and_pointer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = base_spec()
    new = copy.deepcopy(old)
    _response_remove(new)
    _, report = _diff(
        capsys, _write(tmp_path / "old.json", old), _write(tmp_path / "new.json", new)
    )
    (change,) = report["changes"]
    assert change["old"]["pointer"] == "#/components/schemas/Pet/properties/age"
    text = (tmp_path / "old.json").read_text().splitlines()
    assert '"age"' in text[change["old"]["line"] - 1]
    assert change["new"] is None


@pytest.mark.parametrize(
    ("edit", "fail_on", "expected"),
    [
        (_response_remove, "breaking", 1),
        (_response_remove, "never", 0),
        (_default_param, "breaking", 0),
        (_default_param, "behaviour", 1),
        (_response_add, "behaviour", 0),
    ],
)
def test_fail_on(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[Spec], None],
    fail_on: str,
    expected: int,
) -> None:
    old = base_spec()
    new = copy.deepcopy(old)
    edit(new)
    code, _ = _diff(
        capsys,
        _write(tmp_path / "old.json", old),
        _write(tmp_path / "new.json", new),
        "--fail-on",
        fail_on,
    )
    assert code == expected


def test_bad_side_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path / "a.json", base_spec())
    assert main(["diff", str(good), str(tmp_path / "missing.yaml")]) == 2
    assert "E0901" in capsys.readouterr().err
    broken = base_spec()
    # A remote $ref is refused without --allow-remote-refs: that side cannot be generated (a
    # dangling internal $ref would not do: it is recovered as Any with a warning).
    broken["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": "https://schemas.example.com/pets.yaml#/Nope"
    }
    assert main(["diff", str(good), str(_write(tmp_path / "b.json", broken))]) == 2
    err = capsys.readouterr().err
    assert "E0303" in err and "E0903" in err
    (tmp_path / "empty-pkg").mkdir()
    assert main(["diff", str(tmp_path / "empty-pkg"), str(good)]) == 2
    assert "E0902" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("version", "kind_edit", "advice", "after"),
    [
        ("1.2.0", _response_remove, "major", "2.0.0"),
        ("1.2.0", _response_add, "minor", "1.3.0"),
        ("1.2.0", _docs, "patch", "1.2.1"),
        ("0.4.1", _response_remove, "minor", "0.5.0"),  # the 0.x rule
        ("0.4.1", _response_add, "patch", "0.4.2"),
    ],
)
def test_semver_advice(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    version: str,
    kind_edit: Callable[[Spec], None],
    advice: str,
    after: str,
) -> None:
    old = base_spec()
    old["info"]["version"] = version
    new = copy.deepcopy(old)
    kind_edit(new)
    _, report = _diff(
        capsys, _write(tmp_path / "old.json", old), _write(tmp_path / "new.json", new)
    )
    assert (report["advice"], report["next_version"]) == (advice, after)


def test_next_version() -> None:
    assert next_version("1.4.2", "major") == "2.0.0"
    assert next_version("1.4.2", "minor") == "1.5.0"
    assert next_version("1.4.2", "patch") == "1.4.3"
    assert next_version("1.4", "patch") == "1.4.1"
    assert next_version("1.4.2", "none") == "1.4.2"


def test_package_directories_as_sides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = base_spec()
    new = copy.deepcopy(old)
    _response_nullable(new)
    _add_param(False)(new)
    sides = []
    for name, spec in (("old", old), ("new", new)):
        path = _write(tmp_path / f"{name}.json", spec)
        out = tmp_path / f"pkg-{name}"
        assert (
            main(["generate", "--spec", str(path), "--output", str(out), "--package-name", P, "-q"])
            == 0
        )
        sides.append(out)
    capsys.readouterr()
    code, report = _diff(capsys, sides[0], sides[1])
    found = {(c["change"], c["symbol"]) for c in report["changes"]}
    assert found == {
        ("field-nullable", f"{P}.models.Pet.name"),
        ("param-added-optional", f"{P}.api.pets.list_pets(owner)"),
    }
    assert code == 1
    # the specs are still where the packages recorded them: changes get their lines
    assert all(c["old"] is None or c["old"]["line"] > 0 for c in report["changes"])
    # a package side against a spec side works too
    code, mixed = _diff(capsys, sides[0], tmp_path / "new.json")
    assert {(c["change"], c["symbol"]) for c in mixed["changes"]} == found


def test_generate_check_prints_the_summary_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = base_spec()
    spec = _write(tmp_path / "spec.json", old)
    out = tmp_path / "pkg"
    assert (
        main(["generate", "--spec", str(spec), "--output", str(out), "--package-name", P, "-q"])
        == 0
    )
    new = copy.deepcopy(old)
    _response_remove(new)
    _response_add(new)
    _enum_add(new)
    _write(spec, new)
    capsys.readouterr()
    assert (
        main(
            ["generate", "--spec", str(spec), "--output", str(out), "--package-name", P, "--check"]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "api: breaking: 1, additive: 2" in err
    assert err.index("api: breaking: 1, additive: 2") < err.index(f"changed  {P}/models/pet.py")
    assert "advice: major bump (1.2.0 -> 2.0.0)" in err


def test_build_bump_writes_version_and_changelog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    v1 = base_spec()
    out = tmp_path / "evo-client"
    spec1 = _write(tmp_path / "v1.json", v1)
    assert (
        main(["generate", "--spec", str(spec1), "--output", str(out), "--package-name", P, "-q"])
        == 0
    )
    v2 = copy.deepcopy(v1)
    _response_remove(v2)
    _response_add(v2)
    spec2 = _write(tmp_path / "v2.json", v2)
    bump = ["build", "--bump", "auto", "--output", str(out), "--no-dist"]
    assert main([*bump, "--spec", str(spec2)]) == 0
    assert 'version = "2.0.0"' in (out / "pyproject.toml").read_text()
    assert '__version__ = "2.0.0"' in (out / P / "__init__.py").read_text()
    log = (out / "CHANGELOG.md").read_text()
    assert log.startswith("# Changelog\n")
    entry = log[log.index("## [2.0.0] - 2026-01-01") :]
    assert entry.index("### Breaking") < entry.index(f"- `{P}.models.Pet.age`: field removed")
    assert entry.index("### Added") < entry.index(f"- `{P}.models.Pet.color`: new optional field")
    # the released version sticks: the drift check on the same spec is clean
    capsys.readouterr()
    check = ["generate", "--spec", str(spec2), "--output", str(out), "--package-name", P, "--check"]
    assert main(check) == 0, capsys.readouterr().err
    # a docs-only change: patch; entries newest first
    v3 = copy.deepcopy(v2)
    _docs(v3)
    spec3 = _write(tmp_path / "v3.json", v3)
    assert main([*bump, "--spec", str(spec3)]) == 0
    log = (out / "CHANGELOG.md").read_text()
    assert log.index("## [2.0.1]") < log.index("## [2.0.0]")
    assert "### Documentation" in log[: log.index("## [2.0.0]")]
    # a forced bump smaller than the advice is done, with a warning
    v4 = copy.deepcopy(v3)
    _enum_remove(v4)
    spec4 = _write(tmp_path / "v4.json", v4)
    capsys.readouterr()
    assert main([*bump.copy()[:2], "patch", *bump[3:], "--spec", str(spec4)]) == 0
    assert "smaller than the changes call for (major)" in capsys.readouterr().err
    assert 'version = "2.0.2"' in (out / "pyproject.toml").read_text()


def test_build_bump_since_version_and_zero_x(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v1 = base_spec()
    out = tmp_path / "evo-client"
    spec1 = _write(tmp_path / "v1.json", v1)
    assert (
        main(["generate", "--spec", str(spec1), "--output", str(out), "--package-name", P, "-q"])
        == 0
    )
    v2 = copy.deepcopy(v1)
    _response_remove(v2)
    spec2 = _write(tmp_path / "v2.json", v2)
    bump = ["build", "--bump", "auto", "--output", str(out), "--no-dist", "--spec", str(spec2)]
    assert main([*bump, "--since", "0.3.4"]) == 0  # breaking below 1.0: minor
    assert 'version = "0.4.0"' in (out / "pyproject.toml").read_text()
    assert main([*bump, "--since", "not a version"]) == 2
    assert "E0906" in capsys.readouterr().err
    assert (
        main(["build", "--bump", "auto", "--output", str(tmp_path / "none"), "--spec", str(spec2)])
        == 2
    )
    assert "E0905" in capsys.readouterr().err
