"""Cursor pagination as Listrak does it: start at ``cursor=Start``, follow ``nextPageCursor`` until it
is null or empty, one page at a time, refusing a cursor that was already handed out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from lrreport.listrak.errors import ListrakError, ListrakPaginationError

FIRST_CURSOR = "Start"
MAX_PAGE_SIZE = 5000


def check_count(count: int) -> int:
    """A page size Listrak accepts (1..5000), or a clear error."""
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_PAGE_SIZE:
        raise ValueError(f"page size (count) must be an integer from 1 to {MAX_PAGE_SIZE}, got {count!r}")
    return count


def iter_pages(
    fetch: Callable[[str | None], Any], route: str, first_cursor: str | None = FIRST_CURSOR
) -> Iterator[list[dict[str, Any]]]:
    """Yield the ``data`` list of each page; ``fetch(cursor)`` returns one page's JSON body.

    ``first_cursor`` None fetches the first page without a cursor (routes the spec does not page);
    a ``nextPageCursor`` is followed all the same. A repeated cursor raises
    :class:`ListrakPaginationError` instead of looping forever.
    """
    seen: set[str] = {FIRST_CURSOR}
    cursor = first_cursor
    pages = 0
    while True:
        body = fetch(cursor)
        pages += 1
        if not isinstance(body, dict):
            raise ListrakError(f"page {pages} is not a JSON object", route=route)
        data = body.get("data")
        if data is None:
            data = []
        if not isinstance(data, list):
            raise ListrakError(f"page {pages}: 'data' is not a list", route=route)
        yield data
        nxt = body.get("nextPageCursor")
        if nxt is None or nxt == "":
            return
        nxt = str(nxt)
        if nxt in seen:
            raise ListrakPaginationError(
                f"Listrak returned the page cursor {nxt!r} again after {pages} page(s); stopping instead "
                "of looping forever (the data changed under the cursor or the API misbehaves: run again)",
                route=route,
            )
        seen.add(nxt)
        cursor = nxt
