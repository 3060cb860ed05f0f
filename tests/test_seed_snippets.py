"""The user's guide (``../shared/seed/python-client-generation.md``) runs verbatim against our client.

The Usage, Authentication and Pagination snippets are extracted from the guide at test time (so a
change to the guide is tested, not a stale copy), only ``base_url`` and the token are replaced, and
they run in one fresh interpreter against Prism serving ``spec/portarium-control-plane.v1.yaml``,
importing the committed client in ``output/portarium-client``. ``tests/seed/annotated_snippets.py``
is the same code with type annotations; it must pass ``mypy --strict`` against the client.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seed" / "python-client-generation.md"
CLIENT = REPO / "output" / "portarium-client"
SECTIONS = ("Usage", "Authentication", "Pagination")


def extract_snippets(markdown: str) -> dict[str, list[str]]:
    """``{section title: [python code blocks]}`` for every ``## `` section of the guide."""
    out: dict[str, list[str]] = {}
    for section in re.split(r"^## ", markdown, flags=re.M)[1:]:
        title, _, body = section.partition("\n")
        out[title.strip()] = re.findall(r"```python\n(.*?)```", body, flags=re.S)
    return out


def seed_program(base_url: str) -> str:
    snippets = extract_snippets(SEED.read_text(encoding="utf-8"))
    code: list[str] = [
        "def get_fresh_token() -> str:\n    return 'test-token'\n",
    ]
    for name in SECTIONS:
        assert snippets.get(name), f"the guide has no python snippet under '## {name}'"
        code.extend(snippets[name])
    program = "\n".join(code)
    program = program.replace("https://portarium.example.com", base_url)
    return program.replace("eyJhbGciOiJSUzI1NiIs...", "test-token")


def test_guide_has_the_snippets() -> None:
    snippets = extract_snippets(SEED.read_text(encoding="utf-8"))
    for name in SECTIONS:
        assert snippets.get(name)


@pytest.mark.prism
def test_seed_snippets_run_against_prism(prism_portarium: object) -> None:
    base_url = prism_portarium.base_url  # type: ignore[attr-defined]
    program = seed_program(base_url)
    env = {**os.environ, "PYTHONPATH": str(CLIENT)}
    proc = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "Run started:" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_annotated_snippets_pass_mypy_strict(tmp_path: Path) -> None:
    env = {**os.environ, "MYPYPATH": str(CLIENT)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            str(REPO / "tests" / "seed" / "annotated_snippets.py"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_annotated_copy_matches_the_guide() -> None:
    """Every statement of the guide's snippets appears in the annotated copy (annotations aside)."""
    annotated = (REPO / "tests" / "seed" / "annotated_snippets.py").read_text(encoding="utf-8")
    flat = re.sub(r"\s+", "", re.sub(r":\s*[A-Za-z_][\w\[\], .|]*\s*=", "=", annotated))
    snippets = extract_snippets(SEED.read_text(encoding="utf-8"))
    for name in SECTIONS:
        for block in snippets[name]:
            for line in block.splitlines():
                stmt = line.split("#", 1)[0].strip()
                if not stmt or stmt.startswith(("import ", "from ", "async def", "def ")):
                    continue
                squashed = re.sub(r"\s+", "", stmt)
                assert squashed in flat, f"guide line not in annotated copy: {stmt!r}"
