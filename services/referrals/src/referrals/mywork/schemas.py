import datetime as dt
import uuid

from pydantic import BaseModel

from referrals.referral.schemas import ReferralOut
from referrals.tasks.schemas import TaskOut


class InteractionOut(BaseModel):
    client_id: uuid.UUID
    # The client's name as this service knows it (None when restricted or unknown).
    client_name: str | None
    # service_recorded | service_amended | client_registered
    kind: str
    # The form key of a recorded service.
    detail: str | None
    at: dt.datetime


class DraftClient(BaseModel):
    client_id: uuid.UUID
    # As in InteractionOut (None when restricted or unknown).
    client_name: str | None


class DraftOut(BaseModel):
    """A service form the worker saved as a draft and has not completed yet (in
    sessions: `/sessions/{session_id}/forms/{form_id}`)."""

    form_id: uuid.UUID
    session_id: uuid.UUID
    form_key: str
    session_type: str
    session_date: dt.date
    # The session's clients (a profile since merged: its survivor).
    clients: list[DraftClient]
    private: bool
    # Last saved.
    saved_at: dt.datetime


class MyWork(BaseModel):
    """The signed-in worker's home page."""

    today: dt.date
    overdue_tasks: list[TaskOut]
    tasks_due_soon: list[TaskOut]
    referrals_awaiting_follow_up: list[ReferralOut]
    recent_interactions: list[InteractionOut]
    # The worker's own drafts of service forms, oldest session first (the first 50; all
    # of them: GET /my-work/drafts); a form leaves the list once completed. Only its
    # author sees a draft here.
    drafts_to_complete: list[DraftOut]
    drafts_total: int


class DraftPage(BaseModel):
    items: list[DraftOut]
    next_offset: int | None
    total: int
