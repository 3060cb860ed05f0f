"""Auto-pagination: walk every page (and item) of a paged list operation, for every paging style.

A generated list operation declares one :class:`Pager` (its style and the wire names it reads and
writes) and hands it the first request's :class:`~.endpoint.RequestParts` plus a ``send``
function; the pager works out each next request from the previous response:

``cursor``       the next cursor is a body field (``nextCursor``, ``metadata.continue``, ...)
``item_cursor``  the next cursor is the id of the last item (``after=<last id>``), ``has_more``
``offset``       ``offset``/``skip``/``start`` advances by the items received
``page``         ``page`` advances by one
``link_header``  an RFC 8288 ``Link: <url>; rel="next"`` response header
``next_url``     a next-page URL in the body (``next``, ``links.next``, ``_links.next.href``, ...)

A ``Link: <url>; rel="next"`` header is followed in every style when a server sends one (GitHub
documents it on only some of its paged operations); once a walk has followed one, a page without
one is the last.

The cursor, offset or page goes into the query or, for ``location="body"``, into the JSON body.
A walk stops at: a missing/empty next cursor or link, ``has_more: false``, an empty page, a page
shorter than the page size, the ``total`` items or ``pages`` pages the body announces, or
``max_pages``.
Guards: a cursor, offset, page or URL already requested stops the walk, and so does a page whose
body repeats the previous one byte for byte (a server that ignores the page parameter), each with
a warning on the client's logger. A next-page URL on another scheme, host or port than the
client's base URL raises :class:`CrossOriginPageError` before anything is sent there.

The logic lives once, in :class:`_Walk` (no I/O): it says which request to send next and digests
each response. :meth:`Pager.iterate_pages` and :meth:`Pager.aiterate_pages` only drive it, with a
sync or an async ``send``; every page goes through the client's ``request``/``arequest``, so
retries, auth and timeouts apply to each page as to a single call.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, Literal, TypeVar

import httpx

from ..types import NOT_GIVEN, Response
from . import jsonlib
from .endpoint import RequestParts

__all__ = [
    "CrossOriginPageError",
    "Page",
    "PageStyle",
    "Pager",
    "aiterate_pages",
    "iterate_pages",
]

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")

PageStyle = Literal["cursor", "item_cursor", "offset", "page", "link_header", "next_url"]

_LOG = logging.getLogger(__name__)
_MISSING: Any = object()


class CrossOriginPageError(ValueError):
    """A next-page link points to another origin than the client's base URL; nothing was sent."""


@dataclass(frozen=True, slots=True)
class Page(Generic[PageT, ItemT]):
    """One page of a walk: the full :class:`Response` (headers, status, parsed body) and its items.

    ``number`` counts the pages of this walk from 1.
    """

    response: Response[PageT]
    items: Sequence[ItemT]
    number: int

    @property
    def parsed(self) -> PageT:
        """The page's parsed body (the operation's return type)."""
        return self.response.parsed

    @property
    def headers(self) -> httpx.Headers:
        return self.response.headers


