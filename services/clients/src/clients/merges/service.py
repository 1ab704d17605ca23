"""Merging two profiles of one person, and undoing it, in the caller's transaction.

The survivor takes, field by field, the value chosen (by default its own, else the
absorbed profile's); the absorbed profile stays as a pointer (`status: merged`,
`merged_into`), gone from lists, search and duplicate suggestions. Every row that
belonged to it follows the survivor. The merge record keeps both profiles' columns as
they were, both answer sets, and the id of every row moved, so an undo puts it all back.
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clients.history import service as history
from clients.merges import repository as repo
from clients.merges import rules
from clients.merges.models import ClientMerge
from clients.merges.schemas import MergedClientOut, MergeIn, MergeList, MergeOut, UndoIn, UndoneOut
from clients.profiles import repository as profiles_repo
from clients.profiles import service as profiles
from clients.profiles.models import Client, FamilyLinkRow
from clients.profiles.schemas import ClientOut
from clients.profiles.view import client_out, state
from clients.questions import service as questions
from clients.questions.models import ClientAnswerSet
from clients.search import index as name_index
from contracts.clients import ClientMerged, ClientProfile, ClientUnmerged
from kit.auth import Principal
from kit.clock import utcnow
from kit.db import ConstraintViolation
from kit.errors import Conflict, Invalid, NotFound
from kit.logs import get_logger
from kit.messaging.outbox import add_event

log = get_logger()

# Columns an undo does not put back: the profile moves on (consumers keep the newest).
_BOOKKEEPING = frozenset({"id", "agency_id", "version", "updated_at", "updated_by"})


def _json(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def _columns(client: Client) -> dict[str, Any]:
    return {c.key: getattr(client, c.key) for c in Client.__table__.columns}


def snapshot(client: Client) -> dict[str, Any]:
    """Every column of the profile, as JSON."""
    return {key: _json(value) for key, value in _columns(client).items()}


def _from_json(column: Any, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type.python_type
    if kind is uuid.UUID:
        return uuid.UUID(value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is list:
        if getattr(column.type, "item_type", None) is not None and (
            column.type.item_type.python_type is uuid.UUID
        ):
            return [uuid.UUID(v) for v in value]
        return list(value)
    return value


def restore(client: Client, saved: dict[str, Any]) -> None:
    """Put the profile's columns back as `snapshot` saw them (bookkeeping aside)."""
    for column in Client.__table__.columns:
        if column.key not in _BOOKKEEPING:
            setattr(client, column.key, _from_json(column, saved.get(column.key)))


def _touch(client: Client, actor: Principal) -> None:
    client.version += 1
    client.updated_at = utcnow()
    client.updated_by = actor.user_id


async def _save(db: AsyncSession) -> None:
    try:
        await repo.save(db)
    except ConstraintViolation as exc:
        if exc.constraint == profiles_repo.IDENTIFIER_UNIQUE:
            raise Conflict(
                "Another client of this agency has this identifier now",
                code="identifier_taken",
                fields=[{"field": "identifier_value", "message": "is already registered"}],
            ) from exc
        raise


async def _lock_pair(
    db: AsyncSession, actor: Principal, first: uuid.UUID, second: uuid.UUID
) -> tuple[Client, Client]:
    """Both profiles, locked in id order (two merges of the same pair never deadlock)."""
    found: dict[uuid.UUID, Client] = {}
    for client_id in sorted({first, second}):
        client = await repo.get_client(db, actor.agency_id, client_id)
        if client is None:
            raise NotFound("No such client", code="client_not_found")
        found[client_id] = client
    return found[first], found[second]


def _answer_json(row: ClientAnswerSet) -> dict[str, Any]:
    return {
        "client_id": str(row.client_id),
        "target": row.target,
        "set_version": row.set_version,
        "answers": row.answers,
        "draft": row.draft,
        "updated_at": row.updated_at.isoformat(),
        "updated_by": str(row.updated_by),
    }


def _answer_row(agency_id: uuid.UUID, saved: dict[str, Any]) -> ClientAnswerSet:
    return ClientAnswerSet(
        client_id=uuid.UUID(saved["client_id"]),
        target=saved["target"],
        agency_id=agency_id,
        set_version=saved["set_version"],
        answers=saved["answers"],
        draft=saved["draft"],
        updated_at=datetime.fromisoformat(saved["updated_at"]),
        updated_by=uuid.UUID(saved["updated_by"]),
    )


