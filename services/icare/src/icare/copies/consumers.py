"""Other services' events, kept as local copies: upserts, so a redelivery changes nothing
and an older state arriving late never overwrites a newer one.

Every record iCARE receives is a `ServiceCopy` row of some `kind` (a direct-service
form, a group activity's attendee, a course, an enrolment, an exit): a new kind of
record plugs in as one more handler and one more entry in `SUBSCRIPTIONS`.
"""

import uuid
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
from contracts.sessions import (
    CourseEnrolmentExited,
    CourseEnrolmentRecorded,
    CourseOpened,
    CourseUpdated,
    GroupAttendanceUpdated,
    ServiceAmended,
    ServiceRecorded,
)
from icare.copies import repository as repo
from icare.records import mapping
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
    """A completed form of a direct service (one client), or a group activity's own form."""
    form, session = event.form, event.session
    kind, template = mapping.KIND_FORM, mapping.FORM_TEMPLATES.get(form.form_key)
    if template is None and form.form_key in mapping.GROUP_FORM_TEMPLATES:
        kind, template = mapping.KIND_GROUP, mapping.GROUP_FORM_TEMPLATES[form.form_key]
    if template is None or form.status != "completed":
        return  # a form iCARE has no template for, or not completed
    one_client = kind == mapping.KIND_FORM and len(session.client_ids) == 1
    await repo.upsert_service(
        db,
        {
            "id": form.id,
            "agency_id": event.agency_id,
            "kind": kind,
            "template": template,
            "form_key": form.form_key,
            "definition_version": form.definition_version,
            "session_id": session.id,
            "session": session.model_dump(mode="json"),
            "answers": dict(form.answers),
            "client_id": session.client_ids[0] if one_client else None,
            "worker_id": form.author_id,
            "program_id": session.program_id,
            "service_date": session.date,
            "version": form.version or 1,
            "private": form.private or session.private,
            "source_at": event.occurred_at,
        },
    )
    log.info("icare.service_copied", form_id=str(form.id), template=template, kind=kind)


def attendee_record_id(session_id: uuid.UUID, client_id: uuid.UUID) -> uuid.UUID:
    """The stable id of one named attendee's record of one group activity."""
    return uuid.uuid5(session_id, f"attendee:{client_id}")


def exit_record_id(enrolment_id: uuid.UUID) -> uuid.UUID:
    """The stable id of a course exit's record (one per enrolment)."""
    return uuid.uuid5(enrolment_id, "exit")


async def on_group_attendance(db: AsyncSession, event: GroupAttendanceUpdated) -> None:
    """Each named attendee of a group activity is one record of its template (the group
    form's answers with the attendee's own form's); anonymous attendees are not."""
    session = event.session
    template = mapping.GROUP_SESSION_TEMPLATES.get(session.type)
    if template is None:
        return
    kept = []
    for attendee in event.attendees:
        form = attendee.form
        record_id = attendee_record_id(session.id, attendee.client_id)
        kept.append(record_id)
        await repo.upsert_service(
            db,
            {
                "id": record_id,
                "agency_id": event.agency_id,
                "kind": mapping.KIND_ATTENDEE,
                "template": template,
                "form_key": form.form_key if form else event.attendee_form_key,
                "definition_version": form.definition_version if form else 0,
                "session_id": session.id,
                "session": session.model_dump(mode="json"),
                "answers": dict(form.answers) if form else {},
                "client_id": attendee.client_id,
                "worker_id": form.updated_by if form else attendee.added_by,
                "program_id": session.program_id,
                "service_date": session.date,
                "version": max(1, len(form.versions)) if form else 1,
                "private": session.private,
                "source_at": event.occurred_at,
            },
        )
    await repo.remove_attendees(db, event.agency_id, session.id, kept, event.occurred_at)


async def on_course(db: AsyncSession, event: CourseOpened | CourseUpdated) -> None:
    """A language course's setup (its Course Open form): one LT Course Setup record."""
    course = event.course
    await repo.upsert_service(
        db,
        {
            "id": course.id,
            "agency_id": event.agency_id,
            "kind": mapping.KIND_COURSE,
            "template": mapping.COURSE_SETUP,
            "form_key": "lt_course_open",
            "definition_version": course.definition_version,
            "session_id": None,
            "session": {"date": course.start_date.isoformat()},
            "answers": {**course.answers, "course_cd": course.code},
            "client_id": None,
            "worker_id": course.updated_by,
            "program_id": course.program_id,
            # Uploaded in the month it was opened, before any enrolment in it.
            "service_date": course.created_at.date(),
            "version": max(1, len(course.versions)),
            "private": False,
            "source_at": event.occurred_at,
        },
    )


async def on_enrolment(
    db: AsyncSession, event: CourseEnrolmentRecorded | CourseEnrolmentExited
) -> None:
    """A client's enrolment in a course (LT Client Enrolment) and, once recorded, their
    exit (LT Client Exit). An enrolment's postal code is its course's (see collect)."""
    enrolment = event.enrolment
    form = enrolment.form
    context = {"course_id": str(enrolment.course_id)}
    first_class = enrolment.first_class_date or enrolment.enrolled_at.date()
    if form.status == "completed":
        await repo.upsert_service(
            db,
            {
                "id": enrolment.id,
                "agency_id": event.agency_id,
                "kind": mapping.KIND_ENROLMENT,
                "template": mapping.COURSE_ENROLMENT,
                "form_key": "lt_enrolment",
                "definition_version": form.definition_version,
                "session_id": None,
                "session": {**context, "date": first_class.isoformat()},
                # The enrolment's course code is the course's, whatever the form says.
                "answers": {
                    "first_class_dt": first_class.isoformat(),
                    **form.answers,
                    "course_cd": enrolment.course_code,
                },
                "client_id": enrolment.client_id,
                "worker_id": form.updated_by,
                "program_id": enrolment.program_id,
                "service_date": first_class,
                "version": max(1, len(form.versions)),
                "private": False,
                "source_at": event.occurred_at,
            },
        )
    if enrolment.exit is not None:
        exit_ = enrolment.exit
        await repo.upsert_service(
            db,
            {
                "id": exit_record_id(enrolment.id),
                "agency_id": event.agency_id,
                "kind": mapping.KIND_EXIT,
                "template": mapping.COURSE_EXIT,
                "form_key": "lt_exit",
                "definition_version": exit_.definition_version,
                "session_id": None,
                "session": {**context, "date": exit_.exit_date.isoformat()},
                "answers": {
                    "exit_course_dt": exit_.exit_date.isoformat(),
                    **exit_.answers,
                    "course_cd": enrolment.course_code,
                },
                "client_id": enrolment.client_id,
                "worker_id": exit_.exited_by,
                "program_id": enrolment.program_id,
                "service_date": exit_.exit_date,
                "version": max(1, len(exit_.versions)),
                "private": False,
                "source_at": event.occurred_at,
            },
        )


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
    Subscription(GroupAttendanceUpdated, on_group_attendance),
    Subscription(CourseOpened, on_course),
    Subscription(CourseUpdated, on_course),
    Subscription(CourseEnrolmentRecorded, on_enrolment),
    Subscription(CourseEnrolmentExited, on_enrolment),
)
