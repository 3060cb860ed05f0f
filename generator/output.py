"""Formatting, atomic writing and drift checking of a rendered output tree.

- :func:`format_tree`: ``ruff format`` on the staged tree (preceded by ``ruff check --fix`` for
  import sorting only when the planner cannot vouch for the imports, see
  :func:`generator.pipeline.needs_fix_pass`); every ``.py`` file must also ``compile`` (a generator
  bug otherwise, exit 3), checked on the rendered bytes by :class:`CompileCheck` while the tree is
  written and formatted. black is never on this path: ruff's formatter is black-compatible and
  ~100x faster; ``black --check`` stays a CI gate.
- :func:`stage`: write all files into a fresh temp dir *beside* the target (same file system), then
  :func:`swap` it in: rename the old tree aside, rename the new one in, delete the old one. A crash
  at any point leaves either the old tree or the new tree at the target; leftovers are named
  ``.codegen-tmp-*`` / ``.codegen-old-*`` and removed by the next run (:func:`clean_leftovers`).
- :func:`diff_trees`: compare two trees (changed / missing / extra files, unified diff excerpts).
- A ``.codegen-manifest.json`` (spec hash, config hash, generator version; no timestamps) is written
  with every tree.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from generator.records import mutable_record

if TYPE_CHECKING:
    from generator.forking import Forked

TMP_PREFIX = ".codegen-tmp-"
OLD_PREFIX = ".codegen-old-"
MANIFEST = ".codegen-manifest.json"


class OutputError(Exception):
    """The output location is unusable (not a directory, not writable, outside the allowed root)."""


_OTHER_SEPS = tuple(sep for sep in {os.sep, os.altsep} if sep and sep != "/")


def check_relative(relative: str) -> None:
    """Refuse a planned path that is absolute, empty, has ``..``/``.``/empty parts or a NUL."""
    norm = relative
    for sep in _OTHER_SEPS:  # Windows: ``\`` separates too
        norm = norm.replace(sep, "/")
    if (
        not norm
        or norm.startswith("/")
        or "\x00" in norm
        or any(part in ("..", ".", "") for part in norm.split("/"))
        or (_OTHER_SEPS and (Path(relative).drive or Path(relative).root))
    ):
        raise OutputError(f"refusing to write outside the output directory: {relative!r}")


def safe_join(root: Path, relative: str) -> Path:
    """``root / relative``, refusing absolute paths and ``..`` escapes."""
    check_relative(relative)
    rel = Path(relative)
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        raise OutputError(f"refusing to write outside the output directory: {relative!r}")
    return root / rel


def _leftover_kind(entry_name: str, stem: str) -> str | None:
    if entry_name.startswith(f"{TMP_PREFIX}{stem}-"):
        return "tmp"
    if entry_name.startswith(f"{OLD_PREFIX}{stem}-"):
        return "old"
    return None


def clean_leftovers(target: Path) -> list[Path]:
    """Repair and tidy what a killed earlier run left beside ``target``.

    - If ``target`` is missing but a ``.codegen-old-*`` tree exists (only possible with the
      two-rename fallback of :func:`swap`, killed between its renames), that tree is the complete
      previous output: it is renamed back to ``target`` first.
    - Every other ``.codegen-tmp-*`` / ``.codegen-old-*`` entry is removed, except trees a live run
      is still staging (they hold a lock; see :func:`stage`).

    Returns the removed paths (a restored tree is not among them).
    """
    removed: list[Path] = []
    parent = target.parent
    if not parent.is_dir():
        return removed
    stem = target.name
    with _DirLock(parent):
        entries = sorted(parent.iterdir(), key=lambda e: e.name)
        if not os.path.lexists(target):
            olds = [e for e in entries if _leftover_kind(e.name, stem) == "old" and e.is_dir()]
            if olds and not _busy(olds[0]):
                os.rename(olds[0], target)
                _fsync_dir(parent)
        for entry in entries:
            if _leftover_kind(entry.name, stem) is None or not os.path.lexists(entry):
                continue
            if _busy(entry):
                continue
            _remove(entry)
            removed.append(entry)
    _forget_stale_locks()
    return removed


def stage(target: Path, files: Mapping[str, bytes], *, beside: bool = True) -> Path:
    """Write ``files`` into a new temp dir and return it.

    ``beside=True`` (for :func:`swap`) puts it next to ``target`` (same file system, so the swap is
    a rename) and locks it while this process lives, so a concurrent run's :func:`clean_leftovers`
    leaves it alone. ``beside=False`` (for ``--check``) uses the system temp dir and never touches
    anything near ``target``.

    The temp dir is new and private (``mkdtemp``: mode 0700), and every directory in it is created
    here from paths that passed :func:`check_relative`, so no path can resolve outside it; files
    are created with ``O_EXCL | O_NOFOLLOW`` (never through a link, never over another file).
    """
    tmp = new_stage(target, beside=beside)
    root = os.fspath(tmp)
    make_parents(root, files)
    for rel, data in files.items():
        _create_file(os.path.join(root, rel), data)
    return tmp


def new_stage(target: Path, *, beside: bool = True) -> Path:
    """The empty temp dir :func:`stage` writes into (see there for ``beside``)."""
    if beside:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{target.name}-", dir=target.parent))
        _hold(tmp)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="portarium-codegen-check-"))
    return tmp


def make_parents(root: str, relatives: Iterable[str]) -> None:
    """Create under ``root`` the parent directories of ``relatives``, each of which must pass
    :func:`check_relative` (checked here, before anything is created for it)."""
    made = {""}
    for rel in relatives:
        check_relative(rel)
        parent = rel.rpartition("/")[0]
        if parent not in made:
            os.makedirs(os.path.join(root, parent), exist_ok=True)
            while parent not in made:
                made.add(parent)
                parent = parent.rpartition("/")[0]


_CREATE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd`` (``os.write`` may write less than it is given)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def create_file(path: str, data: bytes | Iterable[bytes]) -> None:
    """Create ``path`` (it must not exist) holding ``data`` (bytes, or pieces of them)."""
    if isinstance(data, bytes):
        _create_file(path, data)
        return
    fd = os.open(path, _CREATE_FLAGS, 0o666)
    try:
        for chunk in data:
            write_all(fd, chunk)
    finally:
        os.close(fd)


def _create_file(path: str, data: bytes) -> None:
    fd = os.open(path, _CREATE_FLAGS, 0o666)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)


def swap(staged: Path, target: Path) -> None:
    """Replace ``target`` by ``staged`` so that ``target`` is at every instant the old or the new tree.

    On Linux this is one ``renameat2(RENAME_EXCHANGE)`` (both trees swap names atomically; the old
    tree then sits at the staged name and is deleted). Where that is unavailable (other systems,
    file systems without exchange support) it falls back to two renames -- old aside to
    ``.codegen-old-*``, new in -- and a kill between them leaves ``target`` missing with the
    complete old tree beside it, which the next run's :func:`clean_leftovers` renames back.
    """
    if target.exists() and not target.is_dir():
        raise OutputError(f"output path exists and is not a directory: {target}")
    with _DirLock(target.parent):
        if not target.exists():
            os.rename(staged, target)
            _release(staged)
            _fsync_dir(target.parent)
            return
        if _rename_exchange(staged, target):
            _fsync_dir(target.parent)
            _release(staged)
            # ``staged`` now holds the old tree under a .codegen-tmp-* name: garbage if we die here.
            _remove(staged)
            return
        old = Path(tempfile.mkdtemp(prefix=f"{OLD_PREFIX}{target.name}-", dir=target.parent))
        os.rmdir(old)
        os.rename(target, old)
        try:
            os.rename(staged, target)
        except OSError:
            os.rename(old, target)
            raise
        _release(staged)
        _fsync_dir(target.parent)
        # Rename the old tree to a tmp name before deleting it, so a half-deleted tree is never
        # mistaken for a restorable .codegen-old-* one.
        trash = old.with_name(TMP_PREFIX + old.name[len(OLD_PREFIX) :])
        try:
            os.rename(old, trash)
        except OSError:
            trash = old
        _remove(trash)


def _remove(path: Path) -> None:
    """Delete a tree, or just the link/file if ``path`` is not a real directory."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
        return
    with contextlib.suppress(OSError):
        path.unlink()


