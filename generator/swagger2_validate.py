"""Validate stage for Swagger 2.0 input: the document as written, against the Swagger 2.0 schema.

The official Swagger 2.0 JSON Schema ships with openapi-spec-validator (its 2.0 validator); it
runs through :mod:`generator.schema_engine` over the 2.0 document exactly as written (not its
translated 3.0 form), and every finding becomes a warning at its own place in the 2.0 file:
``W0166`` for a field the schema does not allow, ``W0167`` for a missing required field,
``W0165`` for anything else. ``oneOf``/``anyOf`` failures are narrowed to the branch that was
meant, as for 3.x (:mod:`generator.validate`). Like the 3.x structural findings, none of them
stops generation: the semantic checks the generator relies on (path templates, duplicate
operationIds, the shapes of operations and parameters) run on the translated document and report
their errors at the 2.0 nodes through the pointer map.
"""

from __future__ import annotations

from typing import Any

from generator.diagnostics import DiagnosticSink
from generator.loader import LoadedSpec
from generator.schema_engine import get_engine
from generator.source_map import pointer_from_tokens
from generator.validate import _describe, _narrow, _object_name, _Tree

__all__ = ["validate_swagger2"]

W_SCHEMA_VIOLATION = "W0165"
W_UNEXPECTED_FIELD = "W0166"
W_MISSING_FIELD = "W0167"


def validate_swagger2(spec: LoadedSpec, sink: DiagnosticSink) -> None:
    """Report every finding of the Swagger 2.0 schema on ``spec.swagger_document``."""
    document = spec.swagger_document
    if document is None:
        return
    smap, uri = spec.source_map, spec.root_uri
    tree = _Tree(document, uri)

    def warn(code: str, message: str, tokens: tuple[str, ...] | list[str]) -> None:
        pointer = pointer_from_tokens(list(tokens))
        location = smap.locate_in(uri, pointer, as_written=True)
        sink.warning(code, message, pointer, location=location, locator=smap)

    check = get_engine().structural("2.0")
    for finding in check(document):
        for leaf in _narrow(finding, document, tree):
            _, tokens, instance, _ = tree.locate(leaf.path)
            name = _object_name(leaf.location)
            suffix = f" ({name} Object)" if name else ""
            if leaf.kind in ("additionalProperties", "unevaluatedProperties"):
                unexpected: list[Any] = leaf.detail.get("unexpected") or []
                for field_name in unexpected:
                    warn(
                        W_UNEXPECTED_FIELD,
                        f"field {str(field_name)!r} is not allowed here{suffix}; ignored",
                        (*tokens, str(field_name)),
                    )
                if unexpected:
                    continue
            if leaf.kind == "required":
                missing = leaf.detail.get("property", "")
                warn(W_MISSING_FIELD, f"missing required field {missing!r}{suffix}", tokens)
                continue
            warn(W_SCHEMA_VIOLATION, _describe(leaf, instance) + suffix, tokens)
