"""Throw-away local servers for the test suite: a Prism mock server and a PyPI index.

Everything here listens on 127.0.0.1 only, on a free port picked at start, and is
stopped by the code that started it (use the classes as context managers, or the
pytest fixtures in ``tests/conftest.py`` that wrap them).  A last-resort ``atexit``
hook also stops whatever is still running when the interpreter exits.

Helpers
-------
``free_port() -> int``
    A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, close).

``PrismServer(spec, *, dynamic=False, errors=False, extra_args=(), timeout=60.0)``
    Runs ``node_modules/.bin/prism mock <spec> -h 127.0.0.1 -p <port>`` (``-d`` when
    ``dynamic``, ``--errors`` when ``errors``).  Prism comes from the committed
    ``package-lock.json``: run ``npm ci`` in the repository root (``scripts/test.sh``
    does it for you).  ``start()`` returns only once the port accepts connections
    *and* Prism has printed its ``Prism is listening on ...`` line; on failure or
    after ``timeout`` seconds it raises :class:`ServerStartError` with Prism's
    output.  Attributes: ``.base_url`` (``http://127.0.0.1:<port>``, no trailing
    slash), ``.port``, ``.output()`` (everything Prism printed so far).

``PyPIServer(package_dir=None, *, timeout=30.0)``
    Runs ``python -m pypiserver run -p <port> -i 127.0.0.1 -a . -P .
    --disable-fallback <package_dir>`` with authentication disabled, so
    ``twine upload --repository-url <url> -u x -p x ...`` works with any
    credentials.  Without ``package_dir`` a temporary directory is used and removed
    on stop.  Attributes: ``.url`` (``http://127.0.0.1:<port>/``, the upload URL),
    ``.simple_url`` (``http://127.0.0.1:<port>/simple/``, for ``pip --index-url``),
    ``.package_dir``, ``.port``, ``.output()``.

Both servers run in their own process group; ``stop()`` sends SIGTERM to the
group, then SIGKILL after a grace period, and waits until the port is closed.

Example::

    from servers import PrismServer

    with PrismServer("spec/portarium-control-plane.v1.yaml", dynamic=True) as prism:
        httpx.get(prism.base_url + "/v1/health")
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

REPO_ROOT = Path(__file__).resolve().parent.parent
PRISM_BIN = REPO_ROOT / "node_modules" / ".bin" / "prism"
HOST = "127.0.0.1"

__all__ = [
    "HOST",
    "PRISM_BIN",
    "REPO_ROOT",
    "PrismServer",
    "PyPIServer",
    "ServerStartError",
    "free_port",
    "port_is_open",
]


class ServerStartError(RuntimeError):
    """A helper server could not be started (message includes its output)."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_open(port: int, host: str = HOST, timeout: float = 0.5) -> bool:
    """True if something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


_LIVE: weakref.WeakSet[_ManagedServer] = weakref.WeakSet()


@atexit.register
def _stop_leftovers() -> None:
    for server in list(_LIVE):
        server.stop()


class _ManagedServer:
    """A child process in its own process group, logging to a temporary file."""

    name = "server"
    #: how often start() retries on a fresh port when the process dies early
    #: (covers the small race between free_port() and the server's bind)
    start_attempts = 3

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._log_path: Path | None = None
        self._last_output = ""

    # -- to be provided by subclasses ------------------------------------------------
    def _command(self, port: int) -> list[str]:
        raise NotImplementedError

    def _is_ready(self) -> bool:
        raise NotImplementedError

    def _env(self) -> dict[str, str]:
        return dict(os.environ)

    def _cwd(self) -> Path:
        return REPO_ROOT

    # -- lifecycle --------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def output(self) -> str:
        """Everything the process has printed (stdout and stderr) so far.

        After ``stop()`` this is what the last run printed.
        """
        if self._log_path is None or not self._log_path.exists():
            return self._last_output
        return self._log_path.read_text(encoding="utf-8", errors="replace")

    def start(self) -> _ManagedServer:
        if self.running:
            return self
        failures: list[str] = []
        for _attempt in range(self.start_attempts):
            error = self._start_once(free_port())
            if error is None:
                _LIVE.add(self)
                return self
            failures.append(error)
            if not error.startswith("exited"):
                break  # a timeout is not a port race: don't retry
        raise ServerStartError(f"{self.name} did not start on {HOST}.\n" + "\n\n".join(failures))

    def _start_once(self, port: int) -> str | None:
        """Start on ``port``; None when ready, else a description of the failure."""
        self.port = port
        fd, log_name = tempfile.mkstemp(prefix=f"{self.name.lower()}-", suffix=".log")
        os.close(fd)
        self._log_path = Path(log_name)
        self._log = open(self._log_path, "wb")  # noqa: SIM115 - closed in _cleanup()
        command = self._command(port)
        self._proc = subprocess.Popen(
            command,
            cwd=self._cwd(),
            env=self._env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            code = self._proc.poll()
            if code is not None:
                out = self.output()
                self._signal_group(self._proc, signal.SIGKILL)
                self._cleanup()
                return (
                    f"exited with code {code} before it was ready.\n"
                    f"command: {' '.join(command)}\noutput:\n{out}"
                )
            if port_is_open(port) and self._is_ready():
                return None
            time.sleep(0.1)
        out = self.output()
        self.stop()
        return (
            f"timed out after {self.timeout:.0f}s waiting for it to be ready on port {port}.\n"
            f"command: {' '.join(command)}\noutput:\n{out}"
        )

    def stop(self, grace: float = 10.0) -> None:
        """Stop the whole process group (SIGTERM, then SIGKILL) and wait for the port."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            self._signal_group(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self._signal_group(proc, signal.SIGKILL)
                proc.wait(timeout=grace)
        # children that ignored SIGTERM while the leader exited
        self._signal_group(proc, signal.SIGKILL)
        deadline = time.monotonic() + grace
        while self.port and port_is_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)
        self._cleanup()
        _LIVE.discard(self)

    @staticmethod
    def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)  # start_new_session=True: pgid == pid

    def _cleanup(self) -> None:
        self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._log_path is not None:
            self._last_output = self.output()
            self._log_path.unlink(missing_ok=True)
            self._log_path = None

    def __enter__(self) -> _ManagedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class PrismServer(_ManagedServer):
    """Stoplight Prism mock server for one OpenAPI document (see module docstring)."""

    name = "Prism"

    def __init__(
        self,
        spec: str | os.PathLike[str],
        *,
        dynamic: bool = False,
        errors: bool = False,
        extra_args: Sequence[str] = (),
        timeout: float = 60.0,
        prism_bin: str | os.PathLike[str] = PRISM_BIN,
    ) -> None:
        super().__init__(timeout)
        self.spec = Path(spec).resolve()
        self.dynamic = dynamic
        self.errors = errors
        self.extra_args = tuple(extra_args)
        self.prism_bin = Path(prism_bin)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        return f"http://{HOST}:{self.port}"

    def start(self) -> PrismServer:
        if not self.prism_bin.exists():
            raise ServerStartError(
                f"Prism is not installed: {self.prism_bin} is missing. "
                f"Run `npm ci` in {REPO_ROOT} (scripts/test.sh does it)."
            )
        if shutil.which("node") is None:
            raise ServerStartError("Prism needs Node.js, but `node` is not on PATH.")
        if not self.spec.is_file():
            raise ServerStartError(f"Prism: spec file {self.spec} does not exist.")
        super().start()
        return self

    def __enter__(self) -> PrismServer:
        return self.start()

    def _command(self, port: int) -> list[str]:
        cmd = [str(self.prism_bin), "mock", str(self.spec), "-h", HOST, "-p", str(port)]
        if self.dynamic:
            cmd.append("-d")
        if self.errors:
            cmd.append("--errors")
        cmd.extend(self.extra_args)
        return cmd

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({"NO_COLOR": "1", "FORCE_COLOR": "0", "SCARF_ANALYTICS": "false"})
        return env

    def _is_ready(self) -> bool:
        pattern = rf"Prism is listening on http://{re.escape(HOST)}:{self.port}\b"
        return re.search(pattern, self.output()) is not None

    def __repr__(self) -> str:
        return f"PrismServer({str(self.spec)!r}, dynamic={self.dynamic}, port={self.port})"


