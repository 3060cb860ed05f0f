"""The one Jinja environment, and rendering planned files to text.

Strict by construction: ``StrictUndefined`` (a template that names an unknown attribute fails with
its file and line), ``autoescape`` off (we emit Python, not HTML), ``keep_trailing_newline``, and a
small explicit set of filters that only *escape* prepared values (no logic):

- ``pyrepr``: a Python literal for a JSON scalar;
- ``comment``: text safe on one ``#`` line;
- ``docstring``: text safe inside ``\"\"\"...\"\"\"``;
- ``toml``: a TOML basic string;
- ``spdx``: a license name as an SPDX expression (``MIT``, ``Apache-2.0``, else ``LicenseRef-...``).

The only globals are ``range`` and ``ir_version`` (:data:`generator.ir.IR_VERSION`).

User template directories come first in the search path, so a same-named file overrides a stock
template, and ``{% extends "stock/<name>" %}`` reaches the stock one to replace single blocks.
:data:`TEMPLATE_CONTEXTS` names the context each stock template receives; ``docs/templates.md``
documents the views in it (the contract, versioned by ``IR_VERSION``).

A template that fails is a user-input problem (exit 2) reported at the template's file and line:

=========  ==========================================================================
``E0701``  template syntax error
``E0702``  the template uses an undefined value (unknown attribute or variable)
``E0703``  a template named by ``extends``/``include``/``import`` does not exist
``E0704``  the template raised another error while rendering (wrong type, bad filter use)
``E0705``  a template extends or includes itself (use ``stock/<name>`` for the stock one)
``E0706``  a template override directory does not exist
=========  ==========================================================================
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostic, Severity, display_path
from generator.ir import IR_VERSION
from generator.pycode import comment, docstring, py_literal
from generator.resources import TEMPLATES_DIR

if TYPE_CHECKING:
    import jinja2

STOCK_TEMPLATES = TEMPLATES_DIR
STOCK_PREFIX = "stock/"

COMMON_CONTEXT: tuple[tuple[str, str], ...] = (
    ("api", "Api"),
    ("version", "str"),
    ("license", "str"),
    ("generator_version", "str"),
)
"""Variables every template receives: the whole IR, the package version, the spec's license name
and the generator's version."""

TEMPLATE_CONTEXTS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "model.py.jinja": (("model", "ModelView"),),
    "enum.py.jinja": (("model", "EnumView"),),
    "union.py.jinja": (("model", "UnionView"),),
    "models_init.py.jinja": (
        ("exports", "list[tuple[str, str]]"),
        ("export_imports", "list[str]"),
    ),
    "operation.py.jinja": (("op", "OperationView"),),
    "api_tag_init.py.jinja": (("tag", "str"), ("ops", "list[OperationView]")),
    "api_init.py.jinja": (("tags", "list[str]"),),
    "client.py.jinja": (("client", "dict[str, object]"),),
    "errors.py.jinja": (("errors", "ErrorNames"), ("package_name", "str")),
    "package_init.py.jinja": (),
    "webhooks.py.jinja": (("hooks", "list[dict[str, str]]"),),
    "pyproject.toml.jinja": (),
    "README.md.jinja": (("examples", "dict[str, object]"),),
    "gitignore.jinja": (),
    "_header.jinja": (),
}
"""Stock template -> the variables it receives besides :data:`COMMON_CONTEXT` (``_header.jinja``
is included by the ``.py`` templates and sees their context). Kept in step with
:meth:`generator.plan.Planner.files` by ``tests/test_templates_override.py``."""


