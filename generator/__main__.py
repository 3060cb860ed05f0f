"""The process entry point: ``python -m generator`` and the ``portarium-codegen`` console script.

Both run :func:`entry`, which does three things a library call of :func:`generator.cli.main` must
not do to its caller's process:

- Imports allocate ~100k long-lived objects (classes, functions, regexes): collecting while they
  are made finds no garbage, so the collector is off until they are in, then they are moved out
  of its reach (``gc.freeze``), so no later collection walks them again.
- Regular expressions compiled by earlier runs are served from the generator's cache
  (:mod:`generator.regexcache`), which reaches into :mod:`re`'s internals: a library caller's
  process is left as it is.
- Outside a run's validation the collector never runs on its own (threshold 0): what a run
  made is freed by reference counting, or not at all at the end.
- The process ends with ``os._exit`` once the output streams are flushed: everything the run
  wrote is closed by then, and tearing down the interpreter (freeing every object of the spec,
  the IR and the rendered tree one by one) would take a tenth of a second or more on large specs
  for nothing. Not under a profiler, a tracer or coverage: they write their results at exit, so
  then it raises ``SystemExit`` as usual.

This module imports nothing of the generator until :func:`entry` runs, so that the console
script (which imports it to find :func:`entry`) gets the same start-up as ``python -m``.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from typing import NoReturn


def entry(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the command line (``argv``: default ``sys.argv[1:]``) and end the process."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        from generator import regexcache

        regexcache.install()  # before the imports that compile patterns
        from generator.cli import main
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
    # No automatic collection outside a run's validation (which sets its own thresholds): at the
    # end of a run the collector would walk every object the run made (~10 ms on GitHub's spec)
    # in a process about to end.
    gc.set_threshold(0)
    code = main(argv)
    from generator.records import keep_compiled

    keep_compiled()  # os._exit below runs no atexit handler
    regexcache.keep()
    if sys.getprofile() is not None or sys.gettrace() is not None or "coverage" in sys.modules:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - a stream that cannot flush: let the normal exit report it
        raise SystemExit(code) from None
    os._exit(code)


if __name__ == "__main__":
    entry()
