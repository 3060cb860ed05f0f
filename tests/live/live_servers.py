"""Real third-party servers for the live tests: pinned installs in ``.live/``, started and stopped here.

``LiveEnv(name, requirements_file)``
    A virtualenv at ``<repo>/.live/<name>-py<X.Y>`` (the Python running the tests) with exactly what ``requirements_file`` pins (a full
    ``pip freeze``) installed from PyPI by pip. ``ensure()`` reuses it when its stamp file says the
    same requirements and Python were installed; otherwise it deletes the folder and installs afresh
    (bounded by ``timeout``; a failure raises :class:`LiveSetupError` with the tail of pip's log).
    A file lock makes concurrent test processes (pytest-xdist workers) wait for one install.

``PrefectServer(env, home)`` / ``JupyterServer(env, root_dir, token)``
    The servers, each in its own process group on 127.0.0.1 and a free port (see
    ``tests/servers.py``, whose :class:`_ManagedServer` they extend): ``start()`` polls a health
    URL until it answers 200, at most ``timeout`` seconds; ``stop()`` ends the whole group.

``ensure_or_fail(env)`` / ``start_or_fail(server)``
    ``env.ensure()`` / ``server.start()``, turning a failure into ``pytest.fail`` with the tail of
    pip's or the server's log (what the fixtures use).

``log_tail(text, lines)``
    The last lines of a server's output, for failure messages.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from servers import HOST, REPO_ROOT, ServerStartError, _ManagedServer

__all__ = [
    "LIVE_DIR",
    "ensure_or_fail",
    "start_or_fail",
    "JupyterServer",
    "LiveEnv",
    "LiveSetupError",
    "PrefectServer",
    "log_tail",
]

LIVE_DIR = REPO_ROOT / ".live"
STAMP_NAME = ".portarium-live-stamp"


class LiveSetupError(RuntimeError):
    """A live server's virtualenv could not be installed."""


def log_tail(text: str, lines: int = 60) -> str:
    """The last ``lines`` lines of ``text``."""
    return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class LiveEnv:
    """A pinned virtualenv under ``.live/`` (see module docstring)."""

    def __init__(
        self, name: str, requirements_file: Path, *, timeout: float = 600.0, root: Path = LIVE_DIR
    ) -> None:
        self.name = name
        self.requirements_file = requirements_file
        self.timeout = timeout
        self.root = root
        self.path = root / f"{name}-py{sys.version_info[0]}.{sys.version_info[1]}"
        #: seconds the last ensure() spent installing (0.0 when the env was reused)
        self.install_seconds = 0.0

    def bin(self, tool: str) -> Path:
        """Path of an executable installed in the env (``bin/<tool>``)."""
        return self.path / "bin" / tool

    def _stamp(self) -> str:
        return json.dumps(
            {
                "requirements": self.requirements_file.read_text(encoding="utf-8"),
                "python": sys.version.split()[0],
                "path": str(self.path),  # a moved venv's scripts point to the old place
            },
            sort_keys=True,
        )

    def is_ready(self) -> bool:
        stamp = self.path / STAMP_NAME
        return stamp.is_file() and stamp.read_text(encoding="utf-8") == self._stamp()

    def ensure(self) -> LiveEnv:
        """Install the env unless an identical one is already there; return self."""
        with _file_lock(self.root / f".{self.name}.lock"):
            if self.is_ready():
                return self
            started = time.monotonic()
            self._install()
            self.install_seconds = time.monotonic() - started
        return self

    def _install(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        log_path = self.root / f"{self.name}-install.log"
        env = dict(os.environ)
        env.update({"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"})
        started = time.monotonic()
        deadline = started + self.timeout
        steps = [
            # no pip inside (ensurepip alone takes seconds); the tests' own pip installs into it
            [sys.executable, "-m", "venv", "--without-pip", str(self.path)],
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(self.bin("python")),
                "install",
                "--quiet",
                "--no-deps",  # the file pins every package: no resolver run
                "--no-compile",  # bytecode is written on first import, not for every module
                "-r",
                str(self.requirements_file),
            ],
        ]
        with open(log_path, "wb") as log:
            for command in steps:
                log.write(f"$ {' '.join(command)}\n".encode())
                log.flush()
                remaining = max(1.0, deadline - time.monotonic())
                try:
                    code = subprocess.run(
                        command,
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        env=env,
                        timeout=remaining,
                        check=False,
                    ).returncode
                except subprocess.TimeoutExpired:
                    code = None
                if code != 0:
                    log.close()
                    what = "timed out" if code is None else f"exited with {code}"
                    text = log_path.read_text(encoding="utf-8", errors="replace")
                    raise LiveSetupError(
                        f"installing {self.requirements_file.name} into {self.path} {what} "
                        f"(limit {self.timeout:.0f}s); last lines of {log_path}:\n{log_tail(text)}"
                    )
            log.write(f"installed in {time.monotonic() - started:.1f}s\n".encode())
        (self.path / STAMP_NAME).write_text(self._stamp(), encoding="utf-8")


