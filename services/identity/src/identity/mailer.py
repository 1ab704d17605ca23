"""Outgoing email over SMTP, off the event loop.

Use cases return the `Mail` they want sent; the router hands it to FastAPI's
background tasks, which run after the response, hence after the transaction
committed. A link is therefore never mailed for a change that was rolled back, and
the secret it carries lives only in memory (a lost email is cured by asking again).
"""

import asyncio
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlencode

from identity.settings import IdentitySettings
from kit.logs import get_logger

log = get_logger()


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    # What the mail is about, for logs (never the address).
    kind: str


def link(settings: IdentitySettings, path: str, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/{path}?{urlencode({'token': token})}"


def reset_mail(settings: IdentitySettings, to: str, token: str) -> Mail:
    minutes = settings.reset_token_ttl_seconds // 60
    body = (
        "Someone asked to reset the password of your OCMS account.\n\n"
        f"Choose a new password here (the link works once, for {minutes} minutes):\n"
        f"{link(settings, 'reset-password', token)}\n\n"
        "If you did not ask for this, ignore this email; your password stays as it is.\n"
    )
    return Mail(to=to, subject="Reset your OCMS password", body=body, kind="password_reset")


def invitation_mail(settings: IdentitySettings, to: str, token: str) -> Mail:
    hours = settings.invitation_ttl_seconds // 3600
    body = (
        "An OCMS account was created for you.\n\n"
        f"Choose your password here (the link works once, for {hours} hours):\n"
        f"{link(settings, 'reset-password', token)}\n"
    )
    return Mail(to=to, subject="Your OCMS account", body=body, kind="invitation")


def _send_sync(settings: IdentitySettings, mail: Mail) -> None:
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    ) as smtp:
        smtp.send_message(message)


async def send_all(settings: IdentitySettings, mails: Sequence[Mail]) -> None:
    for mail in mails:
        try:
            await asyncio.to_thread(_send_sync, settings, mail)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("mail.send_failed", kind=mail.kind, error_type=type(exc).__name__)
        else:
            log.info("mail.sent", kind=mail.kind)
