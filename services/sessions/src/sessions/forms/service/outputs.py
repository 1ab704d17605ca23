"""A service form as the API shows it."""

from collections.abc import Sequence
from typing import Literal

from kit.clock import utcnow
from sessions.forms.models import FollowUpRequest, ServiceForm
from sessions.forms.readiness import icare_warnings
from sessions.forms.schemas import FollowUpOut, ServiceFormOut


def _status(form: ServiceForm) -> Literal["draft", "completed"]:
    return "completed" if form.status == "completed" else "draft"


def referral_kind(value: str | None) -> Literal["internal", "external"] | None:
    """A referral's kind as the API and the events name it (None for a task)."""
    if value is None:
        return None
    return "internal" if value == "internal" else "external"


def _follow_up_out(row: FollowUpRequest) -> FollowUpOut:
    return FollowUpOut(
        id=row.id,
        position=row.position,
        kind="referral" if row.kind == "referral" else "task",
        client_id=row.client_id,
        need=row.need,
        note=row.note,
        due_date=row.due_date,
        referral_kind=referral_kind(row.referral_kind),
        to_program_id=row.to_program_id,
        partner_id=row.partner_id,
        partner_name=row.partner_name,
        assignee_id=row.assignee_id,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
    )


def form_out(form: ServiceForm, follow_ups: Sequence[FollowUpRequest] = ()) -> ServiceFormOut:
    return ServiceFormOut(
        id=form.id,
        session_id=form.session_id,
        form_key=form.form_key,
        definition_version=form.definition_version,
        status=_status(form),
        answers=form.answers,
        agency_set_version=form.agency_set_version,
        agency_answers=form.agency_answers or {},
        author_id=form.author_id,
        private=form.private,
        version=form.version,
        follow_ups=[_follow_up_out(f) for f in follow_ups],
        icare_warnings=icare_warnings(
            form.form_key, form.definition_version, form.answers, today=utcnow().date()
        ),
        created_at=form.created_at,
        updated_at=form.updated_at,
        updated_by=form.updated_by,
        completed_at=form.completed_at,
    )
