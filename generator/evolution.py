"""What a spec change does to the generated Python API: classified changes and version advice.

Input: two :class:`~generator.surface.Surface` tables (old, new). Output: a list of
:class:`Change`, each with a kind, the Python symbol, the spec location on each side and a
one-line why. Kinds, worst first (the order ``--fail-on`` and the version advice use):

==============  ================================================================================
``breaking``    code written against the old package stops working (an import, a call, a type
                check) *or* a client built from the old spec stops working against the new API
                (wire-only: a path, a wire name, an enum value, a parameter moved to a header)
``behaviour``   signatures stay, what happens at run time changes (a default, a documented error
                status, the server URL, auth schemes)
``additive``    new things only (an operation, an optional parameter, a response field, an
                enum member -- noted for exhaustive ``match`` statements)
``docs``        descriptions, summaries, deprecation marks
==============  ================================================================================

Whether a model field change breaks anyone depends on who holds the value: a *response* field
made nullable breaks readers (``run.owner.name`` no longer type-checks), a *request* field made
nullable only widens what callers may pass; a new required field breaks request builders, not
readers. Roles come from :func:`generator.surface.model_roles`.

Renames are recognised before additions and removals: an operation keeping its method and path,
a parameter keeping its wire name and place, a field keeping its wire name, a model keeping its
fields, an enum member keeping its value. Children of an added or removed operation or model are
not listed again.

Modules: :mod:`generator.changes` (the change record), :mod:`generator.evolution_match` (lining
the symbols up, renames first), :mod:`generator.evolution_rules` (what each change means); this
module owns the result (:class:`Comparison`: counts, ``--fail-on``, text and JSON) and the advice.

SemVer advice (:func:`advise`): breaking -> major; behaviour or additive -> minor; docs -> patch.
Below 1.0 everything moves one place right (the 0.x rule): breaking -> minor, the rest -> patch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Literal

from generator.changes import KINDS, SEVERITY, Change, Kind
from generator.diagnostics import Location
from generator.evolution_match import Matcher
from generator.records import record
from generator.surface import Surface

__all__ = [
    "KINDS",
    "SEVERITY",
    "Bump",
    "Change",
    "Comparison",
    "Kind",
    "advise",
    "compare",
    "dumps",
    "next_version",
]

Bump = Literal["major", "minor", "patch", "none"]


@record(slots=True)
class Comparison:
    """All changes between two surfaces, ordered worst first, then by symbol."""

    old: Surface
    new: Surface
    changes: tuple[Change, ...]

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def worst(self) -> Kind | None:
        return self.changes[0].kind if self.changes else None

    def summary(self) -> str:
        """``breaking: 2, additive: 5`` (kinds with no change left out; ``no API change``)."""
        parts = [f"{k}: {self.count(k)}" for k in KINDS if self.count(k)]
        return ", ".join(parts) if parts else "no API change"

    def fails(self, fail_on: str) -> bool:
        """Whether a change of kind ``fail_on`` or worse exists (``never``: never)."""
        if fail_on == "never":
            return False
        return any(SEVERITY[c.kind] >= SEVERITY[fail_on] for c in self.changes)

    def to_json(self) -> dict[str, object]:
        return {
            "old": {
                "package": self.old.package,
                "version": self.old.version,
                "spec": self.old.spec,
            },
            "new": {
                "package": self.new.package,
                "version": self.new.version,
                "spec": self.new.spec,
            },
            "summary": {k: self.count(k) for k in KINDS},
            "advice": advise(self),
            "next_version": next_version(self.old.version, advise(self)),
            "changes": [c.to_json(self.old.package, self.new.package) for c in self.changes],
        }

    def render_text(self, limit: int | None = None, *, summary: bool = True) -> str:
        """One change a line (kind, symbol, why), its spec location on each side indented below;
        then the summary and the version advice (``summary=False``: the advice only)."""
        lines: list[str] = []
        shown = self.changes if limit is None else self.changes[:limit]
        for c in shown:
            sym = f"{self.new.package}.{c.symbol}"
            if c.old_symbol and c.old_symbol != c.symbol:
                sym = f"{self.old.package}.{c.old_symbol} -> {sym}"
            lines.append(f"{c.kind:9} {sym}: {c.why}")
            sides = []
            if c.old is not None:
                sides.append(f"old {_loc(c.old)} {c.old_pointer}".rstrip())
            if c.new is not None:
                sides.append(f"new {_loc(c.new)} {c.new_pointer}".rstrip())
            lines.extend(f"          {s}" for s in sides)
        if limit is not None and len(self.changes) > limit:
            lines.append(f"... {len(self.changes) - limit} more change(s); see `diff`")
        bump = advise(self)
        if summary:
            lines.append(self.summary())
        if bump != "none":
            lines.append(
                f"advice: {bump} bump ({self.old.version} -> "
                f"{next_version(self.old.version, bump)})"
            )
        return "\n".join(lines)


def _loc(where: Location) -> str:
    return f"{where.file}:{where.line}:{where.col}" if where.line else where.file


# ------------------------------------------------------------------------------------------------
# version advice
# ------------------------------------------------------------------------------------------------


def advise(comparison: Comparison) -> Bump:
    """The SemVer bump the changes call for, with the 0.x rule (see the module docstring)."""
    worst = comparison.worst
    if worst is None:
        return "none"
    bump: Bump = {"breaking": "major", "behaviour": "minor", "additive": "minor"}.get(  # type: ignore[assignment]
        worst, "patch"
    )
    if _major(comparison.old.version) == 0:
        bump = {"major": "minor", "minor": "patch"}.get(bump, bump)  # type: ignore[assignment]
    return bump


def _release(version: str) -> list[int]:
    from packaging.version import InvalidVersion, Version

    try:
        release = list(Version(version).release)
    except InvalidVersion:
        release = [0, 1, 0]
    return (release + [0, 0, 0])[:3]


def _major(version: str) -> int:
    return _release(version)[0]


def next_version(version: str, bump: str) -> str:
    """``version`` bumped by ``major``/``minor``/``patch`` (``none``: unchanged)."""
    major, minor, patch = _release(version)
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    if bump == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return version


def compare(old: Surface, new: Surface) -> Comparison:
    """Every change from ``old`` to ``new``, worst first."""
    return Comparison(old, new, Matcher(old, new).run())


def dumps(comparison: Comparison) -> str:
    return json.dumps(comparison.to_json(), indent=2, sort_keys=False) + "\n"


def kinds_of(changes: Iterable[Change]) -> Sequence[str]:
    return sorted({c.kind for c in changes}, key=lambda k: -SEVERITY[k])
