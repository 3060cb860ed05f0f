"""Lines up the symbols of two surfaces: what was renamed, removed, added, or kept.

Order of work (:meth:`Matcher.run`):

1. Parents (operations, classes, enums, unions) missing on one side are paired as renames when
   they keep their identity: an operation its method and path, a model exactly its children.
2. Unpaired ones are removed or added as a whole (their children are not listed again).
3. Every symbol present on both sides (through the rename mapping) is compared fact by fact.
4. Children missing on one side within a kept parent are paired as renames by wire identity (a
   parameter's wire name and place, a field's wire name, an enum member's value), then by shape
   (the only removed and the only added one with the same annotation, place, required-ness and
   default); the rest are removed or added.

What each of these means for users is decided by :class:`generator.evolution_rules.Rules`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from generator.changes import SEVERITY, Change, Kind
from generator.evolution_rules import Membership, Rules
from generator.surface import Entry, Surface, child_symbol, leaf_symbol, parent_symbol

_PARENT_KINDS = frozenset({"operation", "class", "enum", "union"})


class Matcher:
    """Lines the symbols of two surfaces up (renames first) and hands each to :class:`Rules`."""

    def __init__(self, old: Surface, new: Surface) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        self.mapping: dict[str, str] = {}  # old parent symbol -> new parent symbol (renames)
        self.rules = Rules(old, new, self.emit)
        self.members = Membership(old, new, self.emit)

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

    @staticmethod
    def _children(surface: Surface, parents: Iterable[str]) -> dict[str, list[str]]:
        wanted = set(parents)
        out: dict[str, list[str]] = {p: [] for p in wanted}
        for sym in surface.entries:
            parent = parent_symbol(sym)
            if parent in wanted and parent != sym:
                out[parent].append(sym)
        return out

    @staticmethod
    def _signature(surface: Surface, parent: str, kids: list[str]) -> object:
        """What identifies a model across a rename: its kind and its children's wire facts."""
        entry = surface.entries[parent]
        facts = sorted(
            (
                leaf_symbol(s),
                surface.entries[s].attrs.get("wire", ""),
                surface.entries[s].attrs.get("annotation", ""),
            )
            for s in kids
        )
        return (entry.kind, tuple(facts)) if facts else (entry.kind, parent)

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
            kids_old = self._children(self.old, mod_r)
            kids_new = self._children(self.new, mod_a)
            sig_old = {s: self._signature(self.old, s, kids_old[s]) for s in mod_r}
            sig_new = {s: self._signature(self.new, s, kids_new[s]) for s in mod_a}
            renamed += self._match_renames(mod_r, mod_a, sig_old, sig_new)
        for o, n in renamed:
            self.mapping[o] = n
            what = "operation" if old_e[o].kind == "operation" else "class"
            self.emit(
                "breaking",
                f"{what}-renamed",
                o,
                n,
                f"{what} renamed: imports and calls of {leaf_symbol(o)} fail"
                + (
                    " (same method and path)"
                    if what == "operation"
                    else " (same fields; the schema was renamed)"
                ),
            )
        gone = set(removed) - set(self.mapping)
        new_set = set(added) - set(self.mapping.values())
        for sym in sorted(gone):
            self.members.removed_parent(sym)
        for sym in sorted(new_set):
            self.members.added_parent(sym)
        # everything else: compare by (mapped) symbol
        for sym, entry in old_e.items():
            parent = sym if entry.kind in _PARENT_KINDS else parent_symbol(sym)
            if parent in gone:
                continue
            target = self._map(sym, entry)
            if sym in self.mapping:
                target = self.mapping[sym]
            if target in new_e:
                self.rules.compare(sym, target, entry, new_e[target])
        self._children_added_removed(gone, new_set)
        self.changes.sort(key=lambda c: (-SEVERITY[c.kind], c.symbol, c.change))
        return tuple(self.changes)

    def _map(self, sym: str, entry: Entry) -> str:
        if entry.kind in _PARENT_KINDS:
            return self.mapping.get(sym, sym)
        parent = parent_symbol(sym)
        if parent in self.mapping:
            return child_symbol(self.mapping[parent], leaf_symbol(sym), sym)
        return sym

    def _children_added_removed(self, gone: set[str], fresh: set[str]) -> None:
        old_e, new_e = self.old.entries, self.new.entries
        mapped_old = {self._map(s, e): s for s, e in old_e.items()}
        removed: dict[str, list[str]] = {}
        added: dict[str, list[str]] = {}
        for sym, entry in old_e.items():
            if entry.kind in _PARENT_KINDS:
                continue
            parent = parent_symbol(sym)
            if parent in gone or parent not in old_e:
                if parent not in old_e and self._map(sym, entry) not in new_e:
                    removed.setdefault("", []).append(sym)
                continue
            if self._map(sym, entry) not in new_e:
                removed.setdefault(self.mapping.get(parent, parent), []).append(sym)
        for sym, entry in new_e.items():
            if entry.kind in _PARENT_KINDS:
                continue
            parent = parent_symbol(sym)
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
                    self.members.removed_child(sym)
            for sym in add:
                if sym not in paired_n:
                    self.members.added_child(sym)

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

    def _renamed_child(self, o: str, n: str) -> None:
        kind = self.old.entries[o].kind
        what = {"parameter": "parameter", "field": "field", "member": "enum member"}[kind]
        self.emit(
            "breaking",
            f"{kind}-renamed",
            o,
            n,
            f"{what} renamed from {leaf_symbol(o)} to {leaf_symbol(n)}: code using the old name fails",
        )
        self.rules.compare(o, n, self.old.entries[o], self.new.entries[n])
