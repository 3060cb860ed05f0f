"""The intermediate model: what the spec means, with every Python name already decided.

The IR is built once from the loaded spec (:mod:`generator.build`) and is the documented contract
templates see (``docs/templates.md``, version :data:`IR_VERSION`). It holds records only
(:mod:`generator.records`: frozen dataclasses to mypy, never changed once made).

Shape::

    Api
     ├─ models:  list[Model | EnumModel | UnionModel]      one module each under models/
     ├─ operations: list[Operation]                        grouped by tag module under api/
     │    ├─ params: list[Param]     (path, query, header, cookie)
     │    ├─ body: Body | None        (json / form / multipart / binary / text)
     │    ├─ responses: list[ResponseCase]   success and error cases, by status key
     │    ├─ pagination: Pagination | None
     │    └─ stream: "sse" | "ndjson" | "bytes" | None
     ├─ security: list[SecurityScheme]
     └─ errors: ErrorNames

Types are one sum type, :data:`TypeRef`: ``Prim | ListOf | MapOf | ModelRef | LiteralOf | AnyOf``
(``AnyOf`` is a union of other refs). Nullability is a flag on the ref (``nullable``), never a
wrapper type, so ``T | None`` is decided in one place. Every node keeps the location key
(``#/json/pointer`` or ``file.yaml#/pointer``) it came from, for diagnostics and reports.
"""

from __future__ import annotations

from dataclasses import field
from typing import Literal

from generator.records import record

IR_VERSION = "1.6"

PrimKind = Literal[
    "str", "int", "float", "bool", "datetime", "date", "uuid", "base64", "binary", "any", "none"
]


@record(slots=True)
class Prim:
    """A JSON scalar type (string, integer, number, boolean, a string format, or any)."""

    kind: PrimKind
    nullable: bool = False


@record(slots=True)
class ListOf:
    """A JSON array whose items all have one type."""

    item: TypeRef
    nullable: bool = False


@record(slots=True)
class MapOf:
    """A JSON object used as a map: string keys, values of one type."""

    value: TypeRef
    nullable: bool = False


@record(slots=True)
class ModelRef:
    """A reference to a named model (object dataclass, enum, or union alias) by its model id."""

    model_id: str
    nullable: bool = False


@record(slots=True)
class LiteralOf:
    """A fixed set of JSON scalar values (``const``, or a mixed-type ``enum``)."""

    values: tuple[str | int | float | bool, ...]
    nullable: bool = False


@record(slots=True)
class AnyOf:
    """An anonymous union of types (``oneOf``/``anyOf`` members mixing primitives and models)."""

    members: tuple[TypeRef, ...]
    nullable: bool = False


TypeRef = Prim | ListOf | MapOf | ModelRef | LiteralOf | AnyOf


@record(slots=True)
class Field:
    """One property of an object model: its Python and wire names, type, default and docs."""

    name: str  # python attribute name
    wire_name: str
    type: TypeRef
    required: bool
    description: str
    default: object = None  # a JSON literal, or None for no default
    has_default: bool = False
    read_only: bool = False
    write_only: bool = False
    pointer: str = ""


@record(slots=True)
class Model:
    """An object schema rendered as a dataclass."""

    id: str
    class_name: str
    module: str  # module file stem under models/
    description: str
    fields: tuple[Field, ...]
    extra: TypeRef | None  # additionalProperties value type, None when forbidden
    pointer: str
    kind: Literal["object"] = "object"


@record(slots=True)
class EnumMember:
    """One member of an enum: its Python name and its wire value."""

    name: str
    value: str | int


@record(slots=True)
class EnumModel:
    """A named enum of string or integer values, rendered as an ``Enum`` class."""

    id: str
    class_name: str
    module: str
    description: str
    base: Literal["str", "int"]
    members: tuple[EnumMember, ...]
    pointer: str
    kind: Literal["enum"] = "enum"


@record(slots=True)
class UnionVariant:
    """One member of a union, with the discriminator values that select it."""

    type: TypeRef
    tags: tuple[str, ...]  # discriminator values that select this variant


@record(slots=True)
class UnionModel:
    """A named ``oneOf``/``anyOf``: a type alias plus a decoder function."""

    id: str
    class_name: str
    module: str
    description: str
    variants: tuple[UnionVariant, ...]
    discriminator: str | None  # wire property name
    pointer: str
    kind: Literal["union"] = "union"


AnyModel = Model | EnumModel | UnionModel

ParamLocation = Literal["path", "query", "header", "cookie", "querystring"]


@record(slots=True)
class Param:
    """One parameter of an operation (path, query, header or cookie), as the caller passes it."""

    name: str
    wire_name: str
    location: ParamLocation
    type: TypeRef
    required: bool
    description: str
    style: str
    explode: bool
    default: object = None
    has_default: bool = False
    deprecated: bool = False
    pointer: str = ""
    #: ``querystring`` only (OpenAPI 3.2): the media type the whole query string is written in.
    content_type: str = ""


BodyKind = Literal["json", "form", "multipart", "binary", "text"]


@record(slots=True)
class Body:
    """The request body of an operation: its media type, how it is sent, and its type."""

    kind: BodyKind
    content_type: str
    type: TypeRef
    required: bool
    description: str
    pointer: str = ""


ResponseKind = Literal["json", "text", "binary", "empty", "sse", "ndjson"]


@record(slots=True)
class ResponseCase:
    """One documented response of an operation: status, media type and body type."""

    status: str  # "200", "2XX", "default"
    kind: ResponseKind
    content_type: str
    type: TypeRef | None
    is_error: bool
    description: str
    pointer: str = ""


