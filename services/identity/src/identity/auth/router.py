from fastapi import APIRouter, BackgroundTasks, Response

from identity import mailer
from identity.auth import service
from identity.auth.schemas import (
    PasswordChange,
    ResetConfirm,
    ResetRequest,
    ServiceToken,
    SessionCreate,
    SessionOpened,
    SessionRef,
    TotpConfirm,
    TotpEnrolment,
)
from identity.deps import Actor, PasswordsDep, Settings, internal_only
from kit.db import DbSession
from kit.errors import error_response

# Called by the gateway only (X-Internal-Key); left out of the published API docs.
internal = APIRouter(prefix="/internal", dependencies=[internal_only], include_in_schema=False)
router = APIRouter(tags=["auth"])


@internal.post("/sessions", status_code=201, response_model=SessionOpened)
async def open_session(
    body: SessionCreate, db: DbSession, passwords: PasswordsDep, settings: Settings
) -> SessionOpened | Response:
    outcome = await service.open_session(db, body, passwords=passwords, settings=settings)
    if isinstance(outcome, service.Refused):
        # Returned, not raised, so the transaction commits the failure count and audit.
        error = outcome.error
        return error_response(error.status_code, error.code, error.message, headers=error.headers)
    return outcome


@internal.post("/tokens")
async def exchange_token(body: SessionRef, db: DbSession, settings: Settings) -> ServiceToken:
    return await service.exchange_token(db, body.session_id, settings=settings)


@internal.post("/sessions/revoke", status_code=204)
async def revoke_session(body: SessionRef, db: DbSession) -> None:
    await service.revoke_session(db, body.session_id)


@router.post("/password-reset/request", status_code=202)
async def request_reset(
    body: ResetRequest, db: DbSession, settings: Settings, background: BackgroundTasks
) -> None:
    """Always 202: the answer never tells whether the email has an account."""
    mail = await service.request_reset(db, body.email, settings=settings)
    if mail is not None:
        background.add_task(mailer.send_all, settings, [mail])  # after the commit


@router.post("/password-reset/confirm", status_code=204)
async def confirm_reset(body: ResetConfirm, db: DbSession, passwords: PasswordsDep) -> None:
    await service.confirm_reset(db, body, passwords=passwords)


@router.post("/me/password", status_code=204)
async def change_password(
    body: PasswordChange, db: DbSession, actor: Actor, passwords: PasswordsDep
) -> None:
    await service.change_password(db, actor, body, passwords=passwords)


@router.post("/me/mfa/totp")
async def start_totp(db: DbSession, actor: Actor, settings: Settings) -> TotpEnrolment:
    return await service.start_totp(db, actor, settings=settings)


@router.post("/me/mfa/totp/confirm", status_code=204)
async def confirm_totp(body: TotpConfirm, db: DbSession, actor: Actor) -> None:
    await service.confirm_totp(db, actor, body.code)
