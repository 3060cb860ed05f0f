"""Facts read off the generator's own source files, kept between runs in the system temp dir.

Some names the generator must avoid are not listed by hand but read off its source (the runtime
modules it copies, the import lines the planner writes: :mod:`generator.bindings`). Parsing those
files costs a quarter of a small run, and they only change when the generator itself does. So
the result is stored as JSON in a private ``portarium-codegen-cache-<uid>`` dir of the temp dir
(as Jinja's compiled templates are, :mod:`generator.render`), under a key hashed from the bytes
of every file it was read from, the code that reads them and the Python version: any edit to
one of them is a different key, a fresh parse and a new entry. A cache dir that is not ours
alone, an unreadable or malformed entry, or ``PORTARIUM_CODEGEN_NO_SOURCE_CACHE`` set: the
facts are computed afresh (and, where possible, stored), never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

__all__ = [
    "NO_CACHE_ENV",
    "cache_dir",
    "cached_names",
    "read_entry",
    "source_key",
    "write_entry",
]

NO_CACHE_ENV = "PORTARIUM_CODEGEN_NO_SOURCE_CACHE"

Names = Mapping[str, frozenset[str]]


def cache_dir() -> Path | None:
    """The private cache dir (made 0700 if missing); None if caching is off (``NO_CACHE_ENV``),
    or the dir is unusable or not ours alone."""
    if os.environ.get(NO_CACHE_ENV):
        return None
    uid = os.getuid() if hasattr(os, "getuid") else 0
    path = Path(tempfile.gettempdir()) / f"portarium-codegen-cache-{uid}"
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        info = path.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o077:
        return None
    if hasattr(os, "getuid") and info.st_uid != uid:
        return None
    return path


def source_key(kind: str, sources: Sequence[Path]) -> str:
    """A digest of ``kind``, the Python version and the name and bytes of every source file."""
    digest = hashlib.sha256(f"{kind}\0{sys.version_info[0]}.{sys.version_info[1]}\0".encode())
    for path in sources:
        data = path.read_bytes()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:40]


def cached_names(kind: str, sources: Sequence[Path], compute: Callable[[], Names]) -> Names:
    """``compute()`` (sets of names by label), or what it gave last time for the same sources.

    ``sources`` must include every file ``compute`` reads and the module that defines it.
    """
    where = cache_dir()
    if where is None:
        return compute()
    entry = f"{kind}-{source_key(kind, sources)}.json"
    stored_text = read_entry(where, entry)
    if stored_text is not None:
        try:
            stored = json.loads(stored_text.decode("utf-8"))
            if isinstance(stored, dict) and all(
                isinstance(v, list) and all(isinstance(n, str) for n in v) for v in stored.values()
            ):
                return {label: frozenset(names) for label, names in stored.items()}
        except ValueError:
            pass
    names = compute()
    payload = json.dumps({label: sorted(v) for label, v in names.items()}, sort_keys=True)
    write_entry(where, entry, payload.encode("utf-8"))
    return names


def read_entry(where: Path, name: str) -> bytes | None:
    """The bytes of entry ``name`` of the cache dir ``where``; None when it cannot be read."""
    try:
        return (where / name).read_bytes()
    except OSError:
        return None


def write_entry(where: Path, name: str, payload: bytes) -> None:
    """Store ``payload`` as entry ``name`` of the cache dir ``where``, quietly not on failure.

    Written beside and renamed: a concurrent run reads the old entry or the whole new one.
    """
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=where)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, where / name)
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
