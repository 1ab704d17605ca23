"""Every service's events, kept as the read model: one handler per routing key.

Each handler upserts the whole state the event carries (see `repository.upsert_newer`),
so a redelivery changes nothing (the inbox skips it anyway) and an older state that
arrives late never overwrites a newer one. A new event is one handler here and one line
in `SUBSCRIPTIONS`.
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
from contracts.files import AttachmentAdded, AttachmentRecord, AttachmentRemoved
from contracts.identity import FundingAgreementUpdated, ProgramUpdated, UserDeactivated, UserUpdated
from contracts.referrals import ReferralCreated, ReferralUpdated, TaskCreated, TaskUpdated
from contracts.sessions import (
    CourseAttendanceRecorded,
    CourseEnrolmentExited,
    CourseEnrolmentRecorded,
    CourseOpened,
    CourseUpdated,
    DraftSaved,
    GroupAttendanceUpdated,
    ServiceAmended,
    ServiceFormRecord,
    ServiceRecorded,
    SessionRecord,
    SupportServicesRecorded,
)
from kit.logs import get_logger
from kit.messaging.consumer import Subscription
from reporting.readmodel import repository as repo
from reporting.readmodel.models import (
    RptAgreement,
    RptAttendance,
    RptCourse,
    RptCourseClass,
    RptEnrolment,
    RptGroup,
    RptProgram,
    RptReferral,
    RptService,
    RptStaff,
    RptSupport,
    RptTask,
)

log = get_logger()


# --- clients ----------------------------------------------------------------------------


def client_values(agency_id: uuid.UUID, profile: ClientProfile, at: Any) -> dict[str, Any]:
    """What reporting keeps of a profile: attributes to count by, never who it is.
    A restricted profile keeps no date of birth (its age group is then unknown)."""
    return {
        "id": profile.id,
        "agency_id": agency_id,
        "kind": profile.kind,
        "restricted": profile.restricted,
        "gender": profile.gender,
        "birth_date": None if profile.restricted else profile.birth_date,
        "age_range": profile.age_range,
        "immigration_status": profile.immigration_status,
        "immigration_category": profile.immigration_category,
        "country_of_birth": profile.country_of_birth,
        "official_language": profile.official_language,
        "other_languages": list(profile.other_languages),
        "target_groups": list(profile.target_groups),
        "program_ids": list(profile.program_ids),
        "registered_on": profile.registered_at.date(),
        "registered_by": profile.registered_by,
        "version": profile.version,
        "source_at": at,
    }


async def on_client_state(
    db: AsyncSession,
    event: ClientRegistered | ClientUpdated | ClientConsentChanged | ClientConverted,
) -> None:
    await repo.upsert_client(db, client_values(event.agency_id, event, event.occurred_at))


async def on_client_merged(db: AsyncSession, event: ClientMerged) -> None:
    await repo.upsert_client(db, client_values(event.agency_id, event.survivor, event.occurred_at))
    await repo.mark_merged(
        db,
        agency_id=event.agency_id,
        absorbed_id=event.absorbed_id,
        survivor_id=event.survivor.id,
        merge_id=event.merge_id,
        kind=event.survivor.kind,
        at=event.occurred_at,
    )
    await repo.resolve_survivors(db, event.agency_id)
    log.info("readmodel.client_merged", merge_id=str(event.merge_id))


async def on_client_unmerged(db: AsyncSession, event: ClientUnmerged) -> None:
    for profile in (event.survivor, event.restored):
        await repo.upsert_client(db, client_values(event.agency_id, profile, event.occurred_at))
    await repo.clear_merge(db, event.restored.id, event.merge_id)
    await repo.resolve_survivors(db, event.agency_id)
    log.info("readmodel.client_unmerged", merge_id=str(event.merge_id))


# --- sessions: service forms, groups, support -------------------------------------------


def _funders(session: SessionRecord) -> dict[str, Any]:
    return {
        "funder_ids": [f.id for f in session.funders if f.id is not None],
        "funder_names": [f.name for f in session.funders],
    }


def _service_values(
    agency_id: uuid.UUID, session: SessionRecord, form: ServiceFormRecord, at: Any
) -> dict[str, Any]:
    draft = form.status != "completed"
    return {
        "id": form.id,
        "agency_id": agency_id,
        "session_id": session.id,
        "session_type": session.type,
        "form_key": form.form_key,
        "service_date": session.date,
        "delivery_mode": session.delivery_mode,
        "language_of_service": session.language_of_service,
        "worker_id": form.author_id if draft else session.worker_id,
        "program_id": session.program_id,
        **_funders(session),
        "client_ids": list(session.client_ids),
        "client_count": len(set(session.client_ids)),
        "private": form.private or session.private,
        "status": "draft" if draft else "completed",
        # A draft is version 0, below every completed version, so completion wins.
        "version": 0 if draft else (form.version if form.version is not None else 1),
        "source_at": at,
    }


async def on_service(db: AsyncSession, event: ServiceRecorded | ServiceAmended) -> None:
    session, form = event.session, event.form
    if form.status != "completed":
        return
    values = _service_values(event.agency_id, session, form, event.occurred_at)
    if await repo.upsert_newer(db, RptService, values, order=("version", "source_at")):
        await repo.replace_contacts(
            db,
            source="service",
            source_id=form.id,
            client_ids=session.client_ids,
            common=_contact(event.agency_id, session),
        )


async def on_draft(db: AsyncSession, event: DraftSaved) -> None:
    """An open draft (the forms that need completing); it counts as a service, with its
    clients, only once completed."""
    at = event.form.updated_at or event.occurred_at
    values = _service_values(event.agency_id, event.session, event.form, at)
    values.update(status="draft", version=0)
    await repo.upsert_newer(db, RptService, values, order=("version", "source_at"))


def _contact(agency_id: uuid.UUID, session: SessionRecord) -> dict[str, Any]:
    return {
        "agency_id": agency_id,
        "contact_date": session.date,
        "session_type": session.type,
        "worker_id": session.worker_id,
        "program_id": session.program_id,
        **_funders(session),
    }


async def on_group_attendance(db: AsyncSession, event: GroupAttendanceUpdated) -> None:
    session = event.session
    named = [a.client_id for a in event.attendees]
    attended = sum(
        1 for a in event.attendees if a.form is not None and a.form.answers.get("attended") is True
    )
    written = await repo.upsert_newer(
        db,
        RptGroup,
        {
            "id": session.id,
            "agency_id": event.agency_id,
            "session_type": session.type,
            "session_date": session.date,
            "worker_id": session.worker_id,
            "program_id": session.program_id,
            **_funders(session),
            "named_count": len(set(named)),
            "attended_count": attended,
            "anonymous_count": event.anonymous_count,
            "source_at": event.occurred_at,
        },
    )
    if written:
        await repo.replace_contacts(
            db,
            source="group",
            source_id=session.id,
            client_ids=named,
            common=_contact(event.agency_id, session),
        )


async def on_support(db: AsyncSession, event: SupportServicesRecorded) -> None:
    session, support = event.session, event.support
    await repo.upsert_newer(
        db,
        RptSupport,
        {
            "session_id": session.id,
            "client_id": support.client_id,
            "agency_id": event.agency_id,
            "session_date": session.date,
            "worker_id": session.worker_id,
            "program_id": session.program_id,
            **_funders(session),
            "childminding": len(support.childminding),
            "transportation": support.transportation,
            "disability_support": support.disability_support,
            "translation": support.translation is not None,
            "interpretation": support.interpretation is not None,
            "crisis_counselling": support.crisis_counselling,
            "source_at": support.updated_at,
        },
        keys=("session_id", "client_id"),
    )


# --- sessions: language courses ---------------------------------------------------------


async def on_course(db: AsyncSession, event: CourseOpened | CourseUpdated) -> None:
    course = event.course
    await repo.upsert_newer(
        db,
        RptCourse,
        {
            "id": course.id,
            "agency_id": event.agency_id,
            "program_id": course.program_id,
            "code": course.code,
            "capacity": course.capacity,
            "start_date": course.start_date,
            "end_date": course.end_date,
            "teacher_id": course.created_by,
            "source_at": course.updated_at,
        },
    )


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


async def on_enrolment(
    db: AsyncSession, event: CourseEnrolmentRecorded | CourseEnrolmentExited
) -> None:
    enrolment = event.enrolment
    exit_ = enrolment.exit
    answers = exit_.answers if exit_ is not None else {}
    certificate = answers.get("certificate_issued_ind")
    await repo.upsert_newer(
        db,
        RptEnrolment,
        {
            "id": enrolment.id,
            "agency_id": event.agency_id,
            "course_id": enrolment.course_id,
            "course_code": enrolment.course_code,
            "program_id": enrolment.program_id,
            "client_id": enrolment.client_id,
            "enrolled_by": enrolment.enrolled_by,
            "status": enrolment.status,
            "enrolled_on": enrolment.enrolled_at.date(),
            "training_status": exit_.training_status if exit_ is not None else None,
            "exit_reason": _text(answers.get("exit_course_reason_id")),
            "exit_date": exit_.exit_date if exit_ is not None else None,
            "listening_clb": _text(answers.get("listening_clb_level_id")),
            "speaking_clb": _text(answers.get("speaking_clb_level_id")),
            "reading_clb": _text(answers.get("reading_clb_level_id")),
            "writing_clb": _text(answers.get("writing_clb_level_id")),
            "certificate_issued": None if certificate is None else certificate in ("yes", True),
            "source_at": event.occurred_at,
        },
    )


async def on_course_attendance(db: AsyncSession, event: CourseAttendanceRecorded) -> None:
    written = await repo.upsert_newer(
        db,
        RptCourseClass,
        {
            "course_id": event.course_id,
            "class_date": event.class_date,
            "agency_id": event.agency_id,
            "source_at": event.recorded_at,
        },
        keys=("course_id", "class_date"),
    )
    if not written:
        return
    marks = {m.client_id: m for m in event.marks}
    await repo.replace_rows(
        db,
        RptAttendance,
        {"course_id": event.course_id, "class_date": event.class_date},
        [
            {
                "course_id": event.course_id,
                "class_date": event.class_date,
                "client_id": client_id,
                "agency_id": event.agency_id,
                "course_code": event.course_code,
                "program_id": event.program_id,
                "worker_id": event.recorded_by,
                "status": mark.status,
                "hours_attended": mark.hours_attended,
            }
            for client_id, mark in marks.items()
        ],
    )


# --- referrals --------------------------------------------------------------------------


async def on_referral(db: AsyncSession, event: ReferralCreated | ReferralUpdated) -> None:
    referral = event.referral
    await repo.upsert_newer(
        db,
        RptReferral,
        {
            "id": referral.id,
            "agency_id": event.agency_id,
            "client_id": referral.client_id,
            "kind": referral.kind,
            "to_program_id": referral.to_program_id,
            "partner_id": referral.partner_id,
            "partner_name": referral.partner_name,
            "need": referral.need,
            "status": referral.status,
            "outcome": referral.outcome,
            "referred_by": referral.referred_by,
            "program_id": referral.program_id,
            "created_on": referral.created_at.date(),
            "version": referral.version,
            "source_at": event.occurred_at,
        },
        order=("version", "source_at"),
    )


async def on_task(db: AsyncSession, event: TaskCreated | TaskUpdated) -> None:
    """Newest `version` wins: an older state delivered late changes nothing."""
    task = event.task
    closed_at = {"done": task.completed_at, "cancelled": task.cancelled_at}.get(task.status)
    await repo.upsert_newer(
        db,
        RptTask,
        {
            "id": task.id,
            "agency_id": event.agency_id,
            "client_id": task.client_id,
            "form_id": task.form_id,
            "session_id": task.session_id,
            "assignee_id": task.assignee_id,
            "created_by": task.created_by,
            "program_id": task.program_id,
            "due_date": task.due_date,
            "priority": task.priority,
            "status": task.status,
            "private": task.private,
            "created_on": task.created_at.date(),
            # Closed without a time (never in practice): the last change's day.
            "closed_on": (
                None
                if task.status not in ("done", "cancelled")
                else (closed_at or task.updated_at).date()
            ),
            "version": task.version,
            "source_at": event.occurred_at,
        },
        order=("version", "source_at"),
    )


# --- files ------------------------------------------------------------------------------


def _attachment(
    agency_id: uuid.UUID, record: AttachmentRecord, removed: bool, at: Any
) -> dict[str, Any]:
    return {
        "id": record.id,
        "agency_id": agency_id,
        "client_id": record.client_id,
        "on_form": record.form_id is not None,
        "content_type": record.content_type,
        "size": record.size,
        "added_by": record.added_by,
        "added_on": record.added_at.date(),
        "removed": removed,
        "source_at": at,
    }


async def on_attachment_added(db: AsyncSession, event: AttachmentAdded) -> None:
    await repo.upsert_attachment(
        db, _attachment(event.agency_id, event.attachment, False, event.occurred_at)
    )


async def on_attachment_removed(db: AsyncSession, event: AttachmentRemoved) -> None:
    await repo.upsert_attachment(
        db, _attachment(event.agency_id, event.attachment, True, event.occurred_at)
    )


# --- identity ---------------------------------------------------------------------------


async def on_program(db: AsyncSession, event: ProgramUpdated) -> None:
    await repo.upsert_newer(
        db,
        RptProgram,
        {
            "id": event.id,
            "agency_id": event.agency_id,
            "name": event.name,
            "code": event.code,
            "active": event.active,
            "source_at": event.occurred_at,
        },
    )


async def on_user(db: AsyncSession, event: UserUpdated | UserDeactivated) -> None:
    await repo.upsert_newer(
        db,
        RptStaff,
        {
            "id": event.id,
            "agency_id": event.agency_id,
            "given_name": event.given_name,
            "family_name": event.family_name,
            "role": event.role,
            "program_ids": list(event.program_ids),
            "active": event.active,
            "source_at": event.occurred_at,
        },
    )


async def on_agreement(db: AsyncSession, event: FundingAgreementUpdated) -> None:
    await repo.upsert_newer(
        db,
        RptAgreement,
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
    Subscription(GroupAttendanceUpdated, on_group_attendance),
    Subscription(SupportServicesRecorded, on_support),
    Subscription(CourseOpened, on_course),
    Subscription(CourseUpdated, on_course),
    Subscription(CourseEnrolmentRecorded, on_enrolment),
    Subscription(CourseEnrolmentExited, on_enrolment),
    Subscription(CourseAttendanceRecorded, on_course_attendance),
    Subscription(ReferralCreated, on_referral),
    Subscription(ReferralUpdated, on_referral),
    Subscription(TaskCreated, on_task),
    Subscription(TaskUpdated, on_task),
    Subscription(AttachmentAdded, on_attachment_added),
    Subscription(AttachmentRemoved, on_attachment_removed),
    Subscription(ProgramUpdated, on_program),
    Subscription(UserUpdated, on_user),
    Subscription(UserDeactivated, on_user),
    Subscription(FundingAgreementUpdated, on_agreement),
)
