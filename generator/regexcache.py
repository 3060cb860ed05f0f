"""Regular expressions compiled by earlier runs of the CLI, kept between runs.

A run compiles ~80 regular expressions while its modules load (PyYAML's reader, Jinja's lexer,
the standard library's, the generator's own): ~12 ms of every run, 5 of them for one Unicode
character class in PyYAML's reader, and a tenth of a petstore run. Python keeps compiled
patterns in memory only. So the CLI (:func:`generator.__main__.entry`; never a library caller,
whose process this must not change) keeps what :mod:`re`'s compiler makes of each pattern and
flags -- the arguments it hands the regex engine's ``_sre.compile``: the engine's code, the final
flags and the groups, which depend on nothing else -- in the generator's private cache dir
(:mod:`generator.sourcecache`), one entry per Python build, and on a later run hands those to the
engine instead of compiling again.

This reaches into :mod:`re`'s internals: the module-level ``compile`` of its compiler module
(``re._compiler``; ``sre_compile`` before Python 3.11), which the public functions call for every
pattern not in :mod:`re`'s in-memory cache, and that function's one call of ``_sre.compile``. It
is installed only where both look as written for (CPython 3.10 to 3.13), and every doubt falls
back to compiling: an entry that is unreadable or not of the expected types is ignored, and code
the engine refuses (it validates the code it is given) is compiled afresh. A pattern is always
the object :mod:`re` itself would make.
"""

from __future__ import annotations

import marshal
import sys
import zlib
from array import array
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from generator import sourcecache

__all__ = ["install", "keep", "stats"]

_MAX_KEPT = 512
"""Entries past which only this run's patterns are kept (those of other versions and runs go)."""
_MAX_CODE = 1 << 14
"""Longest code kept (a pattern compiled from a spec's text can be anything)."""
_CODE = array("I")
"""How code is packed: the engine's code words are 4 bytes (``_sre.CODESIZE``, checked)."""

_Key = tuple[str | bytes, int]
_Args = tuple[Any, ...]

_state: dict[str, Any] = {}
_known: dict[_Key, _Args] = {}
_new: dict[_Key, _Args] = {}
_used: set[_Key] = set()
_counts = {"hits": 0, "compiled": 0}


def _compiler_module() -> tuple[ModuleType, ModuleType] | None:
    """(re's compiler module, the engine module) when they look as this module expects."""
    if sys.implementation.name != "cpython" or not (3, 10) <= sys.version_info[:2] <= (3, 13):
        return None
    try:
        import _sre  # type: ignore[import-not-found]

        if sys.version_info >= (3, 11):
            from re import _compiler as compiler
        else:  # pragma: no cover - Python 3.10
            import sre_compile as compiler
    except ImportError:  # pragma: no cover - another build of re
        return None
    engine: ModuleType = _sre
    if getattr(engine, "CODESIZE", 0) != _CODE.itemsize:
        return None  # pragma: no cover - a build with other code words
    if getattr(compiler, "_sre", None) is not engine or not callable(
        getattr(engine, "compile", None)
    ):
        return None  # pragma: no cover - another build of re
    if not callable(getattr(compiler, "compile", None)):
        return None  # pragma: no cover
    return compiler, engine


def _entry_name(engine: ModuleType) -> str:
    """The cache entry of this Python build and regex engine."""
    build = zlib.crc32(f"{sys.version}\0{sys.executable}".encode())
    return f"regex-{engine.MAGIC}-{engine.CODESIZE}-{build:08x}.marshal"


def _valid(entry: object) -> bool:
    """The shape of a kept entry. The code inside is not looked at: the engine validates the
    code it is given and refuses what is not well-formed."""
    if type(entry) is not tuple or len(entry) != 5:
        return False
    flags, code, groups, groupindex, indexgroup = entry
    return (
        type(flags) is int
        and type(code) is bytes
        and len(code) % _CODE.itemsize == 0
        and type(groups) is int
        and type(groupindex) is dict
        and type(indexgroup) is tuple
    )


