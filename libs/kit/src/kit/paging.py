"""Offset paging of a list endpoint: the query parameters and the page.

A list asks its repository for one row more than the page (`limit + 1`): that row,
when it comes, only says a next page exists.

    async def list_things(..., limit: Limit = 50, offset: Offset = 0) -> ThingPage:
        rows = await repo.list_visible(db, ..., limit=limit + 1, offset=offset)
        items, next_offset = page_of(rows, limit, offset)
"""

from collections.abc import Sequence
from typing import Annotated, TypeVar

from fastapi import Query

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=100_000)]


def page_of(rows: Sequence[T], limit: int, offset: int) -> tuple[list[T], int | None]:
    """The page out of `limit + 1` fetched rows, and the next page's offset (None on the
    last page)."""
    return list(rows[:limit]), offset + limit if len(rows) > limit else None