# -- atomic exchange and liveness locks ---------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_exchange_unsupported = False


def _renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


def _rename_exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two directory entries; False if this system cannot (then nothing moved)."""
    global _exchange_unsupported
    if _exchange_unsupported or os.environ.get("PORTARIUM_CODEGEN_NO_EXCHANGE"):
        return False
    fn = _renameat2()
    if fn is None:
        _exchange_unsupported = True
        return False
    import ctypes
    import errno

    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        _exchange_unsupported = err == errno.ENOSYS
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


try:  # pragma: no cover - platform dependent
    import fcntl as _fcntl
except ImportError:  # pragma: no cover
    _fcntl = None  # type: ignore[assignment]

_HELD: dict[str, int] = {}


def _hold(path: Path) -> None:
    """Lock ``path`` (a directory) for this process's lifetime; the kernel drops it if we die."""
    if _fcntl is None:
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        _fcntl.flock(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return
    _HELD[os.fspath(path)] = fd


def _release(path: Path) -> None:
    fd = _HELD.pop(os.fspath(path), None)
    if fd is not None:
        os.close(fd)


def _forget_stale_locks() -> None:
    for key in [k for k in _HELD if not os.path.isdir(k)]:
        _release(Path(key))


def _busy(path: Path) -> bool:
    """True if a live run holds ``path``'s lock (it is being staged right now)."""
    if _fcntl is None or os.fspath(path) in _HELD:
        return os.fspath(path) in _HELD
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        _fcntl.flock(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


class _DirLock:
    """Exclusive lock on a directory for the duration of a ``with`` block (no files written)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def __enter__(self) -> _DirLock:
        if _fcntl is not None:
            try:
                self.fd = os.open(self.path, os.O_RDONLY)
                _fcntl.flock(self.fd, _fcntl.LOCK_EX)
            except OSError:
                if self.fd is not None:
                    os.close(self.fd)
                self.fd = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_BUILD_ARTIFACTS = frozenset({"build", "dist"})


_SKIPPED_DIRS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache"})


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative ``/``-path -> bytes), in path order; caches, build
    artefacts and ``*.egg-info`` are not ours and are left out. Symlinks are not followed into
    directories; a link to a file is read like the file."""
    out: dict[str, bytes] = {}
    if not root.is_dir():
        return out
    found: list[tuple[list[str], str]] = []
    stack: list[tuple[str, str]] = [(os.fspath(root), "")]
    while stack:
        directory, prefix = stack.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                name = entry.name
                if (
                    name in _SKIPPED_DIRS
                    or name.endswith(".egg-info")
                    or (not prefix and name in _BUILD_ARTIFACTS)  # `python -m build` output
                ):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, f"{prefix}{name}/"))
                elif entry.is_file():
                    found.append(((prefix + name).split("/"), entry.path))
    found.sort()
    for parts, path in found:
        with open(path, "rb") as fh:
            out["/".join(parts)] = fh.read()
    return out


