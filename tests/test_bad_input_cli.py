"""Bad input through the real CLI: every case exits 2 with a located diagnostic and writes nothing.

Each case runs ``python -m generator generate`` in a subprocess against an output directory that
already holds files (a previous client, a manifest, a stray file) -- with ``--strict`` when the
case's code is a recovery warning (docs/recovery.md; without it those runs recover, see
``tests/test_recovery.py``) -- and checks:

- exit code 2 and no ``Traceback`` on stderr (an internal error would be exit 3);
- a rendered diagnostic ``file:line:col: error[CODE]: ...`` with the stable code, in the expected
  file and at the expected line (the line holding a marker text), followed by ``at <pointer>``
  with the expected JSON pointer (file-level problems such as a missing spec have no line);
- the output directory -- and everything beside it -- byte-for-byte unchanged (a hash of the
  whole parent tree before and after).

Cases the load stage owns in detail (empty files, garbage, YAML/JSON syntax, duplicate keys, alias
bombs, huge strings, deep nesting, remote refs) are in ``tests/test_loader.py``; here are the
ones about paths given on the command line, versions, operations, path templates, ``$ref``
targets and cycles, config files, template overrides and the output location.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cli_runner import run_codegen

from generator.codes import RECOVERY_CODES

REPO = Path(__file__).resolve().parents[1]
PORTARIUM = REPO / "spec" / "portarium-control-plane.v1.yaml"

HEAD = 'openapi: 3.1.0\ninfo: {title: Bad, version: "1"}\n'


def spec(body: str, head: str = HEAD) -> str:
    return head + textwrap.dedent(body).lstrip("\n")


@dataclass(frozen=True)
class Case:
    id: str
    code: str
    files: dict[str, str] = field(default_factory=dict)
    #: text on the line the diagnostic must point at (in ``in_file``); None: a file-level problem
    line_of: str | None = None
    pointer: str | None = None  # the "at" line; None: no pointer expected
    in_file: str = "openapi.yaml"
    spec: str = "openapi.yaml"  # --spec, relative to the case dir ("{portarium}" for the real spec)
    args: tuple[str, ...] = ()  # extra CLI args; "{dir}" is the case dir
    output: str = "out/client"  # --output, relative to the case dir
    xfail: str = ""  # a known generator bug outside this suite (strict xfail with this reason)


CASES: list[Case] = [
    # -- the --spec path ------------------------------------------------------------------------
    Case(
        "spec-is-directory",
        "E0102",
        spec="specdir",
        files={"specdir/x.txt": "x"},
        in_file="specdir",
    ),
    Case("spec-missing", "E0101", spec="nope.yaml", in_file="nope.yaml"),
    Case(
        "spec-missing-dir",
        "E0101",
        spec="no/such/dir/openapi.yaml",
        in_file="no/such/dir/openapi.yaml",
    ),
    Case("spec-dev-null", "E0102", spec="/dev/null", in_file="/dev/null"),
    Case(
        "spec-symlink-loop",
        "E0115",
        spec="loop1",
        files={"@link:loop1": "loop2", "@link:loop2": "loop1"},
        in_file="loop1",
    ),
    # -- the openapi version ----------------------------------------------------------------------
    Case(
        "no-openapi-field",
        "E0130",
        {"openapi.yaml": 'info: {title: t, version: "1"}\npaths: {}\n'},
        "info:",
        "#",
    ),
    Case(
        "swagger-1.2",
        "E0131",
        {"openapi.yaml": 'swagger: "1.2"\ninfo: {title: t, version: "1"}\npaths: {}\n'},
        "swagger:",
        "#/swagger",
    ),
    Case(
        "openapi-2.0",
        "E0131",
        {"openapi.yaml": spec("paths: {}\n", 'openapi: "2.0"\ninfo: {title: t, version: "1"}\n')},
        "openapi:",
        "#/openapi",
    ),
    Case(
        "openapi-4",
        "E0132",
        {"openapi.yaml": spec("paths: {}\n", 'openapi: "4.0.0"\ninfo: {title: t, version: "1"}\n')},
        "openapi:",
        "#/openapi",
    ),
    Case(
        "openapi-empty",
        "E0132",
        {"openapi.yaml": spec("paths: {}\n", 'openapi: ""\ninfo: {title: t, version: "1"}\n')},
        "openapi:",
        "#/openapi",
    ),
    Case(
        "openapi-garbage",
        "E0132",
        {"openapi.yaml": spec("paths: {}\n", 'openapi: "three"\ninfo: {title: t, version: "1"}\n')},
        "openapi:",
        "#/openapi",
    ),
    Case(
        "openapi-float",
        "E0134",
        {"openapi.yaml": spec("paths: {}\n", 'openapi: 3.1\ninfo: {title: t, version: "1"}\n')},
        "openapi:",
        "#/openapi",
    ),
    Case(
        "openapi-null",
        "E0134",
        {"openapi.yaml": spec("paths: {}\n", 'openapi: null\ninfo: {title: t, version: "1"}\n')},
        "openapi:",
        "#/openapi",
    ),
    Case(
        "openapi-json-swagger",
        "E0131",
        {
            "openapi.json": '{\n  "swagger": 2.0,\n  "info": {"title": "t", "version": "1"},\n  "paths": {}\n}\n'
        },
        '"swagger"',
        "#/swagger",
        in_file="openapi.json",
        spec="openapi.json",
    ),
    # -- operations -------------------------------------------------------------------------------
    Case(
        "duplicate-operation-id-two-paths",
        "W0260",
        {"openapi.yaml": spec("""
            paths:
              /a:
                get:
                  operationId: twin
                  responses: {'200': {description: ok}}
              /b:
                get:
                  operationId: twin  # second
                  responses: {'200': {description: ok}}
            """)},
        "twin  # second",
        "#/paths/~1b/get/operationId",
    ),
    Case(
        "duplicate-operation-id-same-path",
        "W0260",
        {"openapi.yaml": spec("""
            paths:
              /a:
                get:
                  operationId: twin
                  responses: {'200': {description: ok}}
                post:
                  operationId: twin  # second
                  responses: {'200': {description: ok}}
            """)},
        "twin  # second",
        "#/paths/~1a/post/operationId",
    ),
    Case(
        "duplicate-operation-id-across-files",
        "W0260",
        {
            "openapi.yaml": spec("""
                paths:
                  /a:
                    get:
                      operationId: twin
                      responses: {'200': {description: ok}}
                  /b: {$ref: 'paths/b.yaml'}
                """),
            "paths/b.yaml": "get:\n  operationId: twin  # second\n  responses: {'200': {description: ok}}\n",
        },
        "twin  # second",
        None,
        in_file="paths/b.yaml",
    ),
    # -- path templates vs parameters ---------------------------------------------------------------
    Case(
        "path-param-undeclared",
        "W0252",
        {"openapi.yaml": spec("""
            paths:
              /runs/{runId}:
                get:  # here
                  operationId: getRun
                  responses: {'200': {description: ok}}
            """)},
        "# here",
        "#/paths/~1runs~1{runId}/get",
    ),
    Case(
        "path-param-not-in-template",
        "W0253",
        {"openapi.yaml": spec("""
            paths:
              /runs:
                get:
                  operationId: listRuns
                  parameters:
                    - {name: runId, in: path, required: true, schema: {type: string}}  # here
                  responses: {'200': {description: ok}}
            """)},
        "# here",
        "#/paths/~1runs/get/parameters/0",
    ),
    Case(
        "path-param-case-mismatch",
        "W0253",
        {"openapi.yaml": spec("""
            paths:
              /runs/{RunId}:
                get:
                  operationId: getRun
                  parameters:
                    - {name: runId, in: path, required: true, schema: {type: string}}  # here
                  responses: {'200': {description: ok}}
            """)},
        "# here",
        "#/paths/~1runs~1{RunId}/get/parameters/0",
    ),
    Case(
        "path-level-param-not-in-template",
        "W0253",
        {"openapi.yaml": spec("""
            paths:
              /runs:
                parameters:
                  - {name: ws, in: path, required: true, schema: {type: string}}  # here
                get:
                  operationId: listRuns
                  responses: {'200': {description: ok}}
            """)},
        "# here",
        "#/paths/~1runs/parameters/0",
    ),
    Case(
        "path-param-one-of-two-missing",
        "W0252",
        {"openapi.yaml": spec("""
            paths:
              /ws/{wsId}/runs/{runId}:
                get:  # here
                  operationId: getRun
                  parameters:
                    - {name: wsId, in: path, required: true, schema: {type: string}}
                  responses: {'200': {description: ok}}
            """)},
        "# here",
        "#/paths/~1ws~1{wsId}~1runs~1{runId}/get",
    ),
    Case(
        "duplicate-parameter",
        "E0205",
        {"openapi.yaml": spec("""
            paths:
              /runs:
                get:
                  operationId: listRuns
                  parameters:
                    - {name: limit, in: query, schema: {type: integer}}
                    - {name: limit, in: query, schema: {type: string}}  # here
                  responses: {'200': {description: ok}}
            """)},
        "# here",
        "#/paths/~1runs/get/parameters/1",
    ),
    # -- shapes generation relies on ---------------------------------------------------------------
    Case(
        "paths-is-a-list",
        "E0206",
        {"openapi.yaml": spec("paths: [a, b]  # here\n")},
        "# here",
        "#/paths",
    ),
    Case(
        "operation-is-a-list",
        "E0206",
        {"openapi.yaml": spec("""
            paths:
              /a:
                get: [1, 2]  # here
            """)},
        "# here",
        "#/paths/~1a/get",
    ),
    Case(
        "parameters-not-a-list",
        "E0206",
        {"openapi.yaml": spec("""
            paths:
              /a:
                get:
                  operationId: a
                  parameters: {name: x}  # here
                  responses: {'200': {description: ok}}
            """)},
        "# here",
        "#/paths/~1a/get/parameters",
    ),
    Case(
        "responses-not-a-mapping",
        "E0206",
        {"openapi.yaml": spec("""
            paths:
              /a:
                get:
                  operationId: a
                  responses: [ok]  # here
            """)},
        "# here",
        "#/paths/~1a/get/responses",
    ),
    # -- $ref targets ------------------------------------------------------------------------------
    Case(
        "dangling-schema-ref",
        "W0320",
        {"openapi.yaml": spec("""
            paths:
              /a:
                get:
                  operationId: a
                  responses:
                    '200':
                      description: ok
                      content:
                        application/json:
                          schema: {$ref: '#/components/schemas/Missing'}  # here
            components:
              schemas: {}
            """)},
        "# here",
        "#/paths/~1a/get/responses/200/content/application~1json/schema/$ref",
    ),
    Case(
        "dangling-parameter-ref",
        "W0320",
        {"openapi.yaml": spec("""
            paths:
              /a:
                get:
                  operationId: a
                  parameters:
                    - $ref: '#/components/parameters/Nope'  # here
                  responses: {'200': {description: ok}}
            """)},
        "# here",
        "#/paths/~1a/get/parameters/0/$ref",
    ),
    Case(
        "dangling-response-ref",
        "W0320",
        {"openapi.yaml": spec("""
            paths:
              /a:
                get:
                  operationId: a
                  responses:
                    '200': {$ref: '#/components/responses/Gone'}  # here
            """)},
        "# here",
        "#/paths/~1a/get/responses/200/$ref",
    ),
    Case(
        "dangling-ref-into-property",
        "W0320",
        {"openapi.yaml": spec("""
            paths: {}
            components:
              schemas:
                A:
                  type: object
                  properties:
                    b: {$ref: '#/components/schemas/A/properties/zzz'}  # here
            """)},
        "# here",
        "#/components/schemas/A/properties/b/$ref",
    ),
    Case(
        "ref-to-missing-file",
        "W0321",
        {"openapi.yaml": spec("""
            paths:
              /a:
                get:
                  operationId: a
                  responses:
                    '200':
                      description: ok
                      content:
                        application/json:
                          schema: {$ref: 'schemas/missing.yaml'}  # here
            """)},
        "# here",
        "#/paths/~1a/get/responses/200/content/application~1json/schema/$ref",
    ),
    Case(
        "ref-to-missing-file-fragment",
        "W0320",
        {
            "openapi.yaml": spec("""
                paths: {}
                components:
                  schemas:
                    A: {$ref: 'common.yaml#/Nope'}  # here
                """),
            "common.yaml": "Thing: {type: string}\n",
        },
        "# here",
        "#/components/schemas/A/$ref",
    ),
    Case(
        "ref-from-external-file-dangling",
        "W0320",
        {
            "openapi.yaml": spec("""
                paths: {}
                components:
                  schemas:
                    A: {$ref: 'common.yaml#/Thing'}
                """),
            "common.yaml": "Thing:\n  type: object\n  properties:\n    x: {$ref: '#/Other'}  # here\n",
        },
        "# here",
        None,
        in_file="common.yaml",
    ),
    Case(
        "ref-to-directory",
        "W0321",
        {
            "openapi.yaml": spec("""
                paths: {}
                components:
                  schemas:
                    A: {$ref: 'sub'}  # here
                """),
            "sub/x.yaml": "x: 1\n",
        },
        "# here",
        "#/components/schemas/A/$ref",
    ),
    Case(
        "ref-outside-root",
        "E0304",
        {
            "api/openapi.yaml": spec("""
                paths: {}
                components:
                  schemas:
                    A: {$ref: '../shared.yaml'}  # here
                """),
            "shared.yaml": "type: string\n",
        },
        "# here",
        "#/components/schemas/A/$ref",
        in_file="api/openapi.yaml",
        spec="api/openapi.yaml",
    ),
    Case(
        "ref-not-a-string",
        "E0306",
        {"openapi.yaml": spec("""
            paths: {}
            components:
              schemas:
                A: {$ref: 42}  # here
            """)},
        "# here",
        "#/components/schemas/A/$ref",
    ),
    Case(
        "ref-fragment-not-a-pointer",
        "E0306",
        {"openapi.yaml": spec("""
            paths: {}
            components:
              schemas:
                A: {$ref: '#Thing'}  # here
            """)},
        "# here",
        "#/components/schemas/A/$ref",
    ),
    Case(
        "external-file-bad-yaml",
        "E0105",
        {
            "openapi.yaml": spec("""
                paths: {}
                components:
                  schemas:
                    A: {$ref: 'common.yaml#/Thing'}
                """),
            "common.yaml": "Thing:\n  type: [string\n  x: 1  # here\n",
        },
        "# here",
        None,
        in_file="common.yaml",
    ),
    # -- config files (--config) --------------------------------------------------------------------
    Case(
        "config-missing",
        "E0501",
        args=("--config", "{dir}/nope.yaml"),
        in_file="nope.yaml",
        spec="{portarium}",
    ),
    Case(
        "config-bad-yaml",
        "E0503",
        {"codegen.yaml": "package_name: [unclosed\n"},
        None,
        "#",
        in_file="codegen.yaml",
        args=("--config", "{dir}/codegen.yaml"),
        spec="{portarium}",
    ),
    Case(
        "config-wrong-type",
        "E0505",
        {"codegen.yaml": "package_name: 5  # here\n"},
        "# here",
        "#/package_name",
        in_file="codegen.yaml",
        args=("--config", "{dir}/codegen.yaml"),
        spec="{portarium}",
    ),
    Case(
        "config-unknown-key",
        "E0504",
        {"codegen.yaml": "package_name: ok\npakage_name: typo  # here\n"},
        "# here",
        "#/pakage_name",
        in_file="codegen.yaml",
        args=("--config", "{dir}/codegen.yaml"),
        spec="{portarium}",
    ),
    Case(
        "config-not-a-mapping",
        "E0505",
        {"codegen.yaml": "- package_name\n"},
        "- package_name",
        "#",
        in_file="codegen.yaml",
        args=("--config", "{dir}/codegen.yaml"),
        spec="{portarium}",
    ),
    Case(
        "config-nested-wrong-type",
        "E0505",
        {"codegen.yaml": "runtime:\n  max_retries: lots  # here\n"},
        "# here",
        "#/runtime/max_retries",
        in_file="codegen.yaml",
        args=("--config", "{dir}/codegen.yaml"),
        spec="{portarium}",
    ),
    Case(
        "config-bad-identifier",
        "E0505",
        {"codegen.yaml": "package_name: my-pkg  # here\n"},
        "# here",
        "#/package_name",
        in_file="codegen.yaml",
        args=("--config", "{dir}/codegen.yaml"),
        spec="{portarium}",
    ),
    Case(
        "config-keyword-package",
        "E0507",
        {"codegen.yaml": "package_name: class  # here\n"},
        "# here",
        "#/package_name",
        in_file="codegen.yaml",
        args=("--config", "{dir}/codegen.yaml"),
        spec="{portarium}",
    ),
    Case(
        "config-bad-enum",
        "E0505",
        {"codegen.yaml": "formatter: black  # here\n"},
        "# here",
        "#/formatter",
        in_file="codegen.yaml",
        args=("--config", "{dir}/codegen.yaml"),
        spec="{portarium}",
    ),
    Case(
        "config-duplicate-key",
        "E0506",
        {"codegen.yaml": "version: '1'\nversion: '2'  # here\n"},
        "# here",
        "#/version",
        in_file="codegen.yaml",
        args=("--config", "{dir}/codegen.yaml"),
        spec="{portarium}",
    ),
    Case(
        "config-bad-class-rename",
        "E0505",
        {"codegen.yaml": "renames:\n  models: {Run: 'not a class'}  # here\n"},
        "# here",
        "#/renames/models/Run",
        in_file="codegen.yaml",
        args=("--config", "{dir}/codegen.yaml"),
        spec="{portarium}",
    ),
    Case(
        "config-found-in-cwd",
        "E0504",
        {"codegen.yaml": "bogus: 1  # here\n"},
        "# here",
        "#/bogus",
        in_file="codegen.yaml",
        spec="{portarium}",
    ),
    # -- template overrides --------------------------------------------------------------------------
    Case(
        "templates-dir-missing",
        "E0706",
        args=("--templates", "{dir}/no-templates"),
        in_file="no-templates",
        spec="{portarium}",
    ),
    Case(
        "template-syntax-error",
        "E0701",
        {"tpl/model.py.jinja": "ok\n{% if %}  here\n"},
        "here",
        None,
        in_file="tpl/model.py.jinja",
        args=("--templates", "{dir}/tpl"),
        spec="{portarium}",
    ),
    # -- the output location ---------------------------------------------------------------------------
    Case(
        "output-is-a-file",
        "E0801",
        spec="{portarium}",
        output="out/client/keep.txt",
        in_file="out/client/keep.txt",
    ),
]

#: Untypable ``$ref`` cycles: each must be a located error (E0307).
REF_CYCLES: dict[str, tuple[str, str, str]] = {
    # id: (spec, marker of the line to report, pointer)
    "path-item-ref-cycle": (
        spec("""
            paths:
              /a: {$ref: '#/paths/~1b'}  # here
              /b: {$ref: '#/paths/~1a'}
            """),
        "# here",
        "#/paths/~1a",
    ),
    "parameter-ref-cycle": (
        spec("""
            paths:
              /a:
                get:
                  operationId: a
                  parameters:
                    - $ref: '#/components/parameters/P'  # here
                  responses: {'200': {description: ok}}
            components:
              parameters:
                P: {$ref: '#/components/parameters/Q'}
                Q: {$ref: '#/components/parameters/P'}
            """),
        "# here",
        "#/paths/~1a/get/parameters/0",
    ),
    "response-ref-cycle": (
        spec("""
            paths:
              /a:
                get:
                  operationId: a
                  responses:
                    '200': {$ref: '#/components/responses/R'}  # here
            components:
              responses:
                R: {$ref: '#/components/responses/R'}
            """),
        "# here",
        "#/paths/~1a/get/responses/200",
    ),
    "request-body-ref-cycle": (
        spec("""
            paths:
              /a:
                post:
                  operationId: a
                  requestBody: {$ref: '#/components/requestBodies/B'}  # here
                  responses: {'200': {description: ok}}
            components:
              requestBodies:
                B: {$ref: '#/components/requestBodies/C'}
                C: {$ref: '#/components/requestBodies/B'}
            """),
        "# here",
        "#/paths/~1a/post/requestBody",
    ),
}

DIAG = re.compile(
    r"^(?P<where>.+?): error\[(?P<code>[A-Z]\d{4})\]: (?P<message>.*)\n(?:  at (?P<pointer>#\S*)\n)?",
    re.MULTILINE,
)


def tree(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel + "/"] = "dir"
    return out


def prefill(out: Path) -> None:
    """An output dir from an earlier run (plus things a user keeps there)."""
    (out / "client_pkg" / "models").mkdir(parents=True)
    (out / "client_pkg" / "__init__.py").write_text('"""Old client."""\n')
    (out / "client_pkg" / "models" / "run.py").write_text("class Run:\n    pass\n")
    (out / ".codegen-manifest.json").write_text('{"generator": "portarium-codegen"}\n')
    (out / "keep.txt").write_bytes(b"\x00\x01 binary bytes \xff\n")
    (out.parent / "sibling.txt").write_text("next to the output\n")


def run_case(
    tmp_path: Path, case_files: dict[str, str], spec_arg: str, args: tuple[str, ...], output: str
) -> tuple[subprocess.CompletedProcess[str], Path, dict[str, str], dict[str, str]]:
    case_dir = tmp_path / "case"
    case_dir.mkdir()
    for rel, text in case_files.items():
        if rel.startswith("@link:"):
            (case_dir / rel[len("@link:") :]).symlink_to(text)
            continue
        path = case_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    out_parent = tmp_path / "out"
    prefill(out_parent / "client")
    before = tree(out_parent)
    spec_value = spec_arg.replace("{portarium}", str(PORTARIUM))
    cmd = [
        sys.executable, "-m", "generator", "generate",
        "--spec", spec_value,
        "--output", str(tmp_path / output),
        *(a.replace("{dir}", str(case_dir)) for a in args),
    ]  # fmt: skip
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        cwd=case_dir,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
    )
    return proc, case_dir, before, tree(out_parent)


def find_diag(stderr: str, code: str) -> re.Match[str]:
    matches = [m for m in DIAG.finditer(stderr) if m.group("code") == code]
    assert matches, f"no error[{code}] in stderr:\n{stderr}"
    return matches[0]


def expected_line(case_dir: Path, rel: str, marker: str) -> int:
    lines = (case_dir / rel).read_text().splitlines()
    hits = [i + 1 for i, ln in enumerate(lines) if marker in ln]
    assert len(hits) == 1, f"marker {marker!r} is not unique in {rel}: lines {hits}"
    return hits[0]


def check_location(m: re.Match[str], case_dir: Path, in_file: str, marker: str | None) -> None:
    where = m.group("where")
    if marker is None:
        # file-level: "<file>: error[...]" (or file:line:col when the parser knows a line)
        file_part = re.sub(r":\d+:\d+$", "", where)
        assert Path(file_part).name == Path(in_file).name, where
        return
    loc = re.fullmatch(r"(?P<file>.+):(?P<line>\d+):(?P<col>\d+)", where)
    assert loc, f"no file:line:col in {where!r}"
    file_part = Path(loc.group("file"))
    if not file_part.is_absolute():
        file_part = case_dir / file_part
    assert file_part.resolve() == (case_dir / in_file).resolve(), where
    assert int(loc.group("line")) == expected_line(case_dir, in_file, marker), where
    assert int(loc.group("col")) >= 1


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else []
        )
        for c in CASES
    ],
)
def test_bad_input_exits_2_located_and_writes_nothing(case: Case, tmp_path: Path) -> None:
    # A recovery warning (docs/recovery.md) is an error only under --strict.
    strict = ("--strict",) if case.code in RECOVERY_CODES else ()
    proc, case_dir, before, after = run_case(
        tmp_path, case.files, case.spec, case.args + strict, case.output
    )
    assert proc.returncode == 2, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    m = find_diag(proc.stderr, case.code)
    check_location(m, case_dir, case.in_file, case.line_of)
    if case.pointer is not None:
        assert m.group("pointer") == case.pointer, m.group(0)
    assert "nothing was written" in proc.stderr
    assert after == before, "the output directory (or something beside it) changed"


@pytest.mark.parametrize("name", sorted(REF_CYCLES))
def test_untypable_ref_cycle_is_a_located_error(name: str, tmp_path: Path) -> None:
    text, marker, pointer = REF_CYCLES[name]
    proc, case_dir, before, after = run_case(
        tmp_path, {"openapi.yaml": text}, "openapi.yaml", (), "out/client"
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2, f"exit {proc.returncode}\n{proc.stderr}"
    errors = [m for m in DIAG.finditer(proc.stderr) if m.group("code").startswith("E03")]
    assert errors, proc.stderr
    check_location(errors[0], case_dir, "openapi.yaml", marker)
    assert (errors[0].group("pointer") or "").startswith(pointer)
    assert after == before


def test_schema_alias_cycle_degrades_to_any_with_a_located_warning(tmp_path: Path) -> None:
    """A schema that is only an alias of itself cannot be typed: documented policy is a warning
    (W0410) at the schema and ``Any`` in its place -- the rest of the client still generates."""
    text = spec("""
        paths:
          /a:
            get:
              operationId: getA
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/A'}
        components:
          schemas:
            A: {$ref: '#/components/schemas/B'}
            B: {$ref: '#/components/schemas/A'}  # here
        """)
    case_dir = tmp_path / "case"
    case_dir.mkdir()
    (case_dir / "openapi.yaml").write_text(text)
    proc = run_codegen(
        "generate", "--spec", "openapi.yaml", "--output", tmp_path / "o", cwd=case_dir, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    warn = re.search(r"^(\S+):(\d+):(\d+): warning\[W0410\]", proc.stderr, re.MULTILINE)
    assert warn, proc.stderr
    assert Path(warn.group(1)).name == "openapi.yaml"
    assert int(warn.group(2)) in (
        expected_line(case_dir, "openapi.yaml", "A: {$ref"),
        expected_line(case_dir, "openapi.yaml", "# here"),
    )


def test_case_count() -> None:
    """The issue asks for >= 40 bad-input cases across this file and tests/test_loader.py."""
    assert len(CASES) + len(REF_CYCLES) >= 40
