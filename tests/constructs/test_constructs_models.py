"""Schema constructs -> models: generate a small spec, import it, round-trip values.

Every test checks ``Model.from_dict(x.to_dict()) == x`` on values built from JSON, and the wire form
(``to_dict``) of what it decodes.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import json
import uuid
from typing import Any

import pytest
from construct_support import GenerateFn


def api(schemas: dict[str, Any], *, version: str = "3.1.0", **extra: Any) -> dict[str, Any]:
    """A one-operation document returning ``schemas[first]`` plus the given components."""
    first = next(iter(schemas))
    doc: dict[str, Any] = {
        "openapi": version,
        "info": {"title": "Constructs", "version": "1.0"},
        "paths": {
            "/x": {
                "get": {
                    "operationId": "getX",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": f"#/components/schemas/{first}"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {"schemas": schemas},
    }
    doc.update(extra)
    return doc


def roundtrip(cls: Any, src: dict[str, Any]) -> Any:
    value = cls.from_dict(src)
    assert cls.from_dict(value.to_dict()) == value
    assert_body_json_matches_to_dict(value)
    return value


def assert_body_json_matches_to_dict(value: Any) -> None:
    """A request body (``jsonlib.dumps`` of the model) says what ``to_dict`` says, on both routes."""
    jsonlib = importlib.import_module(type(value).__module__.split(".")[0] + "._runtime.jsonlib")
    expected = json.loads(json.dumps(value.to_dict()))
    assert jsonlib.FAST  # orjson is a dev dependency: the fast route is the one under test
    assert json.loads(jsonlib.dumps(value)) == expected
    assert json.loads(jsonlib.dumps([value, {"k": value}])) == [expected, {"k": expected}]
    saved = jsonlib._orjson_dumps
    jsonlib._orjson_dumps = None
    try:
        assert json.loads(jsonlib.dumps(value)) == expected
    finally:
        jsonlib._orjson_dumps = saved


def test_allof_merging_single_ref_wrappers_ref_siblings_defaults_formats(
    generate: GenerateFn,
) -> None:
    doc = api(
        {
            "Thing": {
                "allOf": [
                    {"$ref": "#/components/schemas/Base"},
                    {
                        "type": "object",
                        "required": ["name", "secret", "etag"],
                        "properties": {
                            "name": {"type": "string"},
                            "level": {
                                # Kubernetes-style single-$ref wrapper carrying a default.
                                "allOf": [{"$ref": "#/components/schemas/Level"}],
                                "default": 2,
                                "description": "wrapped enum with a default",
                            },
                            "owner": {
                                "$ref": "#/components/schemas/Base",
                                "description": "a $ref with a sibling (3.1)",
                            },
                            "count": {"type": "integer", "default": 5},
                            "secret": {"type": "string", "writeOnly": True},
                            "etag": {"type": "string", "readOnly": True},
                            "when": {"type": "string", "format": "date-time"},
                            "day": {"type": "string", "format": "date"},
                            "uid": {"type": "string", "format": "uuid"},
                            "blob": {"type": "string", "format": "byte"},
                        },
                    },
                ]
            },
            "Base": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "meta": {"$ref": "#/components/schemas/Meta"},
                },
            },
            "Meta": {"type": "object", "properties": {"k": {"type": "string"}}},
            "Level": {"type": "integer", "enum": [1, 2, 3]},
        }
    )
    # Thing is also sent (request body), so its readOnly fields cannot be required.
    doc["paths"]["/x"]["post"] = {
        "operationId": "postX",
        "requestBody": {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
        },
        "responses": {"204": {"description": "created"}},
    }
    gen = generate(doc)
    models = gen.models()
    thing = roundtrip(
        models.Thing,
        {
            "id": "t1",
            "name": "n",
            "meta": {"k": "v"},
            "owner": {"id": "o"},
            "when": "2024-05-06T07:08:09Z",
            "day": "2024-05-06",
            "uid": "12345678-1234-5678-1234-567812345678",
            "blob": "aGk=",
            "secret": "s",
            "etag": "e",
        },
    )
    # allOf merged the base's fields (and its required list) into one dataclass.
    assert thing.id == "t1" and thing.meta == models.Meta(k="v")
    assert thing.owner == models.Base(id="o")
    assert thing.level is models.Level.VALUE_2  # default from the wrapper
    assert thing.count == 5
    assert thing.when == dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)
    assert thing.day == dt.date(2024, 5, 6)
    assert thing.uid == uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert thing.blob == b"hi"
    wire = thing.to_dict()
    assert wire["when"].startswith("2024-05-06T07:08:09") and wire["blob"] == "aGk="
    assert wire["uid"] == "12345678-1234-5678-1234-567812345678" and wire["day"] == "2024-05-06"
    assert wire["secret"] == "s" and wire["etag"] == "e"
    # readOnly / writeOnly fields are required in one direction only, so never demanded.
    fresh = models.Thing(id="t2", name="new")
    assert fresh.etag is None and fresh.secret is None
    assert "etag" not in fresh.to_dict() and "secret" not in fresh.to_dict()
    assert models.Thing.from_dict({"id": "t3", "name": "n", "etag": "e"}).secret is None
    try:
        models.Thing.from_dict({"name": "no id"})
    except KeyError:
        pass
    else:  # pragma: no cover - the merged required list must include the base's ``id``
        raise AssertionError("missing required base field accepted")


def test_unions_discriminators_nested_and_mixed(generate: GenerateFn) -> None:
    cat = {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"const": "cat"}, "meow": {"type": "boolean"}},
    }
    dog = {
        "type": "object",
        "required": ["kind", "bark"],
        "properties": {"kind": {"type": "string"}, "bark": {"type": "string"}},
    }
    gen = generate(
        api(
            {
                "Holder": {
                    "type": "object",
                    "properties": {
                        "mapped": {"$ref": "#/components/schemas/Mapped"},
                        "implicit": {"$ref": "#/components/schemas/Implicit"},
                        "shapes": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Shape"},
                        },
                        "value": {"$ref": "#/components/schemas/Value"},
                        "clash": {"$ref": "#/components/schemas/Clash"},
                    },
                },
                "Cat": cat,
                "Dog": dog,
                "Mapped": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/Cat"},
                        {"$ref": "#/components/schemas/Dog"},
                    ],
                    "discriminator": {
                        "propertyName": "kind",
                        "mapping": {"doggo": "#/components/schemas/Dog", "cat": "Cat"},
                    },
                },
                "Implicit": {
                    # No mapping: the tag is the const of the property, else the schema name.
                    "oneOf": [
                        {"$ref": "#/components/schemas/Cat"},
                        {"$ref": "#/components/schemas/Dog"},
                    ],
                    "discriminator": {"propertyName": "kind"},
                },
                "Shape": {
                    # Members that are allOf compositions.
                    "oneOf": [
                        {
                            "allOf": [
                                {"$ref": "#/components/schemas/Meta"},
                                {
                                    "type": "object",
                                    "required": ["r"],
                                    "properties": {"r": {"type": "number"}},
                                },
                            ]
                        },
                        {
                            "allOf": [
                                {"$ref": "#/components/schemas/Meta"},
                                {
                                    "type": "object",
                                    "required": ["w", "h"],
                                    "properties": {
                                        "w": {"type": "number"},
                                        "h": {"type": "number"},
                                    },
                                },
                            ]
                        },
                    ]
                },
                "Meta": {"type": "object", "properties": {"label": {"type": "string"}}},
                "Value": {
                    # Primitives mixed with objects, a nested union, a recursive array, null.
                    "anyOf": [
                        {"type": "string"},
                        {"type": "integer"},
                        {"$ref": "#/components/schemas/Cat"},
                        {"type": "array", "items": {"$ref": "#/components/schemas/Value"}},
                        {"oneOf": [{"type": "boolean"}, {"$ref": "#/components/schemas/Dog"}]},
                        {"type": "null"},
                    ]
                },
                "Clash": {
                    # Two variants claim the same tag value: decoded by shape between them.
                    "oneOf": [
                        {"$ref": "#/components/schemas/Dog"},
                        {"$ref": "#/components/schemas/Cat2"},
                    ],
                    "discriminator": {
                        "propertyName": "kind",
                        "mapping": {"dog": "#/components/schemas/Dog"},
                    },
                },
                "Cat2": {
                    "type": "object",
                    "required": ["kind", "purr"],
                    "properties": {"kind": {"const": "dog"}, "purr": {"type": "integer"}},
                },
            }
        )
    )
    m = gen.models()
    holder = roundtrip(
        m.Holder,
        {
            "mapped": {"kind": "doggo", "bark": "woof"},
            "implicit": {"kind": "cat", "meow": True},
            "shapes": [{"r": 1.5, "label": "c"}, {"w": 1.0, "h": 2.0}],
            "value": [1, "a", {"kind": "cat"}, True, [2, None], {"kind": "dog", "bark": "b"}],
            "clash": {"kind": "dog", "purr": 3},
        },
    )
    assert holder.mapped == m.Dog(kind="doggo", bark="woof")
    assert holder.implicit == m.Cat(kind="cat", meow=True)
    assert [type(s).__name__ for s in holder.shapes] == ["ShapeVariant1", "ShapeVariant2"]
    assert holder.shapes[0].r == 1.5 and holder.shapes[0].label == "c"
    assert holder.value[0:2] == [1, "a"] and holder.value[2] == m.Cat(kind="cat")
    assert holder.value[3] is True and holder.value[4] == [2, None]
    assert holder.value[5] == m.Dog(kind="dog", bark="b")
    assert holder.clash == m.Cat2(kind="dog", purr=3)
    assert m.decode_clash({"kind": "dog", "bark": "x"}) == m.Dog(kind="dog", bark="x")
    # Unknown tags are kept raw (open unions), and encode back unchanged.
    assert m.decode_mapped({"kind": "fish"}) == {"kind": "fish"}
    assert m.encode_mapped(m.Dog(kind="doggo", bark="w")) == {"kind": "doggo", "bark": "w"}
    assert "W0407" in gen.codes()
    gen.import_all()


def test_nullable_type_lists_and_const_in_30_and_31(generate: GenerateFn) -> None:
    props_30 = {
        "a": {"type": "string", "nullable": True},
        "b": {"$ref": "#/components/schemas/Inner"},
        "c": {"type": "string", "enum": ["fixed"]},
    }
    props_31 = {
        "a": {"type": ["string", "null"]},
        "b": {"anyOf": [{"$ref": "#/components/schemas/Inner"}, {"type": "null"}]},
        "c": {"const": "fixed"},
        "d": {"type": ["integer", "string"]},
    }
    inner = {"type": "object", "properties": {"x": {"type": "integer"}}}
    for version, props in (("3.0.3", props_30), ("3.1.0", props_31)):
        gen = generate(
            api(
                {
                    "Box": {"type": "object", "required": ["a", "c"], "properties": props},
                    "Inner": inner,
                },
                version=version,
            )
        )
        m = gen.models()
        box = roundtrip(m.Box, {"a": None, "c": "fixed", "b": {"x": 1}})
        assert box.a is None and box.b == m.Inner(x=1) and box.c == "fixed"
        assert roundtrip(m.Box, {"a": "s", "c": "fixed"}).a == "s"
        if version == "3.1.0":
            assert roundtrip(m.Box, {"a": "s", "c": "fixed", "b": None, "d": 3}).b is None
            assert m.Box.from_dict({"a": "s", "c": "fixed", "d": "t"}).d == "t"
        gen.mypy()


def test_enums_string_int_mixed_empty_null_and_colliding_names(generate: GenerateFn) -> None:
    gen = generate(
        api(
            {
                "Prefs": {
                    "type": "object",
                    "properties": {
                        "tz": {"$ref": "#/components/schemas/Tz"},
                        "order": {"$ref": "#/components/schemas/Order"},
                        "level": {"$ref": "#/components/schemas/Level"},
                        "mixed": {"enum": [1, "one", True]},
                        "empty": {"type": "string", "enum": []},
                        "maybe": {"type": "string", "nullable": True, "enum": ["x", "y", None]},
                    },
                },
                "Tz": {
                    "type": "string",
                    "enum": ["Etc/GMT0", "GMT0", "Etc/GMT+0", "Etc/GMT-0", ""],
                },
                "Order": {"type": "string", "enum": ["ASC", "asc", "DESC", "desc"]},
                "Level": {"type": "integer", "enum": [-1, 0, 1]},
            },
            version="3.0.3",
        )
    )
    m = gen.models()
    members = {e.name: e.value for e in m.Tz}
    assert sorted(members.values()) == sorted(["Etc/GMT0", "GMT0", "Etc/GMT+0", "Etc/GMT-0", ""])
    assert len(members) == 5  # every value kept its own member despite colliding names
    assert {e.value for e in m.Order} == {"ASC", "asc", "DESC", "desc"}
    assert len(list(m.Order)) == 4
    assert [e.value for e in m.Level] == [-1, 0, 1] and issubclass(m.Level, int)
    assert "N0553" in gen.codes()  # the renamed members are reported
    prefs = roundtrip(
        m.Prefs,
        {
            "tz": "Etc/GMT+0",
            "order": "asc",
            "level": -1,
            "mixed": True,
            "empty": "z",
            "maybe": None,
        },
    )
    assert prefs.tz == m.Tz("Etc/GMT+0") and prefs.order.value == "asc"
    assert prefs.level == m.Level(-1) and prefs.mixed is True and prefs.maybe is None
    # Open enums: an unknown server value still decodes and round-trips.
    other = roundtrip(m.Prefs, {"tz": "Mars/Olympus", "level": 7})
    assert isinstance(other.tz, enum.Enum) and other.tz.value == "Mars/Olympus"
    assert other.to_dict() == {"tz": "Mars/Olympus", "level": 7}
    # Decoding looks members up in a table first: falsy members and the fallback agree with
    # calling the enum, and an unhashable value is a TypeError (an unexpected response).
    falsy = m.Prefs.from_dict({"tz": "", "level": 0, "order": "ASC"})
    assert falsy.tz is m.Tz("") and falsy.level is m.Level(0) and falsy.order is m.Order.ASC
    assert m.Prefs.from_dict({"tz": "Mars/Olympus"}).tz is other.tz  # unknown members are cached
    with pytest.raises(TypeError):
        m.Prefs.from_dict({"tz": ["GMT0"]})
    gen.mypy()


def test_from_dict_fills_every_field_like_the_constructor(generate: GenerateFn) -> None:
    """``from_dict`` fills a new instance without ``__init__``: nothing may be left unset."""
    gen = generate(
        api(
            {
                "Item": {
                    "type": "object",
                    "required": ["id", "kind", "at"],
                    "properties": {
                        "id": {"type": "string"},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                        "at": {"type": "string", "format": "date-time"},
                        "note": {"type": ["string", "null"]},
                        "count": {"type": "integer", "default": 3},
                        "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Kind"}},
                        "child": {"$ref": "#/components/schemas/Item"},
                    },
                },
                "Kind": {"type": "string", "enum": ["a", "b"]},
            }
        )
    )
    m = gen.models()
    src = {"id": "1", "kind": "a", "at": "2024-05-01T12:00:00Z", "tags": ["b"], "extra": 1}
    item = roundtrip(m.Item, {**src, "child": {"id": "2", "kind": "b", "at": src["at"]}})
    built = m.Item(
        id="1",
        kind=m.Kind.A,
        at=dt.datetime(2024, 5, 1, 12, tzinfo=dt.timezone.utc),
        tags=[m.Kind.B],
        child=m.Item(id="2", kind=m.Kind.B, at=dt.datetime(2024, 5, 1, 12, tzinfo=dt.timezone.utc)),
        additional_properties={"extra": 1},
    )
    assert item == built and repr(item) == repr(built)
    for name in m.Item.__slots__:
        getattr(item, name)  # every slot is filled (an empty slot raises AttributeError)
    child = {"id": "2", "kind": "b", "at": src["at"], "count": 3}
    assert item.to_dict() == {**src, "count": 3, "child": child}  # defaults are written
    assert list(item.to_dict()) == ["extra", "id", "kind", "at", "count", "tags", "child"]
    gen.mypy()


def test_recursive_mutual_self_arrays_and_defs(generate: GenerateFn) -> None:
    gen = generate(
        api(
            {
                "Tree": {
                    "type": "object",
                    "properties": {
                        "label": {"type": "string"},
                        "children": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Tree"},
                        },
                        "parent": {"$ref": "#/components/schemas/Tree"},
                        "a": {"$ref": "#/components/schemas/A"},
                        "node": {"$ref": "#/components/schemas/Holder/$defs/Node"},
                    },
                },
                "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {
                    "type": "object",
                    "properties": {
                        "a": {"$ref": "#/components/schemas/A"},
                        "many": {"type": "array", "items": {"$ref": "#/components/schemas/B"}},
                    },
                },
                "Holder": {
                    "$defs": {
                        "Node": {
                            "type": "object",
                            "properties": {
                                "next": {"$ref": "#/components/schemas/Holder/$defs/Node"}
                            },
                        }
                    },
                    "type": "object",
                    "properties": {"head": {"$ref": "#/components/schemas/Holder/$defs/Node"}},
                },
            }
        )
    )
    m = gen.models()
    tree = roundtrip(
        m.Tree,
        {
            "label": "root",
            "children": [{"label": "c1", "children": [{"label": "c2"}]}],
            "parent": {"label": "p"},
            "a": {"b": {"a": {}, "many": [{"many": []}]}},
            "node": {"next": {"next": {}}},
        },
    )
    assert tree.children[0].children[0].label == "c2"
    assert tree.a.b.many[0] == m.B(many=[])
    assert tree.node.next.next == m.Node()
    gen.import_all()
    gen.mypy()


def test_additional_and_pattern_properties(generate: GenerateFn) -> None:
    gen = generate(
        api(
            {
                "Bag": {
                    "type": "object",
                    "properties": {
                        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "items": {
                            "type": "object",
                            "additionalProperties": {"$ref": "#/components/schemas/Item"},
                        },
                        "ext": {"type": "object", "patternProperties": {"^x-": {"type": "string"}}},
                        "closed": {"$ref": "#/components/schemas/Closed"},
                    },
                    "additionalProperties": {"type": "string"},
                },
                "Item": {
                    "type": "object",
                    "properties": {"when": {"type": "string", "format": "date"}},
                },
                "Closed": {
                    "type": "object",
                    "properties": {"a": {"type": "string"}},
                    "additionalProperties": False,
                },
            }
        )
    )
    m = gen.models()
    bag = roundtrip(
        m.Bag,
        {
            "counts": {"a": 1},
            "items": {"k": {"when": "2024-01-02"}},
            "ext": {"x-a": "b"},
            "closed": {"a": "z"},
            "free": "text",
        },
    )
    assert bag.items["k"].when == dt.date(2024, 1, 2)
    assert bag.additional_properties == {"free": "text"}
    assert bag.to_dict()["items"] == {"k": {"when": "2024-01-02"}}
    gen.mypy()


def test_allof_with_annotation_members_and_a_union_member(generate: GenerateFn) -> None:
    gen = generate(
        api(
            {
                "Envelope": {
                    "type": "object",
                    "properties": {
                        # allOf [$ref, {nullable}] (OpenAI style) is that ref, nullable.
                        "choice": {
                            "allOf": [{"$ref": "#/components/schemas/Mode"}, {"nullable": True}]
                        },
                        # allOf [$ref, {description, maxLength}] (DigitalOcean style).
                        "label": {
                            "allOf": [
                                {"$ref": "#/components/schemas/Label"},
                                {"description": "the label", "maxLength": 16},
                            ]
                        },
                        "message": {"$ref": "#/components/schemas/Message"},
                    },
                },
                "Mode": {"type": "string", "enum": ["auto", "none"]},
                "Label": {"type": "string"},
                "Text": {
                    "type": "object",
                    "required": ["content"],
                    "properties": {"content": {"type": "string"}},
                },
                "Calls": {
                    "type": "object",
                    "required": ["calls"],
                    "properties": {"calls": {"type": "array", "items": {"type": "string"}}},
                },
                "Body": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/Text"},
                        {"$ref": "#/components/schemas/Calls"},
                    ]
                },
                # allOf [union, object]: each variant carries the object's properties.
                "Message": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Body"},
                        {
                            "type": "object",
                            "required": ["role"],
                            "properties": {"role": {"type": "string"}},
                        },
                    ]
                },
            },
            version="3.0.3",
        )
    )
    m = gen.models()
    env = roundtrip(
        m.Envelope,
        {"choice": None, "label": "x", "message": {"role": "user", "calls": ["a"]}},
    )
    assert env.choice is None and env.label == "x"
    assert env.message.role == "user" and env.message.calls == ["a"]
    env = roundtrip(m.Envelope, {"choice": "auto", "message": {"role": "bot", "content": "hi"}})
    assert env.choice == m.Mode.AUTO and env.message.content == "hi"
    assert "W0404" not in gen.codes()
    gen.mypy()


def test_unions_that_contain_themselves(generate: GenerateFn) -> None:
    obj = {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}}
    gen = generate(
        api(
            {
                "Holder": {
                    "type": "object",
                    "properties": {
                        "u": {"$ref": "#/components/schemas/U"},
                        "w": {"$ref": "#/components/schemas/W"},
                    },
                },
                "A": obj,
                "B": {"type": "object", "required": ["b"], "properties": {"b": {"type": "string"}}},
                # Mutually recursive unions: a value matching neither side must not loop forever.
                "U": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/A"},
                        {"$ref": "#/components/schemas/V"},
                    ]
                },
                "V": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/B"},
                        {"$ref": "#/components/schemas/U"},
                    ]
                },
                # A union listing itself: just its other members.
                "W": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/W"}]},
            }
        )
    )
    m = gen.models()
    holder = roundtrip(m.Holder, {"u": {"b": "x"}, "w": "text"})
    assert holder.u == m.B(b="x") and holder.w == "text"
    assert m.decode_u({"a": 1}) == m.A(a=1)
    assert m.decode_u("neither") == "neither"  # kept raw, no RecursionError
    assert m.decode_v({"zzz": 1}) == {"zzz": 1}
    gen.mypy()


def test_inline_union_reached_again_through_an_all_of(generate: GenerateFn) -> None:
    """An allOf copies the properties of a schema whose property is a nullable one-member oneOf
    back to that schema: building the copied property re-enters the same inline union while it is
    being built (the directory's tl-api.azurewebsites.net: exit 3, KeyError in pycode)."""
    gen = generate(
        api(
            {
                "ApiError": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Error"},
                        {"type": "object", "properties": {"code": {"type": "integer"}}},
                    ]
                },
                "Error": {
                    "type": "object",
                    "properties": {
                        "inner": {
                            "nullable": True,
                            "oneOf": [{"$ref": "#/components/schemas/Error"}],
                        },
                        "message": {"type": "string"},
                    },
                },
            },
            version="3.0.3",
        )
    )
    m = gen.models()
    err = roundtrip(
        m.ApiError, {"inner": {"message": "a", "inner": None}, "message": "b", "code": 1}
    )
    assert err.inner == m.Error(inner=None, message="a") and err.code == 1
    assert roundtrip(m.Error, {"inner": {"message": "c"}}).inner == m.Error(message="c")
    gen.mypy()
