"""Every table sessions owns, imported in one place for Alembic and the tests."""

from sessions.clients_copy.models import ClientCopy
from sessions.courses.models import CourseAttendance, CourseEnrolment, LanguageCourse
from sessions.forms.models import FollowUpRequest, ServiceForm, ServiceFormVersion
from sessions.groups.models import GroupActivity, GroupAttendee
from sessions.questions.models import FormQuestionSet
from sessions.records.models import SessionRecord
from sessions.support.models import SupportServices

__all__ = [
    "ClientCopy",
    "CourseAttendance",
    "CourseEnrolment",
    "FollowUpRequest",
    "FormQuestionSet",
    "GroupActivity",
    "GroupAttendee",
    "LanguageCourse",
    "ServiceForm",
    "ServiceFormVersion",
    "SessionRecord",
    "SupportServices",
]
