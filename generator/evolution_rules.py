"""The classification rules: which change of which symbol is breaking, behaviour, additive or docs.

:class:`Rules` is told about one symbol at a time by the matcher (:mod:`generator.evolution_match`):
an operation or model added or removed as a whole, a child (parameter, field, enum member, union
variant, error class, auth option) added or removed, or an entry present on both sides whose
facts are compared one by one. Each rule records a :class:`~generator.changes.Change` with its
kind, a stable code (``field-made-optional``) and a one-line why. The rules themselves are the
table in ``docs/evolution.md``; a field's or model's role (request / response / both) decides the
ones where readers and writers are affected differently.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.changes import Emit, Kind
from generator.surface import Entry, Surface, annotation_parts, leaf_symbol


class Membership:
    """Symbols present on one side only: operations and models as a whole, and their children."""

    def __init__(self, old: Surface, new: Surface, emit: Emit) -> None:
        self.old = old
        self.new = new
        self.emit = emit

    # -- parents ------------------------------------------------------------------------------------

    def removed_parent(self, sym: str) -> None:
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

    def added_parent(self, sym: str) -> None:
        entry = self.new.entries[sym]
        if entry.kind == "operation":
            a = entry.attrs
            self.emit(
                "additive", "operation-added", "", sym, f"new operation {a['method']} {a['path']}"
            )
        else:
            self.emit("additive", f"{entry.kind}-added", "", sym, f"new {entry.kind}")

    # -- children -----------------------------------------------------------------------------------

    def removed_child(self, sym: str) -> None:
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

    def added_child(self, sym: str) -> None:
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


class Rules:
    """Symbols present on both sides: their facts compared one by one."""

    def __init__(self, old: Surface, new: Surface, emit: Emit) -> None:
        self.old = old
        self.new = new
        self.emit = emit

    # -- attribute comparison -----------------------------------------------------------------------

    def compare(self, o: str, n: str, old: Entry, new: Entry) -> None:
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
                    if (old.kind, key) in (("error", "base"), ("webhook", "annotation")):
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
        elif a["wire"] != b["wire"] and leaf_symbol(o) == leaf_symbol(n):
            self.emit(
                "breaking",
                "param-wire-renamed",
                o,
                n,
                f"wire: sent as {b['wire']!r} instead of {a['wire']!r} (the Python name stays)",
            )
        if a["annotation"] != b["annotation"]:
            pa, pb = annotation_parts(a["annotation"]), annotation_parts(b["annotation"])
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
        if a["wire"] != b["wire"] and leaf_symbol(o) == leaf_symbol(n):
            self.emit(
                "breaking",
                "field-wire-renamed",
                o,
                n,
                f"wire: key {b['wire']!r} instead of {a['wire']!r} (the Python name stays); old "
                "clients read and write the old key",
            )
        if a["annotation"] != b["annotation"]:
            pa, pb = annotation_parts(a["annotation"]), annotation_parts(b["annotation"])
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
