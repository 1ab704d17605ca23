"""`EntityAudit`: an entry of one kind of record, written as the acting principal."""

import uuid

from sqlalchemy import text

from kit.audit import EntityAudit
from kit.auth import Principal, Role
from kit.db import Database


async def test_an_entry_names_the_principal_its_agency_and_the_record(database: Database) -> None:
    agency = uuid.uuid4()
    actor = Principal(user_id=uuid.uuid4(), agency_id=agency, role=Role.CASEWORKER)
    entity = uuid.uuid4()
    audit = EntityAudit("client")
    async with database.transaction(agency_id=agency) as db:
        await audit(db, actor, "client.viewed", entity, reason="follow-up call", fields=["phone"])
        await audit(db, actor, "client.listed", None)
    async with database.transaction(agency_id=agency) as db:
        rows = (
            await db.execute(
                text(
                    "SELECT agency_id, actor_id, action, entity_type, entity_id, reason, detail"
                    " FROM audit_log WHERE agency_id = :a ORDER BY action DESC"
                ),
                {"a": agency},
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        (agency, actor.user_id, "client.viewed", "client", str(entity), "follow-up call",
         {"fields": ["phone"]}),
        (agency, actor.user_id, "client.listed", "client", None, None, {}),
    ]  # fmt: skip
