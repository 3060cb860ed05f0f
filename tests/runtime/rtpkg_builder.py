"""Builds ``rtpkg``: a throwaway package laid out like a generated client, around the runtime.

``templates/runtime/`` -> ``rtpkg/_runtime/``, ``templates/runtime_types.py`` -> ``rtpkg/types.py``,
``templates/errors.py.jinja`` rendered with the default class names -> ``rtpkg/errors.py``, plus a
small hand-written ``client.py`` / ``models.py`` / ``api.py`` that call the runtime the way
generated code does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2

from generator.ir import ErrorNames

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"

DEFAULT_ERROR_NAMES = ErrorNames()
"""The default class names, exactly as the generator passes them to errors.py.jinja."""


def render_errors(names: ErrorNames = DEFAULT_ERROR_NAMES, package: str = "rtpkg") -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,  # as generator/render.py sets it up
        lstrip_blocks=True,
    )
    return env.get_template("errors.py.jinja").render(errors=names, package_name=package)


INIT = '''\
"""rtpkg: a hand-written stand-in for a generated client package."""

from .client import Client
from .errors import (
    ApiConnectionError,
    ApiError,
    ApiStatusError,
    ApiTimeoutError,
    BadRequestError,
    ClientError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    RateLimitError,
    ServerError,
    UnauthorizedError,
    UnexpectedResponseError,
    UnprocessableEntityError,
)
from .types import NOT_GIVEN, UNSET, File, NotGiven, Response, Unset

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiStatusError",
    "ApiTimeoutError",
    "BadRequestError",
    "Client",
    "ClientError",
    "ConflictError",
    "File",
    "ForbiddenError",
    "NOT_GIVEN",
    "NotFoundError",
    "NotGiven",
    "RateLimitError",
    "Response",
    "ServerError",
    "UNSET",
    "UnauthorizedError",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "Unset",
]
'''

CLIENT = '''\
"""Client classes, as the generator would emit them."""

from __future__ import annotations

from typing import Any

from ._runtime.auth import (
    ApiKey,
    AuthMethod,
    BearerToken,
    ClientCredentials,
    HttpBasic,
    TokenProvider,
)
from ._runtime.base_client import BaseClient


class Client(BaseClient):
    """The API client: credentials in, the ``auth`` mapping out."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str | None = None,
        token_provider: TokenProvider | None = None,
        api_key: str | None = None,
        query_key: str | None = None,
        username: str | None = None,
        password: str | None = None,
        client_credentials: ClientCredentials | None = None,
        **options: Any,
    ) -> None:
        auth: dict[str, AuthMethod] = {}
        if token is not None or token_provider is not None:
            auth["bearerAuth"] = BearerToken(token, token_provider=token_provider)
        if client_credentials is not None:
            auth["oauth"] = BearerToken(token_provider=client_credentials)
        if api_key is not None:
            auth["apiKey"] = ApiKey(api_key, "X-Api-Key", "header")
        if query_key is not None:
            auth["queryKey"] = ApiKey(query_key, "api_key", "query")
        if username is not None and password is not None:
            auth["basic"] = HttpBasic(username, password)
        super().__init__(base_url=base_url, auth=auth, logger_name="rtpkg", **options)
'''

MODELS = '''\
"""Models, as the generator would emit them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ._runtime.serde import expect_dict, expect_int, expect_str, format_datetime, parse_datetime
from ._runtime.strict import unknown_enum_value, unknown_fields
from .types import UNSET, Unset


class Status(str, enum.Enum):
    AVAILABLE = "available"
    SOLD = "sold"

    @classmethod
    def _missing_(cls, value: object) -> Status | None:
        unknown_enum_value("Status", value)
        return None


@dataclass(slots=True)
class Pet:
    id: int
    name: str
    status: Status | str | Unset = UNSET
    born: datetime | Unset = UNSET
    additional_properties: dict[str, Any] = field(default_factory=dict)

    _KNOWN = frozenset({"id", "name", "status", "born"})

    @classmethod
    def from_dict(cls, src: Any) -> Pet:
        d = expect_dict(src)
        status: Status | str | Unset = UNSET
        if "status" in d:
            raw = expect_str(d["status"])
            try:
                status = Status(raw)
            except ValueError:
                unknown_enum_value("Status", raw)
                status = raw
        born = parse_datetime(d["born"]) if "born" in d else UNSET
        extra = {k: v for k, v in d.items() if k not in cls._KNOWN}
        if extra:
            unknown_fields("Pet", extra)
        return cls(
            id=expect_int(d["id"]),
            name=expect_str(d["name"]),
            status=status,
            born=born,
            additional_properties=extra,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if not isinstance(self.status, Unset):
            out["status"] = self.status.value if isinstance(self.status, Status) else self.status
        if not isinstance(self.born, Unset):
            out["born"] = format_datetime(self.born)
        out.update(self.additional_properties)
        return out


@dataclass(slots=True)
class Problem:
    title: str
    detail: str | None = None

    @classmethod
    def from_dict(cls, src: Any) -> Problem:
        d = expect_dict(src)
        detail = d.get("detail")
        return cls(title=expect_str(d["title"]), detail=None if detail is None else str(detail))


@dataclass(slots=True)
class PetPage:
    items: list[Pet]
    next_cursor: str | None

    @classmethod
    def from_dict(cls, src: Any) -> PetPage:
        d = expect_dict(src)
        cursor = d.get("next_cursor")
        return cls(
            items=[Pet.from_dict(item) for item in d["items"]],
            next_cursor=None if cursor is None else expect_str(cursor),
        )
'''

API = '''\
"""Operations, as the generator would emit them (sync and async twins)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from ._runtime.endpoint import Endpoint, RequestParts
from ._runtime.pagination import aiterate_pages, iterate_pages
from ._runtime.params import add_query, path_param
from ._runtime.responses import ResponseSpec, json_decoder, none_decoder
from ._runtime.sse import ServerSentEvent
from .client import Client
from .models import Pet, PetPage, Problem
from .types import NOT_GIVEN, NotGiven, Response

