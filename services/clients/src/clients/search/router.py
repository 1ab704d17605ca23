"""`GET /clients/search` and `POST /clients/duplicates` (registered before the profile
routes, so `search` is never read as a client id)."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from clients.deps import Staff
from clients.search import service
from clients.search.repository import Options
from clients.search.schemas import DuplicateCheckIn, DuplicateList, SearchPage
from kit.db import DbSession

router = APIRouter(prefix="/clients", tags=["clients"])

Text = Annotated[str | None, Query(min_length=1, max_length=200)]
Short = Annotated[str | None, Query(min_length=1, max_length=40)]


@router.get("/search")
async def search(
    db: DbSession,
    actor: Staff,
    q: Text = None,
    phone: Short = None,
    birth_date: date | None = None,
    identifier: Short = None,
    email: Annotated[str | None, Query(min_length=3, max_length=320)] = None,
    postal_code: Annotated[str | None, Query(min_length=3, max_length=10)] = None,
    gender: Text = None,
    language: Text = None,
    status: Annotated[
        str | None, Query(min_length=1, max_length=200, description="immigration status")
    ] = None,
    registered_from: datetime | None = None,
    registered_to: datetime | None = None,
    kind: Literal["named", "anonymous"] | None = None,
    program: Annotated[
        uuid.UUID | None, Query(description="only clients this program serves")
    ] = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchPage:
    """Ranked search: names across accents, order, typos and transliterations; phone in
    any format; exact date of birth, identifier, email, postal code (or its area)."""
    options = Options(
        gender=gender,
        language=language,
        status=status,
        registered_from=registered_from,
        registered_to=registered_to,
        kind=kind,
        program=program,
    )
    return await service.search(
        db,
        actor,
        q=q,
        phone=phone,
        birth_date=birth_date,
        identifier=identifier,
        email=email,
        postal_code=postal_code,
        options=options,
        page=page,
        page_size=page_size,
    )


@router.post("/duplicates")
async def duplicates(body: DuplicateCheckIn, db: DbSession, actor: Staff) -> DuplicateList:
    """Likely duplicates of a would-be profile, to offer before it is saved."""
    return DuplicateList(items=await service.duplicates(db, actor, body))