@dataclass(frozen=True, slots=True)
class Pager:
    """How one operation pages. Paths are wire names from the body root (``("meta", "next")``).

    ``param``: the query parameter or body key the walk sets (cursor, offset or page);
    ``location``: ``"query"`` or ``"body"``; ``size_param``: the page-size parameter (``limit``,
    ``per_page``), read from the first request to recognise a short last page; ``items``: path of
    the item array (``()``: the body is the array); ``next``: path of the next cursor or URL;
    ``has_more``/``total``/``pages``: paths of a more-pages flag, the total item count and the
    page count; ``item_id``: the field of an item that is the next cursor (``item_cursor``);
    ``start``: the first offset or page number when the caller gives none.
    """

    style: PageStyle
    param: str = ""
    location: Literal["query", "body"] = "query"
    size_param: str = ""
    items: tuple[str, ...] = ()
    next: tuple[str, ...] = ()
    has_more: tuple[str, ...] = ()
    total: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    item_id: str = "id"
    start: int = 0

    def iterate_pages(
        self,
        send: Callable[[RequestParts], Response[PageT]],
        first: RequestParts,
        items: Callable[[PageT], Sequence[ItemT]],
        *,
        base_url: str,
        logger: logging.Logger | None = None,
        max_pages: int | None = None,
    ) -> Iterator[Page[PageT, ItemT]]:
        """Yield every page, fetching the next one only when the caller asks for it (sync)."""
        walk: _Walk[PageT, ItemT] = _Walk(self, first, items, base_url, logger, max_pages)
        while (parts := walk.request()) is not None:
            page = walk.accept(send(parts))
            if page is None:
                return
            yield page

    async def aiterate_pages(
        self,
        send: Callable[[RequestParts], Awaitable[Response[PageT]]],
        first: RequestParts,
        items: Callable[[PageT], Sequence[ItemT]],
        *,
        base_url: str,
        logger: logging.Logger | None = None,
        max_pages: int | None = None,
    ) -> AsyncIterator[Page[PageT, ItemT]]:
        """Async variant of :meth:`iterate_pages` (the same walk, driven with ``await``)."""
        walk: _Walk[PageT, ItemT] = _Walk(self, first, items, base_url, logger, max_pages)
        while (parts := walk.request()) is not None:
            page = walk.accept(await send(parts))
            if page is None:
                return
            yield page

    @staticmethod
    def iterate(pages: Iterator[Page[Any, ItemT]], max_items: int | None = None) -> Iterator[ItemT]:
        """The items of ``pages``, at most ``max_items`` (no page is fetched past the last one)."""
        left = max_items
        if left is not None and left <= 0:
            return
        for page in pages:
            for item in page.items:
                yield item
                if left is not None:
                    left -= 1
                    if left <= 0:
                        return

    @staticmethod
    async def aiterate(
        pages: AsyncIterator[Page[Any, ItemT]], max_items: int | None = None
    ) -> AsyncIterator[ItemT]:
        """Async variant of :meth:`iterate`."""
        left = max_items
        if left is not None and left <= 0:
            return
        async for page in pages:
            for item in page.items:
                yield item
                if left is not None:
                    left -= 1
                    if left <= 0:
                        return


# ------------------------------------------------------------------------------------------------
# the walk: one engine, no I/O
# ------------------------------------------------------------------------------------------------


