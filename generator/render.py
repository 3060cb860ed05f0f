"""The one Jinja environment, and rendering planned files to text.

Strict by construction: ``StrictUndefined`` (a template that names an unknown attribute fails with
its file and line), ``autoescape`` off (we emit Python, not HTML), ``keep_trailing_newline``, and a
small explicit set of filters that only *escape* prepared values (no logic):

- ``pyrepr``: a Python literal for a JSON scalar;
- ``comment``: text safe on one ``#`` line;
- ``docstring``: text safe inside ``\"\"\"...\"\"\"``;
- ``toml``: a TOML basic string.

User template directories come first in the search path, so a same-named file overrides a stock
template, and ``{% extends "stock/<name>" %}`` reaches the stock one to replace single blocks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import jinja2

from generator.diagnostics import Diagnostic, Severity
from generator.pycode import comment, docstring, py_literal

STOCK_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class TemplateError(Exception):
    """A template failed to render; carries a located diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _toml(value: object) -> str:
    return json.dumps(str(value), ensure_ascii=False)


def make_environment(overrides: Sequence[Path] = ()) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = (
        [jinja2.FileSystemLoader([str(p) for p in overrides])] if overrides else []
    )
    loaders.append(jinja2.FileSystemLoader(str(STOCK_TEMPLATES)))
    loaders.append(jinja2.PrefixLoader({"stock": jinja2.FileSystemLoader(str(STOCK_TEMPLATES))}))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        {
            "pyrepr": py_literal,
            "comment": comment,
            "docstring": docstring,
            "toml": _toml,
        }
    )
    env.globals.clear()
    env.globals["range"] = range
    return env


def render(env: jinja2.Environment, template: str, context: dict[str, object]) -> str:
    try:
        return env.get_template(template).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            Diagnostic(
                "E0701",
                Severity.ERROR,
                f"template syntax error: {exc.message}",
                file=str(exc.filename or template),
                line=exc.lineno or 0,
                col=1,
            )
        ) from exc
    except jinja2.UndefinedError as exc:
        file, line = _template_frame(exc, template)
        raise TemplateError(
            Diagnostic(
                "E0702",
                Severity.ERROR,
                f"template uses an undefined value: {exc.message}",
                file=file,
                line=line,
                col=1,
                hint="see docs/templates.md for the data each template receives",
            )
        ) from exc


def _template_frame(exc: BaseException, fallback: str) -> tuple[str, int]:
    tb = exc.__traceback__
    found = (fallback, 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".jinja") or "templates" in filename:
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
