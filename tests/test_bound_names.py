"""Spec names that are names the generated modules bind: renamed, never shadowing (recovery N0557).

The names are derived, not listed by hand: every name the stock templates bind in the modules
they generate -- imports, module constants and functions, function parameters, class attributes,
the builtins the code uses (read with ``ast`` from the Portarium golden client, less the names
Portarium's own spec gives rise to) -- plus every public name of the runtime modules the plan
imports from, keywords and soft keywords. One spec then uses every such name as a parameter name (query,
header, cookie and path), a model field, a model (component schema) and an operationId, with
types that make the modules import the helpers (dates, UUIDs, enums, models, lists).

Then: the generator exits 0; every module imports; each operation is called through
``httpx.MockTransport`` and sends every parameter under its wire name; the model round-trips
every field under its wire name; ``mypy --strict`` and ``ruff check`` pass on the package.
"""

from __future__ import annotations

import ast
import builtins
import json
import keyword
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.bindings import planned_imports

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "output" / "portarium-client" / "portarium_client"
RUNTIME = REPO / "templates" / "runtime"
BUILTINS = frozenset(vars(builtins))


def names_bound_in(root: Path) -> set[str]:
    """Names the generated (non-runtime) modules under ``root`` bind or read from builtins."""
    out: set[str] = set()
    for path in root.rglob("*.py"):
        if "_runtime" in path.parts or path.name == "types.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                out.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                out.add(node.name)
            elif isinstance(node, ast.Name) and (
                isinstance(node.ctx, ast.Store) or node.id in BUILTINS
            ):
                out.add(node.id)
            elif isinstance(node, ast.arg):
                out.add(node.arg)
    return out


def runtime_exports() -> set[str]:
    """Public top-level names of the runtime modules (what generated modules may import)."""
    out: set[str] = set()
    for path in RUNTIME.glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
                out.add(node.name)
            elif isinstance(node, ast.Assign):
                out.update(t.id for t in node.targets if isinstance(t, ast.Name) and t.id[0] != "_")
    return out


