from datetime import datetime

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from identity.keys.models import SigningKey
from kit.db import flush

# Serialises key creation across replicas (pg_advisory_xact_lock takes a bigint).
_KEYS_LOCK = 0x0C5_1D_4E75


async def lock(db: AsyncSession) -> None:
    await db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _KEYS_LOCK})


async def add(db: AsyncSession, key: SigningKey) -> SigningKey:
    db.add(key)
    await flush(db)
    return key


async def signing_key(db: AsyncSession, now: datetime) -> SigningKey | None:
    """The key that signs now: the latest one already active."""
    result = await db.scalars(
        select(SigningKey)
        .where(SigningKey.active_from <= now)
        .order_by(SigningKey.active_from.desc())
        .limit(1)
    )
    return result.first()


async def all_keys(db: AsyncSession) -> list[SigningKey]:
    """Oldest first; the table holds a handful of rows (old ones are purged)."""
    return list(await db.scalars(select(SigningKey).order_by(SigningKey.active_from)))


async def delete_keys(db: AsyncSession, kids: list[str]) -> None:
    if kids:
        await db.execute(delete(SigningKey).where(SigningKey.kid.in_(kids)))
