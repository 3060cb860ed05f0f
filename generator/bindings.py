"""Names a generated module binds, and spec-derived names renamed so they never shadow one.

A parameter called ``path_param`` used to shadow the runtime helper of that name that its
operation module imports (mypy and ruff F811 failures, a crash when called); a field called
``classmethod`` broke the class body's ``@classmethod``; a schema called ``WireFields`` redefined
the runtime import of its own module. The names a module binds are not a hand list here: they
are read off the plan -- the module's own import block (parsed), its functions and constants, the
builtins its code and its stock template use -- so a new import or helper is covered the day it
is added (``tests/test_bound_names.py`` builds a spec from every such name).

Rules (docs/recovery.md, note ``N0557``; the wire name never changes):

- a parameter whose Python name an operation module binds gets a ``_`` suffix (until free);
- likewise a model field whose name the model's class body can see (imports, builtins);
- class names avoid every public class/constant of the runtime, the builtins and the names the
  plan imports into model-using modules (:func:`class_names`, used when classes are named).
"""

from __future__ import annotations

import ast
import builtins
import functools
import keyword
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator import codes
from generator.diagnostics import DiagnosticSink
from generator.ir import AnyModel, Field, Model, Operation, Param
from generator.naming import RESERVED_CLASS_NAMES, RESERVED_FIELD_NAMES, RESERVED_PARAM_NAMES
from generator.resources import RUNTIME_DIR
from generator.sourcecache import cached_names

if TYPE_CHECKING:
    from generator.plan import Planner
    from generator.plan_operations import ParamView

BUILTINS = frozenset(vars(builtins))
_IDENT = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_STRING = re.compile(r'""".*?"""|"[^"\n]*"', re.S)


@functools.lru_cache(maxsize=4096)
def imported_names(block: str) -> frozenset[str]:
    """Every name the import statements in ``block`` bind (``from a import b as c`` -> ``c``).
    Memoized: the modules of one API repeat the same blocks."""
    found = _simple_imported_names(block)
    return frozenset(found if found is not None else _parsed_imported_names(block))


def _parsed_imported_names(block: str) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(block)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.name != "annotations" or alias.asname:
                    out.add((alias.asname or alias.name).split(".")[0])
    return out


_SIMPLE_IMPORT = re.compile(
    r"(?:import (?P<modules>[\w.]+(?: as \w+)?(?:, [\w.]+(?: as \w+)?)*)"
    r"|from \.*[\w.]* import (?:(?P<names>\w+(?: as \w+)?(?:, \w+(?: as \w+)?)*)"
    r"|\((?P<wrapped>\n(?:    \w+(?: as \w+)?,\n)+)\)))(?:\n|$)"
)


def _simple_imported_names(block: str) -> set[str] | None:
    """:func:`imported_names` of a block of the statements :mod:`generator.imports` lays out
    (``import m``, ``from m import a, b as c``, wrapped one member a line); None when ``block``
    holds anything else (then it is parsed). Parsing every module's block took a third of the
    plan stage on Microsoft Graph."""
    out: set[str] = set()
    pos = 0
    end = len(block)
    while pos < end:
        if block[pos] == "\n":  # a blank line between sections
            pos += 1
            continue
        match = _SIMPLE_IMPORT.match(block, pos)
        if match is None:
            return None
        pos = match.end()
        modules = match["modules"]
        if modules is not None:
            for part in modules.split(", "):
                name, _, asname = part.partition(" as ")
                out.add(asname or name.split(".")[0])
            continue
        names = match["names"]
        parts = names.split(", ") if names is not None else match["wrapped"].split(",\n    ")
        for part in parts:
            name, _, asname = part.strip(" ,\n").partition(" as ")
            if name != "annotations" or asname:
                out.add(asname or name)
    return out


def code_builtins(texts: Iterable[str]) -> set[str]:
    """Builtins named in generated code fragments (declarations, statements, decoders)."""
    out: set[str] = set()
    for text in texts:
        out |= _builtins_in(text)
    return out