GET_PET = Endpoint("GET", "/pets/{petId}", "getPet")
CREATE_PET = Endpoint("POST", "/pets", "createPet")
CREATE_PET_IDEMPOTENT = Endpoint("POST", "/pets/safe", "createPetSafe", "Idempotency-Key")
LIST_PETS = Endpoint("GET", "/pets", "listPets")
DELETE_PET = Endpoint("DELETE", "/pets/{petId}", "deletePet")
WATCH_PETS = Endpoint("GET", "/pets/events", "watchPets")

_ERRORS: dict[str, Any] = {"4XX": Problem.from_dict, "default": Problem.from_dict}
GET_PET_SPEC = ResponseSpec({"200": json_decoder(Pet.from_dict)}, _ERRORS)
CREATE_PET_SPEC = ResponseSpec({"201": json_decoder(Pet.from_dict)}, _ERRORS)
LIST_PETS_SPEC = ResponseSpec({"200": json_decoder(PetPage.from_dict)}, _ERRORS)
DELETE_PET_SPEC = ResponseSpec({"204": none_decoder}, _ERRORS)


def _get_pet_parts(pet_id: int) -> RequestParts:
    return RequestParts(path_params={"petId": path_param(pet_id)})


def get_pet(
    client: Client, pet_id: int, *, timeout: float | None | NotGiven = NOT_GIVEN
) -> Pet:
    return client.request(GET_PET, _get_pet_parts(pet_id), GET_PET_SPEC, timeout=timeout).parsed


async def aget_pet(client: Client, pet_id: int) -> Pet:
    return (await client.arequest(GET_PET, _get_pet_parts(pet_id), GET_PET_SPEC)).parsed


def get_pet_detailed(client: Client, pet_id: int) -> Response[Pet]:
    return client.request(GET_PET, _get_pet_parts(pet_id), GET_PET_SPEC)


def create_pet(client: Client, body: Pet, *, idempotent: bool = False) -> Pet:
    endpoint = CREATE_PET_IDEMPOTENT if idempotent else CREATE_PET
    return client.request(endpoint, RequestParts(json=body.to_dict()), CREATE_PET_SPEC).parsed


def delete_pet(client: Client, pet_id: int) -> None:
    client.request(DELETE_PET, _get_pet_parts(pet_id), DELETE_PET_SPEC)


def _list_parts(cursor: str | None, limit: int | None) -> RequestParts:
    query: list[tuple[str, str]] = []
    add_query(query, "cursor", cursor)
    add_query(query, "limit", limit)
    return RequestParts(query=query)


def iter_pets(client: Client, *, limit: int | None = None) -> Iterator[Pet]:
    return iterate_pages(
        lambda cursor: client.request(LIST_PETS, _list_parts(cursor, limit), LIST_PETS_SPEC).parsed,
        items=lambda page: page.items,
        next_cursor=lambda page: page.next_cursor,
    )


def aiter_pets(client: Client, *, limit: int | None = None) -> AsyncIterator[Pet]:
    async def fetch(cursor: str | None) -> PetPage:
        return (await client.arequest(LIST_PETS, _list_parts(cursor, limit), LIST_PETS_SPEC)).parsed

    return aiterate_pages(fetch, items=lambda page: page.items, next_cursor=lambda p: p.next_cursor)


def watch_pets(client: Client) -> Iterator[ServerSentEvent[str]]:
    return client.stream_events(WATCH_PETS, RequestParts(), str, error_spec=GET_PET_SPEC)


def awatch_pets(client: Client) -> AsyncIterator[ServerSentEvent[str]]:
    return client.astream_events(WATCH_PETS, RequestParts(), str, error_spec=GET_PET_SPEC)
'''


def build_package(root: Path, name: str = "rtpkg") -> Path:
    """Lay out the package under ``root / name`` and return its directory."""
    pkg = root / name
    if pkg.exists():
        shutil.rmtree(pkg)
    shutil.copytree(
        TEMPLATES / "runtime",
        pkg / "_runtime",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    shutil.copyfile(TEMPLATES / "runtime_types.py", pkg / "types.py")
    (pkg / "errors.py").write_text(render_errors(package=name))
    (pkg / "__init__.py").write_text(INIT)
    (pkg / "client.py").write_text(CLIENT)
    (pkg / "models.py").write_text(MODELS)
    (pkg / "api.py").write_text(API)
    (pkg / "py.typed").write_text("")
    return pkg


if __name__ == "__main__":  # pragma: no cover - manual use: python rtpkg_builder.py DIR
    import sys

    print(build_package(Path(sys.argv[1])))
