"""Client profiles: register (named or anonymous), read, partial saves, consent, conversion,
family links, the simple list. Every read, list and change writes an audit entry and
every change a history entry and an event, all in the caller's transaction."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clients.history import service as history
from clients.merges import repository as merge_records
from clients.profiles import repository as repo
from clients.profiles import values
from clients.profiles.fields import apply_fields
from clients.profiles.models import Client, ConsentRecord, FamilyLinkRow
from clients.profiles.schemas import (
    AnonymousCreate,
    ClientOut,
    ClientPage,
    ConsentIn,
    ConvertIn,
    FamilyLinkIn,
    FamilyLinkOut,
    NamedCreate,
    ProfileFields,
    ProfileUpdate,
)
from clients.profiles.view import client_out, state, summary
from clients.questions import service as questions
from clients.search import index as name_index
from clients.staff import repository as programs
from contracts.clients import (
    ClientConsentChanged,
    ClientConverted,
    ClientRegistered,
    ClientUpdated,
)
from kit.audit import EntityAudit
from kit.auth import Principal
from kit.clock import utcnow
from kit.db import ConstraintViolation
from kit.errors import Conflict, Invalid, NotFound
from kit.logs import get_logger
from kit.messaging.outbox import add_event

log = get_logger()

ENTITY = "client"


audit = EntityAudit(ENTITY)


async def visible_client(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, *, for_update: bool = False
) -> Client:
    """The client, if it is one of the actor's agency; 404 otherwise (never 403: another
    agency's client does not exist for this caller)."""
    client = await repo.get(db, actor.agency_id, client_id, for_update=for_update)
    if client is None:
        raise NotFound("No such client", code="client_not_found")
    if for_update and client.status == "merged":
        raise Conflict(
            "This profile was merged into another one: change that one instead",
            code="client_merged",
            fields=[{"field": "merged_into", "message": str(client.merged_into)}],
        )
    return client


async def _publish(
    db: AsyncSession, client: Client, event_type: type[Any], **extra: Any
) -> list[FamilyLinkRow]:
    family = await repo.family_of(db, client.agency_id, client.id)
    if event_type is ClientUpdated:
        extra["answers"] = await questions.event_answers(db, client)
    await add_event(db, event_type(agency_id=client.agency_id, **state(client, family), **extra))
    return family


def _touch(client: Client, actor: Principal) -> None:
    client.version += 1
    client.updated_at = utcnow()
    client.updated_by = actor.user_id


async def _save(db: AsyncSession, client: Client, *, new: bool = False) -> None:
    try:
        await (repo.add(db, client) if new else repo.save(db))
    except ConstraintViolation as exc:
        if exc.constraint == repo.IDENTIFIER_UNIQUE:
            raise Conflict(
                "Another client of this agency has this identifier",
                code="identifier_taken",
                fields=[{"field": "identifier_value", "message": "is already registered"}],
            ) from exc
        raise


async def check_programs(
    db: AsyncSession, client: Client, data: ProfileFields, given: set[str]
) -> None:
    """Every program id sent must be one of the agency's programs in the local copies
    (identity's `program.updated` events); one not held yet must also be active (a
    program deactivated later stays on the profiles it serves)."""
    if "program_ids" not in given or not data.program_ids:
        return
    found = await programs.programs_by_id(db, client.agency_id, data.program_ids)
    held = set(client.program_ids or [])
    for program_id in data.program_ids:
        program = found.get(program_id)
        if program is None:
            raise Invalid(
                "program_ids", "is not a program of this agency", code="program_not_found"
            )
        if not program.active and program_id not in held:
            raise Invalid("program_ids", "is not an active program", code="program_inactive")


def consent_given(client: Client, actor: Principal, consent: ConsentIn) -> ConsentRecord:
    values.check_listed("consent.language", consent.language)
    now = utcnow()
    client.consent_status = "given"
    client.consent_statement_version = consent.statement_version
    client.consent_language = consent.language
    client.consent_given_at = now
    client.consent_given_by = actor.user_id
    client.consent_withdrawn_at = None
    client.consent_withdrawn_by = None
    return ConsentRecord(
        id=uuid.uuid4(),
        agency_id=client.agency_id,
        client_id=client.id,
        action="given",
        statement_version=consent.statement_version,
        language=consent.language,
        at=now,
        by=actor.user_id,
    )


def new_client(actor: Principal, kind: str) -> Client:
    now = utcnow()
    return Client(
        id=uuid.uuid4(),
        agency_id=actor.agency_id,
        kind=kind,
        consent_status="none",
        status="active",
        birth_date_estimated=False,
        other_names=[],
        phones=[],
        phone_keys=[],
        other_languages=[],
        citizenships=[],
        target_groups=[],
        program_ids=[],
        version=1,
        created_at=now,
        created_by=actor.user_id,
        updated_at=now,
        updated_by=actor.user_id,
    )


