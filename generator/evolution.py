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

SemVer advice (:func:`advise`): breaking -> major; behaviour or additive -> minor; docs -> patch.
Below 1.0 everything moves one place right (the 0.x rule): breaking -> minor, the rest -> patch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from generator.diagnostics import Location
from generator.surface import Entry, Surface

Kind = Literal["breaking", "behaviour", "additive", "docs"]
KINDS: tuple[Kind, ...] = ("breaking", "behaviour", "additive", "docs")
SEVERITY: Mapping[str, int] = {"breaking": 3, "behaviour": 2, "additive": 1, "docs": 0}

Bump = Literal["major", "minor", "patch", "none"]


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


# ------------------------------------------------------------------------------------------------
# comparison
# ------------------------------------------------------------------------------------------------

_PARENT_KINDS = frozenset({"operation", "class", "enum", "union"})


def _parent(symbol: str) -> str:
    """``api.t.op(p)`` -> ``api.t.op``; ``models.A.f`` -> ``models.A``; ``models.U[X]`` -> ``models.U``."""
    if symbol.endswith(")") and "(" in symbol:
        return symbol[: symbol.index("(")]
    if symbol.endswith("]") and "[" in symbol:
        return symbol[: symbol.index("[")]
    return symbol.rsplit(".", 1)[0]


def _leaf(symbol: str) -> str:
    if symbol.endswith(")") and "(" in symbol:
        return symbol[symbol.index("(") + 1 : -1]
    if symbol.endswith("]") and "[" in symbol:
        return symbol[symbol.index("[") + 1 : -1]
    return symbol.rsplit(".", 1)[1]


def _child(parent: str, leaf: str, like: str) -> str:
    if like.endswith(")"):
        return f"{parent}({leaf})"
    if like.endswith("]"):
        return f"{parent}[{leaf}]"
    return f"{parent}.{leaf}"


def _parts(annotation: str) -> set[str]:
    """Top-level members of a ``A | B | None`` annotation."""
    parts: list[str] = []
    depth = 0
    cur = ""
    for ch in annotation:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    parts.append(cur.strip())
    return {p for p in parts if p}