def read_files(root: Path, names: Iterable[str], *, release: bool = False) -> dict[str, bytes]:
    """``names`` (relative ``/``-paths) read from ``root``, in path order.

    ``release``: ``names`` is a dict of the texts that were written; each entry is removed once
    its file is read, so the two trees are never in memory together.
    """
    base = os.fspath(root)
    out: dict[str, bytes] = {}
    ordered = sorted(names, key=lambda r: r.split("/"))
    written = names if release and isinstance(names, dict) else None
    for rel in ordered:
        with open(os.path.join(base, rel), "rb") as fh:
            out[rel] = fh.read()
        if written is not None:
            del written[rel]
    return out


@mutable_record()
class FormatResult:
    """Whether the formatter succeeded on a tree, and its message when it did not."""

    ok: bool
    message: str = ""


class FormatterUnavailable(OutputError):
    """The configured formatter (ruff) is not installed where the generator runs."""


def _ruff() -> list[str]:
    exe = shutil.which(
        "ruff", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    if exe:
        return [exe]
    if importlib.util.find_spec("ruff") is None:
        raise FormatterUnavailable(
            f"ruff is not installed for {sys.executable}; install the generator with its "
            "dependencies (`pip install -e .`) or set `formatter: none` in codegen.yaml"
        )
    return [sys.executable, "-m", "ruff"]


def ruff_command() -> list[str]:
    """How to run ruff here; :class:`FormatterUnavailable` when it is not installed."""
    return _ruff()


def format_tree(
    root: Path,
    check: CompileCheck | None = None,
    ruff: Sequence[str] | None = None,
    *,
    fix: bool = True,
    skip: Sequence[str] = (),
    meanwhile: Callable[[], object] | None = None,
    formatting: Callable[[], object] = list,
) -> FormatResult:
    """Run ruff's fixer and formatter over ``root`` in place (using the tree's own pyproject).

    ``skip``: files (relative to ``root``) the formatter leaves alone, because they are formatted
    already. ``meanwhile``: the caller's next work on the formatted tree (reading it back), run
    here once it is formatted, beside the end of the compile check; it is not run when formatting
    fails.

    ``formatting``: the caller's work that needs no formatted file, run here while ruff
    formats (before this process's share of the compile check).

    ``fix=False`` skips the fixer (``ruff check --fix --select I,F401,UP``): the stock templates
    and the planner emit imports sorted, merged and used exactly as that pass would leave them
    (:mod:`generator.imports`), so on their output it changes nothing.

    Every ``.py`` file must also *compile* (:func:`syntax_errors`): ruff only parses, and text
    from the spec that breaks out of a docstring can parse yet not compile (a statement before
    ``from __future__ import annotations``; a duplicate parameter name is another such error).
    ``check`` is that compile check of the rendered bytes, started before the tree was written
    (:class:`CompileCheck`: in a child process, so it runs while the tree is written and ruff
    works). Without one (the stock templates) the check is ruff's compile-error rules
    (:func:`ruff_compile_errors`) on the formatted tree, which formatting does not change the
    compiling of, while ``meanwhile`` runs; on a tree ruff cannot format, the check runs all the
    same. A compile failure wins over ruff's own complaint: it names file:line:col.
    """
    env = {**os.environ, "RUFF_NO_CACHE": "true"}
    base = list(ruff) if ruff is not None else _ruff()
    fixer: subprocess.CompletedProcess[str] | None = None
    if fix:
        fixer = subprocess.run(
            [
                *base,
                "check",
                "--fix",
                "--quiet",
                "--exit-zero",
                "--no-cache",
                "--select",
                "I,F401,UP",
                ".",
            ],
            cwd=root,
            capture_output=True,
            text=True,
            env=env,
        )
    fmt: subprocess.CompletedProcess[str] | None = None
    broken: list[str] = []
    if fixer is None or fixer.returncode in (0, 1):
        # ruff formats in its own process; the compile check (in this process, or its share of
        # it) runs meanwhile: it reads the rendered bytes, never the files ruff rewrites.
        skipped = [arg for rel in skip for arg in ("--extend-exclude", rel)]
        checked = check

        def beside_format() -> list[str]:
            formatting()
            return checked.errors() if checked is not None else []

        fmt, broken = _beside(
            [*base, "format", "--quiet", "--no-cache", *skipped, "."], root, env, beside_format
        )
    elif check is not None:
        broken = check.errors()
    # The caller's read-back runs on a formatted tree only (beside ruff's compile check if any).
    formatted = fmt is not None and fmt.returncode == 0
    read_back: Callable[[], object] = meanwhile if formatted and meanwhile is not None else list
    if check is None:
        # ruff's compile rules, once the tree is formatted (or will not be): nothing rewrites a
        # file while they read it.
        broken = ruff_compile_errors(root, base, env, meanwhile=read_back, skip=skip)
    elif not broken:
        read_back()
    if broken:
        return FormatResult(False, "generated code does not compile:\n" + "\n".join(broken[:20]))
    if fmt is None:
        assert fixer is not None
        return FormatResult(False, fixer.stderr or fixer.stdout)
    if fmt.returncode != 0:
        return FormatResult(False, fmt.stderr or fmt.stdout or "ruff format failed")
    return FormatResult(True)


_R = TypeVar("_R")


def _beside(
    command: list[str], root: Path, env: Mapping[str, str], work: Callable[[], _R]
) -> tuple[subprocess.CompletedProcess[str], _R]:
    """Run ``command`` in ``root``, and ``work()`` here while it runs; the process is killed if
    ``work`` raises."""
    with subprocess.Popen(
        command,
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(env),
    ) as proc:
        try:
            done = work()
            out, err = proc.communicate()
        except BaseException:
            proc.kill()
            raise
    return subprocess.CompletedProcess(command, proc.returncode, out, err), done


# What CPython's compiler rejects after parsing, as ruff rules: a late ``from __future__`` import
# (F404) or an unknown feature (F407); ``break``/``continue`` outside a loop (F701, F702);
# ``yield``/``await`` outside a function (F704, PLE1142); ``return`` outside one (F706);
# ``nonlocal``/``global`` misuse (PLE0117, PLE0118). ruff reports the rest of the compiler's
# checks (duplicate parameters or keyword arguments, assignments to ``__debug__``, ...) and every
# parse error as ``invalid-syntax`` whatever is selected.
RUFF_COMPILE_RULES = "F404,F407,F701,F702,F704,F706,PLE0117,PLE0118,PLE1142"


def ruff_compile_errors(
    root: Path,
    ruff: Sequence[str],
    env: Mapping[str, str],
    meanwhile: Callable[[], object] = list,
    skip: Sequence[str] = (),
) -> list[str]:
    """``file:line:col: message`` for what would stop ``compile()`` on the ``.py`` files under
    ``root``, found by ruff (~0.1 s for GitHub's 3,900 modules, where ``compile()`` of every
    module costs 1.5 s of CPU); ``meanwhile`` runs here while ruff checks. Used for the stock
    templates, whose output the test suite compiles across the corpus; output of template
    overrides still goes through :class:`CompileCheck`. ``skip``: files left out (the verbatim
    copies of the generator's runtime, whose source the test suite imports)."""
    command = [
        *ruff,
        "check",
        "--isolated",
        "--no-cache",
        "--no-fix",
        "--quiet",
        "--target-version",
        "py310",
        "--output-format",
        "concise",
        "--select",
        RUFF_COMPILE_RULES,
        *[arg for rel in skip for arg in ("--extend-exclude", rel)],
        ".",
    ]
    proc, _ = _beside(command, root, env, meanwhile)
    found = [line for line in proc.stdout.splitlines() if _LOCATED.match(line)]
    if proc.returncode == 0:
        return []
    return found or [(proc.stderr or proc.stdout or "ruff check failed").strip()]


_LOCATED = re.compile(r".+:\d+:\d+: ")


class CompileCheck:
    """:func:`syntax_errors` of ``files``, computed while the caller does other work.

    On Linux a forked child (:class:`generator.forking.Forked`: it sees ``files`` without copying
    them) compiles the first ``1 - PARENT_SHARE`` of the bytes and sends its findings back;
    :meth:`errors` compiles the rest here (:func:`format_tree` calls it while ruff formats),
    then waits for the child. Where there is no ``fork``, or the child fails in any way (killed, no
    answer in time), its part is compiled here too, so a result is always the real one. Findings
    come in the order of ``files``. Fork it before anything is locked or written (the child must
    not inherit lock descriptors), and :meth:`close` it on every path.
    """

    PARENT_SHARE = 0.3
    """Share of the bytes compiled in this process: writing the tree and ruff take about half
    as long as compiling it, so both sides finish at about the same time on two cores."""

    def __init__(self, files: Mapping[str, bytes], *, fork: bool = True) -> None:
        self._files = files
        self._child_part: Mapping[str, bytes] = {}
        self._own_part: Mapping[str, bytes] = files
        self._worker: Forked[list[str]] | None = None
        self._result: list[str] | None = None
        if fork and sys.platform.startswith("linux") and hasattr(os, "fork"):
            items = list(files.items())
            budget = sum(len(data) for _rel, data in items) * (1 - self.PARENT_SHARE)
            cut = 0
            while cut < len(items) and budget > 0:
                budget -= len(items[cut][1])
                cut += 1
            self._child_part, self._own_part = dict(items[:cut]), dict(items[cut:])
            self._start()

    @classmethod
    def found(cls, errors: Sequence[str]) -> CompileCheck:
        """A check whose result is already known (the files were compiled as they were rendered)."""
        check = cls({}, fork=False)
        check._result = list(errors)
        return check

    def _start(self) -> None:
        from generator.forking import Forked  # imports this module: only here, when forking

        part = self._child_part

        def child() -> list[str]:
            # compile() prints SyntaxWarnings: the child's part stays quiet, as it always was
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
            return syntax_errors(part)

        with contextlib.suppress(OSError):  # no pipe or no fork: all is compiled here
            self._worker = Forked(child)

    def errors(self) -> list[str]:
        """``file:line:col: message`` for every file that does not compile (waits for the child)."""
        if self._result is None:
            start = time.monotonic()
            own = syntax_errors(self._own_part)
            found = self._collect(time.monotonic() - start)
            if found is None:
                found = syntax_errors(self._child_part)
            self._result = found + own
        return self._result

    def _collect(self, own_seconds: float) -> list[str] | None:
        if self._worker is None:
            return None if self._child_part else []
        from generator.forking import WorkerFailed, worker_timeout

        try:
            return self._worker.result(worker_timeout(own_seconds))
        except WorkerFailed:
            return None
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child if it still runs (the run failed before asking for the result)."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None


def kill_and_reap(pid: int) -> None:
    """SIGKILL ``pid`` (a child of this process) and wait for it; one already gone is fine."""
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)


