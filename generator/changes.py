"""One classified change between two API surfaces, and the order of the kinds.

Kinds, worst first: ``breaking``, ``behaviour``, ``additive``, ``docs`` (their meaning:
:mod:`generator.evolution`). :data:`SEVERITY` orders them for ``--fail-on`` and the version advice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, Protocol

from generator.diagnostics import Location
from generator.records import record

Kind = Literal["breaking", "behaviour", "additive", "docs"]
KINDS: tuple[Kind, ...] = ("breaking", "behaviour", "additive", "docs")
SEVERITY: Mapping[str, int] = {"breaking": 3, "behaviour": 2, "additive": 1, "docs": 0}


class Emit(Protocol):
    """Records one change: ``emit(kind, code, old_symbol, new_symbol, why)`` ("" for a side
    the symbol does not exist on)."""

    def __call__(self, kind: Kind, change: str, old_sym: str, new_sym: str, why: str) -> None: ...


@record(slots=True)
class Change:
    kind: Kind
    change: str  # stable short code: "field-removed", "param-added-required", ...
    symbol: str  # package-relative Python path on the new side (the old side when removed)
    why: str
    old_symbol: str = ""  # package-relative path on the old side ("" when added)
    old: Location | None = None
    new: Location | None = None
    old_pointer: str = ""
    new_pointer: str = ""

    def to_json(self, old_package: str, new_package: str) -> dict[str, object]:
        def loc(where: Location | None, pointer: str) -> dict[str, object] | None:
            if where is None:
                return None
            return {"file": where.file, "line": where.line, "col": where.col, "pointer": pointer}

        return {
            "kind": self.kind,
            "change": self.change,
            "symbol": f"{new_package}.{self.symbol}",
            "old_symbol": f"{old_package}.{self.old_symbol}" if self.old_symbol else None,
            "why": self.why,
            "old": loc(self.old, self.old_pointer),
            "new": loc(self.new, self.new_pointer),
        }
