"""generator.regexcache: patterns served from the kept entry are the patterns re would make.

Each case runs in a fresh interpreter with its own temp dir (the cache dir lives there), so the
test process's own ``re`` is never patched.
"""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from array import array
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Patterns that exercise what the engine is handed: flags (given and inline), groups, named
# groups, back references, look-around, Unicode classes, bytes.
PATTERNS: list[tuple[str | bytes, int, str | bytes]] = [
    ("(?P<year>[0-9]{4})-(?P<month>[0-9]{2})", 0, "on 2026-12 and 1999-01"),
    (r"(\w+)\s+\1", 0, "hello hello world world"),
    (r"(?<=@)\w+(?=\.)", 0, "mail me@example.org"),
    ("[^\t\n\r -~\x85\xa0-\ud7ff\ue000-\ufffd]", 0, "ok\x00bad\x7f"),
    ("ABC", 2, "xx abc ABC"),  # re.IGNORECASE
    (r"(?im)^start", 0, "x\nSTART here\nstart"),
    (r"^\s*$", 8, "a\n \nb"),  # re.MULTILINE
    (b"(\\d+)|(?P<w>[a-z]+)", 0, b"12 ab 3"),
]

PROBE = r"""
import json, re, sys
sys.path.insert(0, sys.argv[1])
from generator import regexcache
if sys.argv[2] == "install":
    regexcache.install()
cases = json.loads(sys.argv[3])
out = []
for pattern, flags, text in cases:
    if pattern.startswith("b:"):
        pattern, text = pattern[2:].encode("latin-1"), text.encode("latin-1")
    compiled = re.compile(pattern, flags)
    found = [
        (m.span(), m.groups(), sorted(m.groupdict().items()), m.lastindex, m.lastgroup)
        for m in compiled.finditer(text)
    ]
    out.append([compiled.flags, compiled.groups, sorted(compiled.groupindex.items()), repr(found)])
regexcache.keep()
print(json.dumps({"results": out, "stats": regexcache.stats()}))
"""


def _cases() -> str:
    cases: list[tuple[str, int, str]] = []
    for pattern, flags, text in PATTERNS:
        if isinstance(pattern, bytes):
            assert isinstance(text, bytes)
            cases.append(("b:" + pattern.decode("latin-1"), flags, text.decode("latin-1")))
        else:
            assert isinstance(text, str)
            cases.append((pattern, flags, text))
    return json.dumps(cases)


def _run(tmp: Path, mode: str, **env: str) -> dict[str, object]:
    environ = {**os.environ, "TMPDIR": str(tmp)}
    environ.pop("PORTARIUM_CODEGEN_NO_SOURCE_CACHE", None)
    environ.update(env)
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(REPO), mode, _cases()],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    answer: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return answer


def _entries(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("portarium-codegen-cache-*/regex-*.marshal"))


def test_kept_patterns_behave_as_compiled_ones(tmp_path: Path) -> None:
    plain = _run(tmp_path, "plain")
    first = _run(tmp_path, "install")
    assert first["results"] == plain["results"]
    assert first["stats"] == {"hits": 0, "compiled": len(PATTERNS)}
    assert len(_entries(tmp_path)) == 1
    second = _run(tmp_path, "install")
    assert second["stats"] == {"hits": len(PATTERNS), "compiled": 0}
    assert second["results"] == plain["results"]


def test_a_damaged_entry_is_compiled_afresh(tmp_path: Path) -> None:
    plain = _run(tmp_path, "plain")
    _run(tmp_path, "install")
    (entry,) = _entries(tmp_path)
    entry.write_bytes(b"not marshal data")
    again = _run(tmp_path, "install")
    assert again["stats"] == {"hits": 0, "compiled": len(PATTERNS)}
    assert again["results"] == plain["results"]


def test_code_the_engine_refuses_is_compiled_afresh(tmp_path: Path) -> None:
    plain = _run(tmp_path, "plain")
    _run(tmp_path, "install")
    (entry,) = _entries(tmp_path)
    stored = marshal.loads(entry.read_bytes())
    # Well-typed but meaningless code for every pattern: the engine validates what it is given.
    nonsense = array("I", [1, 2, 3]).tobytes()
    broken = {
        key: (flags, nonsense, groups, index, names)
        for key, (flags, _, groups, index, names) in stored.items()
    }
    entry.write_bytes(marshal.dumps(broken))
    again = _run(tmp_path, "install")
    assert again["stats"] == {"hits": 0, "compiled": len(PATTERNS)}
    assert again["results"] == plain["results"]


def test_nothing_is_kept_when_caching_is_off(tmp_path: Path) -> None:
    off = {"PORTARIUM_CODEGEN_NO_SOURCE_CACHE": "1"}
    _run(tmp_path, "install", **off)
    again = _run(tmp_path, "install", **off)
    assert again["stats"] == {"hits": 0, "compiled": 0}
    assert _entries(tmp_path) == []


def test_a_library_import_leaves_re_alone() -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from re import _compiler; "
        "before = _compiler.compile; import generator.cli, generator.pipeline; "
        "print(_compiler.compile is before)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(REPO)], capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.strip() == "True", proc.stderr


@pytest.mark.skipif(sys.version_info < (3, 11), reason="re._compiler is sre_compile before 3.11")
def test_the_cli_serves_its_patterns_from_the_entry(tmp_path: Path) -> None:
    """Two whole runs of the CLI: the second compiles no pattern its first one kept."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
        "  /a:\n    get:\n      operationId: getA\n      responses: {'200': {description: ok}}\n"
    )
    counts = []
    for round_ in range(2):
        code = (
            "import sys, json; sys.path.insert(0, sys.argv[1]); sys.argv = sys.argv[:1] + "
            "sys.argv[2:]; from generator import regexcache; regexcache.install(); "
            "from generator.cli import main; rc = main(); regexcache.keep(); "
            "print(json.dumps(regexcache.stats())); raise SystemExit(rc)"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code, str(REPO), "generate", "--quiet"]
            + [f"--spec={spec}", f"--output={tmp_path / f'out{round_}' / 'client'}"],
            capture_output=True,
            text=True,
            env={**os.environ, "TMPDIR": str(tmp_path)},
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        counts.append(json.loads(proc.stdout.splitlines()[-1]))
    assert counts[0]["compiled"] > 20
    assert counts[1]["compiled"] == 0 and counts[1]["hits"] > 20
