"""Which operations a Path Item holds, by OpenAPI version: the one place that knows the methods.

A Path Item names its operations by fixed fields (``get`` ... ``trace``; OpenAPI 3.2 adds
``query``, the safe HTTP QUERY method with a body) and, from 3.2 on, by ``additionalOperations``:
a map from a method name *as sent on the wire* (case-sensitive: ``LINK``, ``PURGE``) to an
Operation. Documents written for 3.0/3.1 carry the same map as the registered extension
``x-oai-additionalOperations``, which is read too.

:func:`operations_of` yields ``(wire_method, tokens, node)`` for each, where ``tokens`` are the
pointer tokens below the Path Item (``("get",)``, ``("additionalOperations", "LINK")``) and
``wire_method`` is the method sent (fixed fields upper-cased, additional ones as written).
Methods that have a fixed field are never taken from the additional map: OpenAPI forbids that
duplication and the fixed field wins.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["FIXED_METHODS", "HTTP_METHODS", "additional_key", "fixed_methods", "operations_of"]

#: The fixed-field methods of OpenAPI 3.0 / 3.1 (and Swagger 2.0, less ``trace``).
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: Every fixed-field method of any version we read (3.2 adds ``query``).
FIXED_METHODS = (*HTTP_METHODS, "query")

_ADDITIONAL_KEYS = ("additionalOperations", "x-oai-additionalOperations")


def fixed_methods(oas: str | None) -> tuple[str, ...]:
    """The fixed-field methods of a Path Item under the rules of ``oas`` ("3.0", "3.1", "3.2")."""
    return FIXED_METHODS if oas == "3.2" else HTTP_METHODS


def additional_key(oas: str | None) -> str:
    """The member holding custom-method operations: 3.2's field, or the extension before it."""
    return _ADDITIONAL_KEYS[0] if oas == "3.2" else _ADDITIONAL_KEYS[1]


def operations_of(
    item: Mapping[str, Any], oas: str | None
) -> Iterator[tuple[str, tuple[str, ...], Any]]:
    """Every operation of a Path Item: ``(wire_method, pointer tokens, node)``; the fixed fields
    first (in :data:`FIXED_METHODS` order), then the additional operations in the order written."""
    fixed = fixed_methods(oas)
    for method in fixed:
        if method in item:
            yield method.upper(), (method,), item[method]
    key = additional_key(oas)
    extra = item.get(key)
    if not isinstance(extra, Mapping):
        return
    for method, node in extra.items():
        if not isinstance(method, str) or not method or method.lower() in fixed:
            continue
        yield method, (key, method), node
