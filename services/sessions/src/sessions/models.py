"""Every table sessions owns, imported in one place for Alembic and the tests."""

from sessions.clients_copy.models import ClientCopy
from sessions.forms.models import FollowUpRequest, ServiceForm, ServiceFormVersion
from sessions.questions.models import FormQuestionSet
from sessions.records.models import SessionRecord
from sessions.support.models import SupportServices

__all__ = [
    "ClientCopy",
    "FollowUpRequest",
    "FormQuestionSet",
    "ServiceForm",
    "ServiceFormVersion",
    "SessionRecord",
    "SupportServices",
]
