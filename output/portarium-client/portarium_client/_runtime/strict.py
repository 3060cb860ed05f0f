"""Forward compatibility: what decoding does with values this client version does not know.

By default a client is lenient -- a new enum member, a new ``oneOf`` variant or a new field in a
response is kept (as a plain value, a ``dict`` or in ``additional_properties``) and decoding goes
on, so an API can grow without breaking deployed clients. In strict mode (``strict=True`` on the
client, or :func:`strict_scope` around your own decoding) the same hooks raise :class:`ValueError`,
which the client reports as an unexpected-response error.

The flag is a :class:`contextvars.ContextVar`, so it follows threads and asyncio tasks correctly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = [
    "is_strict",
    "strict_mode",
    "strict_scope",
    "unknown_enum_value",
    "unknown_fields",
    "unknown_variant",
]

_STRICT: ContextVar[bool] = ContextVar("strict_decoding", default=False)


is_strict = _STRICT.get
"""Same as :func:`strict_mode`, without a Python frame: generated ``from_dict`` methods call it."""


def strict_mode() -> bool:
    """Whether decoding in the current context rejects unknown values."""
    return _STRICT.get()


@contextmanager
def strict_scope(enabled: bool = True) -> Iterator[None]:
    """Decode with strict mode switched on (or off) inside the ``with`` block."""
    token = _STRICT.set(enabled)
    try:
        yield
    finally:
        _STRICT.reset(token)


def unknown_enum_value(enum_name: str, value: object) -> None:
    """Called by a generated enum's ``_missing_``: raises in strict mode, otherwise does nothing."""
    if _STRICT.get():
        raise ValueError(f"{value!r} is not a known {enum_name} value")


def unknown_variant(union_name: str, value: object) -> None:
    """Called when no variant of a ``oneOf``/``anyOf`` matches: raises in strict mode only."""
    if _STRICT.get():
        kind = type(value).__name__
        raise ValueError(f"no variant of {union_name} matches the {kind} received")


def unknown_fields(model_name: str, keys: Iterable[str]) -> None:
    """Called with the keys a model does not declare: raises in strict mode only."""
    if _STRICT.get():
        names = ", ".join(sorted(keys))
        raise ValueError(f"{model_name} got unknown field(s): {names}")
