"""naming: identifiers are valid, distinct and deterministic."""

from __future__ import annotations

import keyword

import pytest

from generator.naming import (
    RESERVED_PARAM_NAMES,
    ClassName,
    NameScope,
    PyName,
    constant_case,
    pascal_case,
    safe_identifier,
    snake_case,
)


@pytest.mark.parametrize(
    ("raw", "snake", "pascal"),
    [
        ("workflowId", "workflow_id", "WorkflowId"),
        ("x-rate-limit", "x_rate_limit", "XRateLimit"),
        ("HTTPServer2Go", "http_server2_go", "HTTPServer2Go"),
        ("nextCursor", "next_cursor", "NextCursor"),
        ("DateCreated<", "date_created_lt", "DateCreatedLt"),
        ("DateCreated>", "date_created_gt", "DateCreatedGt"),
        ("ＡＢＣ", "abc", "ABC"),
        ("GMT0", "gmt0", "GMT0"),
    ],
)
def test_case_conversion(raw: str, snake: str, pascal: str) -> None:
    assert snake_case(raw) == snake
    assert pascal_case(raw) == pascal


def test_conversions_never_return_empty_or_invalid() -> None:
    for raw in ["", "<", "+1", "-1", "2fa", "__init__", "class", "../../x", "\x00", "日本"]:
        for name in (snake_case(raw), pascal_case(raw), constant_case(raw)):
            assert name
            assert safe_identifier(name).isidentifier()


def test_keywords_dunders_and_reserved_get_suffixed() -> None:
    assert safe_identifier("class") == "class_"
    assert safe_identifier("match") == "match_"  # soft keyword
    assert safe_identifier("__import__") == "import_"
    assert safe_identifier("client", RESERVED_PARAM_NAMES) == "client_"
    for kw in keyword.kwlist:
        assert not keyword.iskeyword(safe_identifier(kw))


def test_scope_resolves_collisions_deterministically_and_reports() -> None:
    scope = NameScope("params")
    first = scope.claim(snake_case("DateCreated"), "DateCreated")
    second = scope.claim(snake_case("date_created"), "date_created")
    third = scope.claim(snake_case("dateCreated"), "dateCreated")
    assert (first, second, third) == ("date_created", "date_created_2", "date_created_3")
    assert [r.original for r in scope.renames] == ["date_created", "dateCreated"]


def test_casefold_scope_treats_case_variants_as_collisions() -> None:
    scope = NameScope("members", casefold=True)
    assert scope.claim("ASC") == "ASC"
    assert scope.claim("asc") == "asc_2"


def test_validated_identifier_types() -> None:
    assert PyName("run_id") == "run_id"
    assert ClassName("Run") == "Run"
    for bad in ("class", "1x", "a-b", "__x__", ""):
        with pytest.raises(ValueError):
            PyName(bad)
    with pytest.raises(ValueError):
        ClassName("run")


def test_numbered_variants_continue_where_the_last_claim_stopped() -> None:
    """Thousands of claims of one name stay linear and give the same names as counting up."""
    scope = NameScope("models")
    assert scope.claim("Value_3") == "Value_3"  # taken before the base is
    names = [scope.claim("Value") for _ in range(2000)]
    assert names[:4] == ["Value", "Value_2", "Value_4", "Value_5"]
    assert names[-1] == "Value_2001"
    assert len(set(names)) == 2000
    folded = NameScope("modules", casefold=True)
    assert [folded.claim(n) for n in ("a_", "A_", "a_", "A")] == ["a_", "A_2", "a_3", "A"]
