"""Every table files owns, imported in one place for Alembic and the tests."""

from files.attachments.models import Attachment
from files.known.models import KnownClient, KnownForm

__all__ = ["Attachment", "KnownClient", "KnownForm"]