def _link_json(row: FamilyLinkRow) -> dict[str, Any]:
    return {
        "client_id": str(row.client_id),
        "related_client_id": str(row.related_client_id),
        "relationship": row.relationship,
        "created_at": row.created_at.isoformat(),
        "created_by": str(row.created_by),
    }


def _link_row(agency_id: uuid.UUID, saved: dict[str, Any]) -> FamilyLinkRow:
    return FamilyLinkRow(
        client_id=uuid.UUID(saved["client_id"]),
        related_client_id=uuid.UUID(saved["related_client_id"]),
        agency_id=agency_id,
        relationship=saved["relationship"],
        created_at=datetime.fromisoformat(saved["created_at"]),
        created_by=uuid.UUID(saved["created_by"]),
    )


def merge_out(merge: ClientMerge) -> MergeOut:
    moved = merge.moved
    counts = {kind: len(moved.get(kind, [])) for kind in repo.MOVABLE}
    counts["family"] = len(moved.get("family_added", []))
    counts["answers"] = len(merge.answers_before.get("absorbed", []))
    return MergeOut(
        id=merge.id,
        survivor_id=merge.survivor_id,
        absorbed_id=merge.absorbed_id,
        reason=merge.reason,
        choices=dict(merge.choices),
        provenance={k: uuid.UUID(v) for k, v in merge.provenance.items()},
        moved=counts,
        merged_at=merge.merged_at,
        merged_by=merge.merged_by,
        undone_at=merge.undone_at,
        undone_by=merge.undone_by,
        undo_reason=merge.undo_reason,
    )


async def _profile(db: AsyncSession, client: Client) -> tuple[ClientOut, ClientProfile]:
    """The profile as the API shows it, and as events carry it."""
    family = await profiles_repo.family_of(db, client.agency_id, client.id)
    answers = await questions.answers_of(db, client)
    provenance = await repo.provenance_of(db, client.agency_id, client.id)
    out = client_out(client, family, answers=answers, provenance=provenance)
    return out, ClientProfile(**state(client, family))


def _check_mergeable(survivor: Client, absorbed: Client, data: MergeIn) -> None:
    for client in (survivor, absorbed):
        if client.status == "merged":
            raise Conflict(
                "This profile was already merged into another one",
                code="already_merged",
                fields=[{"field": "absorbed_id" if client is absorbed else "survivor_id",
                         "message": "already merged"}],
            )  # fmt: skip
    if survivor.kind == "anonymous" and absorbed.kind == "named":
        raise Invalid(
            "absorbed_id", "a named profile cannot be merged into an anonymous one (reverse it)"
        )
    if survivor.restricted or absorbed.restricted:
        raise Conflict("Consent was withdrawn for one of these clients", code="consent_withdrawn")
    unknown = rules.unknown_choices(data.choices, survivor.kind)
    if unknown:
        raise Invalid(f"choices.{unknown[0]}", "is not a field a merge decides")


async def _merge_answers(
    db: AsyncSession,
    actor: Principal,
    survivor: Client,
    absorbed: Client,
    choices: dict[str, rules.Side],
) -> tuple[dict[str, Any], dict[str, rules.Side]]:
    mine = {r.target: r for r in await repo.answer_sets(db, actor.agency_id, survivor.id)}
    theirs = {r.target: r for r in await repo.answer_sets(db, actor.agency_id, absorbed.id)}
    before = {
        "survivor": [_answer_json(r) for r in mine.values()],
        "absorbed": [_answer_json(r) for r in theirs.values()],
    }
    sides: dict[str, rules.Side] = {}
    for target, row in theirs.items():
        own = mine.get(target)
        merged, found = rules.merge_answers(own.answers if own else {}, row.answers, choices)
        sides.update(found)
        if own is None:
            own = ClientAnswerSet(
                client_id=survivor.id, target=target, agency_id=actor.agency_id,
                draft=row.draft, set_version=row.set_version,
            )  # fmt: skip
            db.add(own)
        own.answers = merged
        own.set_version = max(own.set_version, row.set_version)
        own.updated_at = utcnow()
        own.updated_by = actor.user_id
    await repo.remove(db, list(theirs.values()))
    return before, sides


