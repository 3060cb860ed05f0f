"""Python names for things the spec names: validated identifier types and collision-free allocation.

Spec names are arbitrary strings (``DateCreated<``, ``x-rate-limit``, ``class``, ``Etc/GMT+0``,
Unicode). This module turns them into identifiers that are valid, not keywords, not dunders, ASCII
(NFKC-normalised, then transliterated away), and unique within a scope. Uniqueness is resolved
deterministically, in the order names are requested, by suffixing ``_2``, ``_3``...; each rename is
returned so the caller can report it.

``PyName`` (snake_case) and ``ClassName`` (PascalCase) are ``str`` subclasses whose constructors
validate, so a value of either type is always safe to paste into generated code.
"""

from __future__ import annotations

import functools
import hashlib
import keyword
import re
import unicodedata
from dataclasses import field

from generator.records import mutable_record

RESERVED_PARAM_NAMES = frozenset(
    {
        "self",
        "cls",
        "client",
        "body",
        "extra_headers",
        "timeout",
        "max_retries",
        "max_items",
        "max_pages",
        "_send",
        "httpx",
        "json",
        "quote",
        "typing",
        "datetime",
        "date",
        "uuid",
        "UNSET",
        "Unset",
        "NOT_GIVEN",
        "NotGiven",
        "Any",
        "Response",
        "parts",
        "query",
        "headers",
        "cookies",
        "_fetch",
        "cursor_value",
    }
)
"""Keyword parameter names generated operation functions use themselves, plus module names they import."""

RESERVED_FIELD_NAMES = frozenset(
    {
        "additional_properties",
        "to_dict",
        "from_dict",
        "self",
        "cls",
        "src",
        "out",
        "field",
        "dataclass",
        "Any",
        "UNSET",
        "Unset",
        "datetime",
        "date",
        "uuid",
        "mro",
        "register",
        # builtins the class body's own annotations use (a field named ``list`` would make mypy
        # read every later ``list[...]`` in the class as that field)
        "list",
        "dict",
        "str",
        "int",
        "float",
        "bool",
        "bytes",
    }
)
"""Dataclass field names that would clash with model methods, class attributes or module imports."""

RESERVED_CLASS_NAMES = frozenset(
    {
        "Any",
        "Client",
        "AuthenticatedClient",
        "Response",
        "Unset",
        "UNSET",
        "NotGiven",
        "File",
        "Enum",
        "IntEnum",
        "Mapping",
        "Sequence",
        "Iterator",
        "Literal",
        "Union",
        "Optional",
        "TypeAlias",
        "TYPE_CHECKING",
        "datetime",
        "date",
        "UUID",
        "Decimal",
        "Exception",
        "Type",
        "List",
        "Dict",
        "Self",
        "None",
        "True",
        "False",
        "Endpoint",
        "RequestParts",
        "ResponseSpec",
    }
)
"""Class names that would shadow a name imported into generated model or client modules."""

_WORD_BOUNDARY = re.compile(
    r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+[a-z]*",
)
_SYMBOL_WORDS = {
    "<": "lt",
    ">": "gt",
    "<=": "lte",
    ">=": "gte",
    "=": "eq",
    "!=": "ne",
    "+": "plus",
    "-": "minus",
    "*": "star",
    "@": "at",
    "%": "percent",
    "&": "and",
    "#": "hash",
    "$": "dollar",
    "~": "tilde",
    "!": "bang",
    "?": "question",
    "/": "slash",
    ".": "dot",
}


def _ascii_fold(text: str) -> str:
    """NFKC then strip accents, so confusables (fullwidth letters, ligatures) become plain ASCII."""
    if text.isascii():
        return text  # NFKC/NFKD leave ASCII unchanged
    normal = unicodedata.normalize("NFKC", text)
    decomposed = unicodedata.normalize("NFKD", normal)
    return "".join(ch for ch in decomposed if ord(ch) < 128)


def split_words(text: str) -> list[str]:
    """Split ``"DateCreated<"``, ``"x-rate-limit"``, ``"HTTPServer2Go"`` into lowercase-able words
    (cached: big specs convert the same names many times)."""
    return list(_split_words(text))


@functools.lru_cache(maxsize=65536)
def _split_words(text: str) -> tuple[str, ...]:
    """Split ``"DateCreated<"``, ``"x-rate-limit"``, ``"HTTPServer2Go"`` into lowercase-able words.

    A name made only of symbols (``"<"``, ``"+1"``) maps symbols to words so that it stays distinct.
    """
    folded = _ascii_fold(text)
    words = _WORD_BOUNDARY.findall(folded)
    if not words:
        symbolic = [_SYMBOL_WORDS[ch] for ch in folded if ch in _SYMBOL_WORDS]
        return tuple(symbolic)
    # Keep trailing comparison symbols meaningful: DateCreated< vs DateCreated>.
    tail = folded.rstrip()
    for sym in ("<=", ">=", "!=", "<", ">"):
        if tail.endswith(sym) and not tail[: -len(sym)].endswith(("<", ">", "!", "=")):
            words.append(_SYMBOL_WORDS[sym])
            break
    if folded.lstrip().startswith("-") and any(c.isdigit() for c in folded[:3]):
        words.insert(0, "minus")
    if folded.lstrip().startswith("+") and any(c.isdigit() for c in folded[:3]):
        words.insert(0, "plus")
    return tuple(words)


@functools.lru_cache(maxsize=65536)
def snake_case(text: str) -> str:
    """``"petId"`` -> ``"pet_id"``; never empty (``"value"`` when nothing survives)."""
    words = split_words(text)
    name = "_".join(w.lower() for w in words) or "value"
    if name[0].isdigit():
        name = "n" + name if name[0] != "_" else name
        name = "n_" + name[1:] if name.startswith("n") and name[1].isdigit() else name
    return name


