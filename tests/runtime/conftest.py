"""Fixtures for the runtime tests.

- ``R`` (session): builds the throwaway ``rtpkg`` package (see ``rtpkg_builder``) in a temp dir,
  puts it on ``sys.path`` and returns a namespace of its modules (``R.errors``, ``R.sse``, ...).
- ``sleeps`` (autouse): replaces the runtime's ``_sleep`` / ``_asleep`` so nothing really waits;
  the list it returns holds the requested delays.
- ``server`` (session, reset per test via ``fault``): the fault-injecting HTTP server.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fault_server import FaultServer  # noqa: E402
from rtpkg_builder import build_package  # noqa: E402

_MODULES = (
    "auth",
    "base_client",
    "endpoint",
    "httpx_errors",
    "jsonlib",
    "observe",
    "pagination",
    "params",
    "responses",
    "retries",
    "serde",
    "sse",
    "streams",
    "strict",
)


@pytest.fixture(scope="session")
def R(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:  # noqa: N802 - short on purpose
    root = tmp_path_factory.mktemp("rtpkg-root")
    pkg_dir = build_package(root)
    sys.path.insert(0, str(root))
    for name in [m for m in sys.modules if m == "rtpkg" or m.startswith("rtpkg.")]:
        del sys.modules[name]
    ns = SimpleNamespace(root=root, pkg_dir=pkg_dir)
    ns.pkg = importlib.import_module("rtpkg")
    for name in ("errors", "types", "api", "models", "client"):
        setattr(ns, name, importlib.import_module(f"rtpkg.{name}"))
    for name in _MODULES:
        setattr(ns, name, importlib.import_module(f"rtpkg._runtime.{name}"))
    return ns


@pytest.fixture(autouse=True)
def sleeps(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    delays: list[float] = []
    if "R" not in request.fixturenames:
        return delays
    retries = request.getfixturevalue("R").retries

    def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    async def fake_asleep(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr(retries, "_sleep", fake_sleep)
    monkeypatch.setattr(retries, "_asleep", fake_asleep)
    return delays


@pytest.fixture(scope="session")
def _fault_server() -> Iterator[FaultServer]:
    server = FaultServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def server(_fault_server: FaultServer) -> FaultServer:
    _fault_server.reset()
    return _fault_server
