"""The test-infrastructure servers start, answer and stop (see tests/servers.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import urllib.request
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from servers import PrismServer, PyPIServer, ServerStartError, free_port, port_is_open

PING_SPEC = """\
openapi: 3.0.3
info:
  title: ping
  version: "1.0"
paths:
  /ping:
    get:
      operationId: ping
      responses:
        "200":
          description: pong
          content:
            application/json:
              schema:
                type: object
                properties:
                  ok: {type: boolean}
                  n: {type: integer}
              example:
                ok: true
                n: 42
"""


def _get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return json.loads(response.read())


def test_free_port_is_bindable() -> None:
    port = free_port()
    assert 1024 <= port <= 65535
    assert not port_is_open(port)


@pytest.mark.prism
def test_prism_serves_example_and_stops(tmp_path: Path) -> None:
    spec = tmp_path / "ping.yaml"
    spec.write_text(PING_SPEC, encoding="utf-8")
    with PrismServer(spec) as prism:
        assert prism.running
        assert prism.base_url == f"http://127.0.0.1:{prism.port}"
        assert _get_json(prism.base_url + "/ping") == {"ok": True, "n": 42}
        port = prism.port
    assert not prism.running
    assert not port_is_open(port)
    assert "Prism is listening on" in prism.output()


@pytest.mark.prism
def test_prism_factory_caches_servers(
    tmp_path: Path, prism_factory: Callable[..., PrismServer]
) -> None:
    spec = tmp_path / "ping.yaml"
    spec.write_text(PING_SPEC, encoding="utf-8")
    first = prism_factory(spec, dynamic=True)
    assert prism_factory(spec, dynamic=True) is first
    body = _get_json(first.base_url + "/ping")
    assert isinstance(body, dict) and set(body) <= {"ok", "n"}


@pytest.mark.prism
def test_prism_bad_spec_fails_with_output(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("openapi: [\n", encoding="utf-8")
    server = PrismServer(spec, timeout=30)
    with pytest.raises(ServerStartError, match="exited with code") as info:
        server.start()
    assert "bad.yaml" in str(info.value)  # Prism's own error message is included
    assert not server.running


def test_prism_missing_binary_says_npm_ci(tmp_path: Path) -> None:
    spec = tmp_path / "ping.yaml"
    spec.write_text(PING_SPEC, encoding="utf-8")
    server = PrismServer(spec, prism_bin=tmp_path / "node_modules" / ".bin" / "prism")
    with pytest.raises(ServerStartError, match="npm ci"):
        server.start()


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def _build_wheel(directory: Path, name: str, version: str) -> Path:
    """Write a minimal, valid pure-Python wheel by hand (no build backend needed)."""
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    files = {
        f"{dist}/__init__.py": f'__version__ = "{version}"\n'.encode(),
        f"{info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
            "Summary: portarium-codegen test fixture\n"
        ).encode(),
        f"{info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: portarium-tests\n"
            b"Root-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n" for path, data in files.items())
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    wheel = directory / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return wheel


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    proc = subprocess.run(
        [sys.executable, "-m", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, f"{args}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


def _upload_and_download(server: PyPIServer, tmp_path: Path) -> None:
    name = f"portarium-probe-{uuid.uuid4().hex[:8]}"
    wheel = _build_wheel(tmp_path, name, "0.0.1")
    # fmt: off
    _run("twine", "upload", "--non-interactive", "--disable-progress-bar",
         "--repository-url", server.url, "-u", "x", "-p", "x", str(wheel))
    assert (server.package_dir / wheel.name).is_file()
    downloads = tmp_path / "downloads"
    _run("pip", "download", "--no-deps", "--no-cache-dir", "--index-url", server.simple_url,
         "--dest", str(downloads), f"{name}==0.0.1")
    # fmt: on
    assert (downloads / wheel.name).read_bytes() == wheel.read_bytes()


def test_pypiserver_upload_download_and_stop(tmp_path: Path) -> None:
    with PyPIServer(tmp_path / "packages") as server:
        assert server.url == f"http://127.0.0.1:{server.port}/"
        assert server.simple_url == f"http://127.0.0.1:{server.port}/simple/"
        _upload_and_download(server, tmp_path)
        port = server.port
    assert not server.running
    assert not port_is_open(port)


def test_pypi_server_fixture(pypi_server: PyPIServer, tmp_path: Path) -> None:
    assert pypi_server.running
    _upload_and_download(pypi_server, tmp_path)
