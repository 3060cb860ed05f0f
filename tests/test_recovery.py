"""Real-world spec defects are recovered with a located warning; ``--strict`` refuses each one.

One spec (``DEFECTS``) carries every defect of docs/recovery.md at a line marked ``# <code>``:
duplicate operationIds, ``$ref``\\ s inside ``x-`` extensions (to a Markdown file that exists and
to files/pointers that do not), dangling ``$ref``\\ s (schema, parameter, response, missing file),
path keys with a query string or fragment, template variables without a parameter and path
parameters without a variable, defaults/enums/consts of the wrong JSON type, and enum/const values
of every JSON kind (non-integral numbers, booleans, null, mixed kinds, values that collide after
naming).

Without ``--strict`` the run exits 0, reports each recovery code at its line, and the client
imports, type-checks (``mypy --strict``), passes ``ruff check`` and calls the recovered operations
through ``httpx.MockTransport``. With ``--strict`` the same run exits 2, every recovery code is an
error at the same ``file:line:col``, and nothing is written.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

DEFECTS = textwrap.dedent("""\
    openapi: 3.0.3
    info: {title: Defects, version: "1", x-logo: {$ref: logo/missing.md}}  # W0261
    paths:
      /a:
        x-doc: {$ref: ./notes.md}
        get:
          operationId: twin
          responses: {'200': {description: ok}}
      /b:
        get:
          operationId: twin  # W0260
          responses: {'200': {description: ok}}
      /api/v3/latest?term={term}&amount={amount}&mode=fast#top:
        get:  # W0262
          operationId: latest
          parameters:
            - {name: term, in: query, required: true, schema: {type: string}}
            - {name: amount, in: query, required: true, schema: {type: integer}}
          responses: {'200': {description: ok}}
      /items/{itemId}/{extra}:
        get:  # W0252
          operationId: getItem
          parameters:
            - {name: itemId, in: path, required: true, schema: {type: integer}}
            - {name: ghost, in: path, required: true, schema: {type: integer}}  # W0253
            - $ref: '#/components/parameters/Nope'  # W0320
          responses:
            '200': {$ref: '#/components/responses/Gone'}  # W0320 (response)
      /defaults:
        get:
          operationId: defaults
          parameters:
            - {name: flag, in: query, schema: {type: boolean, default: 'true'}}  # W0263
            - {name: n, in: query, schema: {type: integer, default: '5'}}
            - {name: day, in: query, schema: {type: string, format: date, default: '2024-01-01'}}
            - {name: at, in: query, schema: {type: string, format: date-time, default: '2024-01-01T10:00:00Z'}}
            - {name: s, in: query, schema: {type: string, default: 1}}
            - {name: bad, in: query, schema: {type: integer, default: abc}}  # W0264
          responses:
            '200':
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Kinds'}
      /files:
        post:
          operationId: upload
          requestBody:
            content:
              application/json:
                schema: {$ref: 'schemas/missing.yaml'}  # W0321
          responses: {'204': {description: done}}
    components:
      schemas:
        Kinds:
          type: object
          properties:
            ratio: {type: number, enum: [0, 0.25, 0.5]}  # W0265
            flag: {type: boolean, enum: [true, false]}
            maybe: {enum: [null, a]}
            mixed: {enum: [1, a, true]}
            collide: {type: string, enum: [a-b, a_b, A B]}
            level: {type: integer, enum: ['1', '2']}
            pi: {type: number, const: 3.5}
            day: {type: string, format: date, default: '2024-02-03'}
            lost: {$ref: '#/components/schemas/Missing'}  # W0320 (schema)
    """)

RECOVERY_LINES = {
    code: [i + 1 for i, line in enumerate(DEFECTS.splitlines()) if f"# {code}" in line]
    for code in ("W0252", "W0253", "W0260", "W0261", "W0262", "W0263", "W0264", "W0265", "W0320", "W0321")  # fmt: skip
}
DIAG = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning)\[(?P<code>\w+)\]", re.M)  # fmt: skip


def run(cmd: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


def generate(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (work / "notes.md").write_text("# Notes\n\nMarkdown, not YAML: {{ not: [a, spec\n")
    (work / "openapi.yaml").write_text(DEFECTS)
    return run(
        [sys.executable, "-m", "generator", "generate", "--spec", "openapi.yaml", "--output", "out",
         "--package-name", "defects", "--report", "report.json", *args],
        cwd=work,
    )  # fmt: skip


@pytest.fixture(scope="module")
def recovered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("recovered")
    proc = generate(work)
    report = json.loads((work / "report.json").read_text()) if proc.returncode == 0 else {}
    return {"work": work, "proc": proc, "report": report}


def test_defects_are_recovered_with_located_warnings(recovered: dict[str, Any]) -> None:
    proc = recovered["proc"]
    assert "Traceback" not in proc.stderr, proc.stderr[-4000:]
    assert proc.returncode == 0, proc.stderr[-4000:]
    found = {(m["code"], int(m["line"])) for m in DIAG.finditer(proc.stderr)}
    for code, lines in RECOVERY_LINES.items():
        for line in lines:
            assert (code, line) in found, (code, line, sorted(found))
    ops = recovered["report"]["operations"]
    assert ops["generated"] == ops["total"] == 6
    assert ops["degraded"] == 1  # getItem: a parameter left out, a response passed through


def test_strict_refuses_every_recovery_at_its_location(tmp_path: Path) -> None:
    proc = generate(tmp_path, "--strict")
    assert proc.returncode == 2, proc.stderr[-4000:]
    assert "nothing was written" in proc.stderr and not (tmp_path / "out").exists()
    errors = {
        (m["code"], int(m["line"])) for m in DIAG.finditer(proc.stderr) if m["sev"] == "error"
    }
    for code, lines in RECOVERY_LINES.items():
        for line in lines:
            assert (code, line) in errors, (code, line, sorted(errors))


def test_strict_from_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "codegen.yaml").write_text("strict: true\n")
    proc = generate(tmp_path)
    assert proc.returncode == 2, proc.stderr[-4000:]
    assert "error[W0260]" in proc.stderr


CALLS = r"""
import datetime, inspect, json, typing
import httpx
from defects.api.default import get_b, twin, latest, get_item, defaults, upload
from defects.client import Client
from defects.models import Kinds
seen = []
def handler(request):
    seen.append(request)
    if request.url.path == "/items/7/x":
        return httpx.Response(200, json={"any": ["thing"]})
    if request.url.path == "/files":
        return httpx.Response(204)
    if request.url.path == "/defaults":
        return httpx.Response(200, json={"ratio": 0.25, "pi": 3.5, "lost": {"k": 1}})
    return httpx.Response(200, json={})
