"""No code from the spec ever runs, and nothing is written outside the output directory.

One spec puts break-out payloads everywhere text from the spec can end up in generated code, a
docstring, a comment, a string literal, a README or a file path: names of schemas, properties,
parameters, headers, tags, operationIds and security schemes; titles, summaries, descriptions;
defaults, enum values, examples, ``const``; servers and info fields. The payloads close every kind
of Python string (``\"\"\"``, ``'''``, ``"``, ``'``, a trailing backslash), start new lines (``\\n``,
``\\r``, U+2028, form feed), end comments, contain NUL, open Jinja blocks (``{{ }}``, ``{% %}``),
and all carry ``__import__('os').system('touch <tmp>/PWNED')``-style code whose only effect would
be a marker file. Names also include Python keywords and soft keywords, dunders, builtins,
names the generated code uses itself, Unicode confusables (fullwidth ``ｃｌａｓｓ``, Cyrillic look-
alikes, ligatures) and path pieces (``../../x``, absolute paths, ``..``, ``C:\\x``, ``a/b``).

Then: the generator exits 0 (warnings allowed), the marker never appears (not during generation,
compilation, import, mypy, or calling ``to_dict``/``from_dict`` on the models), every file it wrote
is inside the output directory (the whole parent tree is walked before and after), every module
compiles and imports in a fresh interpreter without side effects, and ``mypy --strict`` passes.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

KEYWORDS = ["class", "def", "None", "True", "False", "import", "lambda", "from", "return", "async", "await", "yield", "global", "nonlocal", "pass", "del"]  # fmt: skip
SOFT_KEYWORDS = ["match", "case", "type", "_"]
DUNDERS = ["__init__", "__class__", "__dict__", "__import__", "__builtins__", "__all__", "__annotations__", "__slots__", "__proto__", "__getattr__"]  # fmt: skip
BUILTINS_AND_OWN = ["self", "cls", "client", "body", "json", "httpx", "Any", "Response", "Client", "to_dict", "from_dict", "additional_properties", "UNSET", "int", "str", "list", "dict", "type", "object", "print", "exec", "eval", "os", "sys", "datetime", "field", "dataclass"]  # fmt: skip
CONFUSABLES = ["ｃｌａｓｓ", "Ｒｕｎ", "Rսn", "Run", "RUN", "ﬁle", "file", "ⅸ", "ǅungla", "μ", "µ", "Å", "Å", "ｄｅｆ"]  # fmt: skip
#: Names outside the Basic Multilingual Plane: covered by test_non_bmp_property_names_round_trip;
#: so the big spec keeps them out of names (its descriptions and values still have them).
NON_BMP = ["𝐝𝐞𝐟", "\U0001f600", "a\U0001d400b"]
PATH_PIECES = ["../../x", "../..", "..", ".", "/", "a/b", "a\\b", "C:\\x", "~", "-", "con", "__init__.py", "models", "api", "_runtime", "", " "]  # fmt: skip


SAFE_TITLE = "Hostile ''' {{ title }} {% if x %} # ../../x ｃｌａｓｓ "


def payloads(marker: Path) -> list[str]:
    """Break-out strings; each would create ``marker`` if any part of it were executed."""
    m = str(marker)
    code = f"__import__('os').system('touch {m}')"
    code2 = f"open({m!r}, 'w').close()"
    jinja = f"cycler.__init__.__globals__.os.system('touch {m}')"
    return [
        f'"""\n{code}\n"""',
        f"'''\n{code}\n'''",
        f'"\n{code}\n#',
        f"'\n{code}\n#",
        f'"; {code}; "',
        f"'); {code2}; ('",
        f"\\\n{code}",
        "trailing backslash \\",
        'ends with a quote "',
        f"\n{code}\n",
        f"\r{code}\r",
        f"\u2028{code}\u2029",
        f"\x0c{code}\x0b",
        f"x\x00{code}",
        f"{{{{ {jinja} }}}}",
        f"{{% set x = {jinja} %}}",
        f"{{# #}}{{{{ {jinja} }}}}{{% raw %}}",
        f"# {code}",
        f"*/ {code} /*",
        f"`{code}`",
        f"</script><script>{code}</script>",
        f"${{{code}}}",
        f"%(x)s {{0}} {code}",
        f"\\N{{LATIN SMALL LETTER A}} \\x41 \\u0041 {code}",
        f"\U0001f600 {code} \ufeff\u200b",
    ]


def names(marker: Path) -> list[str]:
    """Identifier-ish names: every hostile category, plus short payloads."""
    out: list[str] = []
    for group in (KEYWORDS, SOFT_KEYWORDS, DUNDERS, BUILTINS_AND_OWN, CONFUSABLES, PATH_PIECES):
        out.extend(group)
    out.extend(p[:60] for p in payloads(marker))
    out.append(str(marker.parent / "abs-escape"))
    out.append("x" * 120)  # long names are capped: test_very_long_names_give_short_file_names
    out = ["".join(ch for ch in n if ord(ch) < 0x10000) for n in out]
    seen: set[str] = set()
    return [n for n in out if not (n in seen or seen.add(n))]


def hostile_spec(marker: Path) -> dict[str, Any]:
    pay = payloads(marker)
    nm = names(marker)

    def text(i: int) -> str:
        return pay[i % len(pay)]

    schemas: dict[str, Any] = {}
    # One object model per hostile name; its properties are hostile names too.
    for i, name in enumerate(nm):
        props: dict[str, Any] = {}
        for j in range(4):
            pname = nm[(i * 4 + j) % len(nm)]
            kind = (i + j) % 4
            prop: dict[str, Any]
            if kind == 0:
                prop = {"type": "string", "default": text(i + j), "example": text(i + j + 1)}
            elif kind == 1:
                prop = {"type": "integer", "default": j, "description": text(i + j)}
            elif kind == 2:
                prop = {
                    "type": "array",
                    "items": {"type": "string", "enum": [text(i), text(i + 1)]},
                }
            else:
                prop = {"type": "string", "const": text(i + j), "title": text(i)}
            prop.setdefault("description", text(i + j + 2))
            props[pname] = prop
        schemas[name] = {
            "type": "object",
            "title": text(i),
            "description": text(i + 3),
            "properties": props,
            "required": [next(iter(props))],
            "example": {"k": text(i)},
            "x-evil": text(i),
        }
    schemas["HostileEnum"] = {
        "type": "string",
        "description": text(0),
        "enum": [*pay, *nm, "", "A", "a", "a-", "a_", "None", "null"],
    }
    schemas["HostileIntEnum"] = {"type": "integer", "enum": [0, 1, -1, 2**40, -(2**40)]}
    schemas["Wrapper"] = {
        "type": "object",
        "properties": {
            "e": {"$ref": "#/components/schemas/HostileEnum"},
            "n": {"$ref": "#/components/schemas/HostileIntEnum"},
            "m": {"type": "object", "additionalProperties": {"type": "string", "default": text(4)}},
            "u": {
                "oneOf": [
                    {"$ref": f"#/components/schemas/{_ptr(nm[0])}"},
                    {"$ref": f"#/components/schemas/{_ptr(nm[1])}"},
                ],
                "description": text(5),
            },
            "d": {"type": "string", "format": "date-time", "default": text(6)},
            "self": {"$ref": "#/components/schemas/Wrapper"},
        },
    }
    model_names = list(schemas)
    paths: dict[str, Any] = {}
    tags = nm
    for i, op_id in enumerate(nm):
        path = f"/items{i}/{{id}}/{_path_text(text(i))}"
        model = model_names[i % len(model_names)]
        paths[path] = {
            "summary": text(i),
            "description": text(i + 1),
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "description": text(i),
                    "schema": {"type": "string", "default": text(i)},
                },
            ],
            ("get" if i % 2 else "post"): {
                "operationId": op_id,
                "tags": [tags[(i + 3) % len(tags)], tags[(i + 7) % len(tags)]],
                "summary": text(i + 2),
                "description": text(i + 3),
                "parameters": [
                    {"name": nm[(i + 1) % len(nm)], "in": "query", "description": text(i), "schema": {"type": "string", "enum": [text(i), text(i + 1)], "default": text(i)}, "example": text(i + 2)},
                    {"name": f"X-{i}{text(i)[:20]}", "in": "header", "schema": {"type": "string"}, "description": text(i + 4)},
                    {"name": nm[(i + 5) % len(nm)], "in": "cookie", "schema": {"type": "integer", "default": i}},
                ],
                "responses": {
                    "200": {
                        "description": text(i + 5),
                        "headers": {f"X-R{i}{text(i + 1)[:10]}": {"description": text(i), "schema": {"type": "string"}}},
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{_ptr(model)}"}, "example": {"x": text(i)}}},
                    },
                    "4XX": {"description": text(i + 6), "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Wrapper"}}}},
                    "default": {"description": text(i + 7)},
                },
                **({} if i % 2 else {"requestBody": {"description": text(i), "required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Wrapper"}}}}}),  # fmt: skip
            },
        }
    return {
        "openapi": "3.1.0",
        "info": {
            # Quotes and backslashes in the title: test_known_docstring_breakouts.
            "title": SAFE_TITLE + text(14) + text(17),
            "version": text(1),
            "description": "\n".join(pay),
            "summary": text(2),
            "termsOfService": text(3),
            "contact": {"name": text(4), "url": "https://example.com/" + text(4), "email": text(5)},
            "license": {"name": text(6), "identifier": "MIT"},
        },
        "servers": [
            {"url": "https://api.example.com/" + _path_text(text(7)), "description": text(8)}
        ],
        "tags": [{"name": t, "description": text(i)} for i, t in enumerate(tags)],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                # Quotes and backslashes in key names: test_known_docstring_breakouts.
                nm[0]: {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Key!#$%&'*+.^_|~",
                    "description": text(1),
                },
                nm[1]: {"type": "http", "scheme": "bearer", "description": text(2)},
                nm[2]: {
                    "type": "apiKey",
                    "in": "query",
                    "name": "q'{{x}}{%y%}#z",
                    "description": text(3),
                },
                nm[3]: {"type": "apiKey", "in": "cookie", "name": "c'''", "description": text(4)},
            },
        },
        "security": [{nm[0]: []}, {nm[1]: []}],
    }


def _ptr(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _path_text(text: str) -> str:
    """A payload made fit for a URL path segment (no {, }, /, ?, # or controls)."""
    keep = "".join(ch for ch in text if ch.isprintable() and ch not in "{}/?#%")
    return keep.replace(" ", "-")[:40] or "x"


def walk(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = "link"
            elif path.is_file():
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                out[rel + "/"] = "dir"
    return out


def run(cmd: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("hostile")
    work = base / "work"
    (work / "spec").mkdir(parents=True)
    (work / "sibling").mkdir()
    (work / "sibling" / "keep.txt").write_text("untouched\n")
    marker = base / "PWNED"
    spec = hostile_spec(marker)
    spec_path = work / "spec" / "hostile.json"
    spec_path.write_text(json.dumps(spec, indent=1))
    out = work / "out" / "hostile-client"
    before = walk(base)
    proc = run(
        [sys.executable, "-m", "generator", "generate", "--spec", str(spec_path), "--output", str(out),
         "--report", str(base / "report.json")],
        cwd=work,
    )  # fmt: skip
    after = walk(base)
    return {
        "base": base, "work": work, "out": out, "marker": marker, "proc": proc,
        "before": before, "after": after, "spec": spec,
    }  # fmt: skip


def test_generation_succeeds(generated: dict[str, Any]) -> None:
    proc = generated["proc"]
    assert "Traceback" not in proc.stderr, proc.stderr[-5000:]
    assert proc.returncode == 0, proc.stderr[-5000:]
    assert not generated["marker"].exists()


def test_every_written_file_is_inside_the_output_dir(generated: dict[str, Any]) -> None:
    before, after = generated["before"], generated["after"]
    out_rel = generated["out"].relative_to(generated["base"]).as_posix()
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    outside = sorted(
        k for k in changed
        if not (k.startswith(out_rel + "/") or k in ("work/out/", "report.json"))
    )  # fmt: skip
    assert outside == []
    assert not generated["marker"].exists()
    assert not (generated["base"] / "abs-escape").exists()
    # Nothing that looks like a path piece from a tag/operationId escaped the package either.
    for path in generated["out"].rglob("*"):
        assert path.resolve().is_relative_to(generated["out"].resolve()), path
        assert not path.is_symlink(), path
        assert ".." not in path.relative_to(generated["out"]).parts


def _package(generated: dict[str, Any]) -> Path:
    pkgs = [p.parent for p in generated["out"].glob("*/__init__.py")]
    assert len(pkgs) == 1, pkgs
    return pkgs[0]


def test_every_file_is_plain_safe_text(generated: dict[str, Any]) -> None:
    """Every generated file is UTF-8 without NUL or stray line separators; every .py file parses
    and its only top-level statements are imports, definitions, assignments and docstrings."""
    for path in generated["out"].rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        assert b"\x00" not in data, path
        text = data.decode("utf-8")
        if path.suffix != ".py":
            continue
        # Python reads source with universal newlines: a raw CR would end a comment line and
        # start a new one (other separators such as U+2028 are not line breaks to Python).
        assert "\r" not in text, path
        tree = ast.parse(text, filename=str(path))
        if "_runtime" in path.parts:
            continue  # copied verbatim from templates/runtime/, no spec text in it
        for node in tree.body:
            ok = isinstance(
                node,
                (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                 ast.Assign, ast.AnnAssign, ast.If),
            ) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))  # fmt: skip
            if isinstance(node, ast.If):
                # only `if TYPE_CHECKING:` blocks
                ok = isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
            assert ok, f"{path}:{node.lineno}: unexpected top-level {type(node).__name__}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in (
                    "__import__",
                    "exec",
                    "eval",
                    "open",
                    "compile",
                ), f"{path}:{node.lineno}: call to {node.func.id}"
            if isinstance(node, ast.Attribute):
                assert node.attr != "system", f"{path}:{node.lineno}: .system"


