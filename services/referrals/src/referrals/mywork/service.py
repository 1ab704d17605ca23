"""My work: one request for the home page, each list one indexed query.

Drafts of forms to complete come from sessions' `sessions.service.drafted.v1` (the
copy in `copies/`): the signed-in worker's own drafts only, gone once sessions records
the form.
"""

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from kit.audit import EntityAudit
from kit.auth import Principal
from kit.clock import today
from kit.paging import page_of
from referrals.copies import repository as copies
from referrals.copies.models import ClientCopy, FormDraft
from referrals.mywork.schemas import DraftClient, DraftOut, DraftPage, InteractionOut, MyWork
from referrals.referral import repository as referrals
from referrals.referral import service as referral_service
from referrals.settings import ReferralsSettings
from referrals.tasks import repository as tasks
from referrals.tasks import service as task_service

LIMIT = 50
RECENT = 20
audit = EntityAudit("my_work")


def _name(client: ClientCopy | None) -> str | None:
    if client is None or client.restricted:
        return None
    given = client.preferred_name or client.given_name
    return " ".join(p for p in (given, client.family_name) if p) or None


def _draft_clients(draft: FormDraft, names: dict[uuid.UUID, ClientCopy]) -> list[DraftClient]:
    shown: list[DraftClient] = []
    for client_id in draft.client_ids:
        client = names.get(client_id)
        if client is not None and client.merged_into is not None:
            client_id, client = client.merged_into, names.get(client.merged_into)
        if client_id not in [c.client_id for c in shown]:
            shown.append(DraftClient(client_id=client_id, client_name=_name(client)))
    return shown


def _draft_out(draft: FormDraft, names: dict[uuid.UUID, ClientCopy]) -> DraftOut:
    return DraftOut(
        form_id=draft.id,
        session_id=draft.session_id,
        form_key=draft.form_key,
        session_type=draft.session_type,
        session_date=draft.session_date,
        clients=_draft_clients(draft, names),
        private=draft.private,
        saved_at=draft.saved_at,
    )


async def _names(
    db: AsyncSession, agency_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ClientCopy]:
    """The clients' copies, and those of the profiles they were merged into."""
    names = await copies.clients(db, agency_id, ids)
    survivors = [c.merged_into for c in names.values() if c.merged_into is not None]
    return names | await copies.clients(db, agency_id, [s for s in survivors if s not in names])


async def my_work(db: AsyncSession, settings: ReferralsSettings, actor: Principal) -> MyWork:
    now = today()
    until = now + dt.timedelta(days=settings.my_work_due_within_days)
    due = await tasks.due_for(db, actor.agency_id, actor.user_id, until, LIMIT)
    follow_ups = await referrals.awaiting_follow_up(
        db, actor.agency_id, actor.user_id, until, LIMIT
    )
    recent = await copies.recent_interactions(db, actor.agency_id, actor.user_id, RECENT)
    drafts, drafts_total = await copies.drafts_of(db, actor.agency_id, actor.user_id, LIMIT)
    names = await _names(
        db,
        actor.agency_id,
        [i.client_id for i in recent] + [c for d in drafts for c in d.client_ids],
    )
    await audit(
        db,
        actor,
        "my_work.viewed",
        None,
        tasks=len(due),
        referrals=len(follow_ups),
        interactions=len(recent),
        drafts=len(drafts),
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
        drafts_to_complete=[_draft_out(d, names) for d in drafts],
        drafts_total=drafts_total,
    )


async def list_drafts(db: AsyncSession, actor: Principal, *, limit: int, offset: int) -> DraftPage:
    """Every draft of the signed-in worker, a page at a time (My work shows the first)."""
    rows, total = await copies.drafts_of(db, actor.agency_id, actor.user_id, limit + 1, offset)
    drafts, next_offset = page_of(rows, limit, offset)
    names = await _names(db, actor.agency_id, [c for d in drafts for c in d.client_ids])
    await audit(db, actor, "my_work.drafts_listed", None, drafts=len(drafts), offset=offset)
    return DraftPage(
        items=[_draft_out(d, names) for d in drafts],
        next_offset=next_offset,
        total=total,
    )
