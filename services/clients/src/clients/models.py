"""Every table clients owns, imported in one place for Alembic and the tests."""

from clients.history.models import ClientChange
from clients.merges.models import ClientMerge
from clients.notes.models import Note
from clients.plans.models import PlanEntry, SettlementPlan
from clients.profiles.models import Client, ConsentRecord, FamilyLinkRow
from clients.questions.models import ClientAnswerSet, ClientQuestionSet
from clients.search.models import ClientNameKey, ClientPhoneKey
from clients.staff.models import ProgramCopy, StaffMember

__all__ = [
    "Client",
    "ClientAnswerSet",
    "ClientChange",
    "ClientMerge",
    "ClientNameKey",
    "ClientPhoneKey",
    "ClientQuestionSet",
    "ConsentRecord",
    "FamilyLinkRow",
    "Note",
    "PlanEntry",
    "ProgramCopy",
    "SettlementPlan",
    "StaffMember",
]