IMPORT_ALL = r"""
import importlib, json, os, pkgutil, sys
pkg_name, marker = sys.argv[1], sys.argv[2]
before = sorted(os.listdir("."))
pkg = importlib.import_module(pkg_name)
mods = [pkg_name]
for info in pkgutil.walk_packages(pkg.__path__, pkg_name + "."):
    importlib.import_module(info.name)
    mods.append(info.name)
assert sorted(os.listdir(".")) == before, "importing wrote files in the working directory"
assert not os.path.exists(marker), "payload executed on import"
# round-trip every model class that has from_dict/to_dict with an example built from defaults
import dataclasses
roundtrips = 0
for name in mods:
    mod = sys.modules[name]
    for attr in vars(mod).values():
        if isinstance(attr, type) and dataclasses.is_dataclass(attr) and attr.__module__ == name:
            if hasattr(attr, "to_dict") and hasattr(attr, "from_dict"):
                try:
                    obj = attr.from_dict({})
                except (KeyError, TypeError, ValueError):
                    continue
                data = obj.to_dict()
                json.dumps(data)
                again = attr.from_dict(data)
                assert again == obj, f"{name}.{attr.__name__}: {obj!r} -> {data!r} -> {again!r}"
                roundtrips += 1
assert not os.path.exists(marker), "payload executed by models"
print(json.dumps({"modules": len(mods), "roundtrips": roundtrips}))
"""