client = Client(base_url="https://api.test", transport=httpx.MockTransport(handler))
out = {}
# duplicate operationIds: both operations exist; the later one is named from method and path
twin.sync_detailed(client=client); get_b.sync_detailed(client=client)
out["dup"] = [r.url.path for r in seen[-2:]]
# query string in the path key: split off; the fixed pair becomes a default; fragment dropped
latest.sync_detailed(client=client, term="x y", amount=5)
out["latest"] = str(seen[-1].url)
# undeclared template variable -> required str; unused path parameter ignored; dangling response
r = get_item.sync_detailed(client=client, item_id=7, extra="x")
out["item"] = [str(seen[-1].url), r.parsed]
out["item_params"] = sorted(inspect.signature(get_item.sync_detailed).parameters)
# coerced defaults
sig = inspect.signature(defaults.sync_detailed)
out["defaults"] = {k: repr(sig.parameters[k].default) for k in ("flag", "n", "day", "at", "s", "bad")}
page = defaults.sync(client=client)
out["sent"] = str(seen[-1].url)
out["kinds"] = [page.ratio, page.pi, page.lost, repr(Kinds().day)]
out["hints"] = {k: str(v) for k, v in typing.get_type_hints(Kinds).items() if k in ("ratio", "pi", "mixed", "maybe", "flag", "level", "lost")}
upload.sync_detailed(client=client, body={"anything": True})
out["upload"] = json.loads(seen[-1].content)
print(json.dumps(out))
"""


def test_recovered_client_runs(recovered: dict[str, Any]) -> None:
    assert recovered["proc"].returncode == 0, recovered["proc"].stderr[-3000:]
    proc = run([sys.executable, "-c", CALLS], cwd=recovered["work"] / "out")
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["dup"] == ["/a", "/b"]
    assert out["latest"] == "https://api.test/api/v3/latest?term=x+y&amount=5&mode=fast"
    assert out["item"] == ["https://api.test/items/7/x", {"any": ["thing"]}]
    assert "ghost" not in out["item_params"] and "extra" in out["item_params"]
    assert out["defaults"] == {
        "flag": "True",
        "n": "5",
        "day": "datetime.date(2024, 1, 1)",
        "at": "datetime.datetime(2024, 1, 1, 10, 0, tzinfo=datetime.timezone.utc)",
        "s": "'1'",
        "bad": "None",
    }
    assert "flag=true" in out["sent"] and "n=5" in out["sent"] and "day=2024-01-01" in out["sent"]
    assert out["kinds"] == [0.25, 3.5, {"k": 1}, "datetime.date(2024, 2, 3)"]
    hints = out["hints"]
    for name in ("ratio", "pi"):  # non-integral numbers: the plain type, never Literal[0.25]
        assert "float" in hints[name] and "Literal" not in hints[name], hints
    assert "Literal" in hints["flag"] and "Literal[1, 'a', True]" in hints["mixed"]
    assert "KindsLevel" in hints["level"] and hints["lost"] == "typing.Any"
    assert out["upload"] == {"anything": True}


def test_recovered_client_is_clean(recovered: dict[str, Any]) -> None:
    assert recovered["proc"].returncode == 0, recovered["proc"].stderr[-3000:]
    out = recovered["work"] / "out"
    mypy = run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir",
         str(recovered["work"] / "mc"), "defects"],
        cwd=out,
    )  # fmt: skip
    assert mypy.returncode == 0, mypy.stdout[-6000:]
    ruff = run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=out)
    assert ruff.returncode == 0, ruff.stdout[-6000:]
    level = (out / "defects" / "models" / "kinds_level.py").read_text()
    assert "VALUE_1 = 1" in level  # '1' coerced to the integer enum value 1


def test_enum_members_that_collide_after_naming_are_renamed(recovered: dict[str, Any]) -> None:
    assert recovered["proc"].returncode == 0, recovered["proc"].stderr[-3000:]
    text = (recovered["work"] / "out" / "defects" / "models" / "kinds_collide.py").read_text()
    members = re.findall(r"^    (\w+) = (.+)$", text, re.M)
    assert [value for _name, value in members] == ['"a-b"', '"a_b"', '"A B"']
    assert len({name for name, _value in members}) == 3


def _alone(paths: str, components: str = "") -> str:
    head = 'openapi: 3.0.3\ninfo: {title: One, version: "1"}\npaths:\n'
    return head + textwrap.indent(textwrap.dedent(paths), "  ") + components


OK = "responses: {'200': {description: ok}}"
#: One spec per bullet of docs/recovery.md: (spec, the code it must report).
ALONE: dict[str, tuple[str, str]] = {
    "duplicate-operation-ids": (
        _alone(f"""
        /a: {{get: {{operationId: twin, {OK}}}}}
        /b: {{get: {{operationId: twin, {OK}}}}}
        """),
        "W0260",
    ),
    "ref-in-extension": (
        _alone(f"""
        /a:
          get:
            operationId: a
            x-doc: {{$ref: docs/missing.md}}
            {OK}
        """),
        "W0261",
    ),
    "dangling-ref": (
        _alone("""
        /a:
          get:
            operationId: a
            responses:
              '200':
                description: ok
                content: {application/json: {schema: {$ref: '#/components/schemas/Nope'}}}
        """),
        "W0320",
    ),
    "query-in-path": (
        _alone(f"""
        /api/v3/latest?term={{term}}&amount={{amount}}:
          get:
            operationId: latest
            parameters:
              - {{name: term, in: query, schema: {{type: string}}}}
              - {{name: amount, in: query, schema: {{type: integer}}}}
            {OK}
        """),
        "W0262",
    ),
    "defaults-of-another-type": (
        _alone(f"""
        /a:
          get:
            operationId: a
            parameters:
              - {{name: flag, in: query, schema: {{type: boolean, default: 'true'}}}}
              - {{name: day, in: query, schema: {{type: string, format: date, default: '2024-01-01'}}}}
              - {{name: s, in: query, schema: {{type: string, default: 1}}}}
            {OK}
        """),
        "W0263",
    ),
    "non-integral-enum": (
        _alone("""
        /a:
          get:
            operationId: a
            parameters:
              - {name: ratio, in: query, schema: {type: number, enum: [0, 0.25, 0.5]}}
            responses: {'200': {description: ok}}
        """),
        "W0265",
    ),
}


@pytest.mark.parametrize("name", sorted(ALONE))
def test_each_defect_alone_generates_a_clean_client(name: str, tmp_path: Path) -> None:
    """Each defect on its own: exit 0 with its warning, and mypy --strict passes on the client."""
    text, code = ALONE[name]
    (tmp_path / "openapi.yaml").write_text(text)
    proc = run(
        [sys.executable, "-m", "generator", "generate", "--spec", "openapi.yaml", "--output",
         "out", "--package-name", "one"],
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"warning[{code}]" in proc.stderr, proc.stderr[-3000:]
    mypy = run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir",
         str(tmp_path / "mc"), "one"],
        cwd=tmp_path / "out",
    )  # fmt: skip
    assert mypy.returncode == 0, mypy.stdout[-4000:]
    strict = run(
        [sys.executable, "-m", "generator", "generate", "--spec", "openapi.yaml", "--output",
         "out2", "--strict"],
        cwd=tmp_path,
    )  # fmt: skip
    assert strict.returncode == 2 and f"error[{code}]" in strict.stderr, strict.stderr[-3000:]
    assert not (tmp_path / "out2").exists()
