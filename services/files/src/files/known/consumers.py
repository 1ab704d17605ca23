"""clients' and sessions' events, kept as local copies: upserts, so a redelivery (or an
older state arriving late) changes nothing.

A service form is known from its first draft (`sessions.service.drafted.v1`), so files
can be attached while it is being filled, and follows it through its completion and
amendments; its state is ordered by the form's `updated_at`, which only grows."""

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
from contracts.sessions import DraftSaved, ServiceAmended, ServiceRecorded
from files.attachments import repository as attachments
from files.known import repository as repo
from kit.messaging.consumer import Subscription


async def _upsert_client(db: AsyncSession, agency_id: object, profile: ClientProfile) -> None:
    await repo.upsert_client(
        db, {"id": profile.id, "agency_id": agency_id, "version": profile.version}
    )


async def on_client_state(
    db: AsyncSession,
    event: ClientRegistered | ClientUpdated | ClientConsentChanged | ClientConverted,
) -> None:
    await _upsert_client(db, event.agency_id, event)


async def on_client_merged(db: AsyncSession, event: ClientMerged) -> None:
    await _upsert_client(db, event.agency_id, event.survivor)
    await repo.mark_merged(db, event.agency_id, event.absorbed_id, event.survivor.id)
    await attachments.move_client(db, event.agency_id, event.absorbed_id, event.survivor.id)


async def on_client_unmerged(db: AsyncSession, event: ClientUnmerged) -> None:
    await _upsert_client(db, event.agency_id, event.survivor)
    await _upsert_client(db, event.agency_id, event.restored)
    await repo.mark_merged(db, event.agency_id, event.restored.id, None)
    await attachments.restore_client(db, event.agency_id, event.restored.id)


async def on_service_form(
    db: AsyncSession, event: DraftSaved | ServiceRecorded | ServiceAmended
) -> None:
    form, session = event.form, event.session
    applied = await repo.upsert_form(
        db,
        {
            "id": form.id,
            "agency_id": event.agency_id,
            "session_id": session.id,
            "form_key": form.form_key,
            "author_id": form.author_id,
            "worker_id": session.worker_id,
            "program_id": session.program_id,
            "private": form.private or session.private,
            "client_ids": list(session.client_ids),
            "source_at": form.updated_at or event.occurred_at,
        },
    )
    # An attachment is as private as its form, whatever the form became.
    if applied:
        await attachments.set_privacy_of_form(db, form.id, form.private or session.private)


SUBSCRIPTIONS = (
    Subscription(ClientRegistered, on_client_state),
    Subscription(ClientUpdated, on_client_state),
    Subscription(ClientConsentChanged, on_client_state),
    Subscription(ClientConverted, on_client_state),
    Subscription(ClientMerged, on_client_merged),
    Subscription(ClientUnmerged, on_client_unmerged),
    Subscription(ServiceRecorded, on_service_form),
    Subscription(ServiceAmended, on_service_form),
    Subscription(DraftSaved, on_service_form),
)
