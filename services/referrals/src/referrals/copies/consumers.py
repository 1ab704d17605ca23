"""Other services' events, kept as local copies: upserts, so a redelivery changes nothing.

clients: what reminders need of a profile (email, consent, official language, a name
for the greeting, restricted, merged). identity: staff emails and programs, program
names. sessions and clients: who worked with which client lately (My work). sessions:
the service forms still drafts (My work), until the form is recorded.
"""

from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.clients import (
    ClientConsentChanged,
    ClientConverted,
    ClientMerged,
    ClientProfile,
    ClientRegistered,
    ClientUnmerged,
    ClientUpdated,
)
from contracts.identity import ProgramUpdated, UserDeactivated, UserUpdated
from contracts.sessions import DraftSaved, ServiceAmended, ServiceRecorded
from kit.logs import get_logger
from kit.messaging.consumer import Subscription
from referrals.copies import repository as repo
from referrals.tasks.service import client_changed

log = get_logger()


def _client_values(agency_id: object, profile: ClientProfile) -> dict[str, object]:
    return {
        "id": profile.id,
        "agency_id": agency_id,
        "kind": profile.kind,
        "restricted": profile.restricted,
        "consent_status": profile.consent.status,
        # has_email false means "no email" whatever a stale field says.
        "email": profile.email if profile.has_email is not False else None,
        "official_language": profile.official_language,
        "given_name": profile.given_name,
        "family_name": profile.family_name,
        "preferred_name": profile.preferred_name,
        "version": profile.version,
    }


async def on_client_state(
    db: AsyncSession,
    event: ClientRegistered | ClientUpdated | ClientConsentChanged | ClientConverted,
) -> None:
    await repo.upsert_client(db, _client_values(event.agency_id, event))
    if isinstance(event, ClientRegistered):
        await repo.add_interaction(
            db,
            {
                "agency_id": event.agency_id,
                "worker_id": event.registered_by,
                "client_id": event.id,
                "kind": "client_registered",
                "ref_id": event.event_id,
                "detail": None,
                "at": event.registered_at,
            },
        )


async def on_client_merged(db: AsyncSession, event: ClientMerged) -> None:
    await repo.upsert_client(db, _client_values(event.agency_id, event.survivor))
    await repo.mark_merged(db, event.absorbed_id, event.survivor.id)
    moved = await repo.repoint_client(
        db, event.agency_id, event.merge_id, event.absorbed_id, event.survivor.id
    )
    # The tasks' events carry their client: each moved task publishes its new state.
    await client_changed(db, await repo.moved(db, event.merge_id, "task"))
    log.info("client.merge_applied", merge_id=str(event.merge_id), moved=moved)


async def on_client_unmerged(db: AsyncSession, event: ClientUnmerged) -> None:
    tasks = await repo.moved(db, event.merge_id, "task")
    moved = await repo.undo_repoint(db, event.merge_id)
    await client_changed(db, tasks)
    await repo.mark_merged(db, event.restored.id, None)
    await repo.upsert_client(db, _client_values(event.agency_id, event.survivor))
    await repo.upsert_client(db, _client_values(event.agency_id, event.restored))
    log.info("client.unmerge_applied", merge_id=str(event.merge_id), moved=moved)


def _form_state(
    event: DraftSaved | ServiceRecorded | ServiceAmended, status: Literal["draft", "completed"]
) -> dict[str, object]:
    form, session = event.form, event.session
    return {
        "id": form.id,
        "agency_id": event.agency_id,
        "session_id": session.id,
        "session_type": session.type,
        "session_date": session.date,
        "form_key": form.form_key,
        "author_id": form.author_id,
        "program_id": session.program_id,
        "private": form.private or session.private,
        "client_ids": list(session.client_ids),
        "status": status,
        "saved_at": form.updated_at or form.completed_at or event.occurred_at,
    }


async def on_draft(db: AsyncSession, event: DraftSaved) -> None:
    """A draft saved in sessions: on its author's My work (unless already recorded, or
    a later save is held)."""
    applied = await repo.save_form_state(db, _form_state(event, "draft"))
    log.info("form_draft.saved", form_id=str(event.form.id), applied=applied)


async def on_service(db: AsyncSession, event: ServiceRecorded | ServiceAmended) -> None:
    # Recorded (or amended): no longer a draft, whatever draft event comes later.
    await repo.save_form_state(db, _form_state(event, "completed"))
    kind = "service_recorded" if isinstance(event, ServiceRecorded) else "service_amended"
    at = event.form.completed_at or event.form.updated_at or event.occurred_at
    if isinstance(event, ServiceAmended):
        at = event.amendment.amended_at
    worker = (
        event.amendment.amended_by if isinstance(event, ServiceAmended) else event.form.author_id
    )
    for client_id in event.session.client_ids:
        await repo.add_interaction(
            db,
            {
                "agency_id": event.agency_id,
                "worker_id": worker,
                "client_id": client_id,
                "kind": kind,
                # An amendment is its own interaction: the form id and its version.
                "ref_id": event.form.id if kind == "service_recorded" else event.event_id,
                "detail": event.form.form_key,
                "at": at,
            },
        )


async def on_user(db: AsyncSession, event: UserUpdated | UserDeactivated) -> None:
    await repo.upsert_staff(
        db,
        {
            "id": event.id,
            "agency_id": event.agency_id,
            "email": event.email,
            "given_name": event.given_name,
            "family_name": event.family_name,
            "role": event.role,
            "program_ids": list(event.program_ids),
            "manager_id": event.manager_id,
            "active": event.active and not isinstance(event, UserDeactivated),
            "source_at": event.occurred_at,
        },
    )


async def on_program(db: AsyncSession, event: ProgramUpdated) -> None:
    await repo.upsert_program(
        db,
        {
            "id": event.id,
            "agency_id": event.agency_id,
            "name": event.name,
            "code": event.code,
            "active": event.active,
            "source_at": event.occurred_at,
        },
    )


SUBSCRIPTIONS: tuple[Subscription[Any], ...] = (
    Subscription(ClientRegistered, on_client_state),
    Subscription(ClientUpdated, on_client_state),
    Subscription(ClientConsentChanged, on_client_state),
    Subscription(ClientConverted, on_client_state),
    Subscription(ClientMerged, on_client_merged),
    Subscription(ClientUnmerged, on_client_unmerged),
    Subscription(ServiceRecorded, on_service),
    Subscription(ServiceAmended, on_service),
    Subscription(DraftSaved, on_draft),
    Subscription(UserUpdated, on_user),
    Subscription(UserDeactivated, on_user),
    Subscription(ProgramUpdated, on_program),
)
