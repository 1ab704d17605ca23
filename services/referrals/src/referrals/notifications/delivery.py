"""The reminder scheduler: a worker job that sends due notifications by email.

One run (every `notification_tick_seconds`):
1. claim: in one transaction under the platform scope (every agency), move due rows to `sending`
   (`FOR UPDATE SKIP LOCKED`) and commit. From here no other run touches them until
   the claim goes stale;
2. per claimed row, under its agency: decide whether it may go (the client has an
   email and consented, the task is still open...) and render it; a row that must not
   go is recorded `not_sent` with the reason, and nothing is sent;
3. send over SMTP (in a thread) with a Message-ID derived from the notification id;
4. record the outcome: `sent` with the time; a failure worth retrying goes back to
   `pending` with an exponential delay; a permanent refusal or the last attempt is
   `failed` with the reason.

Delivery guarantee: the row is marked `sent` only after the SMTP server accepted the
message, and a claimed row is never picked again until its claim is older than
`notification_sending_timeout_seconds`. A worker stopped normally (SIGTERM) finishes
the run in hand first, so a restart never resends. Only a worker killed in the
instant between the server's acceptance and the `sent` commit leaves a stale claim
that is sent again (at-least-once in that one window, rather than silently losing a
reminder); the repeat carries the same Message-ID, so mail systems that deduplicate
by it show it once.
"""

import datetime as dt
import smtplib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from kit import mail as kit_mail
from kit.audit import record_audit
from kit.clock import utcnow
from kit.db import Database, Scope
from kit.logs import get_logger
from kit.mail import Mail
from referrals.copies import repository as copies
from referrals.notifications import repository as repo
from referrals.notifications import templates
from referrals.notifications.models import Notification
from referrals.referral import repository as referrals
from referrals.settings import ReferralsSettings
from referrals.tasks import repository as tasks

log = get_logger()

Sender = Callable[[ReferralsSettings, Mail], Awaitable[None]]


async def smtp_send(settings: ReferralsSettings, mail: Mail) -> None:
    await kit_mail.send(settings, mail)


@dataclass(frozen=True)
class Decision:
    mail: Mail | None = None
    # not_sent reason, or a wait (back to pending) when `retry_at` is set.
    reason: str | None = None
    retry_at: dt.datetime | None = None


async def deliver_due(
    database: Database, settings: ReferralsSettings, *, send: Sender = smtp_send
) -> int:
    """One scheduler run; returns how many notifications it sent."""
    now = utcnow()
    # Every agency's due rows: the `notifications` policy admits the platform scope.
    async with database.transaction(scope=Scope.PLATFORM) as db:
        claimed = await repo.claim_due(
            db,
            now=now,
            stale_before=now - dt.timedelta(seconds=settings.notification_sending_timeout_seconds),
            limit=settings.notification_batch_size,
        )
    sent = 0
    for notification_id, agency_id in claimed:
        if await deliver_one(database, settings, notification_id, agency_id, send=send):
            sent += 1
    if claimed:
        log.info("notifications.delivered", claimed=len(claimed), sent=sent)
    return sent


async def deliver_one(
    database: Database,
    settings: ReferralsSettings,
    notification_id: uuid.UUID,
    agency_id: uuid.UUID,
    *,
    send: Sender,
) -> bool:
    async with database.transaction(agency_id=agency_id) as db:
        notification = await repo.claimed(db, notification_id)
        if notification is None:  # not ours any more
            return False
        if notification.attempts > settings.notification_max_attempts:
            await repo.set_state(
                db,
                notification.id,
                state="failed",
                reason="attempts_exhausted",
                updated_at=utcnow(),
            )
            log.warning("notification.failed", notification_id=str(notification_id))
            return False
        decision = await _decide(db, settings, notification)
        if decision.retry_at is not None:
            await repo.set_state(
                db,
                notification.id,
                state="pending",
                reason=decision.reason,
                next_attempt_at=decision.retry_at,
                attempts=notification.attempts - 1,  # waiting is not an attempt
                updated_at=utcnow(),
            )
            return False
        if decision.mail is None:
            await repo.set_state(
                db, notification.id, state="not_sent", reason=decision.reason, updated_at=utcnow()
            )
            log.info(
                "notification.not_sent",
                notification_id=str(notification_id),
                reason=decision.reason,
            )
            return False
        await repo.set_state(
            db,
            notification.id,
            language=decision.mail.language,
            subject=decision.mail.subject[:300],
        )
        attempts = notification.attempts
    try:
        await send(settings, decision.mail)
    except (OSError, smtplib.SMTPException) as exc:
        await _failed(database, settings, notification_id, agency_id, attempts, exc)
        return False
    async with database.transaction(agency_id=agency_id) as db:
        done = utcnow()
        await repo.set_state(
            db,
            notification_id,
            state="sent",
            sent_at=done,
            reason=None,
            last_error=None,
            updated_at=done,
        )
        # The client's (or staff member's) email was used: the trail says so.
        await record_audit(
            db,
            action="notification.sent",
            agency_id=agency_id,
            actor_id=None,
            entity_type="notification",
            entity_id=notification_id,
            detail={"kind": decision.mail.kind},
        )
    log.info("notification.sent", notification_id=str(notification_id), kind=decision.mail.kind)
    return True


