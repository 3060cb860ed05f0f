"""What an operation is, and the parts of one call to it: the data generated code hands the client.

An :class:`Endpoint` is a module-level constant in each generated operation module (one per
operation); :class:`RequestParts` is built per call from the caller's arguments, already
serialised to strings by :mod:`.params` (path values are percent-encoded later, by the client).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from ..types import NOT_GIVEN

__all__ = ["Endpoint", "FileTuple", "RequestParts"]

FileTuple = tuple[str | None, bytes | IO[bytes], str | None]
"""One multipart file: ``(file_name, payload, mime_type)``."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One operation of the API.

    ``path`` is the URL template with wire names (``/v1/workspaces/{workspaceId}/runs``).
    ``idempotency_header`` names the header (e.g. ``Idempotency-Key``) the operation accepts; the
    client fills it with one fresh UUID per call, which makes the call safe to retry.
    ``security``: ``None`` uses every auth method configured on the client; ``()`` sends no
    credentials (e.g. the token exchange itself); otherwise a tuple of alternatives, each a tuple
    of scheme names that must all apply -- the first alternative the client has all schemes for
    is used.
    """

    method: str
    path: str
    operation_id: str
    idempotency_header: str | None = None
    security: tuple[tuple[str, ...], ...] | None = None


@dataclass(slots=True)
class RequestParts:
    """The serialised inputs of one call.

    * ``path_params``: wire name -> value, serialised but **not** percent-encoded.
    * ``query``: ``(name, value)`` pairs in order; a name may repeat.
    * ``query_string``: a whole query string, already percent-encoded (OpenAPI 3.2
      ``in: querystring``); sent before any ``query`` pairs.
    * ``headers`` / ``cookies``: name -> serialised value.
    * Body, at most one kind: ``json`` (JSON data or generated values -- models, enums,
      datetimes, ... -- that :func:`.jsonlib.dumps` writes; :data:`~..types.NOT_GIVEN` means no
      JSON body, since ``None`` is the JSON body ``null``), ``content`` (raw bytes, text or a byte
      stream, with ``content_type``), ``data`` (form fields; multipart when ``files`` is given)
      and ``files`` (multipart file parts).
    * ``url``: an absolute URL to send to instead of base URL + path (a next-page link the
      pagination loop already checked is on the base URL's origin); its query is kept and
      ``query`` is added to it. ``method``: sent instead of the endpoint's (``GET`` for such a
      link, also when the first page was a ``POST`` search).
    """

    path_params: dict[str, str] = field(default_factory=dict)
    query: list[tuple[str, str]] = field(default_factory=list)
    query_string: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    json: Any = NOT_GIVEN
    content: bytes | str | Iterable[bytes] | AsyncIterable[bytes] | None = None
    content_type: str | None = None
    data: Mapping[str, Any] | None = None
    files: list[tuple[str, FileTuple]] | None = None
    url: str | None = None
    method: str | None = None