def test_every_module_imports_without_side_effects(generated: dict[str, Any]) -> None:
    pkg = _package(generated)
    proc = run(
        [sys.executable, "-c", IMPORT_ALL, pkg.name, str(generated["marker"])], cwd=generated["out"]
    )
    assert proc.returncode == 0, proc.stderr[-5000:]
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert info["modules"] > 10
    assert not generated["marker"].exists()


def test_compiles(generated: dict[str, Any], tmp_path: Path) -> None:
    proc = run(
        [sys.executable, "-c",
         "import compileall, sys; sys.exit(0 if compileall.compile_dir(sys.argv[1], quiet=1, "
         "legacy=False, force=True, workers=1) else 1)", str(generated["out"])],
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-5000:]
    assert not generated["marker"].exists()


def test_mypy_strict(generated: dict[str, Any], tmp_path: Path) -> None:
    pkg = _package(generated)
    proc = run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "mc"), pkg.name],
        cwd=generated["out"],
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-8000:]
    assert not generated["marker"].exists()


def test_spec_text_never_becomes_a_template(generated: dict[str, Any]) -> None:
    """Jinja payloads appear (escaped) in the output, so they were pasted as data, not rendered."""
    readme = next(generated["out"].glob("README*")).read_text()
    everything = readme + "".join(p.read_text() for p in generated["out"].rglob("*.py"))
    assert "cycler.__init__.__globals__" in everything


