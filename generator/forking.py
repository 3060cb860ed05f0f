"""Running one function in a forked child beside the caller (the second core), and when not to.

:class:`Forked` forks the current process (copy-on-write: the child sees every object the parent
had, without copying or pickling it), calls a function there, and pickles its return value back
through a pipe. :meth:`Forked.result` waits for it with a deadline; a child that raised, crashed,
was killed or answered nonsense becomes :class:`WorkerFailed` carrying the child's traceback (an
internal error, exit 3), never a hang. :meth:`Forked.close` kills and reaps a child that is still
running (every exit path of the caller must call it: no zombies, no orphans). A thread in the
child ends it soon after the parent dies, if the parent dies first.

:func:`can_fork` says whether forking is available and safe here: Linux only (macOS forks but
its system libraries are not fork-safe; Windows has no ``fork``), only while this process runs a
single thread, and not when ``PORTARIUM_CODEGEN_SERIAL`` is set (benchmarks and tests use it to
measure or exercise the serial path). Callers fall back to running the function themselves.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from generator.output import kill_and_reap, write_all

T = TypeVar("T")

SERIAL_ENV = "PORTARIUM_CODEGEN_SERIAL"

WORKER_TIMEOUT_FLOOR = 300.0
"""Seconds a worker may take at least, past ten times what the parent's own share of the work
took: bounded, but far beyond any healthy run (Graph beta validates in ~4 s)."""

_EXIT_OK = 0
_EXIT_FAILED = 70


class WorkerFailed(RuntimeError):
    """The forked child did not return a value: it raised, crashed, was killed or timed out."""


def can_fork() -> bool:
    """Whether :class:`Forked` may fork here (else the caller runs the work itself)."""
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and not os.environ.get(SERIAL_ENV)
        and threading.active_count() == 1
    )


PARENT_POLL_SECONDS = 0.1
"""How often a child checks that its parent still lives."""


def _die_with_parent(parent: int) -> None:
    """End this (child) process within :data:`PARENT_POLL_SECONDS` of its parent's death.

    A daemon thread compares the parent id with ``parent``, taken before the fork (an orphan is
    adopted by another process). Asking the kernel instead (``prctl(PR_SET_PDEATHSIG)``, as this
    did before) needs ``ctypes``, whose import cost the child ~4 ms before it started its work,
    most of what a fork costs here; and it missed a parent that died before the call.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(_EXIT_FAILED)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class Forked(Generic[T]):
    """``fn()`` computed in a forked child; :meth:`result` returns it (see the module doc).

    Only call when :func:`can_fork` is true. The child never returns into the caller's code: it
    leaves through ``os._exit``, so no ``finally`` or ``atexit`` of the parent runs in it (a staged
    output tree is removed by the parent only).
    """

    def __init__(self, fn: Callable[[], T]) -> None:
        self._pid = 0
        self._fd = -1
        read_fd, write_fd = os.pipe()
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            raise
        if pid == 0:  # pragma: no cover - the child; its coverage is not collected
            os.close(read_fd)
            _child(fn, write_fd, parent)
        os.close(write_fd)
        self._pid, self._fd = pid, read_fd

    @property
    def pid(self) -> int:
        """The child's process id while it is not reaped, else 0."""
        return self._pid

    def result(self, timeout: float) -> T:
        """The child's return value; waits at most ``timeout`` seconds for it."""
        if not self._pid:
            raise WorkerFailed("the worker was already collected or closed")
        deadline = time.monotonic() + timeout
        chunks: list[bytes] = []
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise WorkerFailed(
                        f"the worker (pid {self._pid}) did not finish in {timeout:.0f} s"
                    )
                ready, _, _ = select.select([self._fd], [], [], left)
                if not ready:
                    continue
                chunk = os.read(self._fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        except BaseException:
            self.close()
            raise
        os.close(self._fd)
        self._fd = -1
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        data = b"".join(chunks)
        if os.WIFSIGNALED(status):
            raise WorkerFailed(f"the worker was killed by signal {os.WTERMSIG(status)}")
        try:
            kind, value = pickle.loads(data)
        except Exception as exc:  # noqa: BLE001 - any undecodable answer is a failed worker
            raise WorkerFailed(
                f"the worker exited with status {os.WEXITSTATUS(status)} without an answer"
            ) from exc
        if kind == "error":
            raise WorkerFailed(f"the worker raised:\n{value}")
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        """Kill and reap the child if it still runs; idempotent."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if self._pid:
            kill_and_reap(self._pid)
            self._pid = 0


def worker_timeout(own_seconds: float) -> float:
    """How long to wait for a worker whose parent spent ``own_seconds`` on its own share."""
    return max(WORKER_TIMEOUT_FLOOR, 10 * own_seconds)


def _child(
    fn: Callable[[], object], write_fd: int, parent: int
) -> None:  # pragma: no cover - in the child
    code = _EXIT_FAILED
    try:
        _die_with_parent(parent)
        # Ctrl-C reaches the whole process group: the parent handles it and kills this child.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # No collections in the child: one writes to every object it scans, which would copy
        # the parent's pages into the child (and it lives for one task).
        gc.disable()
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        try:
            payload = pickle.dumps(("ok", fn()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            import traceback

            payload = pickle.dumps(("error", traceback.format_exc()))
        write_all(write_fd, payload)
        code = _EXIT_OK
    finally:
        os._exit(code)