async def _failed(
    database: Database,
    settings: ReferralsSettings,
    notification_id: uuid.UUID,
    agency_id: uuid.UUID,
    attempts: int,
    exc: BaseException,
) -> None:
    permanent = kit_mail.is_permanent(exc)
    last = attempts >= settings.notification_max_attempts
    error = type(exc).__name__
    if isinstance(exc, smtplib.SMTPResponseException):
        error = f"{error} {exc.smtp_code}"
    now = utcnow()
    async with database.transaction(agency_id=agency_id) as db:
        if permanent or last:
            await repo.set_state(
                db,
                notification_id,
                state="failed",
                reason="smtp_refused" if permanent else "attempts_exhausted",
                last_error=error[:200],
                updated_at=now,
            )
        else:
            delay = min(
                settings.notification_retry_max_seconds,
                settings.notification_retry_base_seconds * 2 ** (attempts - 1),
            )
            await repo.set_state(
                db,
                notification_id,
                state="pending",
                reason="retrying",
                last_error=error[:200],
                next_attempt_at=now + dt.timedelta(seconds=delay),
                updated_at=now,
            )
    log.warning(
        "notification.send_failed",
        notification_id=str(notification_id),
        error_type=type(exc).__name__,
        attempt=attempts,
        permanent=permanent,
    )


async def _decide(db: AsyncSession, settings: ReferralsSettings, n: Notification) -> Decision:
    tz = templates.zone(settings.notification_time_zone)
    title: str | None = None
    partner: str | None = None
    if n.task_id is not None:
        task = await tasks.get(db, n.task_id)
        if task is not None:
            if n.kind == "task_due" and task.status in ("done", "cancelled"):
                return Decision(reason="task_closed")
            title = task.title
    if n.referral_id is not None:
        referral = await referrals.get(db, n.referral_id)
        if referral is not None:
            if n.kind == "referral_follow_up" and referral.status in referrals.TERMINAL:
                return Decision(reason="referral_closed")
            title = referral.need
            partner = referral.partner_name
    if n.recipient == "staff":
        assert n.staff_id is not None
        member = await copies.staff(db, n.agency_id, n.staff_id)
        if member is None:
            return Decision(reason="staff_unknown")
        if not member.active:
            return Decision(reason="staff_inactive")
        if not member.email:
            return Decision(reason="staff_no_email")
        rendered = templates.render_staff(
            templates.Context(
                kind=n.kind,
                language=templates.EN,
                name=member.given_name,
                when=templates.when(n.event_at, templates.EN, tz),
                note=n.note,
                title=title,
                partner=partner,
            )
        )
        return Decision(mail=_mail(n, member.email, rendered))
    assert n.client_id is not None
    client = await copies.client(db, n.agency_id, n.client_id)
    if client is None:
        grace = dt.timedelta(seconds=settings.notification_unknown_client_grace_seconds)
        if utcnow() < n.send_at + grace:
            return Decision(
                reason="waiting_for_client_profile",
                retry_at=utcnow() + dt.timedelta(seconds=settings.notification_tick_seconds * 6),
            )
        return Decision(reason="client_unknown")
    if client.kind == "anonymous":
        return Decision(reason="anonymous_client")
    if client.restricted or client.consent_status != "given":
        return Decision(reason="no_consent")
    if not client.email:
        return Decision(reason="no_email")
    language = templates.language_for(client.official_language)
    rendered = templates.render_client(
        templates.Context(
            kind=n.kind,
            language=language,
            name=client.preferred_name or client.given_name,
            when=templates.when(n.event_at, language, tz),
            note=n.note,
            partner=partner,
        )
    )
    return Decision(mail=_mail(n, client.email, rendered))


def _mail(n: Notification, to: str, rendered: templates.Rendered) -> Mail:
    return Mail(
        to=to,
        subject=rendered.subject,
        body=rendered.body,
        kind=f"reminder.{n.kind}",
        message_id=n.message_id,
        language=rendered.language,
    )


def scheduler_job(settings: ReferralsSettings) -> Callable[[Database], Awaitable[None]]:
    """The worker's periodic job (`kit.worker.run_worker(periodic=...)`)."""

    async def run(database: Database) -> None:
        await deliver_due(database, settings)

    return run
