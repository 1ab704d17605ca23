"""The records of one agency, funding agreement and month, built from the local copies."""

import datetime as dt
import re
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from icare.copies import repository as copies
from icare.copies.models import AgreementCopy, ClientCopy, ServiceCopy
from icare.records import mapping
from icare.records.building import (
    BuiltRecord,
    client_problems,
    client_profile_cells,
    service_cells,
)
from icare.records.checks import Problem, check_record, errors
from kit.errors import Invalid
from reference.icare import catalog

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    text: str
    first: dt.date
    last: dt.date

    @classmethod
    def parse(cls, text: str) -> "Period":
        found = _PERIOD.match(text)
        if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1900:
            raise Invalid("period", "a month written YYYY-MM")
        year, month = int(found.group(1)), int(found.group(2))
        first = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(text, first, following - dt.timedelta(days=1))

    def previous(self) -> "Period":
        last = self.first - dt.timedelta(days=1)
        return Period.parse(f"{last.year:04d}-{last.month:02d}")

    def overlaps(self, agreement: AgreementCopy) -> bool:
        return agreement.starts_on <= self.last and agreement.ends_on >= self.first


CLIENT_NOT_READY = Problem(
    None, None, "client_not_ready", "the client's profile has problems: iCARE rejects it first"
)


def _survivor(
    clients: dict[uuid.UUID, ClientCopy], client_id: uuid.UUID | None
) -> ClientCopy | None:
    """The client, or the profile it was merged into (followed a few steps at most)."""
    current = clients.get(client_id) if client_id else None
    for _ in range(5):
        if current is None or current.merged_into is None:
            break
        survivor = clients.get(current.merged_into)
        if survivor is None:
            break
        current = survivor
    return current


def build_records(
    services: Sequence[ServiceCopy],
    clients: dict[uuid.UUID, ClientCopy],
    *,
    today: dt.date,
    profile_for: Collection[uuid.UUID] | None = None,
) -> list[BuiltRecord]:
    """Client Profile records (for the clients of `services`, or of `profile_for`) then
    service records, each with its readiness problems. Pure: the copies are given."""
    client_records: dict[uuid.UUID, BuiltRecord] = {}
    service_records: list[BuiltRecord] = []
    first_service: dict[uuid.UUID, dt.date] = {}
    profile_template = mapping.template(mapping.CLIENT_PROFILE)
    for service in services:
        client = _survivor(clients, service.client_id)
        profile = client.profile if client is not None else None
        if client is not None and not client_problems(profile):
            date = first_service.get(client.id)
            first_service[client.id] = (
                min(date, service.service_date) if date else service.service_date
            )
            if client.id not in client_records and (
                profile_for is None or client.id in profile_for
            ):
                cells = client_profile_cells(client.profile)
                client_records[client.id] = BuiltRecord(
                    template=mapping.CLIENT_PROFILE,
                    kind="client",
                    record_id=client.id,
                    client_id=client.id,
                    session_id=None,
                    service_date=None,
                    worker_id=_uuid(client.profile.get("registered_by")),
                    version=client.version,
                    cells=cells,
                    problems=check_record(profile_template, cells, today=today),
                )
        template = mapping.template(service.template)
        cells = service_cells(service.template, service.session, service.answers, profile)
        problems = client_problems(profile) if service.client_id is not None else []
        problems += check_record(template, cells, today=today)
        service_records.append(
            BuiltRecord(
                template=service.template,
                kind=service.kind,
                record_id=service.id,
                client_id=client.id if client is not None else service.client_id,
                session_id=service.session_id,
                service_date=service.service_date,
                worker_id=service.worker_id,
                version=service.version,
                cells=cells,
                problems=problems,
            )
        )
    for record in client_records.values():
        record.service_date = first_service.get(record.record_id)
    for record in service_records:
        owner = client_records.get(record.client_id) if record.client_id else None
        if owner is not None and errors(owner.problems):
            record.problems.append(CLIENT_NOT_READY)
    order = {name: n for n, name in enumerate(catalog.names())}
    service_records.sort(
        key=lambda r: (order.get(r.template, 99), r.service_date or today, str(r.record_id))
    )
    return [*client_records.values(), *service_records]


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


async def period_records(
    db: AsyncSession,
    agency_id: uuid.UUID,
    agreement: AgreementCopy,
    period: Period,
    *,
    today: dt.date,
    also: Collection[uuid.UUID] = (),
) -> list[BuiltRecord]:
    """Every record of the agreement's programs served in the period (and the service
    records `also` names, from earlier months), built and checked."""
    services = list(
        await copies.services_between(
            db, agency_id, agreement.program_ids, period.first, period.last
        )
    )
    in_period = {s.id for s in services}
    extra = list(await copies.services_by_id(db, agency_id, set(also) - in_period))
    services += [s for s in extra if s.program_id in set(agreement.program_ids)]
    clients = await copies.clients_by_id(
        db, agency_id, {s.client_id for s in services if s.client_id is not None}
    )
    return build_records(services, clients, today=today)