PageStyle = Literal["cursor", "item_cursor", "offset", "page", "link_header", "next_url"]


@record(slots=True)
class Pagination:
    """How an operation pages (contract 1.4: one model, a ``style`` per operation).

    The 1.2 fields come first and keep their meaning for ``cursor`` style; ``*_path`` fields are
    wire-name paths from the page body's root (``("metadata", "continue")``), ``param``/
    ``size_param`` wire names of the query parameter or JSON body key (``location``).
    """

    cursor_param: str  # python name of the parameter the walk sets ("" for link styles)
    items_field: str  # python attribute of the item array on the page model ("" if nested/bare)
    next_cursor_field: str  # python attribute of a top-level next-cursor field, or ""
    item_type: TypeRef
    page_model_id: str  # "" when the page is a bare array
    source: Literal["inferred", "config", "extension"]
    style: PageStyle = "cursor"
    location: Literal["query", "body"] = "query"
    param: str = ""  # wire name the walk sets (query parameter or body key)
    size_param: str = ""  # wire name of the page-size parameter, or ""
    items_path: tuple[str, ...] = ()  # () when the body is the array
    items_attrs: tuple[str, ...] = ()  # the same path as python attribute names
    next_path: tuple[str, ...] = ()  # next cursor / next URL / last id
    has_more_path: tuple[str, ...] = ()
    total_path: tuple[str, ...] = ()
    pages_path: tuple[str, ...] = ()
    item_id: str = "id"  # item_cursor: the item field that is the next cursor
    start: int = 0  # first offset / page number when the caller passes none


@record(slots=True)
class Operation:
    """One operation of the API, with all that its generated module needs."""

    id: str  # operationId (or derived)
    name: str  # python module / function name
    tag_module: str  # python package under api/
    method: str
    path: str
    summary: str
    description: str
    deprecated: bool
    params: tuple[Param, ...]
    body: Body | None
    responses: tuple[ResponseCase, ...]
    security: tuple[tuple[str, ...], ...] | None
    idempotency_header: str | None
    pagination: Pagination | None
    stream: Literal["sse", "ndjson", "bytes"] | None
    degraded: tuple[str, ...]  # reasons the operation lost typing (with diagnostics)
    pointer: str


SecurityKind = Literal["bearer", "basic", "apiKey", "oauth2", "openIdConnect", "other"]


@record(slots=True)
class SecurityScheme:
    """A security scheme the client can authenticate with."""

    name: str  # scheme key in components.securitySchemes
    kind: SecurityKind
    param_name: str  # python constructor parameter prefix
    location: str = ""  # apiKey: header/query/cookie
    key_name: str = ""  # apiKey: header/query/cookie name
    token_url: str = ""  # oauth2 client credentials
    scopes: tuple[str, ...] = ()
    description: str = ""


@record(slots=True)
class ExtraErrorClass:
    """An error class the config adds for a status (``errors.status: {410: GoneError}``)."""

    name: str
    base: str  # the ClientError or ServerError class name
    statuses: str  # "410" or "410, 411"


@record(slots=True)
class ErrorNames:
    """The class names of the generated error hierarchy (configurable)."""

    api_error: str = "ApiError"
    api_status_error: str = "ApiStatusError"
    client_error: str = "ClientError"
    server_error: str = "ServerError"
    bad_request: str = "BadRequestError"
    unauthorized: str = "UnauthorizedError"
    forbidden: str = "ForbiddenError"
    not_found: str = "NotFoundError"
    conflict: str = "ConflictError"
    unprocessable_entity: str = "UnprocessableEntityError"
    rate_limit: str = "RateLimitError"
    connection_error: str = "ApiConnectionError"
    timeout_error: str = "ApiTimeoutError"
    unexpected_response: str = "UnexpectedResponseError"
    status_classes: tuple[tuple[int, str], ...] = (
        (400, "BadRequestError"),
        (401, "UnauthorizedError"),
        (403, "ForbiddenError"),
        (404, "NotFoundError"),
        (409, "ConflictError"),
        (422, "UnprocessableEntityError"),
        (429, "RateLimitError"),
    )

    @property
    def extra_classes(self) -> tuple[ExtraErrorClass, ...]:
        """Classes named in ``status_classes`` that the fixed hierarchy does not declare."""
        declared = {
            self.api_status_error,
            self.client_error,
            self.server_error,
            self.bad_request,
            self.unauthorized,
            self.forbidden,
            self.not_found,
            self.conflict,
            self.unprocessable_entity,
            self.rate_limit,
        }
        statuses: dict[str, list[int]] = {}
        for status, name in self.status_classes:
            if name not in declared:
                statuses.setdefault(name, []).append(status)
        return tuple(
            ExtraErrorClass(
                name,
                self.client_error if codes[0] < 500 else self.server_error,
                ", ".join(str(c) for c in codes),
            )
            for name, codes in statuses.items()
        )


@record(slots=True)
class WebhookEvent:
    """A webhook the API sends: its payload type, for the generated event decoders."""

    name: str  # webhook key
    method: str
    type: TypeRef | None
    pointer: str


@record(slots=True)
class Api:
    """The whole API as the later stages see it: operations, models, security, metadata."""

    title: str
    version: str
    description: str
    openapi: str
    server_url: str
    package_name: str
    project_name: str
    models: tuple[AnyModel, ...]
    operations: tuple[Operation, ...]
    security: tuple[SecurityScheme, ...]
    default_security: tuple[tuple[str, ...], ...]
    webhooks: tuple[WebhookEvent, ...]
    errors: ErrorNames = field(default_factory=ErrorNames)
