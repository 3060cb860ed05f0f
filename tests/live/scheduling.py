"""xdist scheduling that keeps each live-server test module on one worker.

Under ``-n`` (``--dist load``, what ``scripts/test.sh`` runs) pytest-xdist would spread a module's
tests over both workers, and each worker would then start its own Prefect or Jupyter server (a
session fixture is per worker). :class:`LiveModuleScheduling` is xdist's scope scheduling with one
work unit per live module (``tests/live/test_live_*.py``) and one per test everywhere else, so
other tests are distributed exactly as with ``load``. Bigger units are handed out first (xdist's
``loadscopereorder``), so the live modules start early and their installs overlap other tests.

xdist's own ``--dist loadgroup`` with ``xdist_group`` marks would say the same, but it groups
nothing on pytest >= 9.2 (it appends the group to ``item._nodeid``, which pytest no longer reads).
``tests/conftest.py`` installs this scheduler through ``pytest_xdist_make_scheduler``.
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

__all__ = ["LiveModuleScheduling", "is_live_module"]

LIVE_PREFIX = "tests/live/test_live_"


def is_live_module(path: str) -> bool:
    """Whether a nodeid's file part is a live-server module."""
    return path.startswith(LIVE_PREFIX) and path.endswith(".py")


class LiveModuleScheduling(LoadScopeScheduling):
    """One work unit per live module, one per test elsewhere (see module docstring)."""

    def _split_scope(self, nodeid: str) -> str:
        path = nodeid.split("::", 1)[0]
        return path if is_live_module(path) else nodeid
