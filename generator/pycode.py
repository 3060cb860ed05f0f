"""IR types -> Python source fragments: annotations, decode and encode expressions, imports.

Every piece of Python that depends on a type is decided here, so templates only paste prepared
strings. A :class:`ModuleCode` is created per generated module; it records which names that module
must import (models, runtime helpers, typing names) while expressions are produced, and hands
fresh temporary variable names to walrus expressions so one module never reuses a name.

Decoding is written as straight-line expressions (``Run.from_dict(v)``, ``parse_datetime(v)``,
``[Item.from_dict(x) for x in v]``) and skipped entirely for plain JSON values, which is what makes
generated models decode faster than validating libraries.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import field

from generator.ir import (
    AnyModel,
    AnyOf,
    EnumModel,
    ListOf,
    LiteralOf,
    MapOf,
    Model,
    Prim,
    TypeRef,
    UnionModel,
)
from generator.layout import assignment, comprehension, grouped
from generator.layout import call as layout_call
from generator.records import mutable_record
from generator.schemas import is_plain_value, with_nullable

_PRIM_ANNOTATIONS = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "datetime": "datetime",
    "date": "date",
    "uuid": "UUID",
    "base64": "bytes",
    "binary": "File",
    "any": "Any",
    "none": "None",
}


def py_literal(value: object) -> str:
    """A Python literal for a JSON scalar (safe: only repr of str/int/float/bool/None)."""
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        return (
            repr(value) if value == value and value not in (float("inf"), float("-inf")) else "None"
        )
    if isinstance(value, str):
        return _str_literal(value)
    raise TypeError(f"not a JSON scalar: {value!r}")


def _str_literal(value: str) -> str:
    """``repr`` of a string, in double quotes where ruff format would put them (it prefers double
    quotes unless that needs more escapes), so the formatter has nothing to rewrite."""
    text = repr(value)
    if text[0] == '"' or '"' in value:
        return text
    return '"' + text[1:-1] + '"'


def tuple_literal(items: Sequence[str]) -> str:
    """A tuple display of the (already literal) ``items``, as ruff format writes a short one."""
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


# A name or a subscript with a literal key: evaluating it twice is cheap and has no effect.
_SIMPLE_SOURCE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\[\]()]*\])?")

# A dotted name: a callee that is safe to evaluate once instead of per item.
_CALLEE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")

_CONTROL_TO_SPACE = {c: " " for c in range(32) if c != 10}


def docstring(text: str, indent: str = "") -> str:
    """Text made safe inside a triple-quoted docstring (no terminator, no escapes, no NULs)."""
    # NULs go first: dropping one after the escaping could join '""' and '"' into a terminator.
    cleaned = text.replace("\x00", "").replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    cleaned = cleaned.translate(_CONTROL_TO_SPACE)
    lines = [ln.rstrip() for ln in cleaned.strip().splitlines()]
    if lines and lines[-1].endswith('"'):
        lines[-1] = lines[-1] + " "
    if not indent or "" not in lines:
        return ("\n" + indent).join(lines)
    return "\n".join((indent + ln) if (ln and i) else ln for i, ln in enumerate(lines))


def comment(text: str) -> str:
    """Text safe on a single ``#`` comment line."""
    return " ".join(text.replace("\x00", "").split())[:200].rstrip()


