"""What repositories share: turning a constraint violation into something a use case reads."""

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession


class ConstraintViolation(Exception):
    """A unique or foreign-key constraint refused the write; `constraint` names it."""

    def __init__(self, constraint: str | None) -> None:
        super().__init__(constraint or "unknown constraint")
        self.constraint = constraint


def _constraint_name(exc: IntegrityError) -> str | None:
    # asyncpg's exception travels as the DBAPI error's cause and names the constraint.
    for candidate in (exc.orig, getattr(exc.orig, "__cause__", None)):
        name = getattr(candidate, "constraint_name", None)
        if isinstance(name, str):
            return name
    return None


async def flush(db: AsyncSession) -> None:
    """Flush pending writes now, so a violated constraint surfaces at this line."""
    try:
        await db.flush()
    except IntegrityError as exc:
        raise ConstraintViolation(_constraint_name(exc)) from exc
