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


class MyWork(BaseModel):
    """The signed-in worker's home page."""

    today: dt.date
    overdue_tasks: list[TaskOut]
    tasks_due_soon: list[TaskOut]
    referrals_awaiting_follow_up: list[ReferralOut]
    recent_interactions: list[InteractionOut]
