"""Server-Sent Events: the event type and an incremental parser (bytes in, events out).

The parser follows the WHATWG ``text/event-stream`` rules and is fed network chunks exactly as
they arrive, so a chunk boundary may fall anywhere -- inside a line, between ``\\r`` and ``\\n``,
inside a multi-byte UTF-8 character or a leading BOM:

* lines end with CRLF, LF or CR; a blank line dispatches the event being built;
* ``data:`` lines accumulate, joined with ``\\n``; a block without data dispatches nothing;
* ``event:`` sets the type (default ``message``); ``id:`` sets the last event id, which persists
  across events (an id containing NUL is ignored); ``retry:`` (ASCII digits only) sets the
  reconnection delay in milliseconds;
* lines starting with ``:`` are comments (keep-alives); a line without ``:`` is a field with an
  empty value; one space after the colon is dropped;
* an event is only dispatched by its blank line: when the stream ends before it, the incomplete
  event is discarded (WHATWG: "if the file ends in the middle of an event, before the final empty
  line, the incomplete event is not dispatched"). :meth:`SSEDecoder.end` tells whether that
  happened, so the client can treat such an end as a dropped connection and resume from
  ``last_event_id``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

__all__ = ["SSEDecoder", "ServerSentEvent"]

T = TypeVar("T")

_LINE_BREAK: Final = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class ServerSentEvent(Generic[T]):
    """One event: its type, decoded ``data``, the last event id, its ``retry`` hint, raw text."""

    event: str
    data: T
    id: str | None
    retry: int | None
    raw: str


class SSEDecoder:
    """Turns a byte stream into :class:`ServerSentEvent` objects whose ``data`` is text.

    ``last_event_id`` (the id in force when the last event was dispatched -- an ``id:`` line of
    an event cut off mid-way does not count) and ``retry`` (milliseconds) persist for the whole
    stream and are what a reconnecting client needs.
    """

    __slots__ = (
        "_buffer",
        "_data",
        "_event",
        "_event_retry",
        "_id",
        "_raw",
        "_skip_lf",
        "_utf8",
        "last_event_id",
        "retry",
    )

    def __init__(self, last_event_id: str | None = None, retry: int | None = None) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self._buffer = ""
        self._skip_lf = False
        self._data: list[str] = []
        self._event = ""
        self._event_retry: int | None = None
        self._raw: list[str] = []
        self._id = last_event_id
        self.last_event_id = last_event_id
        self.retry = retry

    def feed(self, chunk: bytes) -> list[ServerSentEvent[str]]:
        """Consume one chunk; return the events it completed (often none, sometimes several)."""
        return self._feed_text(self._utf8.decode(chunk))

    def end(self) -> bool:
        """End of stream: discard an incomplete event; return whether there was one (part of an
        event arrived -- ``data:`` lines, or an unfinished line that is not a comment -- and no
        blank line completed it)."""
        self._feed_text(self._utf8.decode(b"", final=True))
        cut_off = bool(self._data) or self._buffer[:1] not in ("", ":")
        self._buffer = ""
        self._data = []
        self._event = ""
        self._event_retry = None
        self._raw = []
        return cut_off

    def _feed_text(self, text: str) -> list[ServerSentEvent[str]]:
        events: list[ServerSentEvent[str]] = []
        if not text:
            return events
        if self._skip_lf:
            self._skip_lf = False
            if text[0] == "\n":
                text = text[1:]
        if self._buffer:
            text = self._buffer + text
        start = 0
        for match in _LINE_BREAK.finditer(text):
            self._line(text[start : match.start()], events)
            start = match.end()
        self._buffer = text[start:]
        # A CR at the very end ended its line; an LF opening the next chunk belongs to it.
        self._skip_lf = text[-1:] == "\r"
        return events

    def _line(self, line: str, events: list[ServerSentEvent[str]]) -> None:
        if not line:
            self.last_event_id = self._id
            if self._data:
                events.append(
                    ServerSentEvent(
                        event=self._event or "message",
                        data="\n".join(self._data),
                        id=self._id,
                        retry=self._event_retry,
                        raw="\n".join(self._raw),
                    )
                )
                self._data = []
            self._event = ""
            self._event_retry = None
            self._raw = []
            return
        self._raw.append(line)
        if line[0] == ":":
            return
        field, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        elif field == "id":
            if "\0" not in value:
                self._id = value
        elif field == "retry" and value.isascii() and value.isdigit():
            self.retry = self._event_retry = int(value)