class _Differ:
    def __init__(self, old: Surface, new: Surface) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        self.mapping: dict[str, str] = {}  # old parent symbol -> new parent symbol (renames)

    # -- recording ----------------------------------------------------------------------------------

    def emit(self, kind: Kind, change: str, old_sym: str, new_sym: str, why: str) -> None:
        o = self.old.entries.get(old_sym) if old_sym else None
        n = self.new.entries.get(new_sym) if new_sym else None
        self.changes.append(
            Change(
                kind=kind,
                change=change,
                symbol=new_sym or old_sym,
                why=why,
                old_symbol=old_sym,
                old=self.old.where(old_sym) if o is not None else None,
                new=self.new.where(new_sym) if n is not None else None,
                old_pointer=o.pointer if o else "",
                new_pointer=n.pointer if n else "",
            )
        )

    # -- renames ------------------------------------------------------------------------------------

    @staticmethod
    def _match_renames(
        removed: list[str],
        added: list[str],
        key_old: Mapping[str, object],
        key_new: Mapping[str, object],
    ) -> list[tuple[str, str]]:
        """Pairs (removed, added) whose keys are equal and unique on both sides."""
        by_new: dict[object, list[str]] = {}
        for sym in added:
            by_new.setdefault(key_new[sym], []).append(sym)
        by_old: dict[object, list[str]] = {}
        for sym in removed:
            by_old.setdefault(key_old[sym], []).append(sym)
        return [
            (olds[0], by_new[key][0])
            for key, olds in by_old.items()
            if len(olds) == 1 and len(by_new.get(key, [])) == 1
        ]

    def _signature(self, surface: Surface, parent: str) -> object:
        """What identifies a model across a rename: its kind and its children's wire facts."""
        entry = surface.entries[parent]
        kids = sorted(
            (_leaf(s), e.attrs.get("wire", ""), e.attrs.get("annotation", ""))
            for s, e in surface.entries.items()
            if s != parent and _parent(s) == parent
        )
        return (entry.kind, tuple(kids)) if kids else (entry.kind, parent)

    def run(self) -> tuple[Change, ...]:
        old_e, new_e = self.old.entries, self.new.entries
        old_parents = [s for s, e in old_e.items() if e.kind in _PARENT_KINDS]
        new_parents = [s for s, e in new_e.items() if e.kind in _PARENT_KINDS]
        removed = [s for s in old_parents if s not in new_e]
        added = [s for s in new_parents if s not in old_e]
        # operations: same method + path
        ops_r = [s for s in removed if old_e[s].kind == "operation"]
        ops_a = [s for s in added if new_e[s].kind == "operation"]
        http_old = {s: (old_e[s].attrs["method"], old_e[s].attrs["path"]) for s in ops_r}
        http_new = {s: (new_e[s].attrs["method"], new_e[s].attrs["path"]) for s in ops_a}
        renamed = self._match_renames(ops_r, ops_a, http_old, http_new)
        # models: same kind and the same children
        mod_r = [s for s in removed if old_e[s].kind != "operation"]
        mod_a = [s for s in added if new_e[s].kind != "operation"]
        if mod_r and mod_a:
            sig_old = {s: self._signature(self.old, s) for s in mod_r}
            sig_new = {s: self._signature(self.new, s) for s in mod_a}
            renamed += self._match_renames(mod_r, mod_a, sig_old, sig_new)
        for o, n in renamed:
            self.mapping[o] = n
            what = "operation" if old_e[o].kind == "operation" else "class"
            self.emit(
                "breaking",
                f"{what}-renamed",
                o,
                n,
                f"{what} renamed: imports and calls of {_leaf(o)} fail"
                + (
                    " (same method and path)"
                    if what == "operation"
                    else " (same fields; the schema was renamed)"
                ),
            )
        gone = set(removed) - set(self.mapping)
        new_set = set(added) - set(self.mapping.values())
        for sym in sorted(gone):
            self._removed_parent(sym)
        for sym in sorted(new_set):
            self._added_parent(sym)
        # everything else: compare by (mapped) symbol
        for sym, entry in old_e.items():
            parent = sym if entry.kind in _PARENT_KINDS else _parent(sym)
            if parent in gone:
                continue
            target = self._map(sym, entry)
            if sym in self.mapping:
                target = self.mapping[sym]
            if target in new_e:
                self._compare(sym, target, entry, new_e[target])
        self._children_added_removed(gone, new_set)
        self.changes.sort(key=lambda c: (-SEVERITY[c.kind], c.symbol, c.change))
        return tuple(self.changes)

    def _map(self, sym: str, entry: Entry) -> str:
        if entry.kind in _PARENT_KINDS:
            return self.mapping.get(sym, sym)
        parent = _parent(sym)
        if parent in self.mapping:
            return _child(self.mapping[parent], _leaf(sym), sym)
        return sym

    def _children_added_removed(self, gone: set[str], fresh: set[str]) -> None:
        old_e, new_e = self.old.entries, self.new.entries
        back = {v: k for k, v in self.mapping.items()}
        mapped_old = {self._map(s, e): s for s, e in old_e.items()}
        removed: dict[str, list[str]] = {}
        added: dict[str, list[str]] = {}
        for sym, entry in old_e.items():
            if entry.kind in _PARENT_KINDS:
                continue
            parent = _parent(sym)
            if parent in gone or parent not in old_e:
                if parent not in old_e and self._map(sym, entry) not in new_e:
                    removed.setdefault("", []).append(sym)
                continue
            if self._map(sym, entry) not in new_e:
                removed.setdefault(self.mapping.get(parent, parent), []).append(sym)
        for sym, entry in new_e.items():
            if entry.kind in _PARENT_KINDS:
                continue
            parent = _parent(sym)
            if parent in fresh:
                continue
            if sym not in mapped_old:
                added.setdefault(parent if parent in new_e else "", []).append(sym)
        for parent in sorted(set(removed) | set(added)):
            rem = removed.get(parent, [])
            add = added.get(parent, [])
            # within one parent: a child that kept its wire identity was renamed
            key_old = {s: self._identity(old_e[s]) for s in rem}
            key_new = {s: self._identity(new_e[s]) for s in add}
            pairs = self._match_renames(
                [s for s in rem if key_old[s] is not None],
                [s for s in add if key_new[s] is not None],
                key_old,
                key_new,
            )
            paired_o = {o for o, _ in pairs}
            paired_n = {n for _, n in pairs}
            # then: the one removed and the one added child of the same shape (a spec rename)
            shape_old = {s: self._shape(old_e[s]) for s in rem if s not in paired_o}
            shape_new = {s: self._shape(new_e[s]) for s in add if s not in paired_n}
            pairs += self._match_renames(
                [s for s, k in shape_old.items() if k is not None],
                [s for s, k in shape_new.items() if k is not None],
                shape_old,
                shape_new,
            )
            for o, n in pairs:
                self._renamed_child(o, n)
            paired_o = {o for o, _ in pairs}
            paired_n = {n for _, n in pairs}
            for sym in rem:
                if sym not in paired_o:
                    self._removed_child(sym)
            for sym in add:
                if sym not in paired_n:
                    self._added_child(sym)
        del back

    @staticmethod
    def _identity(entry: Entry) -> object:
        if entry.kind in ("parameter", "field"):
            wire = entry.attrs.get("wire", "-")
            return None if wire == "-" else (entry.kind, wire, entry.attrs.get("in", ""))
        if entry.kind == "member":
            return ("member", entry.attrs.get("wire"))
        return None

    @staticmethod
    def _shape(entry: Entry) -> object:
        if entry.kind in ("parameter", "field") and entry.attrs.get("wire", "-") != "-":
            a = entry.attrs
            return (entry.kind, a.get("in", ""), a["annotation"], a["required"], a["default"])
        return None

    # -- parents ------------------------------------------------------------------------------------

    def _removed_parent(self, sym: str) -> None:
        entry = self.old.entries[sym]
        if entry.kind == "operation":
            a = entry.attrs
            self.emit(
                "breaking",
                "operation-removed",
                sym,
                "",
                f"operation removed ({a['method']} {a['path']}): its module and calls fail",
            )
        else:
            self.emit("breaking", f"{entry.kind}-removed", sym, "", f"{entry.kind} removed")

    def _added_parent(self, sym: str) -> None:
        entry = self.new.entries[sym]
        if entry.kind == "operation":
            a = entry.attrs
            self.emit(
                "additive", "operation-added", "", sym, f"new operation {a['method']} {a['path']}"
            )
        else:
            self.emit("additive", f"{entry.kind}-added", "", sym, f"new {entry.kind}")

    # -- children -----------------------------------------------------------------------------------

    def _renamed_child(self, o: str, n: str) -> None:
        kind = self.old.entries[o].kind
        what = {"parameter": "parameter", "field": "field", "member": "enum member"}[kind]
        self.emit(
            "breaking",
            f"{kind}-renamed",
            o,
            n,
            f"{what} renamed from {_leaf(o)} to {_leaf(n)}: code using the old name fails",
        )
        self._compare(o, n, self.old.entries[o], self.new.entries[n])

    def _removed_child(self, sym: str) -> None:
        entry = self.old.entries[sym]
        kind = entry.kind
        if kind == "parameter":
            self.emit(
                "breaking", "param-removed", sym, "", "parameter removed: calls passing it fail"
            )
        elif kind == "field":
            self.emit(
                "breaking",
                "field-removed",
                sym,
                "",
                "field removed: code reading or passing it fails",
            )
        elif kind == "member":
            self.emit("breaking", "enum-member-removed", sym, "", "enum member removed")
        elif kind == "variant":
            self.emit(
                "breaking",
                "union-variant-removed",
                sym,
                "",
                "union variant removed: values of that type are no longer accepted or returned",
            )
        elif kind == "error":
            self.emit(
                "breaking",
                "error-class-removed",
                sym,
                "",
                "error class removed: `except` of it fails",
            )
        elif kind == "auth":
            self.emit("breaking", "auth-removed", sym, "", "authentication option removed")
        else:
            self.emit("breaking", f"{kind}-removed", sym, "", f"{kind} removed")

    def _added_child(self, sym: str) -> None:
        entry = self.new.entries[sym]
        kind, role = entry.kind, entry.role
        if kind == "parameter":
            if entry.attrs.get("required") == "yes":
                self.emit(
                    "breaking",
                    "param-added-required",
                    "",
                    sym,
                    "new required parameter: every existing call must pass it",
                )
            else:
                self.emit("additive", "param-added-optional", "", sym, "new optional parameter")
        elif kind == "field":
            required = entry.attrs.get("required") == "yes"
            if required and role in ("request", "both"):
                self.emit(
                    "breaking",
                    "field-added-required",
                    "",
                    sym,
                    f"new required field of a {role} model: every place that builds it must pass it",
                )
            elif required:
                self.emit(
                    "additive",
                    "field-added",
                    "",
                    sym,
                    "new response field (required: code that builds the model by hand, e.g. test "
                    "fakes, must pass it)",
                )
            else:
                self.emit("additive", "field-added", "", sym, "new optional field")
        elif kind == "member":
            self.emit(
                "additive",
                "enum-member-added",
                "",
                sym,
                "new enum member: exhaustive `match` statements over the enum need a case",
            )
        elif kind == "variant":
            self.emit(
                "additive",
                "union-variant-added",
                "",
                sym,
                "new union variant: code that handles every variant needs a case",
            )
        elif kind == "error":
            self.emit("additive", "error-class-added", "", sym, "new error class")
        elif kind == "auth":
            self.emit("additive", "auth-added", "", sym, "new authentication option")
        else:
            self.emit("additive", f"{kind}-added", "", sym, f"new {kind}")

    # -- attribute comparison -----------------------------------------------------------------------

    def _compare(self, o: str, n: str, old: Entry, new: Entry) -> None:
        if old.kind != new.kind:
            self.emit("breaking", "kind-changed", o, n, f"was a {old.kind}, is now a {new.kind}")
            return
        handler = getattr(self, f"_cmp_{old.kind}", None)
        if handler is not None:
            handler(o, n, old.attrs, new.attrs, new.role or old.role)
        else:
            for key in sorted(set(old.attrs) | set(new.attrs)):
                a, b = old.attrs.get(key, ""), new.attrs.get(key, "")
                if a != b:
                    kind: Kind = "behaviour"
                    if old.kind == "error" and key == "base":
                        kind = "breaking"
                    if old.kind == "server":
                        self.emit(
                            kind, "server-url-changed", o, n, f"default server URL {a} -> {b}"
                        )
                        continue
                    self.emit(kind, f"{old.kind}-{key}-changed", o, n, f"{key}: {a} -> {b}")
        if old.doc != new.doc:
            self.emit("docs", "description-changed", o, n, "description changed")

    def _cmp_operation(
        self, o: str, n: str, a: Mapping[str, str], b: Mapping[str, str], role: str
    ) -> None:
        if (a["method"], a["path"]) != (b["method"], b["path"]):
            self.emit(
                "breaking",
                "operation-moved",
                o,
                n,
                f"wire: {a['method']} {a['path']} is now {b['method']} {b['path']}; clients built "
                "from the old spec call an endpoint that is gone",
            )
        if a["returns"] != b["returns"]:
            self.emit(
                "breaking", "return-type-changed", o, n, f"returns {a['returns']} -> {b['returns']}"
            )
        if a["operation_id"] != b["operation_id"]:
            self.emit(
                "behaviour",
                "operation-id-changed",
                o,
                n,
                f"operationId {a['operation_id']} -> {b['operation_id']} (seen by hooks and logs)",
            )
        if a["success"] != b["success"]:
            self.emit(
                "behaviour",
                "success-status-changed",
                o,
                n,
                f"success statuses {a['success']} -> {b['success']}",
            )
        self._errors(o, n, a["errors"], b["errors"])
        for key, label in (("pagination", "pagination"), ("stream", "streaming")):
            if a[key] == b[key]:
                continue
            if a[key] == "-":
                self.emit("additive", f"{key}-added", o, n, f"{label} added ({b[key]})")
            elif b[key] == "-":
                self.emit(
                    "breaking",
                    f"{key}-removed",
                    o,
                    n,
                    f"{label} removed: iterate/stream helpers are gone",
                )
            else:
                self.emit("breaking", f"{key}-changed", o, n, f"{label} {a[key]} -> {b[key]}")
        if a["security"] != b["security"]:
            if a["security"] == "none":
                self.emit(
                    "breaking",
                    "auth-required",
                    o,
                    n,
                    f"now requires credentials ({b['security']}): calls from a Client without them fail",
                )
            elif b["security"] == "none":
                self.emit("additive", "auth-dropped", o, n, "no longer requires credentials")
            else:
                self.emit(
                    "behaviour",
                    "auth-changed",
                    o,
                    n,
                    f"security {a['security']} -> {b['security']}",
                )
        if a["idempotency"] != b["idempotency"]:
            self.emit(
                "behaviour",
                "idempotency-changed",
                o,
                n,
                f"idempotency header {a['idempotency']} -> {b['idempotency']}",
            )
        if a["deprecated"] != b["deprecated"]:
            self.emit(
                "docs",
                "deprecated" if b["deprecated"] == "yes" else "undeprecated",
                o,
                n,
                "marked deprecated" if b["deprecated"] == "yes" else "no longer deprecated",
            )

    def _errors(self, o: str, n: str, a: str, b: str) -> None:
        def table(text: str) -> dict[str, str]:
            if text == "-":
                return {}
            out = {}
            for item in text.split(", "):
                status, _, parser = item.partition(": ")
                out[status] = parser
            return out

        ta, tb = table(a), table(b)
        for status in sorted(set(ta) | set(tb)):
            if status not in ta:
                self.emit(
                    "behaviour",
                    "error-status-added",
                    o,
                    n,
                    f"documents error status {status} (its error class gets a typed {tb[status]} body)",
                )
            elif status not in tb:
                self.emit(
                    "behaviour",
                    "error-status-removed",
                    o,
                    n,
                    f"no longer documents error status {status} (its body is no longer parsed as {ta[status]})",
                )
            elif ta[status] != tb[status]:
                self.emit(
                    "behaviour",
                    "error-body-changed",
                    o,
                    n,
                    f"error status {status} body {ta[status]} -> {tb[status]}",
                )

    def _cmp_parameter(
        self, o: str, n: str, a: Mapping[str, str], b: Mapping[str, str], role: str
    ) -> None:
        if a["in"] != b["in"]:
            self.emit(
                "breaking",
                "param-moved",
                o,
                n,
                f"wire: moved from {a['in']} to {b['in']}; clients built from the old spec send it "
                "where the API no longer reads it",
            )
        elif a["wire"] != b["wire"] and _leaf(o) == _leaf(n):
            self.emit(
                "breaking",
                "param-wire-renamed",
                o,
                n,
                f"wire: sent as {b['wire']!r} instead of {a['wire']!r} (the Python name stays)",
            )
        if a["annotation"] != b["annotation"]:
            pa, pb = _parts(a["annotation"]), _parts(b["annotation"])
            if pa < pb:
                self.emit(
                    "additive",
                    "param-widened",
                    o,
                    n,
                    f"accepts more: {a['annotation']} -> {b['annotation']}",
                )
            else:
                self.emit(
                    "breaking",
                    "param-retyped",
                    o,
                    n,
                    f"type {a['annotation']} -> {b['annotation']}",
                )
        if a["required"] != b["required"]:
            if b["required"] == "yes":
                self.emit(
                    "breaking",
                    "param-now-required",
                    o,
                    n,
                    "now required: calls that leave it out fail",
                )
            else:
                self.emit("additive", "param-now-optional", o, n, "now optional")
        elif a["default"] != b["default"]:
            self.emit(
                "behaviour",
                "param-default-changed",
                o,
                n,
                f"default {a['default'] or '(none)'} -> {b['default'] or '(none)'}",
            )
        if a["in"] == b["in"] and a.get("style") != b.get("style"):
            self.emit(
                "behaviour",
                "param-style-changed",
                o,
                n,
                f"serialised as {a.get('style')} -> {b.get('style')}",
            )

    def _cmp_field(
        self, o: str, n: str, a: Mapping[str, str], b: Mapping[str, str], role: str
    ) -> None:
        reads = role in ("response", "both")
        writes = role in ("request", "both")
        if a["wire"] != b["wire"] and _leaf(o) == _leaf(n):
            self.emit(
                "breaking",
                "field-wire-renamed",
                o,
                n,
                f"wire: key {b['wire']!r} instead of {a['wire']!r} (the Python name stays); old "
                "clients read and write the old key",
            )
        if a["annotation"] != b["annotation"]:
            pa, pb = _parts(a["annotation"]), _parts(b["annotation"])
            made_nullable = "None" in pb and "None" not in pa
            if pa < pb:
                if reads:
                    why = (
                        "made nullable: readers must handle None"
                        if made_nullable
                        else f"widened {a['annotation']} -> {b['annotation']}: readers must handle more"
                    )
                    self.emit(
                        "breaking",
                        "field-nullable" if made_nullable else "field-widened",
                        o,
                        n,
                        why,
                    )
                else:
                    self.emit(
                        "additive",
                        "field-widened",
                        o,
                        n,
                        f"accepts more: {a['annotation']} -> {b['annotation']}",
                    )
            elif pb < pa and not writes:
                self.emit(
                    "additive",
                    "field-narrowed",
                    o,
                    n,
                    f"narrowed {a['annotation']} -> {b['annotation']} (readers get less)",
                )
            else:
                self.emit(
                    "breaking",
                    "field-retyped",
                    o,
                    n,
                    f"type {a['annotation']} -> {b['annotation']}",
                )
        if a["required"] != b["required"]:
            if b["required"] == "no":
                if reads:
                    self.emit(
                        "breaking",
                        "field-made-optional",
                        o,
                        n,
                        "made optional: readers may now get None/UNSET where a value was guaranteed",
                    )
                else:
                    self.emit("additive", "field-made-optional", o, n, "now optional")
            elif writes:
                self.emit(
                    "breaking",
                    "field-made-required",
                    o,
                    n,
                    "now required: code that builds the model must pass it",
                )
            else:
                self.emit(
                    "additive", "field-made-required", o, n, "now always present in responses"
                )
        elif a["default"] != b["default"]:
            self.emit(
                "behaviour",
                "field-default-changed",
                o,
                n,
                f"default {a['default'] or '(none)'} -> {b['default'] or '(none)'}",
            )
        for key in ("read_only", "write_only"):
            if a.get(key) != b.get(key):
                self.emit(
                    "behaviour",
                    f"field-{key.replace('_', '-')}-changed",
                    o,
                    n,
                    f"{key.replace('_', ' ')}: {a.get(key)} -> {b.get(key)}",
                )

    def _cmp_member(
        self, o: str, n: str, a: Mapping[str, str], b: Mapping[str, str], role: str
    ) -> None:
        if a["wire"] != b["wire"]:
            self.emit(
                "breaking",
                "enum-value-changed",
                o,
                n,
                f"wire: value {a['wire']} -> {b['wire']} (the member name stays)",
            )

    def _cmp_variant(
        self, o: str, n: str, a: Mapping[str, str], b: Mapping[str, str], role: str
    ) -> None:
        if a["tags"] != b["tags"]:
            self.emit(
                "breaking",
                "union-tags-changed",
                o,
                n,
                f"wire: discriminator values {a['tags']} -> {b['tags']}",
            )

    def _cmp_class(
        self, o: str, n: str, a: Mapping[str, str], b: Mapping[str, str], role: str
    ) -> None:
        self._module(o, n, a, b)
        if a["extra"] != b["extra"]:
            if a["extra"] == "-":
                self.emit("additive", "extra-allowed", o, n, f"keeps unknown keys ({b['extra']})")
            else:
                self.emit(
                    "breaking",
                    "extra-changed",
                    o,
                    n,
                    f"additional_properties {a['extra']} -> {b['extra']}",
                )

    def _cmp_enum(
        self, o: str, n: str, a: Mapping[str, str], b: Mapping[str, str], role: str
    ) -> None:
        self._module(o, n, a, b)
        if a["base"] != b["base"]:
            self.emit("breaking", "enum-base-changed", o, n, f"enum of {a['base']} -> {b['base']}")

    def _cmp_union(
        self, o: str, n: str, a: Mapping[str, str], b: Mapping[str, str], role: str
    ) -> None:
        self._module(o, n, a, b)
        if a["discriminator"] != b["discriminator"]:
            self.emit(
                "breaking",
                "discriminator-changed",
                o,
                n,
                f"wire: discriminator {a['discriminator']} -> {b['discriminator']}",
            )

    def _module(self, o: str, n: str, a: Mapping[str, str], b: Mapping[str, str]) -> None:
        if a["module"] != b["module"]:
            self.emit(
                "breaking",
                "module-renamed",
                o,
                n,
                f"moved from models.{a['module']} to models.{b['module']}: direct module imports fail",
            )


def compare(old: Surface, new: Surface) -> Comparison:
    """Every change from ``old`` to ``new``, worst first."""
    return Comparison(old, new, _Differ(old, new).run())


def dumps(comparison: Comparison) -> str:
    return json.dumps(comparison.to_json(), indent=2, sort_keys=False) + "\n"


def kinds_of(changes: Iterable[Change]) -> Sequence[str]:
    return sorted({c.kind for c in changes}, key=lambda k: -SEVERITY[k])
