import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from icare.deps import Staff
from icare.records import service
from icare.records.schemas import CheckIn, CheckOut, ReadinessReport
from kit.db import DbSession

router = APIRouter(tags=["readiness"])


@router.get("/readiness")
async def readiness(
    db: DbSession,
    actor: Staff,
    funding_agreement_id: uuid.UUID,
    period: Annotated[str, Query(min_length=7, max_length=7, description="YYYY-MM")],
) -> ReadinessReport:
    """What iCARE would reject in the month's records, per record and per template."""
    return await service.readiness(db, actor, funding_agreement_id, period)


@router.post("/checks")
async def check(body: CheckIn, _: Staff) -> CheckOut:
    """The readiness check of one row (field id -> cell text, exact labels, YYYY-MM-DD):
    what iCARE would reject, and what its conditional rules expect (warnings)."""
    return service.check(body)
