"""``codegen.yaml``: renames reach the generated client (which passes ``mypy --strict`` and works),
invalid configs fail with exit 2 and located diagnostics, the shipped example and docs stay in
step with the JSON Schema.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cli_runner import run_codegen

from generator.cli import main
from generator.config import (
    DEFAULT_STATUS_ATTRS,
    Config,
    error_names,
    find_config,
    load_config,
    load_schema,
)
from generator.diagnostics import DiagnosticSink, FatalInputError, Severity

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec" / "portarium-control-plane.v1.yaml"

RENAMING_CONFIG = """\
package_name: acme_portarium
project_name: acme-portarium
version: "2.3.0"
renames:
  models:
    StartRunRequest: RunStart
  fields:
    Run:
      workflowId: workflow
  operations:
    start_run: launch_run
  tags:
    evidence: audit
errors:
  names:
    not_found: MissingError
  status:
    410: GoneError
    503: UnavailableError
runtime:
  max_retries: 4
  timeout: 30
"""

# Uses only the renamed names; type-checked with mypy --strict, then run against a MockTransport.
USAGE = """\
from __future__ import annotations

import httpx

from acme_portarium import AuthenticatedClient, __version__
from acme_portarium.api.audit import list_evidence
from acme_portarium.api.runs import get_run, launch_run
from acme_portarium.errors import (
    ClientError,
    GoneError,
    MissingError,
    ServerError,
    UnavailableError,
)
from acme_portarium.models import Run, RunStart

RUN = {
    "id": "run-1",
    "status": "Running",
    "workflowId": "wf-invoice-approval",
    "workspaceId": "ws-acme",
    "createdAt": "2025-03-04T10:15:00Z",
}
PROBLEM = {"type": "about:blank", "title": "t", "status": 0}


