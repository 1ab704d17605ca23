"""Every table icare owns, imported in one place for Alembic and the tests."""

from icare.copies.models import (
    AgencyCopy,
    AgreementCopy,
    ClientCopy,
    ProgramCopy,
    ServiceCopy,
    StaffCopy,
)
from icare.exports.models import Export, LedgerEntry
from icare.schedule.models import ExportSchedule

__all__ = [
    "AgencyCopy",
    "AgreementCopy",
    "ClientCopy",
    "Export",
    "ExportSchedule",
    "LedgerEntry",
    "ProgramCopy",
    "ServiceCopy",
    "StaffCopy",
]
