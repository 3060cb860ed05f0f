"""Path templates as real specs write them: the part that is a path, and what is glued onto it.

OpenAPI path keys are templates of the path alone, but real specs put more in them:
``/api/v3/latest?term={term}&amount={amount}`` (a query string) or ``/#Action=List`` (a fragment).
:func:`split_template` cuts such a key into the path template proper, the query pairs and the
fragment. The recovery (``W0262``, docs/recovery.md) is decided here once, for the validate stage
(which reports it) and the build stage (which applies it):

- the path template is the part before the first ``?`` or ``#``;
- each query pair ``name={var}`` is a query parameter: a declared ``in: query`` parameter named
  ``name`` or ``var`` covers it, else a required ``str`` query parameter ``name`` is added;
- each query pair ``name=value`` (a fixed value) is an optional query parameter ``name`` whose
  default is ``value`` (so it is sent unless the caller says otherwise), unless one is declared;
- the fragment is dropped (clients never send fragments).

The messages of ``W0252`` / ``W0253`` / ``W0262`` live here too, so both stages report the very same
diagnostic (the sink keeps one).
"""

from __future__ import annotations

import re
import urllib.parse

from generator.records import record

_VAR = re.compile(r"{([^{}]+)}")


@record()
class QueryPair:
    """One ``name=value`` of a query string glued onto a path key."""

    name: str
    variable: str  # the template variable when the value is exactly ``{var}``, else ""
    value: str  # the fixed value otherwise (may be "")


@record()
class PathTemplate:
    """A path key split into the path template, its query pairs and its fragment."""

    key: str
    path: str
    query: tuple[QueryPair, ...] = ()
    fragment: str = ""

    @property
    def is_split(self) -> bool:
        return self.path != self.key

    @property
    def variables(self) -> list[str]:
        """Template variables of the path part, in order (duplicates kept)."""
        return _VAR.findall(self.path)

    def message(self) -> str:
        """The ``W0262`` message: what was cut off and what became of it."""
        parts: list[str] = []
        for pair in self.query:
            if pair.variable:
                parts.append(f"query parameter {pair.name!r} from {{{pair.variable}}}")
            else:
                parts.append(f"query parameter {pair.name!r} defaulting to {pair.value!r}")
        if self.fragment:
            parts.append(f"fragment {self.fragment!r} dropped")
        what = "; ".join(parts) if parts else "an empty query string dropped"
        return f"path {self.key!r} carries more than a path: generated for {self.path!r} ({what})"


def split_template(key: str) -> PathTemplate:
    """Split a path key at its first ``?`` or ``#`` (outside ``{...}``); see the module docstring."""
    if "?" not in key and "#" not in key:
        return PathTemplate(key, key)
    cut = len(key)
    depth = 0
    for i, ch in enumerate(key):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif ch in "?#" and depth == 0:
            cut = i
            break
    if cut == len(key):
        return PathTemplate(key, key)
    path = key[:cut] or "/"
    rest = key[cut:]
    query_text, fragment = "", ""
    if rest.startswith("?"):
        query_text, _, fragment = rest[1:].partition("#")
    else:
        fragment = rest[1:]
    pairs: list[QueryPair] = []
    seen: set[str] = set()
    for piece in query_text.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        name = urllib.parse.unquote_plus(name)
        if not name or name in seen:
            continue
        seen.add(name)
        whole = _VAR.fullmatch(value)
        if whole:
            pairs.append(QueryPair(name, whole.group(1), ""))
        else:
            pairs.append(QueryPair(name, "", urllib.parse.unquote_plus(value)))
    return PathTemplate(key, path, tuple(pairs), fragment)


def undeclared_variable_message(method: str, path: str, name: str) -> str:
    """The ``W0252`` message."""
    return (
        f"{method.upper()} {path}: path template variable {{{name}}} has no `in: path` parameter; "
        "generated as a required str"
    )


def unused_path_parameter_message(method: str, path: str, name: str) -> str:
    """The ``W0253`` message."""
    return f"{method.upper()} {path}: `in: path` parameter {name!r} is not in the path; ignored"
