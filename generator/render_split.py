"""Rendering the planned files straight into the staged tree, split over two processes.

On a large spec (:func:`generator.overlap.parallel_worthwhile`) the pipeline creates the staged
directory first, then :func:`render_into` renders every planned file and writes it there at once
(the rendered text is never held for the whole tree: the formatted files are read back after
ruff anyway). A forked child (:mod:`generator.forking`) takes whole directories of them
(:func:`split_by_directory`) while this process renders the rest -- after the work the caller
passes as ``beside`` (the surface extraction), which is why the child's share is
:data:`CHILD_SHARE` of the files, not half.

What the serial pipeline learns from the rendered text comes back as a :class:`Rendered`: the size
of the generated ``.py`` modules (for :data:`generator.pipeline.SMALL_TREE`), their compile errors
when asked (in plan order, as :class:`generator.output.CompileCheck` lists them), and the first
template error in plan order (the one the serial loop would have stopped at).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import jinja2

from generator.diagnostics import Diagnostic
from generator.forking import Forked, worker_timeout
from generator.output import create_file, syntax_errors
from generator.plan import PlannedFile
from generator.render import TemplateError, render

CHILD_SHARE = 0.55
"""Share of the files the child renders and writes; this process also extracts the surface."""


@dataclass
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


def render_share(
    planned: Sequence[PlannedFile | None],
    indices: Sequence[int],
    env: jinja2.Environment,
    extra: Mapping[str, object],
    root: str,
    *,
    compile_check: bool,
    release: bool,
) -> Rendered:
    """Render and write ``planned[i]`` for ``i`` in ``indices`` under ``root`` (which exists with
    every parent directory); stops at the first template error. ``release``: drop each file's
    view from ``planned`` once it is written (this process keeps running afterwards)."""
    out = Rendered()
    clock = time.perf_counter
    mutable = planned if release and isinstance(planned, list) else None
    for i in indices:
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


def split_by_directory(paths: Sequence[str]) -> tuple[list[int], list[int]]:
    """Indices of ``paths`` for the child and for this process, in plan order: whole directories,
    the largest first, each to the side further below its share (:data:`CHILD_SHARE` of the
    files for the child). Two processes creating files in one directory contend for its lock
    (on ext4 that doubled the kernel time of writing GitHub's tree), so no directory is shared."""
    by_dir: dict[str, list[int]] = {}
    for i, path in enumerate(paths):
        by_dir.setdefault(path.rpartition("/")[0], []).append(i)
    total = len(paths)
    child: list[int] = []
    own: list[int] = []
    for _name, members in sorted(by_dir.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        child_gap = CHILD_SHARE * total - len(child)
        own_gap = (1 - CHILD_SHARE) * total - len(own)
        (child if child_gap >= own_gap else own).extend(members)
    return sorted(child), sorted(own)


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
    process first; returns what was found and the seconds the child's share took."""
    for name in sorted({pf.template for pf in planned if pf is not None and pf.template}):
        env.get_template(name)  # compiled once, before the fork, for both processes
    child_ix, own_ix = split_by_directory([pf.path for pf in planned if pf is not None])

    def child() -> Rendered:
        return render_share(
            planned, child_ix, env, extra, root, compile_check=compile_check, release=False
        )

    worker = Forked(child)
    try:
        start = time.perf_counter()
        beside()
        own = render_share(
            planned, own_ix, env, extra, root, compile_check=compile_check, release=True
        )
        theirs = worker.result(worker_timeout(time.perf_counter() - start))
    finally:
        worker.close()
    hidden = theirs.render_seconds + theirs.write_seconds
    own.merge(theirs)
    return own, hidden
