"""Import blocks are emitted exactly as ruff's isort + F401 fixes would leave them.

The pipeline no longer runs ``ruff check --fix --select I,F401,UP`` on stock-template output
(only ``ruff format``), so the rendered text itself must be a fixed point of that pass:

- :func:`generator.imports.sort_imports` orders like ruff on names built to hit the corner cases
  (digits with and without leading zeros, case, ``_``, constants/classes/variables, aliases,
  relative levels, long statements);
- the rendered tree (before formatting) and the generated tree of several specs have no ``I``,
  ``F401`` or ``UP`` finding.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.config import Config
from generator.imports import natkey, sort_imports
from generator.pipeline import Options, needs_fix_pass, run

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "specs"
PYPROJECT = """[tool.ruff]
line-length = 100
target-version = "py310"

[tool.ruff.lint]
select = ["E", "F", "W", "I", "UP", "B"]
ignore = ["E501", "UP007", "UP040", "B008"]
"""


def _ruff() -> list[str]:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "ruff"]


def _findings(root: Path) -> list[str]:
    proc = subprocess.run(
        [*_ruff(), "check", "--no-cache", "--select", "I,F401,UP", "--output-format", "concise"]
        + ["--exit-zero", "--quiet", "."],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    return [line for line in proc.stdout.splitlines() if line.strip()]


ATOMS = ["a", "b", "A", "B", "v1", "v2", "v10", "v01", "v002", "_x", "x_", "X", "XY", "Xy"]
ATOMS += ["x2y", "x02", "__", "z9", "Z9z", "id", "ID", "Id", "url_v2", "url_v10", "url2", "urlV2"]


def _statements(rnd: random.Random) -> list[str]:
    def ident() -> str:
        return "".join(rnd.choice(ATOMS) for _ in range(rnd.randint(1, 3)))

    lines: list[str] = []
    for _ in range(rnd.randint(1, 12)):
        kind = rnd.random()
        if kind < 0.1:
            lines.append(f"import {rnd.choice(['json', 'httpx', 'ssl', 'importlib'])}")
        elif kind < 0.3:
            module = rnd.choice(["typing", "collections.abc", "datetime", "uuid", "dataclasses"])
            lines.append(
                f"from {module} import {', '.join(ident() for _ in range(rnd.randint(1, 4)))}"
            )
        else:
            dots = "." * rnd.randint(1, 3)
            module = ".".join(
                ident().lower() if rnd.random() < 0.7 else ident() for _ in range(rnd.randint(1, 2))
            )
            if rnd.random() < 0.2:
                name = ident()
                lines.append(f"from {dots}{module} import {name} as {name}")
            else:
                names = ", ".join(ident() for _ in range(rnd.randint(1, 4)))
                lines.append(f"from {dots}{module} import {names}")
    return lines


def test_sort_imports_orders_like_ruff(tmp_path: Path) -> None:
    rnd = random.Random(20261127)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    cases: dict[str, list[str]] = {}
    for i in range(120):
        lines = _statements(rnd)
        used = sorted(
            {
                part.strip().split(" as ")[-1].split(".")[0]
                for line in lines
                for part in (
                    line.split(" import ", 1)[1] if line.startswith("from ") else line[7:]
                ).split(",")
            }
        )
        body = "\n".join(lines) + f"\n\n_USED = [{', '.join(used)}]\n"
        (pkg / f"m{i}.py").write_text(body)
        cases[f"m{i}.py"] = lines
    subprocess.run(
        [*_ruff(), "check", "--no-cache", "--fix", "--quiet", "--exit-zero", "--select", "I", "."],
        cwd=tmp_path,
        check=True,
    )
    for name, lines in cases.items():
        fixed = (pkg / name).read_text().split("\n\n_USED", 1)[0]
        assert fixed == "\n".join(sort_imports(lines)), name


def test_natkey_is_natural_order() -> None:
    words = ["v10", "v2", "v1", "v01", "v001", "v1a", "v_1", "va", "v", "v0", "v00", "v9x"]
    # the order ruff 0.17 gives ``from .<word> import ...`` statements
    assert sorted(words, key=natkey) == [
        "v",
        "v0",
        "v00",
        "v001",
        "v01",
        "v1",
        "v1a",
        "v2",
        "v9x",
        "v10",
        "v_1",
        "va",
    ]


def test_long_statements_wrap_and_keep_their_fixer_shape() -> None:
    long_name = "n" * 90
    assert sort_imports([f"from .m import {long_name}"]) == [
        "from .m import (",
        f"    {long_name},",
        ")",
    ]
    # Fits on one line now, but its longer form (with a member that F401 used to remove) was
    # wrapped first by the fixer: it stays wrapped.
    short = "decode_" + "x" * 60
    assert sort_imports(
        [f"from .m import {short}"], indent_width=8, wrap_like=[f"from .m import encode_{'x' * 60}"]
    ) == ["from .m import (", f"    {short},", ")"]


def test_fix_pass_only_where_the_planner_cannot_vouch_for_imports() -> None:
    assert not needs_fix_pass(Config(), "portarium_client")
    assert needs_fix_pass(Config(templates_dir=Path("tpl")), "portarium_client")
    assert needs_fix_pass(Config(), "httpx")


SPECS = [
    REPO / "spec" / "portarium-control-plane.v1.yaml",
    CORPUS / "qdrant.json",  # import cycles: lazy imports inside functions
    CORPUS / "letta-fastapi.json",  # many unions
    CORPUS / "kubernetes-core-v1.json",
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_generated_imports_need_no_fix(spec: Path, tmp_path: Path) -> None:
    if not spec.is_file():
        pytest.skip(f"{spec} not available")
    raw = tmp_path / "raw" / "client"
    outcome = run(Options(spec=spec, output=raw, skip_format=True))
    assert outcome.report.exit_code == 0
    assert _findings(raw) == []  # the rendered text is a fixed point of the fixer
    out = tmp_path / "formatted" / "client"
    outcome = run(Options(spec=spec, output=out))
    assert outcome.report.exit_code == 0
    assert _findings(out) == []