class PyPIServer(_ManagedServer):
    """Local pypiserver index with authentication disabled (see module docstring)."""

    name = "pypiserver"

    def __init__(
        self, package_dir: str | os.PathLike[str] | None = None, *, timeout: float = 30.0
    ) -> None:
        super().__init__(timeout)
        self._own_dir = package_dir is None
        if package_dir is None:
            package_dir = tempfile.mkdtemp(prefix="pypiserver-packages-")
        self.package_dir = Path(package_dir).resolve()
        self.package_dir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        """Upload URL for ``twine upload --repository-url``: ``http://127.0.0.1:<port>/``."""
        return f"http://{HOST}:{self.port}/"

    @property
    def simple_url(self) -> str:
        """Index URL for ``pip --index-url``: ``http://127.0.0.1:<port>/simple/``."""
        return f"http://{HOST}:{self.port}/simple/"

    def start(self) -> PyPIServer:
        self.package_dir.mkdir(parents=True, exist_ok=True)
        super().start()
        return self

    def __enter__(self) -> PyPIServer:
        return self.start()

    def stop(self, grace: float = 10.0) -> None:
        super().stop(grace)
        if self._own_dir:
            shutil.rmtree(self.package_dir, ignore_errors=True)

    def _command(self, port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "pypiserver",
            "run",
            "-p",
            str(port),
            "-i",
            HOST,
            "-a",
            ".",
            "-P",
            ".",
            "--disable-fallback",
            str(self.package_dir),
        ]

    def _cwd(self) -> Path:
        return self.package_dir

    def _is_ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{self.port}/health", timeout=2) as r:
                return bool(r.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def __repr__(self) -> str:
        return f"PyPIServer({str(self.package_dir)!r}, port={self.port})"
