"""Template overrides (``--templates DIR`` / config ``templates:``), ``templates list|export``, and
the template contract: what each template receives is what ``docs/templates.md`` documents.

The main property: overriding one template whole and another by a single block changes exactly
those parts of the output; every other byte is identical to the stock output.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import generator.pipeline as pipeline
from generator import ir, plan
from generator.cli import main
from generator.output import MANIFEST, read_tree
from generator.render import COMMON_CONTEXT, TEMPLATE_CONTEXTS, stock_template_names

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec" / "portarium-control-plane.v1.yaml"
DOCS = REPO / "docs" / "templates.md"

# The two overrides of docs/templates.md's worked examples.
README_OVERRIDE = """\
# {{ api.project_name }} {{ version }}

Internal client for {{ api.title }}. Ask #platform-team before upgrading.
"""

MODEL_DOC_OVERRIDE = '''\
{% extends "stock/model.py.jinja" %}
{% block class_doc %}
    """{{ model.doc }}

    Attributes:
{% for f in model.fields %}
        {{ f.name }}: {{ f.doc | docstring if f.doc else "(undocumented)" }}
{% endfor %}
    """
{% endblock %}
'''


def _generate(out: Path, *args: str) -> int:
    return main(["generate", "--spec", str(SPEC), "--output", str(out), "--quiet", *args])


def _tree(root: Path) -> dict[str, bytes]:
    files = read_tree(root)
    files.pop(MANIFEST, None)  # hashes of the files themselves: differs whenever they do
    return files


@pytest.fixture(scope="module")
def stock(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("stock") / "portarium-client"
    assert _generate(out) == 0
    return _tree(out)


def _class_docstring_lines(source: str) -> set[int]:
    """0-based line numbers of the docstring of the module's dataclass."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            first = node.body[0]
            assert isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            return set(range(first.lineno - 1, (first.end_lineno or first.lineno)))
    raise AssertionError("no class")


def _changed_lines(a: list[str], b: list[str]) -> tuple[set[int], set[int]]:
    """Line numbers changed in ``a`` and in ``b``."""
    in_a: set[int] = set()
    in_b: set[int] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal":
            in_a.update(range(i1, i2))
            in_b.update(range(j1, j2))
    return in_a, in_b


def test_two_overrides_change_exactly_their_parts(stock: dict[str, bytes], tmp_path: Path) -> None:
    templates = tmp_path / "my-templates"
    templates.mkdir()
    (templates / "README.md.jinja").write_text(README_OVERRIDE, encoding="utf-8")
    (templates / "model.py.jinja").write_text(MODEL_DOC_OVERRIDE, encoding="utf-8")
    out = tmp_path / "portarium-client"
    assert _generate(out, "--templates", str(templates)) == 0
    custom = _tree(out)

    assert set(custom) == set(stock)
    dataclass_models = {
        path
        for path, data in stock.items()
        if path.startswith("portarium_client/models/") and b"@dataclass(" in data
    }
    assert len(dataclass_models) >= 10
    changed = {path for path in stock if stock[path] != custom[path]}
    assert changed == {"README.md"} | dataclass_models

    # the whole-file override: exactly its rendering
    assert custom["README.md"].decode() == (
        "# portarium-client 1.0.0\n\n"
        "Internal client for Portarium Control Plane API. Ask #platform-team before upgrading.\n"
    )
    # the block override: only the class docstring of each model differs
    for path in sorted(dataclass_models):
        before = stock[path].decode()
        after = custom[path].decode()
        in_before, in_after = _changed_lines(before.splitlines(), after.splitlines())
        assert in_before <= _class_docstring_lines(before), path
        assert in_after <= _class_docstring_lines(after), path
        assert "    Attributes:\n" in after, path
    run = custom["portarium_client/models/run.py"].decode()
    assert "        id: Stable run identifier.\n" in run
    assert "        workflow_id: (undocumented)\n" in run


def test_config_templates_key_is_relative_to_the_config(
    stock: dict[str, bytes], tmp_path: Path
) -> None:
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "gitignore.jinja").write_text("*.pyc\n", encoding="utf-8")
    config = tmp_path / "codegen.yaml"
    config.write_text("templates: tpl\n", encoding="utf-8")
    out = tmp_path / "portarium-client"
    assert _generate(out, "--config", str(config)) == 0
    custom = _tree(out)
    assert custom[".gitignore"] == b"*.pyc\n"
    assert {p for p in stock if stock[p] != custom.get(p)} == {".gitignore"}


