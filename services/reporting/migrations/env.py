"""Alembic environment: the kit runs it; the models give the target metadata."""

import kit.audit
import kit.messaging.inbox
import kit.messaging.outbox  # noqa: F401
import reporting.models  # noqa: F401  (registers reporting' tables on the kit's Base)
from kit.db import Base
from kit.migrations import run_alembic_env

run_alembic_env(Base.metadata)