@functools.lru_cache(maxsize=8192)
def _builtins_in(text: str) -> frozenset[str]:
    """:func:`code_builtins` of one fragment (annotations such as ``str | None`` recur)."""
    return frozenset(n for n in _IDENT.findall(text) if n in BUILTINS)


@functools.cache
def template_builtins(name: str) -> frozenset[str]:
    """Builtins the code of a stock template uses (Jinja tags and string literals left out)."""
    source = (RUNTIME_DIR.parent / name).read_text(encoding="utf-8")
    code = _STRING.sub("", _JINJA.sub("", source))
    return frozenset(n for n in _IDENT.findall(code) if n in BUILTINS)


@functools.cache
def class_names() -> frozenset[str]:
    """Names a model class may not take: modules that import models also import these."""
    runtime = source_names()["runtime"]
    upper = {n for n in runtime | BUILTINS | planned_imports() if n[:1].isupper()}
    return frozenset(RESERVED_CLASS_NAMES | upper)


def planned_imports() -> frozenset[str]:
    """Names the planner's own import lines can bind in generated modules: the import statements
    written as string literals in the modules that lay out imports, and ``code.typing(name)``."""
    return source_names()["planned"]


def source_files() -> list[Path]:
    """Every file the names above are read from, and this module (which reads them)."""
    return [*_runtime_files(), *_planning_files(), Path(__file__)]


def _runtime_files() -> list[Path]:
    return sorted(RUNTIME_DIR.glob("*.py")) + [RUNTIME_DIR.parent / "runtime_types.py"]


def _planning_files() -> list[Path]:
    """The generator modules whose string literals hold the import lines the planner writes."""
    here = Path(__file__).parent
    return [here / "plan.py", here / "pycode.py"]


@functools.cache
def source_names() -> Mapping[str, frozenset[str]]:
    """:func:`parse_source_names`, cached between runs (:mod:`generator.sourcecache`)."""
    return cached_names("bound-names", source_files(), parse_source_names)


def parse_source_names() -> dict[str, frozenset[str]]:
    """``runtime``: the classes and module-level names of the runtime modules; ``planned``: see
    :func:`planned_imports`. Read afresh with :mod:`ast` (~60 ms: hence the cache)."""
    runtime: set[str] = set()
    for path in _runtime_files():
        for statement in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(statement, ast.ClassDef):
                runtime.add(statement.name)
            elif isinstance(statement, ast.Assign | ast.AnnAssign):
                targets = (
                    statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                )
                runtime.update(t.id for t in targets if isinstance(t, ast.Name))
    planned: set[str] = set()
    for path in _planning_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value.strip()
                if text.startswith(("from ", "import ")) and "{" not in text:
                    try:
                        planned |= imported_names(text)
                    except SyntaxError:
                        continue
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "typing"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                planned.add(node.args[0].value)
    return {"runtime": frozenset(runtime), "planned": frozenset(planned)}


def free_name(name: str, taken: set[str]) -> str:
    """``name`` with ``_`` suffixes until it is not in ``taken`` (and not a keyword)."""
    while name in taken or keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name += "_"
    return name


