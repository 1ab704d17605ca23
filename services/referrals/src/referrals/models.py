"""Every table referrals owns, imported in one place for Alembic and the tests."""

from referrals.copies.models import (
    ClientCopy,
    FormDraft,
    Interaction,
    MergeMove,
    ProgramCopy,
    StaffCopy,
)
from referrals.notifications.models import Notification
from referrals.partners.models import Partner
from referrals.referral.models import Referral, ReferralStatusChange
from referrals.tasks.models import Task, TaskComment

__all__ = [
    "ClientCopy",
    "FormDraft",
    "Interaction",
    "MergeMove",
    "Notification",
    "Partner",
    "ProgramCopy",
    "Referral",
    "ReferralStatusChange",
    "StaffCopy",
    "Task",
    "TaskComment",
]
