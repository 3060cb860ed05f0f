"""Cursor pagination: walk every item of a paged list operation, one page request at a time.

Generated list operations pass three small functions -- ``fetch(cursor)`` (the first call gets
``None``), ``items(page)`` and ``next_cursor(page)`` -- and the loop here does the rest. It stops
when the next cursor is missing (``None``), empty, or one already followed (a server bug that
would otherwise loop forever), or once ``max_items`` items were yielded; pages are fetched lazily,
only when the caller iterates past the current one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import TypeVar

__all__ = ["aiterate_pages", "iterate_pages"]

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")


def iterate_pages(
    fetch: Callable[[str | None], PageT],
    *,
    items: Callable[[PageT], Sequence[ItemT]],
    next_cursor: Callable[[PageT], str | None],
    max_items: int | None = None,
) -> Iterator[ItemT]:
    """Yield the items of every page, following cursors (sync)."""
    if max_items is not None and max_items <= 0:
        return
    seen: set[str] = set()
    cursor: str | None = None
    count = 0
    while True:
        page = fetch(cursor)
        for item in items(page):
            yield item
            count += 1
            if max_items is not None and count >= max_items:
                return
        cursor = next_cursor(page)
        if not cursor or cursor in seen:
            return
        seen.add(cursor)


async def aiterate_pages(
    fetch: Callable[[str | None], Awaitable[PageT]],
    *,
    items: Callable[[PageT], Sequence[ItemT]],
    next_cursor: Callable[[PageT], str | None],
    max_items: int | None = None,
) -> AsyncIterator[ItemT]:
    """Yield the items of every page, following cursors (async)."""
    if max_items is not None and max_items <= 0:
        return
    seen: set[str] = set()
    cursor: str | None = None
    count = 0
    while True:
        page = await fetch(cursor)
        for item in items(page):
            yield item
            count += 1
            if max_items is not None and count >= max_items:
                return
        cursor = next_cursor(page)
        if not cursor or cursor in seen:
            return
        seen.add(cursor)