async def _move_family(
    db: AsyncSession, actor: Principal, survivor: Client, absorbed: Client
) -> dict[str, Any]:
    """The absorbed profile's links go to the survivor, unless it has one to the same
    client already; a link between the two is dropped."""
    links = await repo.links_touching(db, actor.agency_id, absorbed.id)
    have = {
        f.related_client_id for f in await profiles_repo.family_of(db, actor.agency_id, survivor.id)
    }
    pairs = {(link.client_id, link.related_client_id): link for link in links}
    added: list[FamilyLinkRow] = []
    for link in links:
        other = link.related_client_id
        if link.client_id != absorbed.id or other == survivor.id or other in have:
            continue
        copies = [(link, survivor.id, other)]
        if (inverse := pairs.get((other, absorbed.id))) is not None:
            copies.append((inverse, other, survivor.id))
        added += [
            FamilyLinkRow(
                client_id=a,
                related_client_id=b,
                agency_id=actor.agency_id,
                relationship=row.relationship,
                created_at=row.created_at,
                created_by=row.created_by,
            )
            for row, a, b in copies
        ]
    removed = [_link_json(link) for link in links]
    await repo.remove(db, links)
    await repo.add_rows(db, added)
    return {
        "family_removed": removed,
        "family_added": [[str(r.client_id), str(r.related_client_id)] for r in added],
    }


async def merge(
    db: AsyncSession, actor: Principal, survivor_id: uuid.UUID, data: MergeIn
) -> MergedClientOut:
    if data.absorbed_id == survivor_id:
        raise Invalid("absorbed_id", "is the survivor itself")
    survivor, absorbed = await _lock_pair(db, actor, survivor_id, data.absorbed_id)
    _check_mergeable(survivor, absorbed, data)
    survivor_before, absorbed_before = snapshot(survivor), snapshot(absorbed)
    old = _columns(survivor)
    columns, sides = rules.merge_columns(old, _columns(absorbed), data.choices, survivor.kind)

    # The absorbed profile lets go of its identifier first (one per agency): the chosen
    # one is the survivor's now, the other is kept in the merge record only.
    absorbed.identifier_type = None
    absorbed.identifier_value = None
    absorbed.status = "merged"
    absorbed.merged_into = survivor.id
    _touch(absorbed, actor)
    await _save(db)
    changed = {
        field
        for field in rules.mergeable_fields(survivor.kind)
        if any(columns[c] != old[c] for c in rules.FIELD_GROUPS[field])
    }
    for column, value in columns.items():
        setattr(survivor, column, list(value) if isinstance(value, list) else value)
    _touch(survivor, actor)
    await _save(db)

    await repo.allow_moving_notes(db)
    moved: dict[str, Any] = {
        kind: await repo.move_all(db, kind, actor.agency_id, absorbed.id, survivor.id)
        for kind in repo.MOVABLE
    }
    moved |= await _move_family(db, actor, survivor, absorbed)
    answers_before, answer_sides = await _merge_answers(db, actor, survivor, absorbed, data.choices)
    sides |= answer_sides
    changed |= {k for k, side in answer_sides.items() if side == "absorbed"}
    await name_index.reindex(db, survivor)
    await name_index.reindex(db, absorbed)  # merged: no keys, found by nobody

    source = {"survivor": survivor.id, "absorbed": absorbed.id}
    record = ClientMerge(
        id=uuid.uuid4(),
        agency_id=actor.agency_id,
        survivor_id=survivor.id,
        absorbed_id=absorbed.id,
        reason=data.reason,
        choices=dict(data.choices),
        provenance={field: str(source[side]) for field, side in sides.items()},
        survivor_before=survivor_before,
        absorbed_before=absorbed_before,
        answers_before=answers_before,
        moved=moved,
        survivor_version=survivor.version,
        merged_at=utcnow(),
        merged_by=actor.user_id,
    )
    await repo.add(db, record)

    history.record(db, actor, survivor.id, "merged", {"merge", *changed})
    history.record(db, actor, absorbed.id, "merged_into", {"status", "merged_into"})
    detail = {"merge_id": str(record.id), "survivor_id": str(survivor.id),
              "absorbed_id": str(absorbed.id)}  # fmt: skip
    for who in (survivor, absorbed):
        await profiles.audit(db, actor, "client.merged", who.id, reason=data.reason, **detail)
    out, profile = await _profile(db, survivor)
    await add_event(
        db,
        ClientMerged(
            agency_id=actor.agency_id,
            merge_id=record.id,
            survivor=profile,
            absorbed_id=absorbed.id,
            provenance={k: uuid.UUID(v) for k, v in record.provenance.items()},
        ),
    )
    log.info("client.merged", merge_id=str(record.id), survivor_id=str(survivor.id),
             absorbed_id=str(absorbed.id))  # fmt: skip
    return MergedClientOut(**out.model_dump(), merge_id=record.id)


