"""My work: one request for the home page, each list one indexed query.

Drafts of forms to complete are not here: sessions publishes completed forms
(`sessions.service.recorded.v1`) but no event for drafts, so this service cannot know
them; the web app asks sessions for them.
"""

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from kit.audit import record_audit
from kit.auth import Principal
from kit.clock import today
from referrals.copies import repository as copies
from referrals.copies.models import ClientCopy
from referrals.mywork.schemas import InteractionOut, MyWork
from referrals.referral import repository as referrals
from referrals.referral import service as referral_service
from referrals.settings import ReferralsSettings
from referrals.tasks import repository as tasks
from referrals.tasks import service as task_service

LIMIT = 50
RECENT = 20


def _name(client: ClientCopy | None) -> str | None:
    if client is None or client.restricted:
        return None
    given = client.preferred_name or client.given_name
    return " ".join(p for p in (given, client.family_name) if p) or None


async def my_work(db: AsyncSession, settings: ReferralsSettings, actor: Principal) -> MyWork:
    now = today()
    until = now + dt.timedelta(days=settings.my_work_due_within_days)
    due = await tasks.due_for(db, actor.agency_id, actor.user_id, until, LIMIT)
    follow_ups = await referrals.awaiting_follow_up(
        db, actor.agency_id, actor.user_id, until, LIMIT
    )
    recent = await copies.recent_interactions(db, actor.agency_id, actor.user_id, RECENT)
    names = await copies.clients(db, actor.agency_id, [i.client_id for i in recent])
    await record_audit(
        db,
        action="my_work.viewed",
        agency_id=actor.agency_id,
        actor_id=actor.user_id,
        entity_type="my_work",
        detail={"tasks": len(due), "referrals": len(follow_ups), "interactions": len(recent)},
    )
    assert all(t.due_date is not None for t in due)
    return MyWork(
        today=now,
        overdue_tasks=[task_service.out(t) for t in due if t.due_date and t.due_date < now],
        tasks_due_soon=[task_service.out(t) for t in due if t.due_date and t.due_date >= now],
        referrals_awaiting_follow_up=[referral_service.out(r) for r in follow_ups],
        recent_interactions=[
            InteractionOut(
                client_id=i.client_id,
                client_name=_name(names.get(i.client_id)),
                kind=i.kind,
                detail=i.detail,
                at=i.at,
            )
            for i in recent
        ],
    )