def _minimal(**patch: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok"}}}}
        },
        "components": {"securitySchemes": {}},
    }
    for key, value in patch.items():
        if key == "title":
            spec["info"]["title"] = value
        elif key == "server":
            spec["servers"] = [{"url": value}]
        else:
            spec["components"]["securitySchemes"]["s"] = value
            spec["security"] = [{"s": []}]
    return spec


#: Places where spec text once reached generated code unescaped (regression tests below).
#: "{m}" stands for the marker file.
KNOWN_BREAKOUTS: dict[str, tuple[str, Any]] = {
    # AuthenticatedClient's class docstring: plan.py ClientView pastes comment(s.key_name);
    # a class body runs at import, so this payload executes on `import <package>`.
    "apikey-header-name-runs-on-import": (
        "scheme",
        {
            "type": "apiKey",
            "in": "header",
            "name": 'X"""; __import__("os").system("touch {m}"); """',
        },
    ),
    "apikey-query-name-backslash": (
        "scheme",
        {"type": "apiKey", "in": "query", "name": "k\\N{nope}"},
    ),
    "oauth2-token-url-runs-on-import": (
        "scheme",
        {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": 'https://x.example/t"""; __import__("os").system("touch {m}"); """',
                    "scopes": {},
                }
            },
        },
    ),
    # client.py's module docstring: client.py.jinja line 2 uses `api.title | comment` only
    "title-triple-quote": ("title", 'x"""; __import__("os").system("touch {m}"); """'),
    "title-backslash": ("title", "Acme \\N{nope} \\x4 API"),
    # client.py's docstring example: plan.py pasted py_literal(servers[0].url) unescaped
    "server-url-triple-quote": (
        "server",
        'https://x.test/"""; __import__("os").system("touch {m}"); """',
    ),
    "server-url-backslash": ("server", "https://x.test/\\N{nope}"),
}


@pytest.mark.parametrize("name", sorted(KNOWN_BREAKOUTS))
def test_known_docstring_breakouts(name: str, tmp_path: Path) -> None:
    where, value = KNOWN_BREAKOUTS[name]
    marker = tmp_path / "PWNED"
    value = json.loads(json.dumps(value).replace("{m}", str(marker)))
    (tmp_path / "s.json").write_text(json.dumps(_minimal(**{where: value})))
    out = tmp_path / "o"
    proc = run(
        [sys.executable, "-m", "generator", "generate", "--spec", "s.json", "--output", str(out)],
        cwd=tmp_path,
    )
    assert not marker.exists(), "spec text executed during generation"
    imp = (
        run([sys.executable, "-c", IMPORT_ALL, "o", str(marker)], cwd=out) if out.is_dir() else None
    )
    assert not marker.exists(), "spec text executed on import"
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert imp is not None and imp.returncode == 0, imp.stderr[-3000:] if imp else ""


@pytest.mark.parametrize("key", NON_BMP)
def test_non_bmp_property_names_round_trip(key: str, tmp_path: Path) -> None:
    spec = _minimal()
    spec["components"]["schemas"] = {
        "M": {"type": "object", "properties": {key: {"type": "integer"}, "b": {"type": "string"}}}
    }
    spec["paths"]["/a"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/M"}}
    }
    (tmp_path / "s.json").write_text(json.dumps(spec))
    out = tmp_path / "o"
    proc = run(
        [sys.executable, "-m", "generator", "generate", "--spec", "s.json", "--output", str(out)],
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    check = (
        "from o.models import M\n"
        f"data = {{{key!r}: 1, 'b': 'x'}}\n"
        "m = M.from_dict(data)\n"
        "assert m.additional_properties == {}, m\n"
        "assert m.to_dict() == data, m.to_dict()\n"
    )
    res = run([sys.executable, "-c", check], cwd=out)
    assert res.returncode == 0, res.stderr[-3000:]


def test_pyproject_and_readme_are_well_formed(generated: dict[str, Any]) -> None:
    tomllib = pytest.importorskip("tomllib")
    data = tomllib.loads((generated["out"] / "pyproject.toml").read_text())
    project = data["project"]
    assert isinstance(project["name"], str) and isinstance(project["description"], str)
    assert "\n" not in project["description"]
    readme = (generated["out"] / "README.md").read_text()
    assert "```" in readme  # code fences survived the payloads


@pytest.mark.parametrize("version", ["'''\nx\n'''", "v1 (beta)", "2024-01-01 build 7"])
def test_info_version_becomes_a_valid_package_version(version: str, tmp_path: Path) -> None:
    tomllib = pytest.importorskip("tomllib")
    from packaging.version import InvalidVersion, Version

    spec = _minimal()
    spec["info"]["version"] = version
    (tmp_path / "s.json").write_text(json.dumps(spec))
    out = tmp_path / "o"
    proc = run(
        [sys.executable, "-m", "generator", "generate", "--spec", "s.json", "--output", str(out)],
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = tomllib.loads((out / "pyproject.toml").read_text())["project"]["version"]
    try:
        Version(got)
    except InvalidVersion:
        pytest.fail(f"pyproject version {got!r} is not PEP 440")


@pytest.mark.parametrize("where", ["schema", "operationId", "tag"])
def test_very_long_names_give_short_file_names(where: str, tmp_path: Path) -> None:
    long = "Very" + "Long" * 75
    spec = _minimal()
    op = spec["paths"]["/a"]["get"]
    if where == "schema":
        spec["components"]["schemas"] = {
            long: {"type": "object", "properties": {"a": {"type": "string"}}}
        }
        op["responses"]["200"]["content"] = {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{long}"}}
        }
    elif where == "operationId":
        op["operationId"] = long
    else:
        op["tags"] = [long]
    (tmp_path / "s.json").write_text(json.dumps(spec))
    out = tmp_path / "o"
    proc = run(
        [sys.executable, "-m", "generator", "generate", "--spec", "s.json", "--output", str(out)],
        cwd=tmp_path,
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert all(len(p.name.encode()) <= 255 for p in out.rglob("*"))


CLIENT = REPO / "output" / "portarium-client"
DOT_SEGMENT_CHECK = r"""
import sys, httpx
seen = []
def handler(request):
    seen.append((request.method, request.url.raw_path.decode()))
    return httpx.Response(204)
from portarium_client import AuthenticatedClient
from portarium_client.api.machines import deregister_machine
client = AuthenticatedClient(
    base_url="https://api.example.com", token="secret-token", max_retries=0,
    transport=httpx.MockTransport(handler),
)
deregister_machine.sync_detailed(client=client, workspace_id="ws-1", machine_id=sys.argv[1])
print(seen[0][0], seen[0][1])
"""


def _deregister_path(machine_id: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", DOT_SEGMENT_CHECK, machine_id],
        capture_output=True, text=True, cwd=CLIENT, timeout=120,
        env={**os.environ, "PYTHONPATH": str(CLIENT)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    method, path = proc.stdout.split()
    assert method == "DELETE"
    return path


@pytest.mark.parametrize("machine_id", ["../x", "a/../..", "%2e%2e", "..x", "x.."])
def test_path_parameters_with_slashes_and_dots_stay_in_their_segment(machine_id: str) -> None:
    path = _deregister_path(machine_id)
    assert path.startswith("/v1/workspaces/ws-1/machines/"), path
    assert path.count("/") == 5, path


@pytest.mark.parametrize("machine_id", ["..", "."])
def test_dot_segment_path_parameters_stay_in_their_segment(machine_id: str) -> None:
    path = _deregister_path(machine_id)
    assert path.startswith("/v1/workspaces/ws-1/machines/"), path
    assert path.count("/") == 5, path