class TemplateError(Exception):
    """A template failed to render; carries a located diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def stock_template_names() -> list[str]:
    """File names of the stock templates (what a user can override), sorted."""
    return sorted(p.name for p in STOCK_TEMPLATES.glob("*.jinja"))


def _toml(value: object) -> str:
    return json.dumps(str(value), ensure_ascii=False)


_SPDX_ALIASES = {
    "mit": "MIT",
    "mit license": "MIT",
    "apache 2.0": "Apache-2.0",
    "apache-2.0": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
    "apache license, version 2.0": "Apache-2.0",
    "apache software license": "Apache-2.0",
    "bsd-2-clause": "BSD-2-Clause",
    "bsd-3-clause": "BSD-3-Clause",
    "bsd 3-clause": "BSD-3-Clause",
    "isc": "ISC",
    "mpl-2.0": "MPL-2.0",
    "mozilla public license 2.0": "MPL-2.0",
    "gpl-3.0": "GPL-3.0-only",
    "gpl-3.0-only": "GPL-3.0-only",
    "gpl-3.0-or-later": "GPL-3.0-or-later",
    "lgpl-3.0": "LGPL-3.0-only",
    "unlicense": "Unlicense",
    "the unlicense": "Unlicense",
    "cc0-1.0": "CC0-1.0",
}


def spdx(value: object) -> str:
    """A license name (``info.license.name``) as an SPDX expression for ``project.license``.

    Common names map to their SPDX identifier; anything else becomes ``LicenseRef-<name>`` (valid
    SPDX for a license without an identifier, e.g. ``LicenseRef-Proprietary``).
    """
    text = str(value).strip()
    known = _SPDX_ALIASES.get(text.lower())
    if known:
        return known
    ref = re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-.") or "Proprietary"
    return f"LicenseRef-{ref}"


NO_CACHE_ENV = "PORTARIUM_CODEGEN_NO_TEMPLATE_CACHE"


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates (a private ``_jinja2-cache-<uid>`` dir in the system
    temp dir; entries are keyed by template path and checked against the template's source, and
    written atomically). Compiling the stock templates is about a tenth of a second, a quarter of
    a small run. None when that dir is unusable or ``PORTARIUM_CODEGEN_NO_TEMPLATE_CACHE`` is set.
    """
    if os.environ.get(NO_CACHE_ENV):
        return None
    import jinja2

    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


def make_environment(overrides: Sequence[Path] = ()) -> jinja2.Environment:
    """The environment: override directories first, then the stock templates, then ``stock/``.

    Raises :class:`TemplateError` (``E0706``) when an override directory does not exist.
    """
    for directory in overrides:
        if not Path(directory).is_dir():
            raise TemplateError(
                Diagnostic(
                    "E0706",
                    Severity.ERROR,
                    f"template directory not found: {directory}",
                    file=str(directory),
                    hint="pass an existing directory to --templates (or config templates:)",
                )
            )
    import jinja2  # here, not at the top: only what renders needs it (not --validate-only)

    stock = jinja2.FileSystemLoader(str(STOCK_TEMPLATES))
    # "stock/<name>" always means the stock template, whatever the override dirs contain
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({STOCK_PREFIX.rstrip("/"): stock})]
    if overrides:
        loaders.append(jinja2.FileSystemLoader([str(p) for p in overrides]))
    loaders.append(stock)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(),
        # A run renders each template thousands of times and the files do not change meanwhile:
        # no stat() of the template (and of each include) per rendered file.
        auto_reload=False,
    )
    env.filters.update(
        {
            "pyrepr": py_literal,
            "comment": comment,
            "docstring": docstring,
            "toml": _toml,
            "spdx": spdx,
        }
    )
    env.globals.clear()
    env.globals["range"] = range
    env.globals["ir_version"] = IR_VERSION
    return env


