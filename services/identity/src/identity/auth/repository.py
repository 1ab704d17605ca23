import uuid
from datetime import datetime

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from identity.auth.models import LoginSession, LoginThrottle, PasswordToken
from kit.db import flush

# --- throttling ----------------------------------------------------------------------


async def throttle(db: AsyncSession, key: str) -> LoginThrottle | None:
    return await db.get(LoginThrottle, key)


async def count_failure(db: AsyncSession, key: str, now: datetime, window_start: datetime) -> int:
    """Add a failure for `key` (restarting the count after a quiet window); the new count.

    An upsert, so concurrent failures are all counted.
    """
    statement = (
        insert(LoginThrottle)
        .values(key=key, failures=1, last_failure_at=now)
        .on_conflict_do_update(
            index_elements=[LoginThrottle.key],
            set_={
                # A count whose last failure is older than the window starts over.
                "failures": case(
                    (LoginThrottle.last_failure_at < window_start, 1),
                    else_=LoginThrottle.failures + 1,
                ),
                "last_failure_at": now,
            },
        )
        .returning(LoginThrottle.failures)
    )
    return int((await db.execute(statement)).scalar_one())


async def block_until(db: AsyncSession, key: str, until: datetime) -> None:
    await db.execute(
        update(LoginThrottle).where(LoginThrottle.key == key).values(blocked_until=until)
    )


async def clear_throttle(db: AsyncSession, key: str) -> None:
    await db.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


# --- sessions ------------------------------------------------------------------------


async def add_session(db: AsyncSession, session: LoginSession) -> LoginSession:
    db.add(session)
    await flush(db)
    return session


async def session_by_secret_hash(db: AsyncSession, secret_hash: str) -> LoginSession | None:
    result = await db.scalars(select(LoginSession).where(LoginSession.secret_hash == secret_hash))
    return result.first()


async def session_by_id(db: AsyncSession, session_id: uuid.UUID) -> LoginSession | None:
    return await db.get(LoginSession, session_id)


async def revoke_sessions_of(
    db: AsyncSession, user_id: uuid.UUID, now: datetime, *, keep: uuid.UUID | None = None
) -> int:
    statement = update(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None)
    )
    if keep is not None:
        statement = statement.where(LoginSession.id != keep)
    result = await db.execute(
        statement.values(revoked_at=now).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- set-password links --------------------------------------------------------------


async def add_password_token(db: AsyncSession, token: PasswordToken) -> PasswordToken:
    db.add(token)
    await flush(db)
    return token


async def password_token_by_hash(db: AsyncSession, secret_hash: str) -> PasswordToken | None:
    result = await db.scalars(
        select(PasswordToken).where(PasswordToken.secret_hash == secret_hash).with_for_update()
    )
    return result.first()


async def outstanding_tokens(db: AsyncSession, user_id: uuid.UUID, now: datetime) -> int:
    result = await db.scalar(
        select(func.count())
        .select_from(PasswordToken)
        .where(
            PasswordToken.user_id == user_id,
            PasswordToken.used_at.is_(None),
            PasswordToken.expires_at > now,
        )
    )
    return int(result or 0)


async def use_tokens_of(db: AsyncSession, user_id: uuid.UUID, now: datetime) -> None:
    """Spend every outstanding link of the user: a password was just set."""
    await db.execute(
        update(PasswordToken)
        .where(PasswordToken.user_id == user_id, PasswordToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


# --- housekeeping --------------------------------------------------------------------


async def purge(
    db: AsyncSession,
    *,
    now: datetime,
    sessions_before: datetime,
    idle_before: datetime,
    throttles_before: datetime,
) -> dict[str, int]:
    """Delete what can no longer be used; recently ended sessions stay a while."""
    sessions = await db.execute(
        delete(LoginSession).where(
            or_(
                LoginSession.expires_at < sessions_before,
                LoginSession.revoked_at < sessions_before,
                LoginSession.last_seen_at < idle_before,
            )
        )
    )
    tokens = await db.execute(
        delete(PasswordToken).where(
            or_(PasswordToken.expires_at < now, PasswordToken.used_at.is_not(None))
        )
    )
    throttles = await db.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < throttles_before,
            or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < now),
        )
    )
    return {
        "sessions": int(getattr(sessions, "rowcount", 0) or 0),
        "password_tokens": int(getattr(tokens, "rowcount", 0) or 0),
        "throttles": int(getattr(throttles, "rowcount", 0) or 0),
    }
