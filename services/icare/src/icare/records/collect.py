"""The records of one agency, funding agreement and month, built from the local copies."""

import datetime as dt
import re
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from icare.copies import repository as copies
from icare.copies.models import AgreementCopy, ClientCopy, ServiceCopy
from icare.records import mapping
from icare.records.building import (
    BuiltRecord,
    Key,
    client_problems,
    client_profile_cells,
    service_cells,
)
from kit.errors import Invalid
from reference.icare import catalog
from reference.icare.checks import Problem, check_record, errors

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    text: str
    first: dt.date
    last: dt.date

    @classmethod
    def parse(cls, text: str) -> "Period":
        found = _PERIOD.match(text)
        # A month of service reported to iCARE: no year before 1900 or beyond 2999 (the
        # month after 9999-12 could not even be represented).
        year, month = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
        if not 1 <= month <= 12 or not 1900 <= year <= 2999:
            raise Invalid("period", "a month written YYYY-MM")
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
    clients: Mapping[uuid.UUID, ClientCopy], client_id: uuid.UUID | None
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


GROUP_FORM_MISSING = Problem(
    None, None, "group_form_missing", "the group activity's own form is not completed"
)
COURSE_UNKNOWN = Problem(None, None, "course_unknown", "the course's setup is not known here")


def _context(
    service: ServiceCopy,
    group_forms: Mapping[uuid.UUID, ServiceCopy],
    courses: Mapping[uuid.UUID, ServiceCopy],
) -> tuple[Mapping[str, Any], Mapping[str, Any], list[Problem], list[Key]]:
    """(session, answers, problems, records required first) of one service copy: an
    attendee's row starts from the group form's answers; an enrolment takes its postal
    code from the course, and needs the course uploaded first."""
    session, answers = service.session, service.answers
    if service.kind == mapping.KIND_ATTENDEE:
        group = group_forms.get(service.session_id) if service.session_id else None
        if group is None:
            return session, answers, [GROUP_FORM_MISSING], []
        return session, {**group.answers, **answers}, [], []
    if service.kind in (mapping.KIND_ENROLMENT, mapping.KIND_EXIT):
        course_id = _uuid(session.get("course_id"))
        course = courses.get(course_id) if course_id else None
        if course is None:
            return session, answers, [COURSE_UNKNOWN], []
        if service.kind == mapping.KIND_ENROLMENT:
            session = {**session, "postal_code": course.answers.get("postal_cd")}
        return session, answers, [], [(mapping.COURSE_SETUP, course.id)]
    return session, answers, [], []


def build_records(
    services: Sequence[ServiceCopy],
    clients: Mapping[uuid.UUID, ClientCopy],
    *,
    today: dt.date,
    group_forms: Mapping[uuid.UUID, ServiceCopy] | None = None,
    courses: Mapping[uuid.UUID, ServiceCopy] | None = None,
) -> list[BuiltRecord]:
    """Client Profile records (the clients of `services`) then the service records in
    upload order, each with its readiness problems. Pure: the copies are given.

    `group_forms` (by session id) fill the rows of group attendees; `courses` (by id)
    give enrolments their postal code. Group forms among `services` are not records
    themselves."""
    group_forms = dict(group_forms or {})
    group_forms |= {
        s.session_id: s for s in services if s.kind == mapping.KIND_GROUP and s.session_id
    }
    courses = courses or {}
    client_records: dict[uuid.UUID, BuiltRecord] = {}
    service_records: list[BuiltRecord] = []
    first_service: dict[uuid.UUID, dt.date] = {}
    profile_template = mapping.template(mapping.CLIENT_PROFILE)
    for service in services:
        if service.kind == mapping.KIND_GROUP:
            continue
        client = _survivor(clients, service.client_id)
        profile = client.profile if client is not None else None
        if client is not None and not client_problems(profile):
            date = first_service.get(client.id)
            first_service[client.id] = (
                min(date, service.service_date) if date else service.service_date
            )
            if client.id not in client_records:
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
        session, answers, problems, requires = _context(service, group_forms, courses)
        template = mapping.template(service.template)
        cells = service_cells(service.template, session, answers, profile)
        if service.client_id is not None:
            problems = client_problems(profile) + problems
            if client is not None:
                requires = [(mapping.CLIENT_PROFILE, client.id), *requires]
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
                requires=requires,
                private=service.private,
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
    records `also` names, from earlier months), built and checked; with the courses
    their enrolments need, whenever those were opened."""
    programs = set(agreement.program_ids)
    services = list(
        await copies.services_between(db, agency_id, programs, period.first, period.last)
    )
    known = {s.id for s in services}
    extra = await copies.services_by_id(db, agency_id, set(also) - known)
    services += [s for s in extra if s.program_id in programs]
    attendee_sessions = {
        s.session_id for s in services if s.kind == mapping.KIND_ATTENDEE and s.session_id
    }
    group_forms = await copies.group_forms(db, agency_id, attendee_sessions)
    course_ids = {
        course_id
        for s in services
        if s.kind in (mapping.KIND_ENROLMENT, mapping.KIND_EXIT)
        and (course_id := _uuid(s.session.get("course_id"))) is not None
    }
    courses = {c.id: c for c in await copies.services_by_id(db, agency_id, course_ids)}
    known = {s.id for s in services}
    services += [c for c in courses.values() if c.id not in known and c.program_id in programs]
    clients = await copies.clients_by_id(
        db, agency_id, {s.client_id for s in services if s.client_id is not None}
    )
    return build_records(services, clients, today=today, group_forms=group_forms, courses=courses)
