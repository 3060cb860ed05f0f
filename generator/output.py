"""Formatting, atomic writing and drift checking of a rendered output tree.

- :func:`format_tree`: ``ruff check --fix`` (import sorting, safe fixes) and ``ruff format`` on the
  staged tree in one process each; then every ``.py`` file must ``ast.parse`` (a generator bug
  otherwise, exit 3). black is never on this path: ruff's formatter is black-compatible and ~100x
  faster; ``black --check`` stays a CI gate.
- :func:`stage`: write all files into a fresh temp dir *beside* the target (same file system), then
  :func:`swap` it in: rename the old tree aside, rename the new one in, delete the old one. A crash
  at any point leaves either the old tree or the new tree at the target; leftovers are named
  ``.codegen-tmp-*`` / ``.codegen-old-*`` and removed by the next run (:func:`clean_leftovers`).
- :func:`diff_trees`: compare two trees (changed / missing / extra files, unified diff excerpts).
- A ``.codegen-manifest.json`` (spec hash, config hash, generator version; no timestamps) is written
  with every tree.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

TMP_PREFIX = ".codegen-tmp-"
OLD_PREFIX = ".codegen-old-"
MANIFEST = ".codegen-manifest.json"


class OutputError(Exception):
    """The output location is unusable (not a directory, not writable, outside the allowed root)."""


def safe_join(root: Path, relative: str) -> Path:
    """``root / relative``, refusing absolute paths and ``..`` escapes."""
    rel = Path(relative)
    if rel.is_absolute() or any(part in ("..", "") for part in rel.parts) or "\x00" in relative:
        raise OutputError(f"refusing to write outside the output directory: {relative!r}")
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        raise OutputError(f"refusing to write outside the output directory: {relative!r}")
    return root / rel


def clean_leftovers(target: Path) -> list[Path]:
    """Remove temp/old trees a killed earlier run left beside ``target``."""
    removed: list[Path] = []
    parent = target.parent
    if not parent.is_dir():
        return removed
    stem = target.name
    for entry in parent.iterdir():
        if entry.name.startswith((f"{TMP_PREFIX}{stem}-", f"{OLD_PREFIX}{stem}-")):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def stage(target: Path, files: Mapping[str, bytes]) -> Path:
    """Write ``files`` into a new temp dir beside ``target`` and return it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{target.name}-", dir=target.parent))
    for rel, data in files.items():
        path = safe_join(tmp, rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return tmp


def swap(staged: Path, target: Path) -> None:
    """Replace ``target`` by ``staged`` with two renames (old tree deleted last)."""
    if target.exists() and not target.is_dir():
        raise OutputError(f"output path exists and is not a directory: {target}")
    old: Path | None = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f"{OLD_PREFIX}{target.name}-", dir=target.parent))
        os.rmdir(old)
        os.replace(target, old)
    try:
        os.replace(staged, target)
    except OSError:
        if old is not None:
            os.replace(old, target)
        raise
    _fsync_dir(target.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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


def read_tree(root: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    if not root.is_dir():
        return out
    for path in sorted(root.rglob("*")):
        if path.is_file() and not any(p in ("__pycache__", ".mypy_cache", ".ruff_cache") or p.endswith(".egg-info") for p in path.relative_to(root).parts):
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


@dataclass
class FormatResult:
    ok: bool
    message: str = ""


def _ruff() -> list[str]:
    exe = shutil.which("ruff", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if exe:
        return [exe]
    return [sys.executable, "-m", "ruff"]


def format_tree(root: Path) -> FormatResult:
    """Run ruff's fixer and formatter over ``root`` in place (using the tree's own pyproject)."""
    env = {**os.environ, "RUFF_NO_CACHE": "true"}
    base = _ruff()
    fix = subprocess.run(
        [*base, "check", "--fix", "--quiet", "--exit-zero", "--no-cache", "--select", "I,F401,UP", "."],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
    )
    if fix.returncode not in (0, 1):
        return FormatResult(False, fix.stderr or fix.stdout)
    fmt = subprocess.run([*base, "format", "--quiet", "--no-cache", "."], cwd=root, capture_output=True, text=True, env=env)
    if fmt.returncode != 0:
        return FormatResult(False, fmt.stderr or fmt.stdout)
    return FormatResult(True)


def syntax_errors(files: Mapping[str, bytes]) -> list[str]:
    errors: list[str] = []
    for rel, data in files.items():
        if rel.endswith(".py"):
            try:
                ast.parse(data, filename=rel)
            except SyntaxError as exc:
                errors.append(f"{rel}:{exc.lineno}:{exc.offset}: {exc.msg}")
    return errors


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(spec_bytes: Iterable[bytes], config_bytes: bytes, version: str, files: Mapping[str, bytes]) -> bytes:
    spec_hash = hashlib.sha256()
    for chunk in spec_bytes:
        spec_hash.update(chunk)
    body = {
        "generator": "portarium-codegen",
        "generator_version": version,
        "spec_sha256": spec_hash.hexdigest(),
        "config_sha256": digest(config_bytes),
        "files": {k: digest(v) for k, v in sorted(files.items())},
    }
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()


@dataclass
class TreeDiff:
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # would be created
    extra: list[str] = field(default_factory=list)  # would be removed
    excerpts: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.extra)

    def summary(self, limit: int = 40) -> str:
        lines = []
        for label, items in (("changed", self.changed), ("new", self.missing), ("removed", self.extra)):
            for item in items[:limit]:
                lines.append(f"  {label:8} {item}")
            if len(items) > limit:
                lines.append(f"  ... {len(items) - limit} more {label}")
        lines.append(f"{len(self.changed)} changed, {len(self.missing)} new, {len(self.extra)} removed")
        return "\n".join(lines)


def diff_trees(current: Mapping[str, bytes], wanted: Mapping[str, bytes], *, excerpt_files: int = 5) -> TreeDiff:
    result = TreeDiff()
    for rel in sorted(wanted):
        if rel not in current:
            result.missing.append(rel)
        elif current[rel] != wanted[rel]:
            result.changed.append(rel)
    result.extra = sorted(set(current) - set(wanted))
    for rel in result.changed[:excerpt_files]:
        try:
            a = current[rel].decode().splitlines(keepends=True)
            b = wanted[rel].decode().splitlines(keepends=True)
        except UnicodeDecodeError:
            continue
        diff = list(difflib.unified_diff(a, b, f"committed/{rel}", f"generated/{rel}", n=2))
        result.excerpts.append("".join(diff[:60]))
    return result