async def _registered(
    db: AsyncSession, actor: Principal, client: Client, fields: set[str]
) -> ClientOut:
    history.record(db, actor, client.id, "registered", fields)
    await audit(db, actor, "client.registered", client.id, kind=client.kind, fields=sorted(fields))
    family = await _publish(db, client, ClientRegistered)
    log.info("client.registered", client_id=str(client.id), kind=client.kind)
    return client_out(client, family)


async def register_named(db: AsyncSession, actor: Principal, data: NamedCreate) -> ClientOut:
    """A named client starts with the privacy statement accepted."""
    client = new_client(actor, "named")
    record = consent_given(client, actor, data.consent)
    given = data.model_fields_set - {"consent"}
    await check_programs(db, client, data, given)
    fields = apply_fields(client, data, given)
    await _save(db, client, new=True)
    await name_index.reindex(db, client)
    repo.add_consent(db, record)
    return await _registered(db, actor, client, fields)


async def register_anonymous(
    db: AsyncSession, actor: Principal, data: AnonymousCreate
) -> ClientOut:
    client = new_client(actor, "anonymous")
    given = set(data.model_fields_set)
    profile = ProfileFields(**data.model_dump(include=given))
    await check_programs(db, client, profile, given)
    fields = apply_fields(client, profile, given)
    await _save(db, client, new=True)
    return await _registered(db, actor, client, fields)


async def get_client(
    db: AsyncSession,
    actor: Principal,
    client_id: uuid.UUID,
    *,
    reveal: bool = False,
    reason: str | None = None,
) -> ClientOut:
    """A profile read. `reveal` (agency admins, with a reason; the router checks both)
    shows a restricted profile's identifying fields, and is audited as such."""
    client = await visible_client(db, actor, client_id)
    revealing = reveal and client.restricted
    action = "client.revealed" if revealing else "client.viewed"
    await audit(db, actor, action, client.id, reason=reason if revealing else None)
    family = await repo.family_of(db, actor.agency_id, client.id)
    answers = await questions.answers_of(db, client, reveal=revealing)
    provenance = await merge_records.provenance_of(db, actor.agency_id, client.id)
    return client_out(client, family, reveal=revealing, answers=answers, provenance=provenance)


async def update_client(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, patch: ProfileUpdate
) -> ClientOut:
    """A partial save: only the fields (and answers) sent change."""
    client = await visible_client(db, actor, client_id, for_update=True)
    given = patch.model_fields_set - {"answers"}
    await check_programs(db, client, patch, given)
    changed = apply_fields(client, patch, given)
    if patch.answers is not None:
        changed |= await questions.save_answers(db, actor, client, patch.answers)
    if not changed:
        await audit(db, actor, "client.viewed", client.id)
        family = await repo.family_of(db, actor.agency_id, client.id)
        return client_out(client, family, answers=await questions.answers_of(db, client))
    _touch(client, actor)
    await _save(db, client)
    if changed & name_index.INDEXED_FIELDS:
        await name_index.reindex(db, client)
    history.record(db, actor, client.id, "updated", changed)
    await audit(db, actor, "client.updated", client.id, fields=sorted(changed))
    family = await _publish(db, client, ClientUpdated, changed_fields=sorted(changed))
    log.info("client.updated", client_id=str(client.id), fields=sorted(changed))
    return client_out(client, family, answers=await questions.answers_of(db, client))


async def give_consent(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, consent: ConsentIn
) -> ClientOut:
    """Consent given again (after a withdrawal, or for a new statement version)."""
    client = await visible_client(db, actor, client_id, for_update=True)
    if client.kind == "anonymous":
        raise Conflict(
            "An anonymous client consents by conversion to a named profile",
            code="convert_instead",
        )
    repo.add_consent(db, consent_given(client, actor, consent))
    return await _consent_changed(db, actor, client, "consent_given")


async def withdraw_consent(db: AsyncSession, actor: Principal, client_id: uuid.UUID) -> ClientOut:
    """The profile becomes restricted: identifying fields are kept, hidden, frozen."""
    client = await visible_client(db, actor, client_id, for_update=True)
    if client.consent_status != "given":
        raise Conflict("This client has no consent to withdraw", code="no_consent")
    now = utcnow()
    client.consent_status = "withdrawn"
    client.consent_withdrawn_at = now
    client.consent_withdrawn_by = actor.user_id
    repo.add_consent(
        db,
        ConsentRecord(
            id=uuid.uuid4(),
            agency_id=client.agency_id,
            client_id=client.id,
            action="withdrawn",
            statement_version=client.consent_statement_version,
            language=client.consent_language,
            at=now,
            by=actor.user_id,
        ),
    )
    return await _consent_changed(db, actor, client, "consent_withdrawn")


