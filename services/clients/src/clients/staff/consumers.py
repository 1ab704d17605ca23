"""identity's events, kept as local copies: upserts, so a redelivery changes nothing."""

from sqlalchemy.ext.asyncio import AsyncSession

from clients.staff import repository as repo
from contracts.identity import ProgramUpdated, UserUpdated
from kit.messaging.consumer import Subscription


async def on_user_updated(db: AsyncSession, event: UserUpdated) -> None:
    # Only what notes and history display need: no email, no program list.
    await repo.upsert_staff(
        db,
        {
            "id": event.id,
            "agency_id": event.agency_id,
            "given_name": event.given_name,
            "family_name": event.family_name,
            "role": event.role,
            "manager_id": event.manager_id,
            "active": event.active,
            "source_at": event.occurred_at,
        },
    )


async def on_program_updated(db: AsyncSession, event: ProgramUpdated) -> None:
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


SUBSCRIPTIONS = (
    Subscription(UserUpdated, on_user_updated),
    Subscription(ProgramUpdated, on_program_updated),
)
