import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def lock_request(db: AsyncSession, request_id: uuid.UUID) -> None:
    """Serialise the transactions applying one request (until they end): the same request
    under two event ids, consumed at once, creates one record without a constraint error."""
    await db.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"referrals.follow_up.{request_id}"},
    )