def spec_words(spec: Path) -> set[str]:
    """Identifiers the Portarium spec itself gives rise to (not names the templates bind)."""
    import yaml

    from generator.naming import constant_case, pascal_case, snake_case

    out: set[str] = set()

    def visit(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            for text in (key, value):
                if isinstance(text, str) and len(text) < 80:
                    out.update((snake_case(text), pascal_case(text), constant_case(text)))
            if isinstance(value, dict | list):
                visit(value)

    visit(yaml.safe_load(spec.read_text(encoding="utf-8")))
    return out


def bound_names() -> list[str]:
    """Every name the templates bind in generated modules (see the module docstring)."""
    golden = names_bound_in(GOLDEN) - spec_words(REPO / "spec" / "portarium-control-plane.v1.yaml")
    names = golden | runtime_exports() | set(keyword.kwlist) | set(keyword.softkwlist)
    names |= planned_imports()  # what the planner's own import lines can bind
    names |= {n for n in names_bound_in(GOLDEN) if n in BUILTINS}
    # Dunders are renamed by design (tests/test_hostile_names.py); private names never clash.
    return sorted(n for n in names if n.isidentifier() and not n.startswith("_"))


TYPES: list[dict[str, Any]] = [
    {"type": "string"},
    {"type": "string", "format": "date"},
    {"type": "string", "format": "date-time"},
    {"type": "string", "format": "uuid"},
    {"type": "integer", "default": 3},
    {"type": "string", "enum": ["a", "b"]},
    {"type": "array", "items": {"type": "string", "format": "date"}},
    {"$ref": "#/components/schemas/Thing"},
]
VALUES: list[Any] = [
    "s",
    "2024-01-02",
    "2024-01-02T03:04:05+00:00",
    "12345678-1234-5678-1234-567812345678",
    7,
    "b",
    ["2024-01-02"],
    {"v": "x"},
]
CHUNK = 60


def bound_spec(names: list[str]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fields"}}}}}  # fmt: skip
    # Parameters: every name in every location, in chunks (one operation per chunk).
    locations = ["query", "header", "cookie"]
    for c in range(0, len(names), CHUNK):
        chunk = names[c : c + CHUNK]
        params: list[dict[str, Any]] = []
        for i, name in enumerate(chunk):
            loc = locations[(c // CHUNK + i) % 3]
            schema = TYPES[i % len(TYPES)] if loc == "query" else TYPES[i % 5]
            if loc != "query" and "$ref" in schema:
                schema = {"type": "string"}
            params.append({"name": name, "in": loc, "schema": schema})
        path_names = chunk[:3]
        template = "/p" + str(c) + "".join(f"/{{{n}}}" for n in path_names)
        for n in path_names:
            params = [p for p in params if p["name"] != n]
            params.append({"name": n, "in": "path", "required": True, "schema": {"type": "string"}})
        paths[template] = {
            "post": {
                "operationId": f"params{c}",
                "tags": ["params"],
                "parameters": params,
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fields"}}}},  # fmt: skip
                "responses": ok,
            }
        }
    # Operations: every lower-case name as an operationId (module and function names), all in
    # one tag package.
    for i, name in enumerate(n for n in names if not n[0].isupper()):
        paths[f"/o/{i}"] = {"get": {"operationId": name, "tags": ["ops"], "responses": ok}}
    # Models: every name as a component schema, all reachable from Fields.
    schemas: dict[str, Any] = {
        "Thing": {"type": "object", "properties": {"v": {"type": "string"}}},
    }
    fields: dict[str, Any] = {}
    for i, name in enumerate(names):
        fields[name] = TYPES[i % len(TYPES)]
    models: dict[str, Any] = {}
    for name in names:
        # Class names are PascalCase: only names that start upper-case can be one.
        if name in schemas or name == "Fields" or not name[0].isupper():
            continue
        schemas[name] = {"type": "object", "properties": {"v": {"type": "string"}}}
        models["m_" + name] = {"$ref": f"#/components/schemas/{name}"}
    schemas["Fields"] = {
        "type": "object",
        "properties": {**fields, "models": {"type": "object", "properties": models}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Bound", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def run(cmd: list[str], cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


def generate(spec: dict[str, Any], work: Path) -> subprocess.CompletedProcess[str]:
    (work / "spec.json").write_text(json.dumps(spec, indent=1))
    return run(
        [sys.executable, "-m", "generator", "generate", "--spec", "spec.json", "--output", "out",
         "--package-name", "bound", "--report", "report.json"],
        cwd=work,
    )  # fmt: skip


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("bound")
    names = bound_names()
    spec = bound_spec(names)
    proc = generate(spec, work)
    return {"work": work, "out": work / "out", "proc": proc, "names": names, "spec": spec}


def test_names_cover_what_the_modules_bind(generated: dict[str, Any]) -> None:
    names = set(generated["names"])
    # The helpers that once were shadowed, and the generated functions, are among the names.
    assert {"path_param", "header_param", "add_query", "build_request", "sync"} <= names
    assert {"match", "case", "type", "class", "Client", "Response", "ClassVar", "UUID"} <= names
    assert len(names) > 250


def test_generation_succeeds(generated: dict[str, Any]) -> None:
    proc = generated["proc"]
    assert "Traceback" not in proc.stderr, proc.stderr[-5000:]
    assert proc.returncode == 0, proc.stderr[-5000:]
    report = json.loads((generated["work"] / "report.json").read_text())
    assert report["operations"]["generated"] == len(generated["spec"]["paths"])


CALL_ALL = r"""
import datetime, enum, importlib, inspect, json, pkgutil, sys, uuid
import httpx
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlsplit
spec = json.load(open(sys.argv[1]))
pkg = importlib.import_module("bound")
mods = [m.name for m in pkgutil.walk_packages(pkg.__path__, "bound.")]
for name in mods:
    importlib.import_module(name)
from bound.client import Client
from bound.models import Fields, Thing
seen = []
def handler(request):
    seen.append(request)
    return httpx.Response(200, json={})
client = Client(base_url="https://api.test", transport=httpx.MockTransport(handler))
# every operation of the "ops" tag (each module and function named from a bound name)
ops = importlib.import_module("bound.api.ops")
assert len(ops.__all__) == sum(1 for p in spec["paths"] if p.startswith("/o/")), len(ops.__all__)
for op_name in ops.__all__:
    mod = importlib.import_module(f"bound.api.ops.{op_name}")
    assert mod.sync_detailed(client=client).status_code == 200
def value_for(annotation, mod):
    ann = annotation.replace(" | None", "")
    simple = {"str": "s", "int": 7, "date": datetime.date(2024, 1, 2), "UUID": uuid.UUID(int=5),
              "datetime": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
              "list[date]": [datetime.date(2024, 1, 2)], "Thing": Thing(v="x")}
    if ann in simple:
        return simple[ann]
    cls = getattr(mod, ann)  # an enum class imported by the module
    assert issubclass(cls, enum.Enum), ann
    return list(cls)[0]
sent = 0
for path, item in spec["paths"].items():
    if not path.startswith("/p"):
        continue
    op = item["post"]
    mod = importlib.import_module(f"bound.api.params.{op['operationId'].lower()}")
    sig = inspect.signature(mod.sync_detailed)
    skip = {"client", "body", "extra_headers", "timeout", "max_retries"}
    params = {n: p for n, p in sig.parameters.items() if n not in skip}
    assert len(params) == len(op["parameters"]), (list(params), len(op["parameters"]))
    kwargs = {n: value_for(p.annotation, mod) for n, p in params.items()}
    mod.sync_detailed(client=client, body=Fields(), **kwargs)
    req = seen[-1]
    query = dict(parse_qsl(urlsplit(str(req.url)).query, keep_blank_values=True))
    cookies = SimpleCookie(req.headers.get("cookie", ""))
    for p in op["parameters"]:
        if p["in"] == "path":
            continue
        where = {"query": query, "header": req.headers, "cookie": cookies}[p["in"]]
        # An object in the query (style form, explode) sends its properties, not its name.
        key = "v" if "$ref" in p["schema"] else p["name"]
        assert key in where, (p["name"], p["in"], str(req.url), dict(req.headers))
        sent += 1
    import re
    assert urlsplit(str(req.url)).path == re.sub(r"{[^}]*}", "s", path), str(req.url)
# the model: every field round-trips under its wire name
values = json.loads(sys.argv[2])
fields_schema = spec["components"]["schemas"]["Fields"]["properties"]
data = {w: values[json.dumps(s, sort_keys=True)] for w, s in fields_schema.items() if w != "models"}
back = Fields.from_dict(data).to_dict()
assert sorted(back) == sorted(data), sorted(set(data) ^ set(back))
print(json.dumps({"modules": len(mods), "params_sent": sent}))
"""


def test_every_module_imports_and_every_name_reaches_the_wire(generated: dict[str, Any]) -> None:
    assert generated["proc"].returncode == 0, generated["proc"].stderr[-3000:]
    values = {json.dumps(t, sort_keys=True): v for t, v in zip(TYPES, VALUES, strict=True)}
    values[json.dumps({"type": "string"}, sort_keys=True)] = "s"
    proc = run(
        [sys.executable, "-c", CALL_ALL, str(generated["work"] / "spec.json"), json.dumps(values)],
        cwd=generated["out"],
    )
    assert proc.returncode == 0, proc.stderr[-5000:]
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert info["params_sent"] > len(generated["names"]) * 0.9


def test_mypy_strict_and_ruff(generated: dict[str, Any]) -> None:
    assert generated["proc"].returncode == 0, generated["proc"].stderr[-3000:]
    out = generated["out"]
    mypy = run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir",
         str(generated["work"] / "mc"), "bound"],
        cwd=out,
    )  # fmt: skip
    ruff = run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=out)
    assert mypy.returncode == 0, mypy.stdout[-8000:]
    assert ruff.returncode == 0, ruff.stdout[-8000:]
