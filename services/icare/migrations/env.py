"""Alembic environment: the kit runs it; the models give the target metadata."""

import icare.models  # noqa: F401  (registers icare's tables on the kit's Base)
import kit.audit
import kit.messaging.inbox
import kit.messaging.outbox  # noqa: F401
from kit.db import Base
from kit.migrations import run_alembic_env

run_alembic_env(Base.metadata)
