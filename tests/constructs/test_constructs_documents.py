"""Document-level constructs: webhooks-only 3.1 documents, operations without responses, multi-file
specs (refs to path items, operations, parameters, responses and schemas in other files, with a
cycle across files), model name collisions, and tag subsets with pruning.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

import httpx
from construct_support import GenerateFn, Recorder


def test_webhooks_only_document(generate: GenerateFn) -> None:
    gen = generate(
        {
            "openapi": "3.1.0",
            "info": {"title": "Hooks", "version": "1"},
            "webhooks": {
                "newPet": {
                    "post": {
                        "requestBody": {
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                            }
                        },
                        "responses": {"200": {"description": "ok"}},
                    }
                },
                "ping": {
                    "post": {
                        "requestBody": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "at": {"type": "string", "format": "date-time"}
                                        },
                                    }
                                }
                            }
                        }
                    }
                },
            },
            "components": {
                "schemas": {
                    "Pet": {
                        "type": "object",
                        "required": ["id"],
                        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                    }
                }
            },
        }
    )
    assert gen.report["operations"]["total"] == 0
    hooks = gen.module("webhooks")
    pet = hooks.parse_webhook("newPet", json.dumps({"id": 1, "name": "rex"}))
    assert pet == gen.models().Pet(id=1, name="rex")
    assert hooks.parse_new_pet({"id": 2}).id == 2
    ping = hooks.parse_webhook("ping", b'{"at": "2024-01-01T00:00:00Z"}')
    assert ping.at.year == 2024
    gen.import_all()
    gen.mypy()


def test_operation_without_responses_30(generate: GenerateFn) -> None:
    gen = generate(
        {
            "openapi": "3.0.3",
            "info": {"title": "NoResponses", "version": "1"},
            "paths": {"/fire": {"post": {"operationId": "fire", "tags": ["misc"]}}},
        }
    )
    assert gen.report["operations"] == {"total": 1, "generated": 1, "degraded": 0, "skipped": 0}
    recorder = Recorder(lambda request: httpx.Response(202, json={"queued": True}))
    result = gen.op("misc", "fire").sync(client=gen.client(recorder))
    assert result == {"queued": True}  # undocumented 2xx body passed through
    assert recorder.last.method == "POST" and recorder.last.url.path == "/fire"
    gen.mypy()


ROOT_YAML = """
openapi: 3.0.3
info: {title: Split, version: "1"}
paths:
  /pets/{petId}:
    $ref: "paths/pet.yaml"
  /owners:
    get:
      $ref: "operations/list_owners.yaml"
components:
  schemas:
    Pet:
      $ref: "schemas/pet.yaml"
"""

PET_PATH = """
parameters:
  - $ref: "../parameters.yaml#/petId"
get:
  operationId: getPet
  tags: [pets]
  responses:
    "200":
      $ref: "../responses.yaml#/PetResponse"
    "404":
      $ref: "../responses.yaml#/NotFound"
"""

LIST_OWNERS = """
operationId: listOwners
tags: [owners]
parameters:
  - $ref: "../parameters.yaml#/limit"
responses:
  "200":
    description: owners
    content:
      application/json:
        schema:
          type: array
          items: {$ref: "../schemas/owner.yaml"}
"""

PARAMETERS = """
petId:
  name: petId
  in: path
  required: true
  schema: {type: integer}
limit:
  name: limit
  in: query
  schema: {type: integer, default: 20}
"""

RESPONSES = """
PetResponse:
  description: a pet
  content:
    application/json:
      schema: {$ref: "schemas/pet.yaml"}
NotFound:
  description: missing
  content:
    application/json:
      schema:
        type: object
        properties:
          message: {type: string}
"""

PET_SCHEMA = """
type: object
required: [id]
properties:
  id: {type: integer}
  owner: {$ref: "owner.yaml"}
"""

OWNER_SCHEMA = """
type: object
properties:
  name: {type: string}
  pets:
    type: array
    items: {$ref: "pet.yaml"}
