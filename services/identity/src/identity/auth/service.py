"""Sign-in use cases: sessions and tokens for the gateway, passwords, TOTP.

Sign-in, token exchange and password reset start under `Scope.AUTH` (no agency is
known yet), then narrow the context to the user's agency as soon as it is.
"""

import hashlib
import math
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from identity import mailer, tokens, totp
from identity.auth import repository as repo
from identity.auth.models import LoginSession, PasswordToken
from identity.auth.schemas import (
    PasswordChange,
    ResetConfirm,
    ServiceToken,
    SessionCreate,
    SessionOpened,
    SessionUser,
    TotpEnrolment,
)
from identity.errors import (
    InvalidCredentials,
    InvalidTotp,
    MfaRequired,
    SessionInvalid,
    TooManyAttempts,
)
from identity.keys import service as keys_service
from identity.passwords import Passwords, check_policy
from identity.settings import IdentitySettings
from identity.staff import repository as staff_repo
from identity.staff.models import User
from kit.audit import record_audit
from kit.auth import Principal
from kit.clock import utcnow
from kit.db import Scope, set_context
from kit.errors import DomainError, Invalid
from kit.logs import get_logger

log = get_logger()

INVITATION = "invitation"
RESET = "reset"


def digest(secret: str) -> str:
    """What is stored of a session id or link token: a leaked table opens nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _throttle_key(email: str, client_ip: str) -> str:
    return hashlib.sha256(f"{email}\n{client_ip}".encode()).hexdigest()


@dataclass(frozen=True)
class Refused:
    """A refused sign-in, answered rather than raised: its failure count must commit."""

    error: DomainError


async def _audit_user(db: AsyncSession, action: str, user: User, **detail: str) -> None:
    await record_audit(
        db,
        action=action,
        agency_id=user.agency_id,
        actor_id=user.id,
        entity_type="user",
        entity_id=user.id,
        detail=dict(detail),
    )


# --- sign-in -------------------------------------------------------------------------


async def open_session(
    db: AsyncSession, data: SessionCreate, *, passwords: Passwords, settings: IdentitySettings
) -> SessionOpened | Refused:
    await set_context(db, None, scope=Scope.AUTH)
    now = utcnow()
    email = data.email.strip().lower()
    key = _throttle_key(email, data.client_ip.strip())
    throttle = await repo.throttle(db, key)
    if throttle and throttle.blocked_until and throttle.blocked_until > now:
        # Refused before the password is looked at: a blocked guess teaches nothing.
        wait = math.ceil((throttle.blocked_until - now).total_seconds())
        log.info("auth.login_throttled", retry_after=wait)
        raise TooManyAttempts(wait)

    user = await staff_repo.by_email(db, email)
    # Always one argon2 verification (against a dummy hash for an unknown email), so an
    # unknown account answers as slowly as a wrong password.
    password = data.password.get_secret_value()
    password_ok = await passwords.verify(user.password_hash if user else None, password)
    if user is None or not user.active or not password_ok:
        reason = (
            "unknown_account" if user is None else "inactive" if not user.active else "password"
        )
        return await _refuse(db, InvalidCredentials(), key, user, reason, settings)

    await set_context(db, None, agency_id=user.agency_id, scope=Scope.AUTH)
    if user.mfa_enabled and user.totp_secret:
        if not data.totp_code:
            raise MfaRequired()
        step = totp.matching_step(user.totp_secret, data.totp_code, last_step=user.totp_last_step)
        if step is None or not await staff_repo.claim_totp_step(db, user.id, step):
            return await _refuse(db, InvalidTotp(), key, user, "totp", settings)

    assert user.password_hash is not None  # password_ok
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = await passwords.hash(password)  # cost settings were raised
    await repo.clear_throttle(db, key)
    secret = secrets.token_urlsafe(32)
    session = await repo.add_session(
        db,
        LoginSession(
            id=uuid.uuid4(),
            secret_hash=digest(secret),
            user_id=user.id,
            agency_id=user.agency_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(seconds=settings.session_absolute_seconds),
            client_ip=data.client_ip[:64],
            user_agent=(data.user_agent or "")[:512] or None,
        ),
    )
    await _audit_user(db, "auth.login_succeeded", user, session_id=str(session.id))
    log.info("auth.login_succeeded", user_id=str(user.id), session_id=str(session.id))
    return SessionOpened(
        session_id=secret,
        expires_at=session.expires_at,
        user=SessionUser(
            id=user.id,
            agency_id=user.agency_id,
            email=user.email,
            given_name=user.given_name,
            family_name=user.family_name,
            role=user.role,
            mfa_enabled=user.mfa_enabled,
        ),
    )


async def _refuse(
    db: AsyncSession,
    error: DomainError,
    key: str,
    user: User | None,
    reason: str,
    settings: IdentitySettings,
) -> Refused:
    """Count the failure for (account, IP), delay that pair exponentially, audit it."""
    now = utcnow()
    window_start = now - timedelta(seconds=settings.login_failure_window_seconds)
    failures = await repo.count_failure(db, key, now, window_start)
    over = failures - settings.login_free_failures
    if over >= 0:
        delay = min(settings.login_delay_max_seconds, settings.login_delay_base_seconds * 2**over)
        await repo.block_until(db, key, now + timedelta(seconds=delay))
    # No agency for an unknown email: the entry is kept, readable only by the auth scope.
    await record_audit(
        db,
        action="auth.login_failed",
        agency_id=user.agency_id if user else None,
        actor_id=None,
        entity_type="user",
        entity_id=user.id if user else None,
        detail={"reason": reason, "failures": str(failures)},
    )
    log.info(
        "auth.login_failed",
        reason=reason,
        user_id=str(user.id) if user else None,
        failures=failures,
    )
    return Refused(error)


async def exchange_token(
    db: AsyncSession, session_secret: str, *, settings: IdentitySettings
) -> ServiceToken:
    """A fresh short-lived token for a live session of an active user."""
    await set_context(db, None, scope=Scope.AUTH)
    now = utcnow()
    session = await repo.session_by_secret_hash(db, digest(session_secret))
    if (
        session is None
        or session.revoked_at is not None
        or session.expires_at <= now
        or session.last_seen_at + timedelta(seconds=settings.session_idle_seconds) <= now
    ):
        raise SessionInvalid()
    user = await staff_repo.get_any_agency(db, session.user_id)
    if user is None or not user.active:
        raise SessionInvalid()
    await set_context(db, None, agency_id=user.agency_id, scope=Scope.AUTH)
    if now - session.last_seen_at >= timedelta(seconds=settings.session_touch_seconds):
        session.last_seen_at = now
    principal = Principal(
        user_id=user.id,
        agency_id=user.agency_id,
        role=user.role,
        programs=frozenset(await staff_repo.active_program_ids(db, user.id)),
        manages=frozenset(await staff_repo.managed_ids(db, user.id)),
        session_id=str(session.id),
    )
    key = await keys_service.signing_key(db)
    claims = tokens.service_claims(
        principal.to_claims(),
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        now=now,
        ttl_seconds=settings.token_ttl_seconds,
    )
    token = tokens.sign(claims, kid=key.kid, private_pem=key.private_pem)
    return ServiceToken(token=token, expires_in=settings.token_ttl_seconds)


async def revoke_session(db: AsyncSession, session_secret: str) -> None:
    """Sign out. An unknown or already revoked session is not an error."""
    await set_context(db, None, scope=Scope.AUTH)
    session = await repo.session_by_secret_hash(db, digest(session_secret))
    if session is None or session.revoked_at is not None:
        return
    await set_context(db, None, agency_id=session.agency_id, scope=Scope.AUTH)
    session.revoked_at = utcnow()
    await record_audit(
        db,
        action="auth.logout",
        agency_id=session.agency_id,
        actor_id=session.user_id,
        entity_type="user",
        entity_id=session.user_id,
        detail={"session_id": str(session.id)},
    )
    log.info("auth.logout", user_id=str(session.user_id), session_id=str(session.id))


async def ensure_live(db: AsyncSession, principal: Principal) -> None:
    """Refuse a token whose user was deactivated or whose session ended since it was issued."""
    user = await staff_repo.get(db, principal.agency_id, principal.user_id)
    if user is None or not user.active:
        raise SessionInvalid()
    if principal.session_id is None:
        return
    try:
        session_id = uuid.UUID(principal.session_id)
    except ValueError:
        raise SessionInvalid() from None
    session = await repo.session_by_id(db, session_id)
    if (
        session is None
        or session.user_id != user.id
        or session.revoked_at is not None
        or session.expires_at <= utcnow()
    ):
        raise SessionInvalid()


# --- set-password links ---------------------------------------------------------------


async def issue_password_link(
    db: AsyncSession, user: User, *, purpose: str, settings: IdentitySettings
) -> str:
    """A single-use secret for `{public_url}/reset-password?token=`; only its hash is kept."""
    ttl = (
        settings.invitation_ttl_seconds
        if purpose == INVITATION
        else settings.reset_token_ttl_seconds
    )
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    await repo.add_password_token(
        db,
        PasswordToken(
            secret_hash=digest(secret),
            user_id=user.id,
            agency_id=user.agency_id,
            purpose=purpose,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        ),
    )
    return secret


async def request_reset(
    db: AsyncSession, email: str, *, settings: IdentitySettings
) -> mailer.Mail | None:
    """The mail to send, if any. The caller answers the same whatever this returns."""
    await set_context(db, None, scope=Scope.AUTH)
    user = await staff_repo.by_email(db, email.strip().lower())
    if user is None or not user.active:
        log.info("auth.reset_requested", outcome="no_account")
        return None
    await set_context(db, None, agency_id=user.agency_id, scope=Scope.AUTH)
    if await repo.outstanding_tokens(db, user.id, utcnow()) >= settings.reset_max_outstanding:
        log.info("auth.reset_requested", outcome="too_many_outstanding", user_id=str(user.id))
        return None
    secret = await issue_password_link(db, user, purpose=RESET, settings=settings)
    log.info("auth.reset_requested", outcome="sent", user_id=str(user.id))
    return mailer.reset_mail(settings, user.email, secret)


async def confirm_reset(db: AsyncSession, data: ResetConfirm, *, passwords: Passwords) -> None:
    """Set the password from a reset or invitation link; the link and all sessions end."""
    new_password = data.new_password.get_secret_value()
    check_policy(new_password)
    await set_context(db, None, scope=Scope.AUTH)
    now = utcnow()
    refused = Invalid("token", "is invalid, used or expired", code="invalid_reset_token")
    token = await repo.password_token_by_hash(db, digest(data.token))  # row-locked: single use
    if token is None or token.used_at is not None or token.expires_at <= now:
        raise refused
    await set_context(db, None, agency_id=token.agency_id, scope=Scope.AUTH)
    user = await staff_repo.get(db, token.agency_id, token.user_id)
    if user is None or not user.active:
        raise refused
    user.password_hash = await passwords.hash(new_password)
    user.password_changed_at = now
    await repo.use_tokens_of(db, user.id, now)
    await repo.revoke_sessions_of(db, user.id, now)
    action = "auth.password_set" if token.purpose == INVITATION else "auth.password_reset"
    await _audit_user(db, action, user)
    log.info(action, user_id=str(user.id))


# --- the signed-in user's own credentials -------------------------------------------


async def _me(db: AsyncSession, actor: Principal) -> User:
    user = await staff_repo.get(db, actor.agency_id, actor.user_id)
    if user is None:
        raise SessionInvalid()
    return user


async def change_password(
    db: AsyncSession, actor: Principal, data: PasswordChange, *, passwords: Passwords
) -> None:
    user = await _me(db, actor)
    if not await passwords.verify(user.password_hash, data.current_password.get_secret_value()):
        raise Invalid("current_password", "is not correct", code="invalid_current_password")
    new_password = data.new_password.get_secret_value()
    check_policy(new_password)
    now = utcnow()
    user.password_hash = await passwords.hash(new_password)
    user.password_changed_at = now
    # Every other session ends (a thief's included); this one stays signed in.
    keep = uuid.UUID(actor.session_id) if actor.session_id else None
    await repo.revoke_sessions_of(db, user.id, now, keep=keep)
    await repo.use_tokens_of(db, user.id, now)
    await _audit_user(db, "auth.password_changed", user)
    log.info("auth.password_changed", user_id=str(user.id))


async def start_totp(
    db: AsyncSession, actor: Principal, *, settings: IdentitySettings
) -> TotpEnrolment:
    """A new secret, pending until a code from it is confirmed; the current one still counts."""
    user = await _me(db, actor)
    secret = totp.new_secret()
    user.totp_pending_secret = secret
    await staff_repo.save(db)
    uri = totp.provisioning_uri(secret, account=user.email, issuer=settings.totp_issuer)
    return TotpEnrolment(secret=secret, otpauth_uri=uri)


async def confirm_totp(db: AsyncSession, actor: Principal, code: str) -> None:
    user = await _me(db, actor)
    if not user.totp_pending_secret:
        raise Invalid("code", "start the enrolment first", code="totp_not_started")
    # Replay protection starts over with the new secret; its confirming code is spent.
    step = totp.matching_step(user.totp_pending_secret, code, last_step=None)
    if step is None:
        raise Invalid("code", "is not correct", code="invalid_totp")
    user.totp_secret = user.totp_pending_secret
    user.totp_pending_secret = None
    user.totp_last_step = step
    user.mfa_enabled = True
    await staff_repo.save(db)
    await _audit_user(db, "auth.mfa_enrolled", user)
    log.info("auth.mfa_enrolled", user_id=str(user.id))


# --- housekeeping (the worker) -------------------------------------------------------


async def purge_expired(db: AsyncSession, *, settings: IdentitySettings) -> dict[str, int]:
    """Delete sessions ended over a day ago, spent or expired links, stale throttles."""
    await set_context(db, None, scope=Scope.AUTH)
    now = utcnow()
    day = timedelta(days=1)
    counts = await repo.purge(
        db,
        now=now,
        sessions_before=now - day,
        idle_before=now - timedelta(seconds=settings.session_idle_seconds) - day,
        throttles_before=now - timedelta(seconds=settings.login_failure_window_seconds),
    )
    log.info("auth.purged", **counts)
    return counts