@mutable_record()
class ModuleCode:
    """Per-module import collector and expression factory.

    ``models_prefix`` is the relative import prefix of the models package from this module
    (``"."`` inside models/, ``"...models."`` from api/<tag>/<op>.py). ``lazy`` holds model ids whose
    imports must happen inside functions (same import cycle as this module).
    """

    models: Mapping[str, AnyModel]
    models_prefix: str
    runtime_prefix: str
    types_prefix: str
    self_id: str = ""
    lazy: frozenset[str] = frozenset()
    model_imports: dict[str, set[str]] = field(default_factory=dict)
    lazy_imports: dict[str, set[str]] = field(default_factory=dict)
    annotation_only: dict[str, set[str]] = field(default_factory=dict)
    runtime_names: dict[str, set[str]] = field(default_factory=dict)
    typing_names: set[str] = field(default_factory=set)
    std_imports: set[str] = field(default_factory=set)
    enum_tables: bool = False  # a model module: decode enums via lookup tables (hot path)
    prelude: dict[str, str] = field(default_factory=dict)
    phase: str = ""
    """Which function the expressions being produced go into (``lazy_phase`` records lazy
    imports per function, so each function imports only what it uses)."""
    lazy_phase: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    _counter: int = 0

    # -- imports ----------------------------------------------------------------------------------

    def _need_model(self, model: AnyModel, names: list[str], *, runtime: bool) -> None:
        if model.id == self.self_id:
            return
        module = model.module
        if not runtime:
            self.annotation_only.setdefault(module, set()).update(names)
            return
        bucket = self.lazy_imports if model.id in self.lazy else self.model_imports
        bucket.setdefault(module, set()).update(names)
        if model.id in self.lazy:
            phase = self.lazy_phase.setdefault(self.phase, {})
            phase.setdefault(module, set()).update(names)

    def runtime(self, module: str, name: str) -> str:
        self.runtime_names.setdefault(module, set()).add(name)
        return name

    def typing(self, name: str) -> str:
        self.typing_names.add(name)
        return name

    def fresh(self, stem: str = "v") -> str:
        self._counter += 1
        return f"_{stem}{self._counter}"

    # -- annotations ------------------------------------------------------------------------------

    def annotation(self, t: TypeRef) -> str:
        base = self._annotation(t)
        if t.nullable and base not in ("Any", "None"):
            return f"{base} | None"
        return base

    def _annotation(self, t: TypeRef) -> str:
        if isinstance(t, Prim):
            name = _PRIM_ANNOTATIONS[t.kind]
            if name == "Any":
                self.typing("Any")
            elif name in ("datetime", "date"):
                self.std_imports.add(f"from datetime import {name}")
            elif name == "UUID":
                self.std_imports.add("from uuid import UUID")
            elif name == "File":
                self.runtime_names.setdefault("__types__", set()).add("File")
            return name
        if isinstance(t, ListOf):
            return f"list[{self.annotation(t.item)}]"
        if isinstance(t, MapOf):
            return f"dict[str, {self.annotation(t.value)}]"
        if isinstance(t, LiteralOf):
            self.typing("Literal")
            return f"Literal[{', '.join(py_literal(v) for v in t.values)}]"
        if isinstance(t, AnyOf):
            parts: list[str] = []
            for m in t.members:
                a = self.annotation(m)
                if a not in parts:
                    parts.append(a)
            return " | ".join(parts)
        model = self.models[t.model_id]
        self._need_model(model, [model.class_name], runtime=False)
        return model.class_name

    # -- decoding ---------------------------------------------------------------------------------

    def decode(self, t: TypeRef, src: str, *, depth: int = 0) -> str:
        """Expression turning the JSON value ``src`` into a value of type ``t``."""
        if is_plain_value(t, self.models):
            return src
        if t.nullable:
            var = self.fresh()
            inner = self._decode(t, var, depth)
            return grouped(f"None if ({var} := {src}) is None else {inner}")
        return self._decode(t, src, depth)

    def _decode(self, t: TypeRef, src: str, depth: int) -> str:
        if isinstance(t, Prim):
            if t.kind == "datetime":
                return f"{self.runtime('serde', 'parse_datetime')}({src})"
            if t.kind == "date":
                return f"{self.runtime('serde', 'parse_date')}({src})"
            if t.kind == "uuid":
                return f"{self.runtime('serde', 'parse_uuid')}({src})"
            if t.kind == "base64":
                return f"{self.runtime('serde', 'b64decode')}({src})"
            if t.kind == "binary":
                return f"{self.runtime('wire', 'file_from_json')}({src})"
            return src
        if isinstance(t, ListOf):
            var = f"_i{depth}"
            item = self.decode(t.item, var, depth=depth + 1)
            call = f"({var})"
            if item.endswith(call) and _CALLEE.fullmatch(item[: -len(call)]):
                # ``list(map(f, v))`` binds ``f`` once and loops in C: faster than a comprehension.
                return layout_call("list(", f"map({item[: -len(call)]}, {src})")
            return comprehension("[", item, f"for {var} in {src}", "]")
        if isinstance(t, MapOf):
            k, var = f"_k{depth}", f"_i{depth}"
            value = self.decode(t.value, var, depth=depth + 1)
            return comprehension("{", f"{k}: {value}", f"for {k}, {var} in {src}.items()", "}")
        if isinstance(t, (LiteralOf, AnyOf)):
            return src
        model = self.models[t.model_id]
        if isinstance(model, UnionModel):
            fn = f"decode_{model.module}"
            self._need_model(model, [fn], runtime=True)
            return f"{fn}({src})"
        self._need_model(model, [model.class_name], runtime=True)
        if isinstance(model, EnumModel):
            return self._decode_enum(model, src)
        return f"{model.class_name}.from_dict({src})"

    def _decode_enum(self, model: EnumModel, src: str) -> str:
        """``Enum(value)`` costs a Python-level ``__call__``; a dict lookup is ~5x faster.

        The lookup table is a module-level constant (see :meth:`prelude_lines`), so it is used only
        where the enum is imported at module level and ``src`` is cheap to evaluate twice (the
        fallback call handles values the table lacks: unknown members, falsy members).
        """
        if not self.enum_tables or model.id in self.lazy or not _SIMPLE_SOURCE.fullmatch(src):
            return f"{model.class_name}({src})"
        table = f"_{model.module.upper()}_MEMBERS"
        if table not in self.prelude:
            helper = self.runtime("modeling", "member_table")
            self.prelude[table] = assignment(
                f"{table}: dict[object, {model.class_name}]", helper, [model.class_name]
            )
        return grouped(f"{table}.get({src}) or {model.class_name}({src})")

    def prelude_lines(self) -> list[str]:
        """Module-level constants the expressions of this module use (enum lookup tables)."""
        return [self.prelude[name] for name in sorted(self.prelude)]

    # -- encoding ---------------------------------------------------------------------------------

    def encode(self, t: TypeRef, value: str, *, depth: int = 0) -> str:
        """Expression turning the Python value ``value`` of type ``t`` into JSON data."""
        if is_plain_value(t, self.models):
            return value
        inner = self._encode(t, value, depth)
        if t.nullable:
            return grouped(f"None if {value} is None else {inner}")
        return inner

    def _encode(self, t: TypeRef, value: str, depth: int) -> str:
        if isinstance(t, Prim):
            if t.kind == "datetime":
                return f"{self.runtime('serde', 'format_datetime')}({value})"
            if t.kind == "date":
                return f"{self.runtime('serde', 'format_date')}({value})"
            if t.kind == "uuid":
                return f"str({value})"
            if t.kind == "base64":
                return f"{self.runtime('serde', 'b64encode')}({value})"
            return value
        if isinstance(t, ListOf):
            var = f"_e{depth}"
            return f"[{self.encode(t.item, var, depth=depth + 1)} for {var} in {value}]"
        if isinstance(t, MapOf):
            k, var = f"_k{depth}", f"_e{depth}"
            return f"{{{k}: {self.encode(t.value, var, depth=depth + 1)} for {k}, {var} in {value}.items()}}"
        if isinstance(t, (LiteralOf, AnyOf)):
            return value
        model = self.models[t.model_id]
        if isinstance(model, UnionModel):
            fn = f"encode_{model.module}"
            self._need_model(model, [fn], runtime=True)
            return f"{fn}({value})"
        if isinstance(model, EnumModel):
            # In models (hot paths) ``_value_``, the member's plain attribute: ``.value`` is a
            # descriptor several times slower. Elsewhere the documented spelling reads better.
            return f"{value}._value_" if self.enum_tables else f"{value}.value"
        return f"{value}.to_dict()"

    # -- variant checks (unions without a discriminator) ------------------------------------------

    def variant_check(self, t: TypeRef, _seen: frozenset[str] = frozenset()) -> tuple[int, str]:
        """(specificity, check expression) deciding whether a JSON value may be this variant."""
        if t.nullable:
            spec, check = self.variant_check(with_nullable(t, False), _seen)
            if check == "lambda _src: True":
                return spec, check
            return (
                spec,
                f"{self.runtime('modeling', 'any_check')}({check}, lambda _src: _src is None)",
            )
        if isinstance(t, Prim):
            py = {
                "str": "str",
                "int": "int",
                "float": "int, float",
                "bool": "bool",
                "datetime": "str",
                "date": "str",
                "uuid": "str",
                "base64": "str",
                "binary": "str",
            }.get(t.kind)
            if py is None:
                return (-1, "lambda _src: True")
            return (1, f"{self.runtime('modeling', 'is_instance')}({py})")
        if isinstance(t, LiteralOf):
            return (3, f"lambda _src: _src in {tuple(t.values)!r}")
        if isinstance(t, ListOf):
            return (1, f"{self.runtime('modeling', 'is_instance')}(list)")
        if isinstance(t, MapOf):
            return (0, f"{self.runtime('modeling', 'is_instance')}(dict)")
        if isinstance(t, AnyOf):
            return (0, "lambda _src: True")
        model = self.models[t.model_id]
        if isinstance(model, Model):
            req = sorted(f.wire_name for f in model.fields if f.required)
            consts = {
                f.wire_name: f.type.values
                for f in model.fields
                if f.required and isinstance(f.type, LiteralOf) and not f.type.nullable
            }
            args = f"frozenset([{', '.join(py_literal(k) for k in req)}])"
            if consts:
                items = ", ".join(
                    f"{py_literal(k)}: ({', '.join(py_literal(v) for v in vals)},)"
                    for k, vals in sorted(consts.items())
                )
                args += f", {{{items}}}"
            return (
                2 + len(req) + 2 * len(consts),
                f"{self.runtime('modeling', 'has_keys')}({args})",
            )
        if isinstance(model, EnumModel):
            vals = tuple(m.value for m in model.members)
            return (3, f"lambda _src: _src in {vals!r}")
        if isinstance(model, UnionModel) and model.id not in _seen and len(_seen) < 8:
            parts = [self.variant_check(v.type, _seen | {model.id}) for v in model.variants]
            if not parts or any(c == "lambda _src: True" for _s, c in parts):
                return (0, "lambda _src: True")
            checks = ", ".join(c for _s, c in parts)
            return (max(s for s, _c in parts), f"{self.runtime('modeling', 'any_check')}({checks})")
        return (0, "lambda _src: True")

    # -- rendering the import block ----------------------------------------------------------------

    def import_lines(self) -> list[str]:
        lines: list[str] = []
        lines.extend(sorted(self.std_imports))
        if self.typing_names:
            lines.append(f"from typing import {', '.join(sorted(self.typing_names))}")
        types_names = self.runtime_names.get("__types__", set())
        if types_names:
            lines.append(f"from {self.types_prefix}types import {', '.join(sorted(types_names))}")
        for module in sorted(k for k in self.runtime_names if k != "__types__"):
            names = ", ".join(sorted(self.runtime_names[module]))
            lines.append(f"from {self.runtime_prefix}_runtime.{module} import {names}")
        for module in sorted(self.model_imports):
            names = ", ".join(sorted(self.model_imports[module]))
            lines.append(f"from {self.models_prefix}{module} import {names}")
        return lines

    def type_checking_lines(self) -> list[str]:
        """Imports only annotations need (kept under ``if TYPE_CHECKING:``)."""
        out: list[str] = []
        for module in sorted(self.annotation_only):
            names = self.annotation_only[module] - self.model_imports.get(module, set())
            if names:
                out.append(f"from {self.models_prefix}{module} import {', '.join(sorted(names))}")
        return out

    def lazy_lines(self, phase: str | None = None) -> list[str]:
        """Imports that must run inside functions (models in the same import cycle); with
        ``phase``, only those the expressions produced in that phase use."""
        found = self.lazy_imports if phase is None else self.lazy_phase.get(phase, {})
        out: list[str] = []
        for module in sorted(found):
            out.append(
                f"from {self.models_prefix}{module} import {', '.join(sorted(found[module]))}"
            )
        return out
