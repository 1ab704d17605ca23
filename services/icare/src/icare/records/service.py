"""The readiness report: every record of a month that iCARE would reject, and why."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from icare.copies import repository as copies
from icare.copies.models import AgreementCopy
from icare.exports import repository as ledger
from icare.records import mapping
from icare.records.building import BuiltRecord
from icare.records.collect import Period, period_records
from icare.records.schemas import (
    CheckIn,
    CheckOut,
    ProblemOut,
    ReadinessReport,
    RecordReadiness,
    TemplateCounts,
)
from kit.audit import record_audit
from kit.auth import Principal, Role
from kit.clock import today
from kit.errors import Invalid, NotFound
from kit.logs import get_logger
from reference.icare import UnknownTemplateError, catalog
from reference.icare.checks import Problem, check_record, errors

log = get_logger()


async def agreement_or_404(
    db: AsyncSession, agency_id: uuid.UUID, agreement_id: uuid.UUID
) -> AgreementCopy:
    found = await copies.agreement(db, agency_id, agreement_id)
    if found is None:
        raise NotFound("no such funding agreement")
    return found


async def _mark_rejected(
    db: AsyncSession, agency_id: uuid.UUID, records: list[BuiltRecord]
) -> None:
    """A record iCARE rejected and nobody changed since: iCARE's message is its problem."""
    previous = await ledger.previous(db, agency_id, [(r.template, r.record_id) for r in records])
    for record in records:
        prev = previous.get((record.template, record.record_id))
        if (
            prev is not None
            and prev.status == "rejected"
            and prev.content_hash == record.content_hash
        ):
            record.problems.append(
                Problem(
                    None,
                    None,
                    "rejected_by_icare",
                    f"iCARE rejected it: {prev.message or 'no reason given'}",
                )
            )


def _sees(actor: Principal, record: BuiltRecord) -> bool:
    """Caseworkers see the problems of the records they entered; managers and admins
    the agency's, except a private form's: its author, the author's manager and the
    agency's admins (who answer for the upload) only."""
    if record.worker_id == actor.user_id or actor.role == Role.AGENCY_ADMIN:
        return True
    if actor.role != Role.MANAGER:
        return False
    return not record.private or record.worker_id in actor.manages


def report(
    records: list[BuiltRecord], names: dict[uuid.UUID, str], agreement_id: uuid.UUID, period: str
) -> ReadinessReport:
    counts: dict[str, TemplateCounts] = {
        t.name: TemplateCounts(
            template=t.name, title=t.title, records=0, ready=0, defective=0, with_warnings=0
        )
        for t in catalog.templates()
    }
    listed: list[RecordReadiness] = []
    for record in records:
        c = counts[record.template]
        c.records += 1
        ready = not errors(record.problems)
        c.ready += ready
        c.defective += not ready
        c.with_warnings += bool(record.problems) and ready
        if record.problems:
            listed.append(
                RecordReadiness(
                    template=record.template,
                    template_title=mapping.template(record.template).title,
                    record_kind=record.kind,
                    record_id=record.record_id,
                    client_id=record.client_id,
                    session_id=record.session_id,
                    service_date=record.service_date,
                    worker_id=record.worker_id,
                    worker_name=names.get(record.worker_id) if record.worker_id else None,
                    ready=ready,
                    problems=[ProblemOut(**p.as_dict()) for p in record.problems],
                )
            )
    listed.sort(key=lambda r: r.ready)  # stable: upload order within each group
    return ReadinessReport(
        funding_agreement_id=agreement_id,
        period=period,
        templates=list(counts.values()),
        records=listed,
    )


async def readiness(
    db: AsyncSession, actor: Principal, agreement_id: uuid.UUID, period_text: str
) -> ReadinessReport:
    period = Period.parse(period_text)
    agreement = await agreement_or_404(db, actor.agency_id, agreement_id)
    records = [
        r
        for r in await period_records(db, actor.agency_id, agreement, period, today=today())
        if _sees(actor, r)
    ]
    await _mark_rejected(db, actor.agency_id, records)
    staff = await copies.staff_by_id(
        db, actor.agency_id, {r.worker_id for r in records if r.worker_id is not None}
    )
    names = {i: f"{s.given_name} {s.family_name}" for i, s in staff.items()}
    result = report(records, names, agreement.id, period.text)
    await record_audit(
        db,
        action="icare.readiness.viewed",
        agency_id=actor.agency_id,
        actor_id=actor.user_id,
        entity_type="icare_readiness",
        entity_id=f"{agreement.id}:{period.text}",
        detail={
            "records": len(records),
            "defective": sum(c.defective for c in result.templates),
        },
    )
    log.info("icare.readiness_checked", records=len(records), period=period.text)
    return result


def check(data: CheckIn) -> CheckOut:
    """The readiness check of one row, for whoever holds one (a form being saved)."""
    try:
        template = catalog.template(data.template)
    except UnknownTemplateError:
        raise Invalid("template", "is not an iCARE template", code="unknown_template") from None
    unknown = sorted(k for k in data.cells if not template.has_field(k))
    if unknown:
        raise Invalid("cells", f"{template.name} has no fields {unknown}", code="unknown_field")
    problems = check_record(template, data.cells, today=today())
    return CheckOut(
        template=template.name,
        ready=not errors(problems),
        problems=[ProblemOut(**p.as_dict()) for p in problems],
    )