@functools.lru_cache(maxsize=65536)
def pascal_case(text: str) -> str:
    """``"pet-store order"`` -> ``"PetStoreOrder"``; digits first get a ``Model`` prefix."""
    words = split_words(text)
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Model"
    if name[0].isdigit():
        name = "Model" + name
    return name


@functools.lru_cache(maxsize=65536)
def constant_case(text: str) -> str:
    """Enum member names: ``"in-progress"`` -> ``"IN_PROGRESS"``; ``""`` -> ``"EMPTY"``."""
    if text == "":
        return "EMPTY"
    words = split_words(text)
    name = "_".join(w.upper() for w in words) or "VALUE"
    if name[0].isdigit():
        name = "VALUE_" + name
    return name


_NON_WORD = re.compile(r"\W")


def fastapi_stem(operation_id: str, path: str, method: str) -> str:
    """The function name FastAPI built ``operation_id`` from, or "" if it was not built that way.

    FastAPI's default operationId is the route's function name, then the route path with every
    non-word character turned into ``_``, then ``_`` and the method: ``POST /flows/`` of
    ``create_flow`` gives ``create_flow_flows__post``. The suffix is rebuilt from this operation's
    own path and method (so a hand-written id that merely ends in ``_get`` is left alone), and
    what remains must be a Python identifier of its own.
    """
    suffix = _NON_WORD.sub("_", path) + "_" + method.lower()
    if len(operation_id) <= len(suffix) or not operation_id.endswith(suffix):
        return ""
    stem = operation_id[: -len(suffix)]
    return stem if stem.isidentifier() and not stem.startswith("_") else ""


AMBIGUOUS_NAMES = frozenset({"l", "I", "O"})
"""Single letters pycodestyle rejects as names (E741/E742); generated code never uses them bare."""


def _is_safe_identifier(name: str) -> bool:
    return (
        name.isidentifier()
        and name.isascii()
        and not keyword.iskeyword(name)
        and not keyword.issoftkeyword(name)
        and not (name.startswith("__") and name.endswith("__"))
    )


class PyName(str):
    """A snake_case identifier safe as a function, parameter, field or module name."""

    __slots__ = ()

    def __new__(cls, value: str) -> PyName:
        if not _is_safe_identifier(value):
            raise ValueError(f"not a safe Python identifier: {value!r}")
        return super().__new__(cls, value)


class ClassName(str):
    """A PascalCase identifier safe as a class or type alias name."""

    __slots__ = ()

    def __new__(cls, value: str) -> ClassName:
        if not _is_safe_identifier(value) or not value[0].isupper():
            raise ValueError(f"not a safe Python class name: {value!r}")
        return super().__new__(cls, value)


@functools.lru_cache(maxsize=65536)
def safe_identifier(candidate: str, reserved: frozenset[str] = frozenset()) -> str:
    """Make ``candidate`` a safe identifier: keywords, dunders and reserved names get a ``_`` suffix."""
    name = candidate
    if not name or not name.isascii() or not name.isidentifier():
        name = re.sub(r"\W", "_", _ascii_fold(name)) or "value"
        if name[0].isdigit():
            name = "n" + name
    if name.startswith("__") and name.endswith("__"):
        name = name.strip("_") or "dunder"
    while (
        keyword.iskeyword(name)
        or keyword.issoftkeyword(name)
        or name in reserved
        or name in AMBIGUOUS_NAMES
        or not name.isidentifier()
    ):
        name = name + "_"
    return name


MAX_MODULE_NAME = 80
"""Longest module (file) name stem: file systems cap a name at 255 bytes."""


def shorten(name: str, limit: int) -> str:
    """``name`` cut to ``limit`` characters with a stable hash suffix (unchanged if short enough)."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{name[: limit - 9].rstrip('_')}_{digest}"


@mutable_record()
class Renamed:
    """A name that had to change to stay unique in its scope."""

    scope: str
    original: str
    wanted: str
    given: str


@mutable_record()
class NameScope:
    """Allocates unique names within one scope (a module, a class's fields, a function's params).

    ``casefold=True`` treats names differing only by case as colliding (module file names on
    case-insensitive file systems, and enum members ``ASC``/``asc``). ``max_length`` caps names
    used as file names (see :data:`MAX_MODULE_NAME`); 0 means no cap.
    """

    label: str
    reserved: frozenset[str] = frozenset()
    casefold: bool = False
    max_length: int = 0
    taken: set[str] = field(default_factory=set)
    renames: list[Renamed] = field(default_factory=list)
    #: key of a base name -> the ``_N`` suffix to try first: names are never released, so every
    #: lower suffix is still taken (keeps a scope with thousands of ``Value_N`` linear).
    _next_suffix: dict[str, int] = field(default_factory=dict, repr=False)

    def _key(self, name: str) -> str:
        return name.lower() if self.casefold else name

    def claim(self, wanted: str, original: str = "") -> str:
        """Reserve ``wanted`` (already case-converted); return it or its first free ``_N`` variant."""
        base = safe_identifier(wanted, self.reserved)
        if self.max_length:
            base = shorten(base, self.max_length)
        name = base
        if self._key(name) in self.taken:
            base_key = self._key(base)
            n = self._next_suffix.get(base_key, 2)
            sep = "" if base.endswith("_") else "_"
            name = f"{base}{sep}{n}"
            while self._key(name) in self.taken:
                n += 1
                name = f"{base}{sep}{n}"
            self._next_suffix[base_key] = n + 1
        self.taken.add(self._key(name))
        if name != wanted:
            self.renames.append(Renamed(self.label, original or wanted, wanted, name))
        return name

    def is_free(self, name: str) -> bool:
        return self._key(name) not in self.taken
