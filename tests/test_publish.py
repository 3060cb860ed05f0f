"""Publishing: generate the Portarium client, build wheel + sdist, ``twine check``, upload to a local
PyPI (pypiserver), ``pip install`` it from there into a fresh venv, and run the user's guide
snippets (Usage, Authentication, Pagination) with the installed package against Prism.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from test_seed_snippets import seed_program

from generator.cli import main

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec" / "portarium-control-plane.v1.yaml"


def _run(
    cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600
) -> str:
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, f"{' '.join(cmd)}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc.stdout + proc.stderr


def _clean_env() -> dict[str, str]:
    """The environment without anything that would make the repo or our venv importable."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("publish")
    out = root / "portarium-client"
    code = main(["generate", "--spec", str(SPEC), "--output", str(out), "--quiet"])
    assert code == 0
    dist = root / "dist"
    assert main(["build", "--output", str(out), "--dist", str(dist), "--check"]) == 0
    # the generated tree is left untouched by the build
    assert not (out / "build").exists() and not list(out.glob("*.egg-info"))
    return sorted(dist.iterdir())


def test_wheel_and_sdist_metadata(dists: list[Path]) -> None:
    names = [p.name for p in dists]
    assert names == ["portarium_client-1.0.0-py3-none-any.whl", "portarium_client-1.0.0.tar.gz"]
    wheel, sdist = dists
    with zipfile.ZipFile(wheel) as zf:
        members = set(zf.namelist())
        metadata = zf.read("portarium_client-1.0.0.dist-info/METADATA").decode()
    assert "portarium_client/py.typed" in members
    assert "portarium_client/_runtime/base_client.py" in members
    for line in (
        "Name: portarium-client",
        "Version: 1.0.0",
        "Summary: A typed Python client for Portarium Control Plane API",
        "License-Expression: MIT",
        "Requires-Python: >=3.10",
        "Requires-Dist: httpx<1,>=0.23",
        "Description-Content-Type: text/markdown",
    ):
        assert line in metadata.splitlines(), line
    with tarfile.open(sdist) as tf:
        sdist_names = {m.name for m in tf.getmembers()}
    assert "portarium_client-1.0.0/portarium_client/py.typed" in sdist_names
    assert "portarium_client-1.0.0/pyproject.toml" in sdist_names


def test_build_without_a_generated_client_is_exit_2(tmp_path: Path) -> None:
    assert main(["build", "--output", str(tmp_path), "--dist", str(tmp_path / "d")]) == 2


@pytest.mark.prism
def test_upload_install_and_run_the_guide(
    dists: list[Path], pypi_server: object, prism_portarium: object, tmp_path: Path
) -> None:
    upload_url: str = pypi_server.url  # type: ignore[attr-defined]
    simple_url: str = pypi_server.simple_url  # type: ignore[attr-defined]
    env = _clean_env()
    _run(
        [
            sys.executable,
            "-m",
            "twine",
            "upload",
            "--non-interactive",
            "--repository-url",
            upload_url,
            "-u",
            "x",
            "-p",
            "x",
            *map(str, dists),
        ],
        cwd=tmp_path,
        env=env,
    )

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, env=env)
    python = str(venv / "bin" / "python")
    _run([python, "-m", "pip", "install", "--quiet", "httpx>=0.23,<1"], cwd=tmp_path, env=env)
    _run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--index-url",
            simple_url,
            "--no-deps",
            "portarium-client==1.0.0",
        ],
        cwd=tmp_path,
        env=env,
    )
    where = _run(
        [
            python,
            "-c",
            "import portarium_client, pathlib; p = pathlib.Path(portarium_client.__file__).parent; print(p, (p / 'py.typed').is_file())",
        ],
        cwd=tmp_path,
        env=env,
    )
    assert str(venv) in where and where.strip().endswith("True"), where

    program = tmp_path / "guide.py"
    program.write_text(seed_program(prism_portarium.base_url), encoding="utf-8")  # type: ignore[attr-defined]
    output = _run([python, str(program)], cwd=tmp_path, env=env, timeout=120)
    assert "Run started:" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("MIT", "MIT"),
        ("MIT License", "MIT"),
        ("Apache 2.0", "Apache-2.0"),
        ("Proprietary", "LicenseRef-Proprietary"),
        ("ACME Corp. EULA (v2)", "LicenseRef-ACME-Corp.-EULA-v2"),
        ("", "LicenseRef-Proprietary"),
    ],
)
def test_license_names_become_valid_spdx_expressions(name: str, expected: str) -> None:
    from packaging.licenses import canonicalize_license_expression

    from generator.render import spdx

    assert spdx(name) == expected
    assert canonicalize_license_expression(spdx(name)) == expected
