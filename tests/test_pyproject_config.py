"""``[tool.portarium-codegen]`` in ``pyproject.toml`` as configuration, beside ``codegen.yaml``.

Each test works in a temporary directory (the working directory decides which file configures a
run) and runs the real CLI; which file was used shows in the generated package's import name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main

SPEC = """\
openapi: 3.0.3
info: {title: Conf, version: 1.0.0}
paths:
  /ping:
    get:
      operationId: ping
      responses:
        "204": {description: pong}
"""

PYPROJECT = """\
[project]
name = "my-app"
version = "0.1.0"

[tool.black]
line-length = 100

[tool.portarium-codegen]
package_name = "from_toml"
models = "referenced"

[tool.portarium-codegen.runtime]
max_retries = 3
"""


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "openapi.yaml").write_text(SPEC, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _generate(*extra: str) -> int:
    return main(["generate", "--spec", "openapi.yaml", "--output", "out", "-q", *extra])


def test_pyproject_table_alone(project: Path) -> None:
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    assert _generate() == 0
    assert (project / "out" / "from_toml" / "client.py").is_file()
    assert "max_retries: int = 3" in (project / "out" / "from_toml" / "client.py").read_text()


def test_codegen_yaml_alone(project: Path) -> None:
    (project / "codegen.yaml").write_text("package_name: from_yaml\n", encoding="utf-8")
    assert _generate() == 0
    assert (project / "out" / "from_yaml").is_dir()


def test_pyproject_without_the_table_is_not_configuration(project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (project / "codegen.yaml").write_text("package_name: from_yaml\n", encoding="utf-8")
    assert _generate() == 0
    assert (project / "out" / "from_yaml").is_dir()


def test_both_present_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (project / "codegen.yaml").write_text("package_name: from_yaml\n", encoding="utf-8")
    assert _generate() == 2
    err = capsys.readouterr().err
    assert "pyproject.toml:8:1: error[E0510]" in err
    assert "--config" in err
    assert not (project / "out").exists()


@pytest.mark.parametrize(
    ("chosen", "package"), [("pyproject.toml", "from_toml"), ("codegen.yaml", "from_yaml")]
)
def test_both_present_with_config_choosing_one(project: Path, chosen: str, package: str) -> None:
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (project / "codegen.yaml").write_text("package_name: from_yaml\n", encoding="utf-8")
    assert _generate("--config", chosen) == 0
    assert (project / "out" / package).is_dir()


def test_typo_in_the_table_is_located(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = PYPROJECT.replace('models = "referenced"', 'modles = "referenced"')
    (project / "pyproject.toml").write_text(text, encoding="utf-8")
    assert _generate() == 2
    err = capsys.readouterr().err
    assert "pyproject.toml:10:1: error[E0504]: unknown key 'modles'" in err
    assert "did you mean 'models'?" in err
    assert "#/modles" in err


def test_nested_typo_and_wrong_type_are_located(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = PYPROJECT.replace("max_retries = 3", "max_retires = 3").replace(
        'package_name = "from_toml"', "package_name = 7"
    )
    (project / "pyproject.toml").write_text(text, encoding="utf-8")
    assert _generate() == 2
    err = capsys.readouterr().err
    assert "pyproject.toml:13:1: error[E0504]: unknown key 'max_retires'" in err
    assert "pyproject.toml:9:1: error[E0505]" in err


def test_invalid_toml_is_located(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.portarium-codegen]\npackage_name = "x\n', encoding="utf-8"
    )
    assert _generate("--config", "pyproject.toml") == 2
    err = capsys.readouterr().err
    assert "pyproject.toml:2:" in err and "E0511" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[project]\nname = "app"\n', False),  # no mention of the name: not even parsed
        ('[project]\ndependencies = ["portarium-codegen>=0.1"]\n', False),
        ('[tool.portarium-codegen]\npackage_name = "x"\n', True),
        ('[tool]\n"portarium-codegen" = { package_name = "x" }\n', True),
        ('[tool."portarium\\u002Dcodegen"]\npackage_name = "x"\n', True),  # spelled by escape
        ("[tool.portarium-codegen\n", False),  # not TOML
    ],
)
def test_has_table(tmp_path: Path, text: str, expected: bool) -> None:
    from generator.pyproject_config import has_table

    path = tmp_path / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    assert has_table(path) is expected