def bind_names(planner: Planner, sink: DiagnosticSink | None = None) -> None:
    """Rename model fields and operation parameters that a module binds (see module docstring).

    Replaces ``planner.api`` when something is renamed, and leaves every view it computed in
    ``planner.views`` so planning does not compute them twice.
    """
    api = planner.api
    field_renames: dict[str, dict[str, str]] = {}  # model id -> {old attribute: new}
    models: list[AnyModel] = []
    for model in api.models:
        if not isinstance(model, Model):
            models.append(model)
            continue
        view = planner.model_view(model)
        bound = (
            code_builtins(f.declaration.split(":", 1)[-1] for f in view.fields)
            | imported_names(view.import_block)
            | template_builtins("model.py.jinja")
        )
        clash = [f for f in model.fields if f.name in bound]
        if not clash:
            planner.views[id(model)] = (model, view)
            models.append(model)
            continue
        taken = bound | {f.name for f in model.fields} | RESERVED_FIELD_NAMES
        renames = _renamed(clash, taken, "field", model.class_name, sink)
        field_renames[model.id] = renames
        fields = tuple(replace(f, name=renames.get(f.name, f.name)) for f in model.fields)
        models.append(replace(model, fields=fields))
    operations: list[Operation] = []
    for op in api.operations:
        page = op.pagination
        if page is not None and page.page_model_id in field_renames:
            table = field_renames[page.page_model_id]
            page = replace(
                page,
                items_field=table.get(page.items_field, page.items_field),
                next_cursor_field=table.get(page.next_cursor_field, page.next_cursor_field),
            )
            op = replace(op, pagination=page)
        operations.append(op)
    if field_renames:
        planner.replace_api(replace(api, models=tuple(models), operations=tuple(operations)))
    _bind_parameters(planner, sink)


def _bind_parameters(planner: Planner, sink: DiagnosticSink | None) -> None:
    """Operation parameters: renamed when their module binds the name."""
    bound_ops: list[Operation] = []
    changed = False
    for op in planner.api.operations:
        view = planner.operation_view(op)
        bound = (
            code_builtins(p.declaration.split(":", 1)[-1] for p in view.params)
            | imported_names(view.import_block)
            | set(view.exports)
            | MODULE_CONSTANTS
            | template_builtins("operation.py.jinja")
            | _builtins_besides(view.params)
        )
        clash = [p for p in op.params if p.name in bound]
        if not clash:
            planner.views[id(op)] = (op, view)
            bound_ops.append(op)
            continue
        changed = True
        taken = bound | {p.name for p in op.params} | RESERVED_PARAM_NAMES
        renamed = _renamed(clash, taken, "parameter", repr(op.id), sink)
        params = tuple(replace(p, name=renamed.get(p.name, p.name)) for p in op.params)
        page = op.pagination
        if page is not None and page.cursor_param in renamed:
            page = replace(page, cursor_param=renamed[page.cursor_param])
        bound_ops.append(replace(op, params=params, pagination=page))
    if changed:
        planner.replace_api(replace(planner.api, operations=tuple(bound_ops)))


MODULE_CONSTANTS = frozenset({"ENDPOINT", "RESPONSES"})
"""Module-level constants of an operation module (``templates/operation.py.jinja``)."""


def _builtins_besides(params: Iterable[ParamView]) -> set[str]:
    """Builtins the parameters' statements use, each statement without its own parameter (a
    parameter named like a builtin is not a use of that builtin). A name is found where it is
    not preceded by a word character or a dot and not followed by a word character: taking such
    an occurrence out joins no other names, so this is the builtins of the statement less the
    parameter's own name."""
    out: set[str] = set()
    for p in params:
        found = code_builtins([p.statement])
        found.discard(p.name)
        out |= found
    return out


def _renamed(
    clash: Sequence[Field] | Sequence[Param],
    taken: set[str],
    kind: str,
    owner: str,
    sink: DiagnosticSink | None,
) -> dict[str, str]:
    """A free name for each of ``clash`` (``_`` suffixes past ``taken``, which grows), each noted
    as the ``kind`` ("field", "parameter") of ``owner``."""
    renames: dict[str, str] = {}
    for item in clash:
        renames[item.name] = new = free_name(item.name + "_", taken)
        taken.add(new)
        _note(
            sink,
            f"{kind} {item.wire_name!r} of {owner} is generated as {new!r} "
            f"(its module binds {item.name!r})",
            item.pointer,
        )
    return renames


def _note(sink: DiagnosticSink | None, message: str, pointer: str) -> None:
    if sink is not None:
        sink.note(codes.N_BOUND_NAME, message, pointer)