"""


def test_multi_file_refs_with_a_cycle_across_files(generate: GenerateFn) -> None:
    gen = generate(
        ROOT_YAML,
        files={
            "paths/pet.yaml": PET_PATH,
            "operations/list_owners.yaml": LIST_OWNERS,
            "parameters.yaml": PARAMETERS,
            "responses.yaml": RESPONSES,
            "schemas/pet.yaml": PET_SCHEMA,
            "schemas/owner.yaml": OWNER_SCHEMA,
            # the response file refers to schemas relative to itself
            "schemas/schemas/pet.yaml": PET_SCHEMA.replace("owner.yaml", "../owner.yaml"),
        },
    )
    assert gen.report["operations"]["generated"] == 2
    m = gen.models()
    assert {"Pet", "Owner"} <= set(dir(m))

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/owners":
            return httpx.Response(
                200, json=[{"name": "ann", "pets": [{"id": 1, "owner": {"name": "ann"}}]}]
            )
        if request.url.path == "/pets/7":
            return httpx.Response(200, json={"id": 7, "owner": {"name": "bob", "pets": []}})
        return httpx.Response(404, json={"message": "nope"})

    recorder = Recorder(answer)
    client = gen.client(recorder)
    owners = gen.op("owners", "list_owners").sync(client=client)
    assert owners[0].pets[0].owner.name == "ann"
    assert recorder.last.url.params["limit"] == "20"
    pet = gen.op("pets", "get_pet").sync(client=client, pet_id=7)
    assert pet.id == 7 and pet.owner.pets == []
    assert m.Pet.from_dict(pet.to_dict()) == pet
    gen.import_all()
    gen.mypy()


def test_model_name_collisions_are_resolved_and_reported(
    generate: GenerateFn, tmp_path: Any
) -> None:
    obj = {"type": "object", "properties": {"a": {"type": "string"}}}
    config = tmp_path / "all.yaml"  # every component schema, used or not, competes for names
    config.write_text("models: all\n", encoding="utf-8")
    gen = generate(
        {
            "openapi": "3.0.3",
            "info": {"title": "Names", "version": "1"},
            "paths": {
                "/a": {
                    "post": {
                        "operationId": "makeThing",
                        "requestBody": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "title": "Dup",
                                        "properties": {"x": {"type": "integer"}},
                                    }
                                }
                            }
                        },
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/Response"}
                                    }
                                },
                            }
                        },
                    }
                },
                "/b": {
                    "get": {
                        "operationId": "getClient",
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/Client"}
                                    }
                                },
                            }
                        },
                    }
                },
            },
            "components": {
                "schemas": {
                    "Client": {**obj, "title": "Dup"},
                    "Response": {**obj, "title": "Dup"},
                    "Dup": obj,
                    "MakeThingBody": obj,  # the name the inline body would derive
                    "date-created": obj,
                    "DateCreated": obj,
                }
            },
        },
        args=["--config", str(config)],
    )
    m = gen.models()
    names = {n for n in dir(m) if n[:1].isupper()}
    # Reserved names get a suffix; each schema keeps its own class; nothing is overwritten.
    assert {"Client_", "Response_", "Dup", "MakeThingBody", "DateCreated"} <= names
    assert "MakeThingBody_2" in names or "MakeThingBody2" in names
    assert "DateCreated_2" in names or "DateCreated2" in names
    notes = [d for d in gen.report["diagnostics"] if d["code"] == "N0552"]
    assert len(notes) >= 4 and all(d["pointer"] for d in notes)
    recorder = Recorder(lambda request: httpx.Response(200, json={"a": "z"}))
    client = gen.client(recorder)
    assert gen.op("default", "get_client").sync(client=client) == m.Client_(a="z")
    assert gen.op("default", "make_thing").sync(client=client) == m.Response_(a="z")
    gen.import_all()
    gen.mypy()


def _tagged_spec() -> dict[str, Any]:
    def op(op_id: str, tag: str, schema: str) -> dict[str, Any]:
        return {
            "operationId": op_id,
            "tags": [tag],
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
                    },
                }
            },
        }

    obj: dict[str, Any] = {"type": "object", "properties": {"a": {"type": "string"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tags", "version": "1"},
        "paths": {
            "/pets": {"get": op("listPets", "pets", "PetList")},
            "/stores": {"get": op("listStores", "stores", "Store")},
            "/admin": {"get": op("admin", "admin", "Secret")},
        },
        "components": {
            "schemas": {
                "PetList": {
                    "type": "object",
                    "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}
                    },
                },
                "Pet": obj,
                "Store": obj,
                "Secret": obj,
                "Unused": obj,
            }
        },
    }


def test_include_and_exclude_tags_prune_unreferenced_models(
    generate: GenerateFn, tmp_path: Any
) -> None:
    config = tmp_path / "all.yaml"
    config.write_text("models: all\n", encoding="utf-8")
    full = generate(_tagged_spec(), args=["--config", str(config)])
    assert full.report["operations"]["generated"] == 3
    assert {"Pet", "PetList", "Store", "Secret", "Unused"} <= set(dir(full.models()))
    referenced = generate(_tagged_spec())  # the default leaves the unused schema out
    assert set(referenced.models().__all__) == {"Pet", "PetList", "Store", "Secret"}

    pets = generate(_tagged_spec(), args=["--include-tags", "pets"])
    assert pets.report["operations"]["generated"] == 1
    assert set(pets.models().__all__) == {"Pet", "PetList"}
    assert not (pets.root / pets.package / "api" / "stores").exists()

    public = generate(_tagged_spec(), args=["--exclude-tags", "admin"])
    assert public.report["operations"]["generated"] == 2
    assert set(public.models().__all__) == {"Pet", "PetList", "Store"}
    params = inspect.signature(public.op("stores", "list_stores").sync).parameters
    assert "client" in params
    public.import_all()


def test_unused_component_schemas_are_left_out_unless_models_all(
    generate: GenerateFn, tmp_path: Any
) -> None:
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Unused", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "operationId": "getA",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/A"}}
                            },
                        }
                    },
                }
            }
        },
        "webhooks": {
            "ping": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Ping"}}
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": {
            "schemas": {
                "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {"type": "string", "enum": ["x", "y"]},
                "Ping": {"type": "object", "properties": {"at": {"type": "string"}}},
                "Lonely": {
                    "type": "object",
                    "properties": {"inner": {"type": "object", "properties": {"z": {}}}},
                },
            }
        },
    }
    gen = generate(doc)
    models = gen.models()
    assert all(hasattr(models, n) for n in ("A", "B", "Ping")) and not hasattr(models, "Lonely")
    note = next(d for d in gen.report["diagnostics"] if d["code"] == "N0556")
    assert "1 component schema(s)" in note["message"] and "Lonely" in note["message"]
    assert "N0556" in gen.stderr and "models: all" in gen.stderr  # shown on the console too
    config = tmp_path / "all.yaml"
    config.write_text("models: all\n", encoding="utf-8")
    everything = generate(doc, args=["--config", str(config)])
    assert everything.models().Lonely.from_dict({"inner": {"z": 1}}).inner.z == 1
    assert "N0556" not in everything.codes()
