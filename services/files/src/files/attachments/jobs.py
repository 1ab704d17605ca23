"""The worker's periodic jobs: purge deleted files' objects, sweep orphaned objects.

Both work one agency at a time, in a transaction carrying that agency (row-level
security applies as to a request); the agencies are those with objects in the store
(`files/<agency id>/...`).

- purge: a file deleted longer ago than the retention period loses its metadata row
  (committed first) and then its object. If the object removal fails, the object has
  no metadata any more and the sweeper removes it later.
- sweep: an object without a metadata row (a crash between the put and the commit),
  older than the grace period, is removed. Younger ones may be uploads in progress.
"""

from datetime import timedelta

from files.attachments import repository as repo
from files.settings import FilesSettings
from files.storage import ObjectStore, StorageUnavailable, agency_prefix
from kit.audit import record_audit
from kit.clock import utcnow
from kit.db import Database
from kit.logs import get_logger

log = get_logger()

PURGE_BATCH = 500


async def purge_deleted(database: Database, store: ObjectStore, settings: FilesSettings) -> int:
    before = utcnow() - timedelta(days=settings.files_retention_days)
    purged = 0
    for agency_id in await store.agencies():
        while True:
            async with database.transaction(agency_id=agency_id) as db:
                rows = await repo.expired(db, agency_id, before, PURGE_BATCH)
                keys = [r.object_key for r in rows]
                await repo.remove_rows(db, [r.id for r in rows])
                for row in rows:
                    await record_audit(
                        db,
                        action="file.purged",
                        agency_id=agency_id,
                        actor_id=None,
                        entity_type="file",
                        entity_id=row.id,
                        detail={"client_id": str(row.client_id)},
                    )
            for key in keys:
                try:
                    await store.remove(key)
                except StorageUnavailable:
                    log.warning("file.purge_object_failed")  # the sweeper retries
            purged += len(keys)
            if len(keys) < PURGE_BATCH:
                break
    log.info("files.purged", count=purged)
    return purged


async def sweep_orphans(database: Database, store: ObjectStore, settings: FilesSettings) -> int:
    cutoff = utcnow() - timedelta(minutes=settings.files_orphan_grace_minutes)
    swept = 0
    for agency_id in await store.agencies():
        objects = [
            o
            for o in await store.objects(agency_prefix(agency_id))
            if o.last_modified is not None and o.last_modified < cutoff
        ]
        for start in range(0, len(objects), 1000):
            batch = [o.key for o in objects[start : start + 1000]]
            async with database.transaction(agency_id=agency_id) as db:
                known = await repo.known_keys(db, agency_id, batch)
            for key in batch:
                if key not in known:
                    await store.remove(key)
                    swept += 1
    log.info("files.swept", count=swept)
    return swept
