"""The default-value shortcut never skips a default the real validator would flag."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from openapi_schema_validator import (
    OAS30Validator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)

from generator.validate import plainly_valid_default

VALUES: list[Any] = [
    None, True, False, 0, 1, -3, 2**70, 0.0, 1.0, 2.5, -0.5, math.inf, math.nan,
    "", "a", "push", "1", [], ["push"], {}, {"a": 1},
]  # fmt: skip
TYPES: list[Any] = [None, "string", "integer", "number", "boolean", "array", "null", ["string"]]
EXTRAS: list[dict[str, Any]] = [
    {},
    {"nullable": True},
    {"enum": ["a", "push", 1, True, 2.5]},
    {"enum": [0, False]},
    {"enum": "a"},
    {"minimum": 1},
    {"maximum": 1.0},
    {"minimum": 0, "maximum": 100},
    {"minimum": True},
    {"exclusiveMinimum": 0},
    {"format": "uri"},
    {"description": "d", "title": "t", "example": 3, "deprecated": True, "x-y": 1},
    {"readOnly": True, "writeOnly": False, "examples": [1]},
    {"$ref": "#/x"},
    {"pattern": "^a$"},
]


@pytest.mark.parametrize(
    ("cls", "checker"),
    [(OAS30Validator, oas30_format_checker), (OAS31Validator, oas31_format_checker)],
)
def test_shortcut_agrees_with_the_validator(cls: Any, checker: Any) -> None:
    certified = 0
    for kind, extra, value in itertools.product(TYPES, EXTRAS, VALUES):
        schema = {**extra, "default": value}
        if kind is not None:
            schema["type"] = kind
        if not plainly_valid_default(schema, value):
            continue
        certified += 1
        errors = list(cls(schema, format_checker=checker).iter_errors(value))
        assert errors == [], (schema, value)
    assert certified > 50
