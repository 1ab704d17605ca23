"""Which client ids sessions accepts: those of the agency's clients, as the local copy
(kept from clients' events, see `consumers.py`) knows them.

The copy is eventually consistent: a client registered a moment ago is known once
clients' outbox relay and this service's consumer have passed the event on (tens of
milliseconds when both run). A request naming an id the copy lacks waits for it a
little (`copy_wait_seconds`, `kit.copies`) and then refuses it (422 `client_ids`).
Sessions never calls clients synchronously: recording a service must not depend on
clients being up.

Merged profiles: a record made for a profile that was merged away goes to the
survivor, and a survivor's records include those made for the profiles merged into
it (undone by an unmerge, since nothing stored is rewritten).
"""

import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from kit.copies import wait_for_copy
from kit.errors import Invalid
from sessions.clients_copy import repository as repo
from sessions.clients_copy.models import ClientCopy

# A merge chain longer than this is a loop, not history.
MAX_MERGE_HOPS = 10


async def require_clients(
    db: AsyncSession,
    agency_id: uuid.UUID,
    ids: Iterable[uuid.UUID],
    *,
    field: str = "client_ids",
    wait: float = 0.0,
) -> list[uuid.UUID]:
    """The agency's clients for `ids`, in order and each once, a merged profile replaced
    by its survivor; a 422 naming `field` when any id is not a client of the agency.

    For any feature that takes client ids (sessions, group attendees, course enrolments).
    """
    wanted = list(dict.fromkeys(ids))
    known = await repo.by_id(db, agency_id, wanted)
    if wait > 0 and len(known) < len(wanted):

        async def all_known() -> dict[uuid.UUID, ClientCopy] | None:
            found = await repo.by_id(db, agency_id, wanted)
            return found if len(found) == len(wanted) else None

        known = await wait_for_copy(all_known, wait) or await repo.by_id(db, agency_id, wanted)
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise Invalid(field, f"not a client of this agency: {', '.join(str(i) for i in unknown)}")
    resolved: list[uuid.UUID] = []
    for client_id in wanted:
        copy = known[client_id]
        hops = 0
        while copy.merged_into is not None and hops < MAX_MERGE_HOPS:
            hops += 1
            found = (await repo.by_id(db, agency_id, [copy.merged_into])).get(copy.merged_into)
            if found is None:
                break
            copy = found
        resolved.append(copy.id)
    return list(dict.fromkeys(resolved))


async def with_merged(
    db: AsyncSession, agency_id: uuid.UUID, client_id: uuid.UUID
) -> set[uuid.UUID]:
    """`client_id` and every profile merged into it (directly or through others): the
    ids a survivor's records are stored under."""
    found = {client_id}
    frontier = {client_id}
    for _ in range(MAX_MERGE_HOPS):
        frontier = await repo.merged_into(db, agency_id, frontier) - found
        if not frontier:
            break
        found |= frontier
    return found