async def _consent_changed(
    db: AsyncSession, actor: Principal, client: Client, action: str
) -> ClientOut:
    _touch(client, actor)
    await _save(db, client)
    # Withdrawn: the keys go (not findable by name); given again: they come back.
    await name_index.reindex(db, client)
    history.record(db, actor, client.id, action, ["consent"])
    await audit(db, actor, f"client.{action}", client.id)
    family = await _publish(db, client, ClientConsentChanged)
    log.info(f"client.{action}", client_id=str(client.id))
    return client_out(client, family)


async def convert(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, data: ConvertIn
) -> ClientOut:
    """Anonymous -> named, same id: everything recorded against it stays attached."""
    client = await visible_client(db, actor, client_id, for_update=True)
    if client.kind != "anonymous":
        raise Conflict("This client is already named", code="already_named")
    client.kind = "named"
    record = consent_given(client, actor, data.consent)
    await check_programs(db, client, data.profile, set(data.profile.model_fields_set))
    changed = apply_fields(client, data.profile)
    _touch(client, actor)
    await _save(db, client)
    await name_index.reindex(db, client)
    repo.add_consent(db, record)
    history.record(db, actor, client.id, "converted", {"kind", "consent", *changed})
    await audit(db, actor, "client.converted", client.id, fields=sorted(changed))
    family = await _publish(db, client, ClientConverted)
    log.info("client.converted", client_id=str(client.id))
    return client_out(client, family)


async def list_clients(
    db: AsyncSession,
    actor: Principal,
    *,
    identifier: str | None = None,
    phone: str | None = None,
    birth_date: date | None = None,
    kind: str | None = None,
    program: uuid.UUID | None = None,
    limit: int = 20,
    offset: int = 0,
) -> ClientPage:
    """Exact filters only (the ranked search comes with `clients.search`)."""
    phone_key = values.phone_key(phone) if phone else None
    if phone is not None and not phone_key:
        raise Invalid("phone", "has no digits")
    try:
        wanted = values.normalise_identifier(None, identifier) if identifier else None
    except Invalid as exc:
        raise Invalid("identifier", "use letters and digits only") from exc
    rows = await repo.page(
        db,
        actor.agency_id,
        identifier=wanted,
        phone_key=phone_key,
        birth_date=birth_date,
        kind=kind,
        program=program,
        limit=limit + 1,
        offset=offset,
    )
    shown = rows[:limit]
    filters = {
        "identifier": identifier,
        "phone": phone,
        "birth_date": birth_date,
        "kind": kind,
        "program": program,
    }
    used = [name for name, value in filters.items() if value is not None]
    # Which clients appeared in a list is part of "who viewed this client".
    await audit(
        db, actor, "client.listed", None, filters=used, client_ids=[str(c.id) for c in shown]
    )
    return ClientPage(
        items=[summary(c) for c in shown],
        next_offset=offset + limit if len(rows) > limit else None,
    )


async def link_family(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, link: FamilyLinkIn
) -> list[FamilyLinkOut]:
    """Link two clients of the agency both ways (the inverse relationship on the other)."""
    values.check_choice("relationship", link.relationship, values.RELATIONSHIPS)
    if link.client_id == client_id:
        raise Invalid("client_id", "a client cannot be linked to themselves")
    client = await visible_client(db, actor, client_id, for_update=True)
    try:
        other = await visible_client(db, actor, link.client_id, for_update=True)
    except NotFound as exc:
        raise Invalid("client_id", "is not a client of this agency") from exc
    for who in (client, other):
        if who.restricted:
            raise Conflict(
                "Consent was withdrawn for one of these clients", code="consent_withdrawn"
            )
    now = utcnow()

    def row(a: Client, b: Client, relationship: str) -> FamilyLinkRow:
        return FamilyLinkRow(
            client_id=a.id,
            related_client_id=b.id,
            agency_id=actor.agency_id,
            relationship=relationship,
            created_at=now,
            created_by=actor.user_id,
        )

    inverse = values.RELATIONSHIPS[link.relationship]
    await repo.replace_link(
        db, [row(client, other, link.relationship), row(other, client, inverse)]
    )
    return await _family_changed(db, actor, client, other, "family_linked")


async def unlink_family(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, related_id: uuid.UUID
) -> None:
    client = await visible_client(db, actor, client_id, for_update=True)
    other = await visible_client(db, actor, related_id, for_update=True)
    if not await repo.remove_link(db, actor.agency_id, client.id, other.id):
        raise NotFound("These clients are not linked", code="link_not_found")
    await _family_changed(db, actor, client, other, "family_unlinked")


async def _family_changed(
    db: AsyncSession, actor: Principal, client: Client, other: Client, action: str
) -> list[FamilyLinkOut]:
    family: list[FamilyLinkRow] = []
    for who in (other, client):  # the requested client last: its family is the answer
        _touch(who, actor)
        await _save(db, who)
        history.record(db, actor, who.id, action, ["family"])
        await audit(db, actor, f"client.{action}", who.id)
        family = await _publish(db, who, ClientUpdated, changed_fields=["family"])
    return [
        FamilyLinkOut(client_id=f.related_client_id, relationship=f.relationship) for f in family
    ]
