"""Page arithmetic for every paged list (browse, search, library, seller tables, builder...).

Pages are numbered from 1; an empty list still has one (empty) page, and a page past the end
is clamped to the last one, so a stale link never shows "page 7 of 3".
"""

from __future__ import annotations

from dataclasses import dataclass


def page_count(total: int, page_size: int) -> int:
    """How many pages `total` rows fill, at least one."""
    return max(1, -(-max(total, 0) // max(page_size, 1)))


def page_offset(page: int, page_size: int) -> int:
    """The first row of page `page` (pages below 1 read as page 1)."""
    return (max(int(page), 1) - 1) * page_size


@dataclass(frozen=True)
class Paging:
    page: int
    pages: int
    offset: int
    limit: int


def paging(*, total: int, page: int, page_size: int) -> Paging:
    """Clamp `page` into the pages `total` rows fill, with that page's offset and limit."""
    pages = page_count(total, page_size)
    page = min(max(int(page), 1), pages)
    return Paging(page=page, pages=pages, offset=page_offset(page, page_size), limit=page_size)
