"""Other services' events, kept as local copies: upserts, so a redelivery changes nothing
and an older state arriving late never overwrites a newer one.

New record kinds (group activities, courses) plug in as one more handler and one more
entry in `SUBSCRIPTIONS`, writing `ServiceCopy` rows of their own `kind`.
"""

from typing import Any

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
from contracts.identity import AgencyCreated, FundingAgreementUpdated, ProgramUpdated, UserUpdated
from contracts.sessions import ServiceAmended, ServiceRecorded
from icare.copies import repository as repo
from icare.records.mapping import FORM_TEMPLATES
from kit.logs import get_logger
from kit.messaging.consumer import Subscription

log = get_logger()


async def on_agency_created(db: AsyncSession, event: AgencyCreated) -> None:
    await repo.upsert_agency(
        db,
        {
            "id": event.agency_id,
            "name": event.name,
            "code": event.code,
            "active": event.active,
            "source_at": event.occurred_at,
        },
    )


async def on_user_updated(db: AsyncSession, event: UserUpdated) -> None:
    await repo.upsert_staff(
        db,
        {
            "id": event.id,
            "agency_id": event.agency_id,
            "given_name": event.given_name,
            "family_name": event.family_name,
            "email": event.email,
            "role": event.role,
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


async def on_agreement_updated(db: AsyncSession, event: FundingAgreementUpdated) -> None:
    await repo.upsert_agreement(
        db,
        {
            "id": event.id,
            "agency_id": event.agency_id,
            "funder_id": event.funder_id,
            "funder_code": event.funder_code,
            "funder_name": event.funder_name,
            "agreement_number": event.agreement_number,
            "title": event.title,
            "program_ids": list(event.program_ids),
            "starts_on": event.starts_on,
            "ends_on": event.ends_on,
            "source_at": event.occurred_at,
        },
    )


def _client_values(profile: ClientProfile, agency_id: Any, at: Any) -> dict[str, Any]:
    return {
        "id": profile.id,
        "agency_id": agency_id,
        "profile": ClientProfile.model_validate(profile, from_attributes=True).model_dump(
            mode="json"
        ),
        "version": profile.version,
        "source_at": at,
    }


async def on_client_state(
    db: AsyncSession,
    event: ClientRegistered | ClientUpdated | ClientConsentChanged | ClientConverted,
) -> None:
    await repo.upsert_client(db, _client_values(event, event.agency_id, event.occurred_at))


async def on_client_merged(db: AsyncSession, event: ClientMerged) -> None:
    await repo.upsert_client(db, _client_values(event.survivor, event.agency_id, event.occurred_at))
    await repo.set_merged(db, event.agency_id, event.absorbed_id, event.survivor.id, event.merge_id)


async def on_client_unmerged(db: AsyncSession, event: ClientUnmerged) -> None:
    for profile in (event.survivor, event.restored):
        await repo.upsert_client(db, _client_values(profile, event.agency_id, event.occurred_at))
    await repo.set_merged(db, event.agency_id, event.restored.id, None, None)


async def on_service(db: AsyncSession, event: ServiceRecorded | ServiceAmended) -> None:
    form, session = event.form, event.session
    template = FORM_TEMPLATES.get(form.form_key)
    if template is None or form.status != "completed":
        return  # a form iCARE has no template for, or not completed
    client_id = session.client_ids[0] if len(session.client_ids) == 1 else None
    await repo.upsert_service(
        db,
        {
            "id": form.id,
            "agency_id": event.agency_id,
            "kind": "form",
            "template": template,
            "form_key": form.form_key,
            "definition_version": form.definition_version,
            "session_id": session.id,
            "session": session.model_dump(mode="json"),
            "answers": dict(form.answers),
            "client_id": client_id,
            "worker_id": form.author_id,
            "program_id": session.program_id,
            "service_date": session.date,
            "version": form.version or 1,
            "private": form.private or session.private,
            "source_at": event.occurred_at,
        },
    )
    log.info("icare.service_copied", form_id=str(form.id), template=template)


SUBSCRIPTIONS: tuple[Subscription[Any], ...] = (
    Subscription(AgencyCreated, on_agency_created),
    Subscription(UserUpdated, on_user_updated),
    Subscription(ProgramUpdated, on_program_updated),
    Subscription(FundingAgreementUpdated, on_agreement_updated),
    Subscription(ClientRegistered, on_client_state),
    Subscription(ClientUpdated, on_client_state),
    Subscription(ClientConsentChanged, on_client_state),
    Subscription(ClientConverted, on_client_state),
    Subscription(ClientMerged, on_client_merged),
    Subscription(ClientUnmerged, on_client_unmerged),
    Subscription(ServiceRecorded, on_service),
    Subscription(ServiceAmended, on_service),
)
