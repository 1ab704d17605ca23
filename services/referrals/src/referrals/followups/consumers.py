from sqlalchemy.ext.asyncio import AsyncSession

from contracts.sessions import FollowUpRequested
from kit.messaging.consumer import Subscription
from referrals.followups.service import apply_request


async def on_follow_up_requested(db: AsyncSession, event: FollowUpRequested) -> None:
    await apply_request(db, event)


SUBSCRIPTIONS = (Subscription(FollowUpRequested, on_follow_up_requested),)
