"""Attachments' use cases: add, list, issue a download link, delete.

Visibility: every file of a client is seen by the staff of the client's agency, except
a file on a service form, which is seen exactly by those who see the form: its author
and its session's worker; others in the form's program, and for a private form only
the manager of its author. Anything else does not exist for the caller (404).

Upload order: the content is checked and cleaned, the object is put in the store,
then the metadata row, the audit entry and the event are written in the request's
transaction. If that transaction does not commit, the object is removed (best effort;
the sweeper removes what is left).
"""

import asyncio
import hashlib
import io
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.files import AttachmentAdded, AttachmentRecord, AttachmentRemoved
from files.attachments import content
from files.attachments import repository as repo
from files.attachments.models import Attachment
from files.attachments.schemas import AttachmentList, AttachmentOut, DownloadLink
from files.attachments.upload import ReceivedFile
from files.deps import UnitOfWork
from files.known import service as known
from files.known.models import KnownForm
from files.settings import FilesSettings
from files.storage import ObjectStore, StorageUnavailable, object_key
from kit.audit import EntityAudit
from kit.auth import Principal, Role
from kit.clock import utcnow
from kit.errors import Forbidden, Invalid, NotFound, Unavailable
from kit.logs import get_logger
from kit.messaging.outbox import add_event

log = get_logger()
ENTITY = "file"
audit = EntityAudit(ENTITY)


@dataclass(frozen=True)
class Target:
    """Where the file goes: a client's profile, or a service form (of a session)."""

    client_id: uuid.UUID | None = None
    session_id: uuid.UUID | None = None
    form_id: uuid.UUID | None = None


@dataclass(frozen=True)
class _Checked:
    name: str
    content_type: str
    data: bytes
    sha256: str


def out(attachment: Attachment, form: KnownForm | None = None) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.id,
        client_id=attachment.client_id,
        session_id=attachment.session_id,
        form_id=attachment.form_id,
        form_key=form.form_key if form else None,
        name=attachment.name,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        private=attachment.private,
        added_by=attachment.added_by,
        added_at=attachment.added_at,
    )


def _record(attachment: Attachment) -> AttachmentRecord:
    return AttachmentRecord.model_validate(out(attachment).model_dump())


def _inspect(received: ReceivedFile, allowed: list[str]) -> _Checked:
    """CPU work (sniffing, stripping, hashing): run in a thread."""
    data = received.file.read()
    name = content.clean_name(received.filename)
    file_type = content.check(name, data, allowed)
    kept = content.without_metadata(file_type, data)
    return _Checked(name, file_type.content_type, kept, hashlib.sha256(kept).hexdigest())


async def add_attachment(
    unit: UnitOfWork,
    store: ObjectStore,
    settings: FilesSettings,
    actor: Principal,
    target: Target,
    received: ReceivedFile,
) -> AttachmentOut:
    db = unit.db
    checked = await asyncio.to_thread(_inspect, received, settings.files_allowed_types)

    form: KnownForm | None = None
    if target.form_id is not None and target.session_id is not None:
        form = await known.visible_form(
            db, actor, target.session_id, target.form_id, wait=settings.copy_wait_seconds
        )
        client_id = known.client_of_form(form, target.client_id)
    elif target.client_id is not None:
        client_id = target.client_id
    else:
        raise Invalid("client_id", "name the client or the form the file belongs to")
    owner = await known.current_client(db, actor, client_id, wait=settings.copy_wait_seconds)

    file_id = uuid.uuid4()
    key = object_key(actor.agency_id, file_id)
    try:
        await store.put(key, io.BytesIO(checked.data), len(checked.data), checked.content_type)
    except StorageUnavailable as exc:
        log.warning("file.store_unavailable", operation="put")
        raise Unavailable(
            "The file store is not available right now; nothing was saved. Try again shortly.",
            code="storage_unavailable",
        ) from exc

    async def remove_object() -> None:
        await store.remove(key)
        log.info("file.object_removed", reason="not_committed")

    unit.on_rollback(remove_object)

    attachment = await repo.add(
        db,
        Attachment(
            id=file_id,
            agency_id=actor.agency_id,
            client_id=owner,
            attached_client_id=owner,
            session_id=form.session_id if form else None,
            form_id=form.id if form else None,
            name=checked.name,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=checked.sha256,
            object_key=key,
            private=form.private if form else False,
            added_by=actor.user_id,
            added_at=utcnow(),
            deleted_at=None,
            deleted_by=None,
        ),
    )
    await audit(
        db,
        actor,
        "file.added",
        file_id,
        client_id=str(owner),
        form_id=str(form.id) if form else None,
        size=attachment.size,
        content_type=attachment.content_type,
    )
    await add_event(db, AttachmentAdded(agency_id=actor.agency_id, attachment=_record(attachment)))
    log.info(
        "file.added",
        file_id=str(file_id),
        form_id=str(form.id) if form else None,
        size=attachment.size,
        content_type=attachment.content_type,
    )
    return out(attachment, form)


