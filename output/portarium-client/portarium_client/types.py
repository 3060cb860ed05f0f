"""Public value types shared by every module of this client package.

This module owns the two sentinels generated code is built on and the small containers a caller
sees:

* :data:`UNSET` (:class:`Unset`) -- "this field is absent" in models and optional parameters, where
  ``None`` already means JSON ``null``.
* :data:`NOT_GIVEN` (:class:`NotGiven`) -- "use the client default" for per-call options, where
  ``None`` already means "switch it off" (``timeout=None`` is no timeout).
* :class:`Response` -- a decoded response plus its status, headers and raw bytes.
* :class:`File` -- one file part of a multipart request body.

It is copied verbatim into each generated package as ``<pkg>/types.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Final, Generic, Literal, TypeVar

import httpx

__all__ = ["File", "NOT_GIVEN", "NotGiven", "Response", "Timeout", "UNSET", "Unset"]

_T = TypeVar("_T")

Timeout = httpx.Timeout

_REQUEST_ID_HEADERS: Final = ("x-request-id", "request-id", "x-amzn-requestid", "cf-ray")


class Unset:
    """The type of :data:`UNSET`: a model field or optional parameter that was not given at all.

    ``None`` is not enough because JSON distinguishes a key that is missing from a key whose value
    is ``null``: ``{"note": null}`` clears a note in a PATCH, ``{}`` leaves it alone. A field typed
    ``str | None | Unset = UNSET`` can say all three. There is exactly one instance; it is falsy.
    """

    __slots__ = ()
    _instance: Unset | None = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"

    def __copy__(self) -> Unset:
        return self

    def __deepcopy__(self, memo: object) -> Unset:
        return self

    def __reduce__(self) -> str:
        return "UNSET"


UNSET: Final[Unset] = Unset()


class NotGiven:
    """The type of :data:`NOT_GIVEN`: a per-call option the caller did not pass.

    ``None`` is not enough because for some options ``None`` is a meaningful value the caller may
    pass on purpose: ``timeout=None`` means "no timeout at all", which is different from "use the
    timeout configured on the client". There is exactly one instance; it is falsy.
    """

    __slots__ = ()
    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __copy__(self) -> NotGiven:
        return self

    def __deepcopy__(self, memo: object) -> NotGiven:
        return self

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final[NotGiven] = NotGiven()


def _request_id(headers: httpx.Headers) -> str | None:
    """The server's request id: the first of the usual request-id headers that is present."""
    for name in _REQUEST_ID_HEADERS:
        value: str | None = headers.get(name)
        if value is not None:
            return value
    return None


@dataclass(frozen=True, slots=True)
class Response(Generic[_T]):
    """A successful response: ``parsed`` is the body decoded into the operation's declared type.

    ``url``: the URL that was requested (relative links in the body or a ``Link`` header resolve
    against it); ``None`` when the response was built by hand.
    """

    status_code: int
    headers: httpx.Headers
    content: bytes
    parsed: _T
    url: httpx.URL | None = field(default=None, repr=False, compare=False)

    @property
    def request_id(self) -> str | None:
        """The server's id for this request (``x-request-id`` and friends), if it sent one."""
        return _request_id(self.headers)


@dataclass(slots=True)
class File:
    """One file in a multipart body: the bytes (or a binary stream), a file name and a MIME type."""

    payload: bytes | IO[bytes]
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> tuple[str | None, bytes | IO[bytes], str | None]:
        """The ``(file_name, payload, mime_type)`` triple httpx expects in ``files=``."""
        return (self.file_name, self.payload, self.mime_type)