def test_exported_templates_reproduce_the_stock_output(
    stock: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    templates = tmp_path / "exported"
    assert main(["templates", "export", "--all", str(templates)]) == 0
    assert sorted(p.name for p in templates.iterdir()) == stock_template_names()
    # exporting again refuses to overwrite
    assert main(["templates", "export", "model.py.jinja", str(templates)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["templates", "export", "--force", "stock/model.py.jinja", str(templates)]) == 0
    out = tmp_path / "portarium-client"
    assert _generate(out, "--templates", str(templates)) == 0
    assert _tree(out) == stock


def test_templates_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"IR contract {ir.IR_VERSION}" in lines[0]
    assert [line.split()[0] for line in lines[1:]] == stock_template_names()
    assert any(line.startswith("model.py.jinja") and "model: ModelView" in line for line in lines)


def test_unknown_template_name_is_refused(tmp_path: Path) -> None:
    assert main(["templates", "export", "modle.py.jinja", str(tmp_path)]) == 2


# -- template errors: exit 2, located at the template file and line -------------------------------


def _failing_generate(tmp_path: Path, files: dict[str, str]) -> dict[str, Any]:
    templates = tmp_path / "tpl"
    templates.mkdir()
    for name, text in files.items():
        (templates / name).write_text(text, encoding="utf-8")
    report = tmp_path / "report.json"
    out = tmp_path / "out"
    code = _generate(out, "--templates", str(templates), "--report", str(report))
    assert code == 2
    assert not out.exists()
    errors = [d for d in json.loads(report.read_text())["diagnostics"] if d["severity"] == "error"]
    assert len(errors) == 1, errors
    return errors[0]


def test_unknown_attribute_fails_at_template_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    diag = _failing_generate(
        tmp_path,
        {
            "model.py.jinja": '{% extends "stock/model.py.jinja" %}\n'
            "{% block class_doc %}\n"
            '    """{{ model.descripton }}"""\n'
            "{% endblock %}\n"
        },
    )
    assert diag["code"] == "E0702"
    assert Path(diag["file"]).resolve() == (tmp_path / "tpl" / "model.py.jinja").resolve()
    assert (diag["line"], diag["col"]) == (3, 17)  # at the attribute
    assert "descripton" in diag["message"]
    err = capsys.readouterr().err
    assert re.search(r"model\.py\.jinja:3:17: error\[E0702\]: .*descripton", err), err


def test_unknown_variable_in_a_whole_override(tmp_path: Path) -> None:
    diag = _failing_generate(tmp_path, {"gitignore.jinja": "dist/\n\n  {{ nmae }}\n"})
    assert (diag["code"], Path(diag["file"]).name, diag["line"], diag["col"]) == (
        "E0702",
        "gitignore.jinja",
        3,
        6,
    )


def test_syntax_error_is_located(tmp_path: Path) -> None:
    diag = _failing_generate(tmp_path, {"gitignore.jinja": "dist/\n{% if %}\n"})
    assert (diag["code"], Path(diag["file"]).name, diag["line"]) == ("E0701", "gitignore.jinja", 2)


def test_extending_itself_points_at_stock(tmp_path: Path) -> None:
    diag = _failing_generate(tmp_path, {"gitignore.jinja": '{% extends "gitignore.jinja" %}\n'})
    assert diag["code"] == "E0705" and "stock/gitignore.jinja" in diag["hint"]


def test_missing_template_is_located(tmp_path: Path) -> None:
    diag = _failing_generate(tmp_path, {"gitignore.jinja": 'x\n{% include "stock/nope.jinja" %}\n'})
    assert (diag["code"], Path(diag["file"]).name, diag["line"]) == ("E0703", "gitignore.jinja", 2)


def test_missing_override_directory(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    code = _generate(
        tmp_path / "out", "--templates", str(tmp_path / "nope"), "--report", str(report)
    )
    assert code == 2
    diagnostics = json.loads(report.read_text())["diagnostics"]
    assert [d["code"] for d in diagnostics if d["severity"] == "error"] == ["E0706"]


# -- the contract ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def contexts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    """Template name -> the context it was rendered with (one sample per template)."""
    seen: dict[str, dict[str, object]] = {}
    original = pipeline.render

    def spy(env: Any, template: str, context: Any) -> str:
        seen.setdefault(template, dict(context))
        return original(env, template, context)

    pipeline.render = spy  # type: ignore[assignment]
    try:
        assert _generate(tmp_path_factory.mktemp("ctx") / "out") == 0
    finally:
        pipeline.render = original
    return seen


def test_template_contexts_are_as_declared(contexts: dict[str, dict[str, object]]) -> None:
    assert set(TEMPLATE_CONTEXTS) == set(stock_template_names())
    common = {name for name, _ in COMMON_CONTEXT}
    for template, context in contexts.items():
        declared = common | {name for name, _ in TEMPLATE_CONTEXTS[template]}
        assert set(context) == declared, template


def _documented_views() -> Iterator[type]:
    for module in (ir, plan):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and dataclasses.is_dataclass(value)
                and value.__module__ == module.__name__
                and value.__name__ != "PlannedFile"
            ):
                yield value


def _section(docs: str, heading: str) -> str:
    match = re.search(rf"^#+ `{heading}`[^\n]*$(.*?)(?=^#+ )", docs + "\n# end", re.M | re.S)
    assert match, f"docs/templates.md has no section for {heading}"
    return match.group(1)


def test_docs_document_the_whole_contract(contexts: dict[str, dict[str, object]]) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    assert f"IR_VERSION = {ir.IR_VERSION}" in docs or f"version {ir.IR_VERSION}" in docs
    for cls in _documented_views():
        section = _section(docs, cls.__name__)
        for f in dataclasses.fields(cls):
            assert f"`{f.name}`" in section, (
                f"{cls.__name__}.{f.name} is not documented in docs/templates.md; document it "
                "and bump generator.ir.IR_VERSION"
            )
    for template in stock_template_names():
        assert f"`{template}`" in docs, template
    client = contexts["client.py.jinja"]["client"]
    examples = contexts["README.md.jinja"]["examples"]
    assert isinstance(client, dict) and isinstance(examples, dict)
    for key in [*client, *examples]:
        assert f"`{key}`" in docs, key
    for name in ("pyrepr", "comment", "docstring", "toml", "spdx"):
        assert f"`{name}`" in docs
