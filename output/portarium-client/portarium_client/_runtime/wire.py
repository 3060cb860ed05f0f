"""Body encoders and buffered stream decoders that generated operation modules reference by name.

- :func:`form_fields` / :func:`multipart_fields` turn a model's ``to_dict()`` into what httpx sends
  for ``application/x-www-form-urlencoded`` and ``multipart/form-data`` (files, arrays, nested
  objects as JSON parts).
- :func:`sse_list_decoder` / :func:`ndjson_list_decoder` are the buffered forms used by
  ``sync``/``asyncio`` of streaming operations (``stream``/``astream`` yield incrementally).
- :func:`text_data`, :func:`json_data`, :func:`json_data_as` decode one SSE event's ``data``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import IO, Any, TypeVar

import httpx

from ..types import File
from . import jsonlib
from .responses import Decoder
from .sse import ServerSentEvent, SSEDecoder

T = TypeVar("T")

__all__ = [
    "ServerSentEvent",
    "file_from_json",
    "form_fields",
    "json_data",
    "json_data_as",
    "multipart_fields",
    "ndjson_list_decoder",
    "sse_list_decoder",
    "text_data",
]

MultipartFiles = list[tuple[str, tuple[str | None, bytes | IO[bytes], str | None]]]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def form_fields(data: Any) -> dict[str, Any]:
    """URL-encoded form fields: ``None`` dropped, lists repeated, objects as JSON text."""
    if not isinstance(data, Mapping):
        raise TypeError("a form body must be an object")
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, list):
            out[key] = [_scalar(v) for v in value]
        else:
            out[key] = _scalar(value)
    return out


def _file_tuple(value: File | bytes, name: str) -> tuple[str | None, bytes | IO[bytes], str | None]:
    if isinstance(value, File):
        return value.to_tuple()
    return (name, value, "application/octet-stream")


def multipart_fields(data: Any) -> tuple[dict[str, Any], MultipartFiles]:
    """Split a multipart body into text fields and file parts (arrays give repeated parts)."""
    if not isinstance(data, Mapping):
        raise TypeError("a multipart body must be an object")
    fields: dict[str, Any] = {}
    files: MultipartFiles = []
    for key, value in data.items():
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, (File, bytes)) for v in values):
            for v in values:
                if isinstance(v, (File, bytes)):
                    files.append((key, _file_tuple(v, key)))
                else:
                    fields.setdefault(key, []).append(_scalar(v))
            continue
        fields[key] = [_scalar(v) for v in value] if isinstance(value, list) else _scalar(value)
    return fields, files


def file_from_json(value: Any) -> File:
    """A ``format: binary`` value that arrived inside JSON (as text) wrapped as a :class:`File`."""
    if isinstance(value, File):
        return value
    payload = value.encode() if isinstance(value, str) else bytes(value)
    return File(payload=payload)


def text_data(data: str) -> str:
    return data


def json_data(data: str) -> Any:
    """JSON event data; a non-JSON payload (``[DONE]`` markers) is returned as text."""
    try:
        return jsonlib.loads(data)
    except ValueError:
        return data


def json_data_as(parse: Callable[[Any], T]) -> Callable[[str], T]:
    """Event data parsed as JSON, then by ``parse``; data that is not JSON goes to ``parse`` as
    text (a union of event payloads may include plain-text events; a model rejects it)."""

    def decode(data: str) -> T:
        try:
            value = jsonlib.loads(data)
        except ValueError:
            value = data
        return parse(value)

    return decode


def sse_list_decoder(decode_data: Callable[[str], T]) -> Decoder[list[ServerSentEvent[T]]]:
    """Decode a whole buffered ``text/event-stream`` body into events (for ``sync``/``asyncio``)."""

    def decode(response: httpx.Response) -> list[ServerSentEvent[T]]:
        parser = SSEDecoder()
        raw = parser.feed(response.content) + parser.close()
        return [
            ServerSentEvent(
                event=e.event, data=decode_data(e.data), id=e.id, retry=e.retry, raw=e.raw
            )
            for e in raw
        ]

    return decode


def ndjson_list_decoder(decode_line: Callable[[Any], T]) -> Decoder[list[T]]:
    """Decode a whole buffered NDJSON / JSON-lines body (blank lines skipped)."""

    def decode(response: httpx.Response) -> list[T]:
        # json-seq (RFC 7464) records start with RS; JSON Lines records do not.
        records = (line.lstrip(b"\x1e") for line in response.content.splitlines())
        return [decode_line(jsonlib.loads(record)) for record in records if record.strip()]

    return decode