async def visible_attachment(
    db: AsyncSession, actor: Principal, file_id: uuid.UUID
) -> tuple[Attachment, KnownForm | None]:
    attachment = await repo.live(db, actor.agency_id, file_id)
    if attachment is None:
        raise NotFound("no such file")
    form = None
    if attachment.form_id is not None:
        form = await known.form_of(db, actor, attachment.form_id)
        if form is None or not known.may_see_form(actor, form):
            raise NotFound("no such file")
    return attachment, form


async def get_attachment(db: AsyncSession, actor: Principal, file_id: uuid.UUID) -> AttachmentOut:
    attachment, form = await visible_attachment(db, actor, file_id)
    await audit(db, actor, "file.viewed", file_id, client_id=str(attachment.client_id))
    return out(attachment, form)


async def _visible_items(
    db: AsyncSession, actor: Principal, attachments: list[Attachment]
) -> list[AttachmentOut]:
    forms = await known.forms_of(db, actor, {a.form_id for a in attachments if a.form_id})
    items = []
    for attachment in attachments:
        form = forms.get(attachment.form_id) if attachment.form_id else None
        if attachment.form_id is not None and (form is None or not known.may_see_form(actor, form)):
            continue
        items.append(out(attachment, form))
    return items


async def list_for_client(
    db: AsyncSession, actor: Principal, client_id: uuid.UUID
) -> AttachmentList:
    """Every file of the client the caller may see: on the profile and on forms."""
    items = await _visible_items(db, actor, await repo.of_client(db, actor.agency_id, client_id))
    await audit(db, actor, "file.listed", None, client_id=str(client_id), count=len(items))
    return AttachmentList(items=items)


async def list_for_form(
    db: AsyncSession, actor: Principal, session_id: uuid.UUID, form_id: uuid.UUID
) -> AttachmentList:
    form = await known.visible_form(db, actor, session_id, form_id, wait=0)
    items = [out(a, form) for a in await repo.of_form(db, actor.agency_id, form.id)]
    await audit(db, actor, "file.listed", None, form_id=str(form.id), count=len(items))
    return AttachmentList(items=items)


async def download_link(
    db: AsyncSession,
    store: ObjectStore,
    settings: FilesSettings,
    actor: Principal,
    file_id: uuid.UUID,
    expires_in: int | None,
) -> DownloadLink:
    """A presigned URL, after the visibility check and the audit entry (same
    transaction: a link whose audit entry did not commit is never answered)."""
    attachment, _ = await visible_attachment(db, actor, file_id)
    ttl = settings.files_download_ttl_seconds
    if expires_in is not None:
        ttl = max(1, min(expires_in, ttl))
    await audit(
        db,
        actor,
        "file.downloaded",
        file_id,
        client_id=str(attachment.client_id),
        form_id=str(attachment.form_id) if attachment.form_id else None,
    )
    issued = utcnow()
    url = store.download_url(
        attachment.object_key,
        ttl_seconds=ttl,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    log.info("file.link_issued", file_id=str(file_id), ttl_seconds=ttl)
    return DownloadLink(url=url, expires_at=issued + timedelta(seconds=ttl), expires_in=ttl)


async def delete_attachment(db: AsyncSession, actor: Principal, file_id: uuid.UUID) -> None:
    """Soft: the row is marked, the object is purged after the retention period."""
    attachment, _ = await visible_attachment(db, actor, file_id)
    if attachment.added_by != actor.user_id and not actor.has_role(Role.MANAGER, Role.AGENCY_ADMIN):
        raise Forbidden("only the person who added a file, or a manager, may delete it")
    now = utcnow()
    attachment.deleted_at = now
    attachment.deleted_by = actor.user_id
    await db.flush()
    await audit(db, actor, "file.deleted", file_id, client_id=str(attachment.client_id))
    await add_event(
        db,
        AttachmentRemoved(
            agency_id=actor.agency_id,
            attachment=_record(attachment),
            removed_by=actor.user_id,
            removed_at=now,
        ),
    )
    log.info("file.deleted", file_id=str(file_id))
