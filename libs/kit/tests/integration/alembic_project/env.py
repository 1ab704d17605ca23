"""The env.py every service writes: the kit does the rest."""

import kit.audit
import kit.messaging  # noqa: F401 - registers outbox and inbox on kit.db.Base
from kit.db import Base
from kit.migrations import run_alembic_env

run_alembic_env(Base.metadata)
