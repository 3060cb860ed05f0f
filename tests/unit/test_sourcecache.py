"""The cache of names read off the generator's source (generator/sourcecache.py, bindings.py).

It must give exactly what a fresh parse gives, and parse again as soon as one of the files it
was read from changes.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import bindings, sourcecache
from generator.resources import RUNTIME_DIR


@pytest.fixture
def tmp_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private temp dir for the cache (the real one is left alone)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.delenv(sourcecache.NO_CACHE_ENV, raising=False)
    bindings.source_names.cache_clear()
    bindings.class_names.cache_clear()
    yield temp
    bindings.source_names.cache_clear()
    bindings.class_names.cache_clear()


def _entries(temp: Path) -> list[Path]:
    return sorted(temp.glob("portarium-codegen-cache-*/bound-names-*.json"))


def test_cached_names_are_the_fresh_parse(tmp_cache: Path) -> None:
    fresh = bindings.parse_source_names()
    assert fresh["runtime"] and fresh["planned"]
    assert {"AuthMethod", "BearerToken"} <= fresh["runtime"]
    first = bindings.source_names()  # computes and stores
    assert dict(first) == fresh
    assert len(_entries(tmp_cache)) == 1
    bindings.source_names.cache_clear()
    second = bindings.source_names()  # read back from the entry
    assert dict(second) == fresh
    assert bindings.planned_imports() == fresh["planned"]
    assert bindings.class_names() >= {n for n in fresh["runtime"] if n[:1].isupper()}


def test_the_entry_is_what_later_runs_use(tmp_cache: Path) -> None:
    calls: list[int] = []

    def compute() -> dict[str, frozenset[str]]:
        calls.append(1)
        return {"a": frozenset({"x", "y"})}

    sources = [Path(bindings.__file__)]
    assert sourcecache.cached_names("t", sources, compute) == {"a": frozenset({"x", "y"})}
    assert sourcecache.cached_names("t", sources, compute) == {"a": frozenset({"x", "y"})}
    assert len(calls) == 1


def test_a_changed_runtime_file_is_parsed_again(
    tmp_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(RUNTIME_DIR.parent, templates)
    monkeypatch.setattr(bindings, "RUNTIME_DIR", templates / "runtime")
    before = bindings.source_names()
    assert "ZzAddedRuntimeClass" not in before["runtime"]
    module = sorted((templates / "runtime").glob("*.py"))[0]
    module.write_text(
        module.read_text(encoding="utf-8") + "\n\nclass ZzAddedRuntimeClass:\n    pass\n",
        encoding="utf-8",
    )
    bindings.source_names.cache_clear()
    bindings.class_names.cache_clear()
    after = bindings.source_names()
    assert after["runtime"] == before["runtime"] | {"ZzAddedRuntimeClass"}
    assert "ZzAddedRuntimeClass" in bindings.class_names()
    assert dict(after) == bindings.parse_source_names()
    assert len(_entries(tmp_cache)) == 2


def test_the_key_covers_every_byte_of_every_source(tmp_path: Path) -> None:
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("X = 1\n")
    b.write_text("Y = 2\n")
    key = sourcecache.source_key("k", [a, b])
    assert sourcecache.source_key("k", [a, b]) == key
    assert sourcecache.source_key("other", [a, b]) != key
    b.write_text("Y = 3\n")  # same size, same name
    assert sourcecache.source_key("k", [a, b]) != key
    assert bindings.__file__ in {str(p) for p in bindings.source_files()}


def test_a_malformed_entry_is_recomputed(tmp_cache: Path) -> None:
    fresh = bindings.source_names()
    (entry,) = _entries(tmp_cache)
    entry.write_text('{"runtime": [1, 2]', encoding="utf-8")
    bindings.source_names.cache_clear()
    assert dict(bindings.source_names()) == dict(fresh)
    assert dict(bindings.source_names()) == bindings.parse_source_names()


def test_a_shared_cache_dir_is_not_trusted(tmp_cache: Path) -> None:
    where = sourcecache.cache_dir()
    assert where is not None
    where.chmod(0o777)
    assert sourcecache.cache_dir() is None
    assert dict(bindings.source_names()) == bindings.parse_source_names()
    assert not _entries(tmp_cache)


def test_the_cache_can_be_switched_off(tmp_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sourcecache.NO_CACHE_ENV, "1")
    assert dict(bindings.source_names()) == bindings.parse_source_names()
    assert not _entries(tmp_cache)