def _http_ok(url: str, headers: dict[str, str] | None = None) -> bool:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _clean_env(drop_prefixes: Sequence[str]) -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if not any(key.startswith(prefix) for prefix in drop_prefixes)
    }


class PrefectServer(_ManagedServer):
    """``prefect server start`` on SQLite in ``home`` (``PREFECT_HOME``), API under ``/api``."""

    name = "Prefect"

    def __init__(self, env: LiveEnv, home: Path, *, timeout: float = 240.0) -> None:
        super().__init__(timeout)
        self.env = env
        self.home = home

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/api``: where the spec's ``servers: [{url: /api}]`` points."""
        return f"http://{HOST}:{self.port}/api"

    def _command(self, port: int) -> list[str]:
        return [
            str(self.env.bin("prefect")),
            "server",
            "start",
            "--host",
            HOST,
            "--port",
            str(port),
            "--no-services",  # no scheduler / late-runs loops changing states under the tests
            "--no-ui",
            "--analytics-off",
        ]

    def _env(self) -> dict[str, str]:
        env = _clean_env(["PREFECT_"])
        env.update(
            {
                "PREFECT_HOME": str(self.home),
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PREFECT_UI_ENABLED": "false",
                "DO_NOT_TRACK": "1",
                "NO_COLOR": "1",
            }
        )
        return env

    def _cwd(self) -> Path:
        return self.home

    def _is_ready(self) -> bool:
        return _http_ok(f"{self.base_url}/health")


class JupyterServer(_ManagedServer):
    """``jupyter server`` serving ``root_dir``, with token authentication."""

    name = "Jupyter"

    def __init__(
        self, env: LiveEnv, root_dir: Path, token: str, *, state_dir: Path, timeout: float = 120.0
    ) -> None:
        super().__init__(timeout)
        self.env = env
        self.root_dir = root_dir
        self.token = token
        self.state_dir = state_dir

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def _command(self, port: int) -> list[str]:
        command = [
            str(self.env.bin("jupyter")),
            "server",
            "--ip",
            HOST,
            "--port",
            str(port),
            "--no-browser",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        return command

    def _env(self) -> dict[str, str]:
        env = _clean_env(["JUPYTER", "IPYTHON"])
        # keep the user's own Jupyter config, data and runtime files out of the test server
        env.update(
            {
                "JUPYTER_CONFIG_DIR": str(self.state_dir / "config"),
                "JUPYTER_DATA_DIR": str(self.state_dir / "data"),
                "JUPYTER_RUNTIME_DIR": str(self.state_dir / "runtime"),
                "IPYTHONDIR": str(self.state_dir / "ipython"),
                "JUPYTER_PLATFORM_DIRS": "1",
            }
        )
        return env

    def _cwd(self) -> Path:
        return self.root_dir

    def _is_ready(self) -> bool:
        return _http_ok(
            f"{self.base_url}/api/status", headers={"Authorization": f"token {self.token}"}
        )


def ensure_or_fail(env: LiveEnv) -> LiveEnv:
    """``env.ensure()``; an install failure fails the test with the tail of pip's log."""
    try:
        return env.ensure()
    except LiveSetupError as exc:
        pytest.fail(str(exc), pytrace=False)


def start_or_fail(server: _ManagedServer) -> None:
    """``server.start()``; a server that does not come up fails the test with its log's tail."""
    try:
        server.start()
    except ServerStartError as exc:
        pytest.fail(
            f"{server.name} did not come up: {str(exc).splitlines()[0]}\n"
            f"last lines of its log:\n{log_tail(str(exc))}",
            pytrace=False,
        )