def _stored(where: Path, name: str) -> dict[_Key, _Args]:
    """The well-formed entries kept in ``where`` under ``name`` (none when unreadable)."""
    data = sourcecache.read_entry(where, name)
    try:
        stored = marshal.loads(data) if data else {}
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(stored, dict):
        return {}
    return {
        key: entry
        for key, entry in stored.items()
        if isinstance(key, tuple)
        and len(key) == 2
        and type(key[0]) in (str, bytes)
        and type(key[1]) is int
        and _valid(entry)
    }


class _Recorder:
    """Stands in for the engine module while one pattern compiles: keeps the arguments of the
    ``compile`` call made for ``pattern``, forwards everything else."""

    def __init__(self, engine: ModuleType, pattern: str | bytes) -> None:
        self._engine = engine
        self._pattern = pattern
        self.seen: _Args | None = None

    def compile(self, pattern: Any, *args: Any) -> Any:
        made = self._engine.compile(pattern, *args)
        if pattern is self._pattern and self.seen is None and len(args) == 5:
            flags, code, groups, groupindex, indexgroup = args
            if len(code) <= _MAX_CODE:
                # Kept as packed machine words (a tenth of the time of marshalled ints to load).
                packed = array(_CODE.typecode, code).tobytes()
                self.seen = (int(flags), packed, int(groups), dict(groupindex), tuple(indexgroup))
        return made

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


def install() -> None:
    """Serve patterns from the kept entry and record new ones (idempotent; a no-op where re's
    internals are not as expected or caching is off)."""
    if _state:
        return
    found = _compiler_module()
    if found is None:
        return
    where = sourcecache.cache_dir()
    if where is None:
        return
    compiler, engine = found
    name = _entry_name(engine)
    _known.update(_stored(where, name))
    original: Callable[..., Any] = compiler.compile
    debug = int(getattr(compiler, "SRE_FLAG_DEBUG", 128))

    def compile(p: Any, flags: int = 0) -> Any:  # noqa: A001 - the name re calls
        if type(p) not in (str, bytes) or type(flags) is not int or flags & debug:
            return original(p, flags)
        key = (p, flags)
        kept = _known.get(key)
        if kept is not None:
            final, code, groups, groupindex, indexgroup = kept
            try:
                made = engine.compile(
                    p, final, array(_CODE.typecode, code).tolist(), groups, groupindex, indexgroup
                )
            except Exception:  # noqa: BLE001 - code the engine refuses: compile it afresh
                del _known[key]
            else:
                _counts["hits"] += 1
                _used.add(key)
                return made
        recorder = _Recorder(engine, p)
        compiler._sre = recorder  # type: ignore[attr-defined]
        try:
            made = original(p, flags)
        finally:
            compiler._sre = engine  # type: ignore[attr-defined]
        _counts["compiled"] += 1
        if recorder.seen is not None:
            _known[key] = _new[key] = recorder.seen
        return made

    compiler.compile = compile  # type: ignore[attr-defined]
    _state.update(where=where, name=name)


def keep() -> None:
    """Keep the patterns this run compiled with those kept before (the CLI calls it at its end;
    it ends with ``os._exit``, which runs no ``atexit`` handler)."""
    if not _new or not _state:
        return
    fresh = dict(_new)
    _new.clear()
    merged = {**_stored(_state["where"], _state["name"]), **fresh}
    if len(merged) > _MAX_KEPT:
        merged = {key: args for key, args in _known.items() if key in _used or key in fresh}
    try:
        payload = marshal.dumps(merged)
    except ValueError:  # pragma: no cover - an argument marshal cannot hold
        return
    sourcecache.write_entry(_state["where"], _state["name"], payload)


def stats() -> dict[str, int]:
    """Patterns served from the kept entry (``hits``) and compiled (``compiled``) so far."""
    return dict(_counts)
