"""Diagnostics: the one way every stage reports a problem with the user's input.

A :class:`Diagnostic` is plain data (stable code, severity, message, JSON pointer, file:line:col,
optional hint). Stages never print and never raise for bad input; they call
:meth:`DiagnosticSink.error` / :meth:`DiagnosticSink.warning` and carry on, so one run reports
everything. The pipeline asks the sink whether errors were recorded before it starts the next stage.

Locations come from a :class:`Locator` (the loader's source map), so code that finds a problem only
needs the JSON pointer it is looking at::

    sink.error("E0203", "path parameter must be required", pointer, hint="set required: true")

renders like a compiler::

    spec.yaml:57:11: error[E0203]: path parameter must be required
      at #/paths/~1pets~1{petId}/get/parameters/0
       57 |           required: false
      hint: set required: true

Internal bugs are ordinary exceptions (exit 3); :class:`FatalInputError` stops a stage at once when
nothing sensible can follow (an unreadable file), after recording its diagnostic.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import Protocol

from generator.records import mutable_record, record


class Severity(str, enum.Enum):
    """How bad a finding is: errors stop the pipeline, warnings and notes never do."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@record()
class Location:
    """Where a finding sits in a source file (1-based line and column)."""

    file: str
    line: int
    col: int


class Locator(Protocol):
    """Anything that maps a JSON pointer (``#/a/b``) to a source location."""

    def locate(self, pointer: str) -> Location | None: ...

    def original_key(self, pointer: str) -> str:
        """The pointer as the file is written (a translated document's pointers differ)."""
        ...

    def source_line(self, location: Location) -> str | None: ...


@record()
class Diagnostic:
    """One finding. ``code`` is stable (tests and users match on it); ``message`` is prose."""

    code: str
    severity: Severity
    message: str
    pointer: str = ""
    file: str = ""
    line: int = 0
    col: int = 0
    hint: str = ""
    source_line: str = ""

    def to_json(self) -> dict[str, object]:
        """The shape written into ``--report`` files."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "pointer": self.pointer,
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "hint": self.hint,
        }

    def render(self) -> str:
        """Compiler-style text: ``file:line:col: severity[code]: message`` plus context lines."""
        where = self.file or "<input>"
        if self.line:
            where = f"{where}:{self.line}:{self.col}"
        lines = [f"{where}: {self.severity.value}[{self.code}]: {self.message}"]
        if self.pointer:
            lines.append(f"  at {self.pointer}")
        if self.source_line:
            text = self.source_line.rstrip("\n")
            if len(text) > 160:
                text = text[:157] + "..."
            lines.append(f"  {self.line:>5} | {text}")
            if self.col:
                lines.append("        | " + " " * min(self.col - 1, 157) + "^")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


class FatalInputError(Exception):
    """Raised after recording a diagnostic when a stage cannot continue at all."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def json_type(value: object) -> str:
    """The JSON Schema type name of a decoded value (for "expected X, got Y" messages)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def escape_pointer_token(token: str | int) -> str:
    """RFC 6901 escaping of one reference token."""
    text = str(token)
    if "~" in text or "/" in text:
        return text.replace("~", "~0").replace("/", "~1")
    return text


def unescape_pointer_token(token: str) -> str:
    """Inverse of :func:`escape_pointer_token`."""
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(base: str, *tokens: str | int) -> str:
    """Append tokens to a ``#/...`` pointer, escaping each one."""
    out = base or "#"
    for token in tokens:
        out = f"{out}/{escape_pointer_token(token)}"
    return out


def split_pointer(pointer: str) -> list[str]:
    """``#/a/b~1c`` -> ``["a", "b/c"]`` (a leading ``#`` is optional)."""
    body = pointer[1:] if pointer.startswith("#") else pointer
    if not body or body == "/":
        return [] if not body else [""]
    if "~" not in body:  # nothing escaped (nearly always)
        return body.split("/")[1:]
    return [unescape_pointer_token(t) for t in body.split("/")[1:]]