async def undo(db: AsyncSession, actor: Principal, merge_id: uuid.UUID, data: UndoIn) -> UndoneOut:
    """Both profiles as they were before the merge, every moved row back where it was."""
    record = await repo.get(db, actor.agency_id, merge_id, for_update=True)
    if record is None:
        raise NotFound("No such merge", code="merge_not_found")
    if record.undone_at is not None:
        raise Conflict("This merge was already undone", code="merge_undone")
    survivor, absorbed = await _lock_pair(db, actor, record.survivor_id, record.absorbed_id)
    if survivor.version != record.survivor_version:
        raise Conflict(
            "The surviving profile changed since the merge (or was merged again): "
            "undoing would lose that change",
            code="changed_since_merge",
        )
    # The survivor first: it gives back an identifier the absorbed profile had.
    for client, saved in ((survivor, record.survivor_before), (absorbed, record.absorbed_before)):
        restore(client, saved)
        _touch(client, actor)
        await _save(db)

    moved = record.moved
    await repo.allow_moving_notes(db)
    for kind in repo.MOVABLE:
        await repo.move_back(db, kind, actor.agency_id, moved.get(kind, []), absorbed.id)
    added = {(uuid.UUID(a), uuid.UUID(b)) for a, b in moved.get("family_added", [])}
    current = await repo.links_touching(db, actor.agency_id, survivor.id)
    await repo.remove(db, [f for f in current if (f.client_id, f.related_client_id) in added])
    await repo.add_rows(
        db, [_link_row(actor.agency_id, saved) for saved in moved.get("family_removed", [])]
    )
    answers = [
        *await repo.answer_sets(db, actor.agency_id, survivor.id),
        *await repo.answer_sets(db, actor.agency_id, absorbed.id),
    ]
    await repo.remove(db, answers)
    before = record.answers_before
    await repo.add_rows(
        db,
        [_answer_row(actor.agency_id, saved)
         for saved in [*before.get("survivor", []), *before.get("absorbed", [])]],
    )  # fmt: skip
    await name_index.reindex(db, survivor)
    await name_index.reindex(db, absorbed)

    record.undone_at = utcnow()
    record.undone_by = actor.user_id
    record.undo_reason = data.reason
    await repo.save(db)
    history.record(db, actor, survivor.id, "unmerged", {"merge"})
    history.record(db, actor, absorbed.id, "unmerged", {"status", "merged_into"})
    detail = {"merge_id": str(record.id), "survivor_id": str(survivor.id),
              "absorbed_id": str(absorbed.id)}  # fmt: skip
    for who in (survivor, absorbed):
        await profiles.audit(db, actor, "client.unmerged", who.id, reason=data.reason, **detail)
    survivor_out, survivor_profile = await _profile(db, survivor)
    restored_out, restored_profile = await _profile(db, absorbed)
    await add_event(
        db,
        ClientUnmerged(
            agency_id=actor.agency_id,
            merge_id=record.id,
            survivor=survivor_profile,
            restored=restored_profile,
        ),
    )
    log.info("client.unmerged", merge_id=str(record.id))
    return UndoneOut(merge=merge_out(record), survivor=survivor_out, restored=restored_out)


async def merges_of(db: AsyncSession, actor: Principal, client_id: uuid.UUID) -> MergeList:
    client = await profiles.visible_client(db, actor, client_id)
    rows = await repo.involving(db, actor.agency_id, client.id)
    return MergeList(items=[merge_out(r) for r in rows])