def handler(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if request.method == "POST":
        assert b"workflowId" in request.content
        return httpx.Response(201, json=RUN)
    for status in (404, 410, 503):
        if path.endswith(f"/run-{status}"):
            return httpx.Response(status, json={**PROBLEM, "status": status})
    return httpx.Response(200, json=RUN)


def main() -> None:
    assert __version__ == "2.3.0"
    assert callable(list_evidence.sync)
    client = AuthenticatedClient(
        base_url="https://api.test", token="t", transport=httpx.MockTransport(handler)
    )
    run: Run = launch_run.sync(
        client=client, workspace_id="ws-acme", body=RunStart(workflow_id="wf-invoice-approval")
    )
    workflow: str = run.workflow
    assert workflow == "wf-invoice-approval"
    assert run.to_dict()["workflowId"] == "wf-invoice-approval"
    expected: list[tuple[str, type[Exception]]] = [
        ("run-404", MissingError),
        ("run-410", GoneError),
        ("run-503", UnavailableError),
    ]
    for run_id, error in expected:
        try:
            get_run.sync(client=client, workspace_id="ws-acme", run_id=run_id)
        except error as exc:
            assert type(exc) is error, (run_id, type(exc))
        else:
            raise AssertionError(f"{run_id}: no error raised")
    assert issubclass(GoneError, ClientError) and issubclass(MissingError, ClientError)
    assert issubclass(UnavailableError, ServerError)
    print("usage ok")


main()
"""


def _generate(out: Path, *args: str) -> int:
    return main(["generate", "--spec", str(SPEC), "--output", str(out), "--quiet", *args])


@pytest.fixture(scope="module")
def renamed_client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("renamed")
    config = root / "codegen.yaml"
    config.write_text(RENAMING_CONFIG, encoding="utf-8")
    out = root / "acme-portarium"
    assert _generate(out, "--config", str(config)) == 0
    return out


def test_renames_reach_the_generated_code(renamed_client: Path) -> None:
    pkg = renamed_client / "acme_portarium"
    assert (pkg / "models" / "run_start.py").is_file()
    assert not (pkg / "models" / "start_run_request.py").exists()
    assert (pkg / "api" / "runs" / "launch_run.py").is_file()
    assert not (pkg / "api" / "runs" / "start_run.py").exists()
    assert (pkg / "api" / "audit").is_dir() and not (pkg / "api" / "evidence").exists()
    run = (pkg / "models" / "run.py").read_text(encoding="utf-8")
    assert "    workflow: str\n" in run and "workflow_id" not in run
    errors = (pkg / "errors.py").read_text(encoding="utf-8")
    assert "class MissingError(ClientError):" in errors and "NotFoundError" not in errors
    assert "class GoneError(ClientError):" in errors
    assert "class UnavailableError(ServerError):" in errors
    pyproject = (renamed_client / "pyproject.toml").read_text(encoding="utf-8")
    assert 'name = "acme-portarium"' in pyproject and 'version = "2.3.0"' in pyproject
    client = (pkg / "client.py").read_text(encoding="utf-8")
    assert "max_retries: int = 4" in client and "httpx.Timeout(30.0, connect=5.0)" in client
    readme = (renamed_client / "README.md").read_text(encoding="utf-8")
    assert "MissingError 404" in readme and "GoneError 410" in readme


def test_renamed_client_passes_mypy_strict_and_works(renamed_client: Path, tmp_path: Path) -> None:
    usage = tmp_path / "usage.py"
    usage.write_text(USAGE, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": str(renamed_client), "PYTHONPATH": str(renamed_client)}
    mypy = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            str(renamed_client / "acme_portarium"),
            str(usage),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    run = subprocess.run(
        [sys.executable, str(usage)], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "usage ok" in run.stdout


def test_codegen_yaml_in_cwd_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "codegen.yaml").write_text(
        "package_name: found_client\nformatter: none\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert find_config(None, tmp_path) == tmp_path / "codegen.yaml"
    assert _generate(tmp_path / "out") == 0
    assert (tmp_path / "out" / "found_client" / "client.py").is_file()


def test_cli_flags_override_the_config(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("package_name: from_config\nproject_name: from-config\n", encoding="utf-8")
    out = tmp_path / "out"
    assert _generate(out, "--config", str(config), "--package-name", "from_flag") == 0
    assert (out / "from_flag").is_dir() and not (out / "from_config").exists()
    assert 'name = "from-config"' in (out / "pyproject.toml").read_text(encoding="utf-8")


def test_version_defaults_to_the_spec_info_version(tmp_path: Path) -> None:
    assert _generate(tmp_path / "out") == 0
    assert 'version = "1.0.0"' in (tmp_path / "out" / "pyproject.toml").read_text(encoding="utf-8")


# -- invalid configs: exit 2, located diagnostics ------------------------------------------------

INVALID_CONFIG = """\
package_name: my_client
renames:
  modles:
    Run: Execution
runtime:
  max_retries: lots
"""


def test_invalid_config_exits_2_with_located_diagnostics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "codegen.yaml"
    config.write_text(INVALID_CONFIG, encoding="utf-8")
    report = tmp_path / "report.json"
    out = tmp_path / "out"
    code = _generate(out, "--config", str(config), "--report", str(report))
    assert code == 2
    assert not out.exists(), "nothing may be written for an invalid config"
    diags = json.loads(report.read_text(encoding="utf-8"))["diagnostics"]
    found = {(d["code"], d["pointer"]): d for d in diags}
    typo = found[("E0504", "#/renames/modles")]
    assert (typo["file"], typo["line"], typo["col"]) == (str(config), 3, 3)
    assert typo["severity"] == "error" and "models" in typo["hint"]
    wrong = found[("E0505", "#/runtime/max_retries")]
    assert (wrong["file"], wrong["line"], wrong["col"]) == (str(config), 6, 16)
    assert "integer" in wrong["message"]
    stderr = capsys.readouterr().err
    assert f"{config}:3:3: error[E0504]: unknown key 'modles'" in stderr
    assert f"{config}:6:16: error[E0505]" in stderr


def test_invalid_config_in_a_subprocess_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "codegen.yaml"
    config.write_text("pakage_name: x\n", encoding="utf-8")
    proc = run_codegen(
        "generate", "--spec", SPEC, "--output", tmp_path / "out", cwd=tmp_path, timeout=120
    )
    assert proc.returncode == 2, proc.stderr
    assert "codegen.yaml:1:1: error[E0504]: unknown key 'pakage_name'" in proc.stderr
    assert "did you mean 'package_name'?" in proc.stderr


def _load(tmp_path: Path, text: str) -> tuple[Config | None, DiagnosticSink]:
    path = tmp_path / "codegen.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    sink = DiagnosticSink()
    try:
        return load_config(path, sink), sink
    except FatalInputError:
        return None, sink


def _codes(sink: DiagnosticSink) -> set[tuple[str, str, int, int]]:
    return {(d.code, d.pointer, d.line, d.col) for d in sink.items}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1.0\n", ("E0505", "#/version", 1, 10)),
        ("version: '1.0 beta'\n", ("E0507", "#/version", 1, 10)),
        ("formatter: black\n", ("E0505", "#/formatter", 1, 12)),
        ("include_tags: runs\n", ("E0505", "#/include_tags", 1, 15)),
        ("errors:\n  status:\n    999: X\n", ("E0505", "#/errors/status/999", 3, 5)),
        ("errors:\n  names:\n    not_fund: X\n", ("E0504", "#/errors/names/not_fund", 3, 5)),
        ("renames:\n  models: {Run: run}\n", ("E0505", "#/renames/models/Run", 2, 17)),
        (
            "renames:\n  operations: {start_run: class}\n",
            ("E0507", "#/renames/operations/start_run", 2, 27),
        ),
        (
            "pagination:\n  list_runs: {cursor_param: c}\n",
            ("E0505", "#/pagination/list_runs", 2, 14),
        ),
        ("pagination:\n  list_runs: true\n", ("E0505", "#/pagination/list_runs", 2, 14)),
        ("package_name: a\npackage_name: b\n", ("E0506", "#/package_name", 2, 1)),
        ("templates: nowhere\n", ("E0508", "#/templates", 1, 12)),
        ("package_name: [\n", ("E0503", "#", 2, 1)),
        (
            "errors:\n  names: {not_found: Same, conflict: Same}\n",
            ("E0507", "#/errors/names/conflict", 2, 38),
        ),
        ("errors:\n  status: {503: NotFoundError}\n", ("E0507", "#/errors/status/503", 2, 17)),
        ("errors:\n  status: {410: X, 502: X}\n", ("E0507", "#/errors/status/502", 2, 25)),
        ("errors:\n  status: {418: ApiError}\n", ("E0507", "#/errors/status/418", 2, 17)),
    ],
)
def test_invalid_values_are_located(
    tmp_path: Path, text: str, expected: tuple[str, str, int, int]
) -> None:
    config, sink = _load(tmp_path, text)
    assert config is None
    assert expected in _codes(sink), sink.items
    assert all(d.file == str(tmp_path / "codegen.yaml") for d in sink.items)


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    sink = DiagnosticSink()
    with pytest.raises(FatalInputError):
        load_config(tmp_path / "nope.yaml", sink)
    assert [d.code for d in sink.items] == ["E0501"]
    assert _generate(tmp_path / "out", "--config", str(tmp_path / "nope.yaml")) == 2


def test_tag_overlap_is_a_warning(tmp_path: Path) -> None:
    config, sink = _load(tmp_path, "include_tags: [runs]\nexclude_tags: [runs]\n")
    assert config is not None
    assert [(d.code, d.severity) for d in sink.items] == [("W0509", Severity.WARNING)]


def test_error_status_table() -> None:
    names = error_names({"names": {"not_found": "MissingError"}, "status": {"410": "GoneError"}})
    table = dict(names.status_classes)
    assert table[404] == "MissingError" and table[410] == "GoneError"
    assert set(table) == set(DEFAULT_STATUS_ATTRS) | {410}
    assert list(table) == sorted(table)


def test_empty_config_gives_defaults(tmp_path: Path) -> None:
    config, sink = _load(tmp_path, "# nothing\n")
    assert config is not None and not sink.items
    assert config.error_names is None and config.formatter == "ruff" and config.max_retries == 2


# -- the schema, the example and the docs agree ---------------------------------------------------


def _schema_keys() -> set[str]:
    schema = load_schema()
    keys: set[str] = set()

    def walk(node: dict[str, object], prefix: str) -> None:
        for key, sub in (node.get("properties") or {}).items():  # type: ignore[union-attr]
            keys.add(prefix + key)
            if isinstance(sub, dict):
                walk(sub, prefix + key + ".")

    walk(schema, "")
    return keys


def test_example_config_is_valid_and_complete(tmp_path: Path) -> None:
    example = REPO / "codegen.example.yaml"
    config, sink = _load(tmp_path, example.read_text(encoding="utf-8"))
    assert config is not None, [d.render() for d in sink.items]
    assert not sink.has_errors
    for key in _schema_keys():
        assert f"{key.rsplit('.', 1)[-1]}:" in example.read_text(encoding="utf-8"), key


def test_docs_cover_every_config_key() -> None:
    docs = (REPO / "docs" / "config.md").read_text(encoding="utf-8")
    for key in _schema_keys():
        assert f"`{key.rsplit('.', 1)[-1]}`" in docs, f"docs/config.md does not document {key}"
    for code in ("E0501", "E0502", "E0503", "E0504", "E0505", "E0506", "E0507", "E0508", "W0509"):
        assert code in docs