class _Walk(Generic[PageT, ItemT]):
    """The state of one walk: which request comes next, and what each response means for it."""

    def __init__(
        self,
        pager: Pager,
        first: RequestParts,
        items: Callable[[PageT], Sequence[ItemT]],
        base_url: str,
        logger: logging.Logger | None,
        max_pages: int | None,
    ) -> None:
        self.pager = pager
        self.items_of = items
        self.origin = _origin(httpx.URL(base_url))
        self.base_url = base_url
        self.logger = logger or _LOG
        self.max_pages = max_pages
        self.next_parts: RequestParts | None = first
        self.number = 0
        self.previous: bytes | None = None
        self.seen: set[str] = set()
        self.refused: CrossOriginPageError | None = None
        self.linked = False
        given = _read(first, pager.param, pager.location) if pager.param else None
        self.position = _as_int(given, pager.start)
        if given is not None:
            self.seen.add(repr(given))
        size = _read(first, pager.size_param, pager.location) if pager.size_param else None
        self.size = _as_int(size, 0)  # 0: not asked for; then the largest page seen so far
        self.size_given = self.size > 0

    def request(self) -> RequestParts | None:
        """The next request to send, or None when the walk is over."""
        if self.max_pages is not None and self.number >= self.max_pages:
            return None
        if self.refused is not None:  # raised when the caller asks for the page past the last
            raise self.refused
        return self.next_parts

    def accept(self, response: Response[PageT]) -> Page[PageT, ItemT] | None:
        """Digest one response: the page to hand out (None: stop without it) and the next step."""
        parts = self.next_parts
        assert parts is not None
        self.number += 1
        items = self.items_of(response.parsed)
        if items and response.content == self.previous:
            self._warn(
                "page %d repeats the previous page byte for byte (the server seems to ignore "
                "%s); stopping",
                self.number,
                self.pager.param or "the next link",
            )
            self.next_parts = None
            return None
        self.previous = response.content
        if not self.size_given:
            self.size = max(self.size, len(items))
        style = self.pager.style
        if self.linked or next_link(response.headers.get_list("link")):
            # The server's own next link wins over counting (GitHub); once a walk follows links,
            # a page without one is the last.
            style, self.linked = "link_header", True
        try:
            step = _STEPS[style](self, parts, response, items)
        except CrossOriginPageError as exc:
            self.refused, step = exc, None
        if step is not None:
            key, parts = step
            if key in self.seen:
                self._warn("the next page would repeat %s %s; stopping", self._what(), key)
                step = None
            else:
                self.seen.add(key)
        self.next_parts = step[1] if step is not None else None
        return Page(response, items, self.number)

    # -- helpers the steps share -----------------------------------------------------------------

    def _warn(self, message: str, *args: object) -> None:
        self.logger.warning("pagination: " + message, *args)

    def _what(self) -> str:
        style = self.pager.style
        return "URL" if style in ("link_header", "next_url") else self.pager.param

    def body(self, response: Response[PageT]) -> Any:
        try:
            return jsonlib.loads(response.content) if response.content else None
        except ValueError:
            return None

    def flag(self, doc: Any, path: tuple[str, ...]) -> bool | None:
        """The more-pages flag, None when the page has none."""
        value = _get(doc, path) if path else _MISSING
        return value if isinstance(value, bool) else None

    def exhausted(self, doc: Any, items: int) -> bool:
        """Whether the page says it is the last (has_more false, totals reached, short page)."""
        pager = self.pager
        if items == 0:
            return True
        more = self.flag(doc, pager.has_more)
        if more is not None:
            return not more
        signals = False
        if pager.total:
            total = _get(doc, pager.total)
            if isinstance(total, int) and not isinstance(total, bool):
                signals = True
                if pager.style == "page":
                    done = (self.position - pager.start + 1) * max(self.size, 1)
                else:
                    done = self.position + items
                if done >= total:
                    return True
        if pager.pages:
            pages = _get(doc, pager.pages)
            if isinstance(pages, int) and not isinstance(pages, bool):
                signals = True
                if self.position - pager.start + 1 >= pages:
                    return True
        if self.size_given or not signals:
            return 0 < items < self.size
        return False

    def follow(self, parts: RequestParts, response: Response[PageT], link: str) -> RequestParts:
        """``parts`` sent to ``link`` (resolved against the page's URL), if on the base origin."""
        url = (response.url or httpx.URL(self.base_url)).join(link)
        if _origin(url) != self.origin:
            scheme, host, port = _origin(url)
            raise CrossOriginPageError(
                f"the next-page link points to {scheme}://{host}:{port}, not to the client's "
                f"base URL origin {self.origin[0]}://{self.origin[1]}:{self.origin[2]}; it was "
                "not followed (credentials are only sent to the base URL's origin)"
            )
        # A link is fetched with GET and no body, also after a POST search (Prefect's events).
        return replace(
            parts,
            url=str(url),
            query=[],
            method="GET",
            json=NOT_GIVEN,
            content=None,
            content_type=None,
            data=None,
            files=None,
        )


Step = tuple[str, RequestParts]


