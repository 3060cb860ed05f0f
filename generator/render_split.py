"""Rendering the planned files straight into the staged tree, split over two processes.

On a large spec (:func:`generator.overlap.parallel_worthwhile`) the pipeline creates the staged
directory first, then :func:`render_into` renders every planned file and writes it there at once
(the rendered text is never held for the whole tree: the formatted files are read back after
ruff anyway). A forked child (:mod:`generator.forking`) and this process share the work by whole
directories (:func:`directory_groups`), handed out from a queue (:class:`GroupQueue`) to
whichever process is free, largest first: this process joins once the work the caller passes as
``beside`` (the surface extraction) is done, and neither waits for the other at the end longer
than one directory takes. (A fixed split by file count left this process with a third more work
than the child on GitHub and Microsoft Graph: an operation module costs about twice a model's.)

What the serial pipeline learns from the rendered text comes back as a :class:`Rendered`: the size
of the generated ``.py`` modules (for :data:`generator.pipeline.SMALL_TREE`), their compile errors
when asked (in plan order, as :class:`generator.output.CompileCheck` lists them), and the first
template error in plan order (the one the serial loop would have stopped at).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import field

import jinja2

from generator.diagnostics import Diagnostic
from generator.forking import Forked, worker_timeout
from generator.output import create_file, syntax_errors, write_all
from generator.plan import PlannedFile
from generator.records import mutable_record
from generator.render import TemplateError, render

_RECORD = 4  # bytes of one group number in the queue's pipe
_PIPE_BYTES = 1 << 20  # the queue's pipe, enlarged to hold every group number at once


@mutable_record()
class Rendered:
    """What rendering one share (or the whole tree) found out."""

    generated_bytes: int = 0  # rendered (not verbatim) ``.py`` modules
    compile_errors: list[tuple[int, str]] = field(default_factory=list)  # (plan index, error)
    template_error: tuple[int, Diagnostic] | None = None  # the first, by plan index
    render_seconds: float = 0.0
    write_seconds: float = 0.0

    def merge(self, other: Rendered) -> None:
        self.generated_bytes += other.generated_bytes
        self.compile_errors = sorted(self.compile_errors + other.compile_errors)
        errors = [e for e in (self.template_error, other.template_error) if e is not None]
        self.template_error = min(errors, key=lambda e: e[0]) if errors else None
        self.render_seconds += other.render_seconds
        self.write_seconds += other.write_seconds


def render_groups(
    planned: Sequence[PlannedFile | None],
    groups: Iterator[Sequence[int]],
    env: jinja2.Environment,
    extra: Mapping[str, object],
    root: str,
    *,
    compile_check: bool,
    release: bool,
) -> Rendered:
    """Render and write ``planned[i]`` for every ``i`` of the groups taken from ``groups`` under
    ``root`` (which exists with every parent directory). ``release``: drop each file's view from
    ``planned`` once it is written (this process keeps running afterwards).

    After a template error nothing more is written (the run fails), but the groups still taken
    are rendered as far as their files come before that error in the plan: so one of the two
    processes meets the first error in plan order, whichever of them took its directory."""
    out = Rendered()
    clock = time.perf_counter
    mutable = planned if release and isinstance(planned, list) else None
    for group in groups:
        for i in group:
            if out.template_error is not None and i > out.template_error[0]:
                break  # groups list their files in plan order
            pf = planned[i]
            assert pf is not None
            start = clock()
            if pf.template is None:
                data = pf.source.read_bytes() if pf.source else b""
            else:
                try:
                    text = render(env, pf.template, {**pf.context, **extra})
                except TemplateError as exc:
                    out.template_error = (i, exc.diagnostic)
                    break
                data = text.encode("utf-8")
            if out.template_error is not None:
                continue
            if pf.path.endswith(".py"):
                out.generated_bytes += len(data)
                if compile_check:
                    out.compile_errors.extend((i, e) for e in syntax_errors({pf.path: data}))
            written = clock()
            create_file(os.path.join(root, pf.path), data)
            out.render_seconds += written - start
            out.write_seconds += clock() - written
            if mutable is not None:
                mutable[i] = None
    return out


def directory_groups(paths: Sequence[str]) -> list[list[int]]:
    """Indices of ``paths`` by directory, each group in plan order, the largest group first
    (ties by name). Two processes creating files in one directory contend for its lock, so no
    directory is split between them."""
    by_dir: dict[str, list[int]] = {}
    for i, path in enumerate(paths):
        by_dir.setdefault(path.rpartition("/")[0], []).append(i)
    return [
        members for _name, members in sorted(by_dir.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


class GroupQueue:
    """Numbers ``0 .. count - 1``, each handed to exactly one of the processes that share it.

    A pipe holding every number as a 4-byte record, filled and closed for writing before the
    fork: Linux reads a pipe under its lock, so each ``read`` of one record takes a whole one,
    and an empty pipe whose writers are all closed reads as the end. Nothing is held between
    takes, so a process that dies leaves no lock behind (its taken groups are lost with it, and
    the parent sees the child fail). ``None`` from :meth:`create` where the pipe cannot hold them
    all (over 262,144 directories): the caller then keeps every group itself.
    """

    def __init__(self, read_fd: int) -> None:
        self._fd = read_fd

    @classmethod
    def create(cls, count: int) -> GroupQueue | None:
        read_fd, write_fd = os.pipe()
        try:
            data = b"".join(n.to_bytes(_RECORD, "little") for n in range(count))
            if len(data) > 1 << 16:  # the default capacity
                import fcntl

                with contextlib.suppress(OSError):
                    fcntl.fcntl(write_fd, 1031, _PIPE_BYTES)  # F_SETPIPE_SZ
                if len(data) > fcntl.fcntl(write_fd, 1032):  # F_GETPIPE_SZ
                    os.close(read_fd)
                    return None
            write_all(write_fd, data)
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        return cls(read_fd)

    def take(self) -> Iterator[int]:
        """The numbers this process gets, one at a time, until none is left."""
        while True:
            record = os.read(self._fd, _RECORD)
            if len(record) < _RECORD:
                return
            yield int.from_bytes(record, "little")

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def render_into(
    planned: list[PlannedFile | None],
    env: jinja2.Environment,
    extra: Mapping[str, object],
    root: str,
    *,
    compile_check: bool,
    beside: Callable[[], None],
) -> tuple[Rendered, float]:
    """Render every planned file into ``root`` in two processes, calling ``beside`` in this
    process first; returns what was found and the seconds the child's work took."""
    for name in sorted({pf.template for pf in planned if pf is not None and pf.template}):
        env.get_template(name)  # compiled once, before the fork, for both processes
    groups = directory_groups([pf.path for pf in planned if pf is not None])
    queue = GroupQueue.create(len(groups))
    if queue is None:  # pragma: no cover - over 262,144 directories
        beside()
        own = render_groups(
            planned, iter(groups), env, extra, root, compile_check=compile_check, release=True
        )
        return own, 0.0

    def mine(q: GroupQueue) -> Iterator[Sequence[int]]:
        return (groups[n] for n in q.take())

    def child() -> Rendered:
        return render_groups(
            planned, mine(queue), env, extra, root, compile_check=compile_check, release=False
        )

    try:
        worker = Forked(child)
        try:
            start = time.perf_counter()
            beside()
            own = render_groups(
                planned, mine(queue), env, extra, root, compile_check=compile_check, release=True
            )
            theirs = worker.result(worker_timeout(time.perf_counter() - start))
        finally:
            worker.close()
    finally:
        queue.close()
    hidden = theirs.render_seconds + theirs.write_seconds
    own.merge(theirs)
    return own, hidden
