import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from clients.deps import Staff
from clients.profiles import service
from clients.profiles.schemas import (
    AnonymousCreate,
    ClientOut,
    ClientPage,
    ConsentIn,
    ConvertIn,
    FamilyLinkIn,
    FamilyLinkOut,
    NamedCreate,
    ProfileUpdate,
)
from clients.search import service as search_service
from clients.search.schemas import RegisteredClientOut
from kit.auth import Role
from kit.db import DbSession
from kit.errors import Forbidden, Invalid

router = APIRouter(prefix="/clients", tags=["clients"])


@router.post("", status_code=201)
async def register_named(body: NamedCreate, db: DbSession, actor: Staff) -> RegisteredClientOut:
    """Registers, and lists the profiles the new one may duplicate (never blocks)."""
    return await search_service.register_named(db, actor, body)


@router.post("/anonymous", status_code=201)
async def register_anonymous(body: AnonymousCreate, db: DbSession, actor: Staff) -> ClientOut:
    return await service.register_anonymous(db, actor, body)


@router.get("")
async def list_clients(
    db: DbSession,
    actor: Staff,
    identifier: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    phone: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    birth_date: date | None = None,
    kind: Literal["named", "anonymous"] | None = None,
    program: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> ClientPage:
    return await service.list_clients(
        db,
        actor,
        identifier=identifier,
        phone=phone,
        birth_date=birth_date,
        kind=kind,
        program=program,
        limit=limit,
        offset=offset,
    )


@router.get("/{client_id}")
async def get_client(
    client_id: uuid.UUID,
    db: DbSession,
    actor: Staff,
    reveal: bool = False,
    reason: Annotated[str | None, Query(min_length=3, max_length=500)] = None,
) -> ClientOut:
    """`reveal=true` (agency admins, with a `reason`) shows a restricted profile whole."""
    if reveal and not actor.has_role(Role.AGENCY_ADMIN):
        raise Forbidden(
            "Only an agency admin may reveal a restricted profile", code="role_required"
        )
    if reveal and not reason:
        raise Invalid("reason", "say why the restricted profile must be revealed")
    return await service.get_client(db, actor, client_id, reveal=reveal, reason=reason)


@router.patch("/{client_id}")
async def update_client(
    client_id: uuid.UUID, body: ProfileUpdate, db: DbSession, actor: Staff
) -> ClientOut:
    return await service.update_client(db, actor, client_id, body)


@router.post("/{client_id}/consent")
async def give_consent(
    client_id: uuid.UUID, body: ConsentIn, db: DbSession, actor: Staff
) -> ClientOut:
    return await service.give_consent(db, actor, client_id, body)


@router.delete("/{client_id}/consent")
async def withdraw_consent(client_id: uuid.UUID, db: DbSession, actor: Staff) -> ClientOut:
    """Withdraw consent: the profile is restricted (kept, identifying fields hidden)."""
    return await service.withdraw_consent(db, actor, client_id)


@router.post("/{client_id}/convert")
async def convert(client_id: uuid.UUID, body: ConvertIn, db: DbSession, actor: Staff) -> ClientOut:
    return await service.convert(db, actor, client_id, body)


@router.post("/{client_id}/family", status_code=201)
async def link_family(
    client_id: uuid.UUID, body: FamilyLinkIn, db: DbSession, actor: Staff
) -> list[FamilyLinkOut]:
    return await service.link_family(db, actor, client_id, body)


@router.delete("/{client_id}/family/{related_id}", status_code=204)
async def unlink_family(
    client_id: uuid.UUID, related_id: uuid.UUID, db: DbSession, actor: Staff
) -> Response:
    await service.unlink_family(db, actor, client_id, related_id)
    return Response(status_code=204)
