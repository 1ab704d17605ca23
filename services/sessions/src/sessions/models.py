"""Every table sessions owns, imported in one place for Alembic and the tests."""

from sessions.forms.models import ServiceForm
from sessions.records.models import SessionRecord

__all__ = ["ServiceForm", "SessionRecord"]