def _cursor(
    walk: _Walk[Any, Any], parts: RequestParts, response: Response[Any], items: Sequence[Any]
) -> Step | None:
    doc = walk.body(response)
    if walk.flag(doc, walk.pager.has_more) is False:
        return None
    value = _get(doc, walk.pager.next)
    if value is _MISSING or value is None or value == "":
        return None
    return repr(value), _write(parts, walk.pager.param, walk.pager.location, value)


def _item_cursor(
    walk: _Walk[Any, Any], parts: RequestParts, response: Response[Any], items: Sequence[Any]
) -> Step | None:
    doc = walk.body(response)
    if walk.exhausted(doc, len(items)):
        return None
    value = _get(doc, walk.pager.next) if walk.pager.next else _MISSING
    if value is _MISSING or value is None:
        array = _get(doc, walk.pager.items)
        last = array[-1] if isinstance(array, list) and array else None
        value = last.get(walk.pager.item_id) if isinstance(last, Mapping) else None
    if value is None or value == "":
        walk._warn("the last item has no %r to continue after; stopping", walk.pager.item_id)
        return None
    return repr(value), _write(parts, walk.pager.param, walk.pager.location, value)


def _offset(
    walk: _Walk[Any, Any], parts: RequestParts, response: Response[Any], items: Sequence[Any]
) -> Step | None:
    doc = walk.body(response) if walk.pager.has_more or walk.pager.total else None
    if walk.exhausted(doc, len(items)):
        return None
    walk.position += len(items)
    return repr(walk.position), _write(parts, walk.pager.param, walk.pager.location, walk.position)


def _page(
    walk: _Walk[Any, Any], parts: RequestParts, response: Response[Any], items: Sequence[Any]
) -> Step | None:
    pager = walk.pager
    doc = walk.body(response) if pager.has_more or pager.total or pager.pages else None
    if walk.exhausted(doc, len(items)):
        return None
    walk.position += 1
    return repr(walk.position), _write(parts, pager.param, pager.location, walk.position)


def _link_header(
    walk: _Walk[Any, Any], parts: RequestParts, response: Response[Any], items: Sequence[Any]
) -> Step | None:
    link = next_link(response.headers.get_list("link"))
    if not link:
        return None
    follow = walk.follow(parts, response, link)
    return str(follow.url), follow


def _next_url(
    walk: _Walk[Any, Any], parts: RequestParts, response: Response[Any], items: Sequence[Any]
) -> Step | None:
    doc = walk.body(response)
    if walk.flag(doc, walk.pager.has_more) is False:
        return None
    link = _get(doc, walk.pager.next)
    if isinstance(link, Mapping):  # HAL / JSON:API link objects: {"href": "..."}
        link = link.get("href")
    if not isinstance(link, str) or not link:
        return None
    if not link.startswith(("/", "?", ".", "http://", "https://")):
        walk._warn("%r in %s is not a URL; stopping", link[:80], ".".join(walk.pager.next))
        return None
    follow = walk.follow(parts, response, link)
    return str(follow.url), follow


_STEPS: dict[str, Callable[[_Walk[Any, Any], RequestParts, Response[Any], Sequence[Any]], Any]] = {
    "cursor": _cursor,
    "item_cursor": _item_cursor,
    "offset": _offset,
    "page": _page,
    "link_header": _link_header,
    "next_url": _next_url,
}


# ------------------------------------------------------------------------------------------------
# reading and writing the wire
# ------------------------------------------------------------------------------------------------

_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_REL = re.compile(r"""(?i)(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))""")


def next_link(values: Sequence[str]) -> str | None:
    """The target of the first ``rel="next"`` link of ``Link`` header values (RFC 8288).

    Handles several links per header and several headers, quoted and bare ``rel`` values and
    several relation types in one ``rel`` (``rel="next last"``).
    """
    for value in values:
        for match in _LINK.finditer(value):
            for rel in _REL.finditer(match.group(2)):
                relations = (rel.group(1) or rel.group(2) or "").lower().split()
                if "next" in relations:
                    return match.group(1).strip()
    return None


