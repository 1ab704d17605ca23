"""Every table reporting owns, imported in one place for Alembic and the tests."""

from kit.audit import AuditEntry
from kit.db import Base
from kit.messaging.inbox import InboxMessage
from kit.messaging.outbox import OutboxEvent
from reporting.readmodel.models import (
    TENANT_TABLES,
    RptAgreement,
    RptAttachment,
    RptAttendance,
    RptClient,
    RptContact,
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

__all__ = [
    "TENANT_TABLES",
    "AuditEntry",
    "Base",
    "InboxMessage",
    "OutboxEvent",
    "RptAgreement",
    "RptAttachment",
    "RptAttendance",
    "RptClient",
    "RptContact",
    "RptCourse",
    "RptCourseClass",
    "RptEnrolment",
    "RptGroup",
    "RptProgram",
    "RptReferral",
    "RptService",
    "RptStaff",
    "RptSupport",
    "RptTask",
]
