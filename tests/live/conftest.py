"""Fixtures of the live tests: real Prefect and Jupyter servers, and clients generated from their specs.

Session-scoped (per xdist worker; under ``-n`` each live module runs on one worker, see
``scheduling.py``, so each server starts once):

- ``prefect_server`` -> started :class:`live_servers.PrefectServer` (``prefect`` as pinned in
  ``requirements-prefect.txt``, installed in ``.live/``), ``PREFECT_HOME`` a temp dir; stopped with its process group at the end.
- ``prefect_client`` -> :class:`generated.Generated` for the client generated with our CLI from the live
  ``GET /api/openapi.json`` (config ``prefect.codegen.yaml``: the spec's operationIds kept raw, so
  the module names the tests import are the spec's ``create_flow_flows__post`` etc. made into
  identifiers, whatever the default naming does).
- ``jupyter_server`` -> started :class:`live_servers.JupyterServer` (``jupyter-server`` and
  ``ipykernel`` as pinned in ``requirements-jupyter.txt``), root dir and Jupyter state in temp dirs, a random token.
- ``jupyter_client`` -> :class:`generated.Generated` for the client generated from the ``api.yaml``
  (Swagger 2.0) shipped inside the installed ``jupyter_server`` package.

A server that does not come up fails the tests that need it with the tail of its log (the failure
is cached by pytest, so the start is not retried for every test).
"""

from __future__ import annotations

import json
import secrets
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from generated import Generated, generate_client
from live_servers import JupyterServer, LiveEnv, PrefectServer, ensure_or_fail, start_or_fail

HERE = Path(__file__).resolve().parent

# The versions pinned in requirements-*.txt (full pip freezes; the env names follow them).
PREFECT_VERSION = "3.9.1"
JUPYTER_SERVER_VERSION = "2.21.1"

PREFECT_ENV = LiveEnv(f"prefect-{PREFECT_VERSION}", HERE / "requirements-prefect.txt")
JUPYTER_ENV = LiveEnv(f"jupyter-server-{JUPYTER_SERVER_VERSION}", HERE / "requirements-jupyter.txt")


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    env = ensure_or_fail(PREFECT_ENV)
    server = PrefectServer(env, tmp_path_factory.mktemp("prefect-home"))
    try:
        start_or_fail(server)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def prefect_client(
    prefect_server: PrefectServer, tmp_path_factory: pytest.TempPathFactory
) -> Generated:
    work = tmp_path_factory.mktemp("prefect-client")
    spec = work / "openapi.json"
    with urllib.request.urlopen(f"{prefect_server.base_url}/openapi.json", timeout=60) as r:
        document = json.load(r)
    spec.write_text(json.dumps(document), encoding="utf-8")
    return generate_client(
        spec, work / "out", "prefect_live_client", config=HERE / "prefect.codegen.yaml"
    )


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    env = ensure_or_fail(JUPYTER_ENV)
    base = tmp_path_factory.mktemp("jupyter")
    (base / "root").mkdir()
    server = JupyterServer(
        env, base / "root", secrets.token_hex(16), state_dir=base / "state", timeout=120.0
    )
    try:
        start_or_fail(server)
        yield server
    finally:
        server.stop()


def _jupyter_api_yaml(env: LiveEnv) -> Path:
    found = subprocess.run(
        [
            str(env.bin("python")),
            "-c",
            "import jupyter_server, pathlib; "
            "print(pathlib.Path(jupyter_server.__file__).parent / 'services/api/api.yaml')",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return Path(found.stdout.strip())


@pytest.fixture(scope="session")
def jupyter_client(
    jupyter_server: JupyterServer, tmp_path_factory: pytest.TempPathFactory
) -> Generated:
    work = tmp_path_factory.mktemp("jupyter-client")
    spec = _jupyter_api_yaml(jupyter_server.env)
    return generate_client(spec, work / "out", "jupyter_live_client")