@mutable_record()
class DiagnosticSink:
    """Collects diagnostics for one run, attaching locations through an optional locator.

    ``default_file`` names the file used when no locator knows the pointer (for example a config
    file read before the spec). A sink is cheap; stages may share one.

    With ``strict`` set, a warning whose code is in ``promote`` (the pipeline passes
    :data:`generator.codes.RECOVERY_CODES`) is recorded as an error instead, with the same
    location: ``--strict`` refuses every spec defect the generator would otherwise work around.
    """

    locator: Locator | None = None
    default_file: str = ""
    strict: bool = False
    promote: frozenset[str] = frozenset()
    items: list[Diagnostic] = field(default_factory=list)
    _seen: set[tuple[str, str, str]] = field(default_factory=set)
    #: With a list here, warnings and notes are recorded without their location, which
    #: :meth:`locate_deferred` adds later: (index in ``items``, pointer as given, locator).
    deferred: list[tuple[int, str, Locator]] | None = None

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        pointer: str = "",
        *,
        hint: str = "",
        location: Location | None = None,
        locator: Locator | None = None,
    ) -> Diagnostic:
        if severity is Severity.WARNING and self.strict and code in self.promote:
            severity = Severity.ERROR
            hint = f"{hint}; " if hint else ""
            hint += "a recovery warning, an error under --strict (docs/recovery.md)"
        loc = location
        finder = locator or self.locator
        later = ""
        if loc is None and finder is not None and pointer:
            # A pointer located here may name a translated document (Swagger 2.0): shown as the
            # file is written (so two translated nodes of one 2.0 node report once). With an
            # explicit ``location`` it is taken as written.
            if self.deferred is not None and severity is not Severity.ERROR:
                later = pointer
            else:
                loc = finder.locate(pointer)
            pointer = finder.original_key(pointer)
        source = ""
        if loc is not None and finder is not None:
            source = finder.source_line(loc) or ""
        diag = Diagnostic(
            code=code,
            severity=severity,
            message=message,
            pointer=pointer,
            file=loc.file if loc else self.default_file,
            line=loc.line if loc else 0,
            col=loc.col if loc else 0,
            hint=hint,
            source_line=source,
        )
        at = len(self.items)
        if self._keep(diag) and later and self.deferred is not None and finder is not None:
            self.deferred.append((at, later, finder))
        return diag

    def _keep(self, diag: Diagnostic) -> bool:
        """Append ``diag`` unless an earlier one has its code, pointer and message."""
        key = (diag.code, diag.pointer, diag.message)
        if key in self._seen:
            return False
        self._seen.add(key)
        self.items.append(diag)
        return True

    def locate_deferred(self) -> None:
        """Add their locations to the diagnostics recorded while ``deferred`` was set (in the
        order they were recorded) and stop deferring."""
        pending, self.deferred = self.deferred or [], None
        for index, pointer, finder in pending:
            loc = finder.locate(pointer)
            if loc is None:
                continue
            diag = self.items[index]
            self.items[index] = replace(
                diag,
                file=loc.file,
                line=loc.line,
                col=loc.col,
                source_line=finder.source_line(loc) or "",
            )

    def error(self, code: str, message: str, pointer: str = "", **kw: object) -> Diagnostic:
        return self.add(code, Severity.ERROR, message, pointer, **kw)  # type: ignore[arg-type]

    def warning(self, code: str, message: str, pointer: str = "", **kw: object) -> Diagnostic:
        return self.add(code, Severity.WARNING, message, pointer, **kw)  # type: ignore[arg-type]

    def note(self, code: str, message: str, pointer: str = "", **kw: object) -> Diagnostic:
        return self.add(code, Severity.NOTE, message, pointer, **kw)  # type: ignore[arg-type]

    def fatal(self, code: str, message: str, pointer: str = "", **kw: object) -> FatalInputError:
        """Record an error and return an exception for the caller to raise."""
        return FatalInputError(self.error(code, message, pointer, **kw))

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    @property
    def has_blocking_errors(self) -> bool:
        """Errors other than recovery warnings promoted by ``strict``: the stages after one of
        those would not be sound. Promoted ones still stop the run before anything is written,
        after every stage up to the build has reported its recoveries."""
        return any(
            d.severity is Severity.ERROR and not (self.strict and d.code in self.promote)
            for d in self.items
        )

    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for d in diagnostics:
            self._keep(d)

    def take(self, other: DiagnosticSink) -> None:
        """:meth:`extend` with ``other``'s items, and the locating ``other`` still owes them
        (its :attr:`deferred` entries), which :meth:`locate_deferred` here then does."""
        owed = {index: (pointer, finder) for index, pointer, finder in other.deferred or ()}
        for index, d in enumerate(other.items):
            at = len(self.items)
            if self._keep(d) and index in owed:
                if self.deferred is None:
                    self.deferred = []
                self.deferred.append((at, *owed[index]))
        other.deferred = None

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def render_all(diagnostics: Sequence[Diagnostic], *, limit: int = 200) -> str:
    """Render diagnostics for the terminal, errors first, capped at ``limit`` entries."""
    ordered = sorted(
        diagnostics,
        key=lambda d: (d.severity is not Severity.ERROR, d.file, d.line, d.col, d.code),
    )
    shown = [d.render() for d in ordered[:limit]]
    if len(ordered) > limit:
        shown.append(f"... and {len(ordered) - limit} more (see --report for the full list)")
    return "\n".join(shown)


def diagnostics_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([d.to_json() for d in diagnostics], indent=2)


def display_path(path: Path | str, root: Path | None = None) -> str:
    """A path as users expect to see it: relative to the working directory when possible."""
    p = Path(path)
    base = root or Path.cwd()
    try:
        return str(p.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(p)