def render(env: jinja2.Environment, template: str, context: Mapping[str, object]) -> str:
    """Render one template; any failure caused by a template becomes a :class:`TemplateError`."""
    import jinja2

    try:
        return env.get_template(template).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        file = exc.filename or _template_path(env, exc.name or template)
        raise TemplateError(
            _diagnostic(
                "E0701",
                f"template syntax error: {exc.message}",
                file,
                exc.lineno or 0,
                hint="see https://jinja.palletsprojects.com/en/3.1.x/templates/",
            )
        ) from exc
    except jinja2.UndefinedError as exc:
        file, line = _template_frame(exc.__traceback__, env, template)
        raise TemplateError(
            _diagnostic(
                "E0702",
                f"template uses an undefined value: {exc.message}",
                file,
                line,
                hint=f"see docs/templates.md (IR contract {IR_VERSION}) for the data each "
                "template receives",
                name=_undefined_name(exc.message or ""),
            )
        ) from exc
    except jinja2.TemplateNotFound as exc:
        file, line = _template_frame(exc.__traceback__, env, template)
        raise TemplateError(
            _diagnostic(
                "E0703",
                f"template not found: {exc.name}",
                file,
                line,
                hint="stock templates are reachable as stock/<name>; "
                "`portarium-codegen templates list` shows the names",
            )
        ) from exc
    except RecursionError as exc:
        raise TemplateError(
            _diagnostic(
                "E0705",
                f"template {template} extends or includes itself",
                _template_path(env, template),
                0,
                hint=f'extend the stock template instead: {{% extends "stock/{template}" %}}',
            )
        ) from exc
    except Exception as exc:
        found, in_template = _innermost_template_frame(exc.__traceback__)
        if found is None or not in_template:
            raise  # the error is in generator code (a filter, a view): a bug, exit 3
        file, line = found
        raise TemplateError(
            _diagnostic(
                "E0704",
                f"template failed: {type(exc).__name__}: {exc}",
                file,
                line,
            )
        ) from exc


def _diagnostic(
    code: str, message: str, file: str, line: int, hint: str = "", *, name: str = ""
) -> Diagnostic:
    """A located template diagnostic; the column is where ``name`` (an undefined attribute or
    variable) appears on the line, else the line's first non-blank character."""
    source = ""
    if line > 0:
        try:
            lines = Path(file).read_text(encoding="utf-8").splitlines()
            source = lines[line - 1] if line <= len(lines) else ""
        except (OSError, UnicodeDecodeError):
            source = ""
    col = (len(source) - len(source.lstrip()) + 1) if source else (1 if line else 0)
    found = re.search(rf"(?<![\w]){re.escape(name)}(?!\w)", source) if name else None
    if found:
        col = found.start() + 1
    return Diagnostic(
        code,
        Severity.ERROR,
        message,
        file=display_path(file) if Path(file).is_absolute() else file,
        line=line,
        col=col,
        hint=hint,
        source_line=source,
    )


def _undefined_name(message: str) -> str:
    """The attribute or variable an UndefinedError message names (``""`` when it names none)."""
    found = re.search(r"has no attribute '([^']+)'|^'([^']+)' is undefined", message)
    return (found.group(1) or found.group(2)) if found else ""


def _template_path(env: jinja2.Environment, name: str) -> str:
    """The file a template name resolves to (or the name when it does not resolve)."""
    import jinja2

    try:
        filename = env.get_template(name).filename
    except jinja2.TemplateError:
        return name
    return filename or name


def _is_template_frame(tb: TracebackType) -> bool:
    # Jinja rewrites tracebacks so template frames carry the template's file and line; those
    # frames have the exception in their globals.
    return "__jinja_exception__" in tb.tb_frame.f_globals


def _innermost_template_frame(tb: TracebackType | None) -> tuple[tuple[str, int] | None, bool]:
    """(template file, template line) of the innermost template frame of a traceback, and
    whether that frame is the innermost frame of all (the error is in template code itself,
    not in a filter or a view the template called)."""
    found: tuple[str, int] | None = None
    last_is_template = False
    while tb is not None:
        last_is_template = _is_template_frame(tb)
        if last_is_template:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found, last_is_template


def _template_frame(
    tb: TracebackType | None, env: jinja2.Environment, fallback: str
) -> tuple[str, int]:
    found, _ = _innermost_template_frame(tb)
    return found or (_template_path(env, fallback), 0)
