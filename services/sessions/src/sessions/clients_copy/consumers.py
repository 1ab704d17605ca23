"""clients' events, kept as a minimal local copy: upserts, so a redelivery changes
nothing and an older state never overwrites a newer one (`version`)."""

import uuid
from datetime import datetime

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
from kit.logs import get_logger
from kit.messaging.consumer import Subscription
from sessions.clients_copy import repository as repo

log = get_logger()


async def _keep(
    db: AsyncSession, agency_id: uuid.UUID, profile: ClientProfile, at: datetime
) -> None:
    await repo.upsert(
        db,
        {
            "id": profile.id,
            "agency_id": agency_id,
            "kind": profile.kind,
            "restricted": profile.restricted,
            "version": profile.version,
            "source_at": at,
        },
    )


async def on_client_state(
    db: AsyncSession,
    event: ClientRegistered | ClientUpdated | ClientConsentChanged | ClientConverted,
) -> None:
    await _keep(db, event.agency_id, event, event.occurred_at)


async def on_client_merged(db: AsyncSession, event: ClientMerged) -> None:
    await _keep(db, event.agency_id, event.survivor, event.occurred_at)
    await repo.mark_merged(
        db,
        agency_id=event.agency_id,
        absorbed_id=event.absorbed_id,
        survivor_id=event.survivor.id,
        merge_id=event.merge_id,
        kind=event.survivor.kind,
        at=event.occurred_at,
    )
    log.info("client_copy.merged", merge_id=str(event.merge_id))


async def on_client_unmerged(db: AsyncSession, event: ClientUnmerged) -> None:
    await _keep(db, event.agency_id, event.survivor, event.occurred_at)
    await _keep(db, event.agency_id, event.restored, event.occurred_at)
    await repo.clear_merge(db, event.restored.id, event.merge_id)
    log.info("client_copy.unmerged", merge_id=str(event.merge_id))


SUBSCRIPTIONS = (
    Subscription(ClientRegistered, on_client_state),
    Subscription(ClientUpdated, on_client_state),
    Subscription(ClientConsentChanged, on_client_state),
    Subscription(ClientConverted, on_client_state),
    Subscription(ClientMerged, on_client_merged),
    Subscription(ClientUnmerged, on_client_unmerged),
)
