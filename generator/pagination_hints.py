"""The paging vocabulary: names real APIs give page parameters and page fields, and spec hints.

Pure data plus :func:`norm`, shared by inference (:mod:`generator.pagination`) and the vendor
extension / config readers (:mod:`generator.pagination_explicit`). Names are compared normalised
(lower case, without ``_``, ``-``, ``.``, ``@``, ``$``, ``[``, ``]``), so ``next_cursor``,
``nextCursor`` and ``next-cursor`` are one name.
"""

from __future__ import annotations

import re
from typing import Any

from generator.records import record

PAGINATION_EXTENSIONS = ("x-pagination", "x-speakeasy-pagination", "x-fern-pagination")
"""Operation-level vendor extensions read when present (first found wins, in this order)."""


@record()
class PageHints:
    """What the spec says about an operation's paging beyond the IR."""

    link_header: bool  # a 2xx response documents a ``Link`` header
    extensions: tuple[tuple[str, Any], ...]  # (extension name, its value)


_NORM = re.compile(r"[_\-.@$\[\]]")


def norm(name: str) -> str:
    return _NORM.sub("", name).lower()


# -- request parameters (query or JSON body) ------------------------------------------------------
CURSOR_PARAMS = (
    "cursor",
    "pagetoken",
    "nexttoken",
    "nextpagetoken",
    "continuationtoken",
    "continue",
    "pagecursor",
    "startingtoken",
    "marker",
    "next",
    "pageafter",
    "pagecursor",
)
ITEM_CURSOR_PARAMS = ("after", "startingafter", "afterid", "before", "endingbefore", "beforeid")
OFFSET_PARAMS = ("offset", "skip", "start", "startindex", "from", "startat")
PAGE_PARAMS = ("page", "pagenumber", "pageno", "pagenum", "pageindex")
SIZE_PARAMS = (
    "limit",
    "perpage",
    "pagesize",
    "pagelimit",
    "size",
    "count",
    "maxresults",
    "top",
    "first",
    "maxitems",
    "pagelength",
)

# -- response fields --------------------------------------------------------------------------------
NEXT_CURSOR_FIELDS = (
    "nextcursor",
    "nextpagetoken",
    "nexttoken",
    "continuationtoken",
    "continue",
    "nextpageoffset",
    "nextmarker",
    "endcursor",
    "next",
    "cursor",
    "after",
)
NEXT_URL_FIELDS = (
    "odatanextlink",
    "nextlink",
    "nextpageuri",
    "nextpageurl",
    "nexturl",
    "nexturi",
    "nextpage",
    "next",
)
CONTAINERS = (
    "meta",
    "metadata",
    "pagination",
    "paging",
    "pageinfo",
    "links",
    "links",
    "pages",
    "cursors",
    "page",
    "result",
    "data",
)
HAS_MORE_FIELDS = ("hasmore", "hasnext", "hasnextpage", "more", "hasmoreitems", "morepages")
TOTAL_FIELDS = ("totalcount", "total", "totalresults", "totalitems", "totalsize", "count")
PAGES_FIELDS = ("totalpages", "pages", "numpages", "pagecount", "lastpage")
LAST_ID_FIELDS = ("lastid",)
ITEM_FIELDS = (
    "items",
    "data",
    "results",
    "entries",
    "records",
    "values",
    "nodes",
    "points",
    "value",
    "elements",
    "objects",
)
ID_FIELDS = ("id", "uuid", "name")
