"""``python -m generator`` entry point.

The process ends with ``os._exit`` once the output streams are flushed: everything the run wrote
is closed by then, and tearing down the interpreter (freeing every object of the spec, the IR and
the rendered tree one by one) would take a tenth of a second or more on large specs for nothing.
Not under a profiler, a tracer or coverage: they write their results at exit.
"""

import gc
import os
import sys

# Imports allocate ~100k long-lived objects (classes, functions, regexes): collecting while they
# are made finds no garbage, so the collector is off until they are in, then they are moved out
# of its reach (``gc.freeze``), so no later collection walks them again.
gc.disable()
from generator.cli import main  # noqa: E402

gc.freeze()
gc.enable()
code = main()
if sys.getprofile() is not None or sys.gettrace() is not None or "coverage" in sys.modules:
    raise SystemExit(code)
try:
    sys.stdout.flush()
    sys.stderr.flush()
except Exception:  # noqa: BLE001 - a stream that cannot flush: let the normal exit report it
    raise SystemExit(code) from None
os._exit(code)