def syntax_errors(files: Mapping[str, bytes]) -> list[str]:
    """``file:line:col: message`` for every ``.py`` file that does not compile.

    A full ``compile`` (not only ``ast.parse``): errors the compiler finds after parsing, such as
    a statement before ``from __future__ import annotations`` (what text breaking out of a
    docstring produces), must fail the run too.
    """
    errors: list[str] = []
    for rel, data in files.items():
        if rel.endswith(".py"):
            try:
                compile(data, rel, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                line = getattr(exc, "lineno", 0)
                col = getattr(exc, "offset", 0)
                msg = getattr(exc, "msg", str(exc))
                errors.append(f"{rel}:{line}:{col}: {msg}")
    return errors


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_files(root: Path, names: Iterable[str]) -> dict[str, str]:
    """:func:`digest` of each file ``names`` lists under ``root``, read one at a time."""
    base = os.fspath(root)
    out: dict[str, str] = {}
    for rel in names:
        with open(os.path.join(base, rel), "rb") as fh:
            out[rel] = digest(fh.read())
    return out


def spec_digest(uris: Iterable[str]) -> str:
    """The manifest's ``spec_sha256``: one SHA-256 over the bytes of the spec's files (those of
    ``uris`` that are local files), in that order."""
    spec_hash = hashlib.sha256()
    for uri in uris:
        path = Path(uri)
        if path.is_file():
            spec_hash.update(path.read_bytes())
    return spec_hash.hexdigest()


def manifest_of_digests(
    spec_sha256: str, config_bytes: bytes, version: str, digests: Mapping[str, str]
) -> bytes:
    """The manifest of a tree whose files have the ``digests`` (path -> :func:`digest`), of a
    spec whose :func:`spec_digest` is ``spec_sha256``."""
    body: dict[str, str | Mapping[str, str]] = {
        "generator": "portarium-codegen",
        "generator_version": version,
        "spec_sha256": spec_sha256,
        "config_sha256": digest(config_bytes),
        "files": digests,
    }
    return (indented_json(body) + "\n").encode()


def indented_json(body: Mapping[str, str | Mapping[str, str]]) -> str:
    """``json.dumps(body, indent=2, sort_keys=True)`` of a mapping of strings and of mappings of
    strings, written out directly: with an indent, ``json`` encodes in Python, not C (Microsoft
    Graph's manifest lists ~26,000 files)."""
    quote = json.encoder.encode_basestring_ascii
    if not body:
        return "{}"
    lines = ["{"]
    items = sorted(body.items())
    for n, (key, value) in enumerate(items):
        comma = "," if n + 1 < len(items) else ""
        if isinstance(value, str):
            lines.append(f"  {quote(key)}: {quote(value)}{comma}")
        elif not value:
            lines.append(f"  {quote(key)}: {{}}{comma}")
        else:
            lines.append(f"  {quote(key)}: {{")
            lines.append(
                ",\n".join(f"    {quote(k)}: {quote(v)}" for k, v in sorted(value.items()))
            )
            lines.append(f"  }}{comma}")
    lines.append("}")
    return "\n".join(lines)


@mutable_record()
class TreeDiff:
    """How a generated tree differs from the one on disk (for ``--check``)."""

    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # would be created
    extra: list[str] = field(default_factory=list)  # would be removed
    excerpts: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.extra)

    def summary(self, limit: int = 40) -> str:
        lines = []
        for label, items in (
            ("changed", self.changed),
            ("new", self.missing),
            ("removed", self.extra),
        ):
            for item in items[:limit]:
                lines.append(f"  {label:8} {item}")
            if len(items) > limit:
                lines.append(f"  ... {len(items) - limit} more {label}")
        lines.append(
            f"{len(self.changed)} changed, {len(self.missing)} new, {len(self.extra)} removed"
        )
        return "\n".join(lines)


def diff_trees(
    current: Mapping[str, bytes], wanted: Mapping[str, bytes], *, excerpt_files: int = 5
) -> TreeDiff:
    result = TreeDiff()
    for rel in sorted(wanted):
        if rel not in current:
            result.missing.append(rel)
        elif current[rel] != wanted[rel]:
            result.changed.append(rel)
    result.extra = sorted(set(current) - set(wanted))
    import difflib  # only --check with drift needs it

    for rel in result.changed[:excerpt_files]:
        try:
            a = current[rel].decode().splitlines(keepends=True)
            b = wanted[rel].decode().splitlines(keepends=True)
        except UnicodeDecodeError:
            continue
        diff = list(difflib.unified_diff(a, b, f"committed/{rel}", f"generated/{rel}", n=2))
        result.excerpts.append("".join(diff[:60]))
    return result
