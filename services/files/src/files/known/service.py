"""Clients and forms as files knows them: existence, merges and who may see a form.

Files learns of clients and forms from events, so one registered (or completed) a
moment ago may not be known yet. An upload naming one waits for it a few seconds
(`copy_wait_seconds`, `kit.copies`; events usually arrive within milliseconds) and then
answers 404, saying that a record made just now may need a retry. Reads answer at once.
"""

import uuid
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from files.known import repository as repo
from files.known.models import KnownClient, KnownForm
from kit.auth import Principal
from kit.copies import wait_for_copy
from kit.errors import Invalid, NotFound

MAX_MERGE_HOPS = 8


def may_see_form(actor: Principal, form: KnownForm) -> bool:
    """The form's author or its session's worker; others in the form's program, and
    for a private form only the manager of its author (or of the session's worker)."""
    if actor.agency_id != form.agency_id:
        return False
    if actor.user_id in (form.author_id, form.worker_id):
        return True
    if form.program_id not in actor.programs:
        return False
    return not form.private or bool({form.author_id, form.worker_id} & actor.manages)


async def visible_form(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, form_id: uuid.UUID, *, wait: float
) -> KnownForm:
    async def lookup() -> KnownForm | None:
        return await repo.form(db, actor.agency_id, form_id)

    form = await wait_for_copy(lookup, wait)
    if form is None or form.session_id != session_id or not may_see_form(actor, form):
        raise NotFound(
            "no such service form (a form completed just now may take a moment to appear"
            " here; retry)",
            code="form_not_found",
        )
    return form


def client_of_form(form: KnownForm, client_id: uuid.UUID | None) -> uuid.UUID:
    """The form's client: the one named, if the session has it, or the only one."""
    if client_id is not None:
        if client_id not in form.client_ids:
            raise Invalid("client_id", "not a client of this form's session")
        return client_id
    if len(form.client_ids) == 1:
        return form.client_ids[0]
    raise Invalid("client_id", "the session has several clients: name the file's client")


async def current_client(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID, *, wait: float
) -> uuid.UUID:
    """The client's id, or the surviving profile's when it was merged into another."""

    async def lookup() -> KnownClient | None:
        return await repo.client(db, actor.agency_id, client_id)

    found = await wait_for_copy(lookup, wait)
    if found is None or (found.version == 0 and found.merged_into is None):
        raise NotFound(
            "no such client (a client registered just now may take a moment to appear here; retry)",
            code="client_not_found",
        )
    hops = 0
    while found.merged_into is not None and hops < MAX_MERGE_HOPS:
        survivor = await repo.client(db, actor.agency_id, found.merged_into)
        if survivor is None:
            return found.merged_into
        found, hops = survivor, hops + 1
    return found.id


async def form_of(db: AsyncSession, actor: Principal, form_id: uuid.UUID) -> KnownForm | None:
    return await repo.form(db, actor.agency_id, form_id)


async def forms_of(
    db: AsyncSession, actor: Principal, ids: Collection[uuid.UUID | None]
) -> dict[uuid.UUID, KnownForm]:
    return await repo.forms(db, actor.agency_id, {i for i in ids if i is not None})
