"""Shared pytest fixtures: repository paths, local servers, Hypothesis profiles.

Fixtures (all session-scoped; each xdist worker has its own session):

- ``repo_root`` -> ``Path`` of the repository checkout.
- ``corpus_dir`` -> ``repo_root.parent / "shared" / "corpus"`` (skips if absent).
- ``prism_factory`` -> ``start(spec, *, dynamic=False, errors=False, extra_args=())``
  returning a started :class:`servers.PrismServer`; the same arguments give the same
  (cached) server; all are stopped at the end of the session.
- ``prism_portarium`` -> ``PrismServer`` for ``spec/portarium-control-plane.v1.yaml``
  (static examples; skips if the spec file does not exist).
- ``pypi_server`` -> started :class:`servers.PyPIServer` (auth disabled); shared by
  the whole session, so upload distributions with names unique to your test.

Hypothesis profiles: ``ci`` (default: 25 examples, no deadline) and ``long``
(2000 examples, no deadline); choose with ``--hypothesis-profile=long``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import REPO_ROOT, PrismServer, PyPIServer  # noqa: E402

settings.register_profile("ci", max_examples=25, deadline=None)
settings.register_profile("long", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PORTARIUM_SPEC = REPO_ROOT / "spec" / "portarium-control-plane.v1.yaml"

PrismFactory = Callable[..., PrismServer]


def pytest_configure(config: pytest.Config) -> None:
    # The Hypothesis plugin loads --hypothesis-profile too; re-apply it here in case
    # this conftest was imported after the plugin's own pytest_configure ran.
    profile = config.getoption("hypothesis_profile", default=None)
    if profile:
        settings.load_profile(profile)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """Under ``-n`` (``--dist load``): each live-server module on one worker (tests/live/scheduling.py)."""
    if config.getvalue("dist") != "load":
        return None
    from live.scheduling import LiveModuleScheduling

    return LiveModuleScheduling(config, log)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def corpus_dir(repo_root: Path) -> Path:
    path = repo_root.parent / "shared" / "corpus"
    if not path.is_dir():
        pytest.skip(f"spec corpus not found at {path} (expected ../shared/corpus)")
    return path


@pytest.fixture(scope="session")
def prism_factory() -> Iterator[PrismFactory]:
    started: dict[tuple[object, ...], PrismServer] = {}

    def start(
        spec: str | os.PathLike[str],
        *,
        dynamic: bool = False,
        errors: bool = False,
        extra_args: Sequence[str] = (),
    ) -> PrismServer:
        key = (str(Path(spec).resolve()), dynamic, errors, tuple(extra_args))
        server = started.get(key)
        if server is None or not server.running:
            server = PrismServer(spec, dynamic=dynamic, errors=errors, extra_args=extra_args)
            server.start()
            started[key] = server
        return server

    yield start
    for server in started.values():
        server.stop()


@pytest.fixture(scope="session")
def prism_portarium(prism_factory: PrismFactory) -> PrismServer:
    if not PORTARIUM_SPEC.is_file():
        pytest.skip(f"{PORTARIUM_SPEC.relative_to(REPO_ROOT)} does not exist yet")
    return prism_factory(PORTARIUM_SPEC)


@pytest.fixture(scope="session")
def pypi_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PyPIServer]:
    with PyPIServer(tmp_path_factory.mktemp("pypi-packages")) as server:
        yield server