def _origin(url: httpx.URL) -> tuple[str, str, int]:
    port = url.port or {"http": 80, "https": 443}.get(url.scheme, 0)
    return url.scheme, url.host, port


def _get(doc: Any, path: Sequence[str]) -> Any:
    """The value at ``path`` (wire names) in decoded JSON; ``_MISSING`` when absent."""
    for key in path:
        if not isinstance(doc, Mapping) or key not in doc:
            return _MISSING
        doc = doc[key]
    return doc


def _as_int(value: object, default: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return default
    return default


def _body_dict(parts: RequestParts) -> dict[str, Any]:
    body = parts.json
    if body is NOT_GIVEN or body is None:
        return {}
    if isinstance(body, Mapping):
        return dict(body)
    to_dict = getattr(body, "to_dict", None)
    if callable(to_dict):
        data = to_dict()
        if isinstance(data, Mapping):
            return dict(data)
    raise TypeError(f"cannot page through a request body of type {type(body).__name__}")


def _read(parts: RequestParts, name: str, location: str) -> object:
    """The value the request carries for ``name`` (query or body), None when it has none."""
    if location == "body":
        return _body_dict(parts).get(name)
    found: str | None = None
    for key, value in parts.query:
        if key == name:
            found = value
    return found


def _write(parts: RequestParts, name: str, location: str, value: object) -> RequestParts:
    """A copy of ``parts`` that carries ``value`` for ``name`` (replacing what was there)."""
    if location == "body":
        return replace(parts, json={**_body_dict(parts), name: value})
    text = value if isinstance(value, str) else jsonlib.dumps(value).decode()
    query = [(k, v) for k, v in parts.query if k != name]
    query.append((name, text))
    return replace(parts, query=query)


# ------------------------------------------------------------------------------------------------
# the cursor-only helpers of template contract 1.2 (kept for custom templates written for it)
# ------------------------------------------------------------------------------------------------


def iterate_pages(
    fetch: Callable[[str | None], PageT],
    *,
    items: Callable[[PageT], Sequence[ItemT]],
    next_cursor: Callable[[PageT], str | None],
    max_items: int | None = None,
) -> Iterator[ItemT]:
    """Yield the items of every page, following cursors (sync; contract 1.2)."""
    pager = Pager("cursor", param="cursor", next=("cursor",))
    counter = itertools.count()
    pages = pager.iterate_pages(
        lambda parts: _legacy_response(fetch(_legacy_cursor(parts)), next_cursor, counter),
        RequestParts(),
        items,
        base_url="http://localhost",
    )
    return Pager.iterate(pages, max_items)


def aiterate_pages(
    fetch: Callable[[str | None], Awaitable[PageT]],
    *,
    items: Callable[[PageT], Sequence[ItemT]],
    next_cursor: Callable[[PageT], str | None],
    max_items: int | None = None,
) -> AsyncIterator[ItemT]:
    """Yield the items of every page, following cursors (async; contract 1.2)."""
    pager = Pager("cursor", param="cursor", next=("cursor",))
    counter = itertools.count()

    async def send(parts: RequestParts) -> Response[PageT]:
        return _legacy_response(await fetch(_legacy_cursor(parts)), next_cursor, counter)

    pages = pager.aiterate_pages(send, RequestParts(), items, base_url="http://localhost")
    return Pager.aiterate(pages, max_items)


def _legacy_cursor(parts: RequestParts) -> str | None:
    value = _read(parts, "cursor", "query")
    return value if isinstance(value, str) else None


def _legacy_response(
    page: PageT, next_cursor: Callable[[PageT], str | None], counter: Iterator[int]
) -> Response[PageT]:
    """The page as the walk reads it: the cursor in a body of its own, never equal to the last."""
    content = jsonlib.dumps({"cursor": next_cursor(page), "page": next(counter)})
    return Response(200, httpx.Headers(), content, page)
