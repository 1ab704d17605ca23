"""Outgoing email over SMTP, off the event loop (`smtplib` in a thread).

Every service reads the same settings (`OCMS_SMTP_HOST`, `OCMS_SMTP_PORT`,
`OCMS_SMTP_SENDER`, `OCMS_SMTP_TIMEOUT_SECONDS`, see `kit.settings`): a local SMTP sink
in development and tests, any relay in production. What a mail says, and whether a
failure is retried, is the caller's business; `is_permanent` tells a refusal that will
never succeed (a 5xx answer) from a failure worth retrying (network, 4xx).

A caller that must not send twice gives a `message_id` derived from its own record, so
a receiving system can recognise a repeat of the same message.
"""

import asyncio
import smtplib
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol


class SmtpSettings(Protocol):
    smtp_host: str
    smtp_port: int
    smtp_sender: str
    smtp_timeout_seconds: float


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    # What the mail is about, for logs (never the address).
    kind: str
    # `<...@...>`; None lets the relay make one up.
    message_id: str | None = None
    # Content-Language ("en", "fr"), when known.
    language: str | None = None


def message_id_for(key: uuid.UUID, sender: str) -> str:
    """A stable Message-ID for one record: the same record always yields the same id."""
    domain = sender.rsplit("@", 1)[-1].strip(" >") or "ocms.invalid"
    return f"<{key}@{domain}>"


def build_message(settings: SmtpSettings, mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    if mail.message_id:
        message["Message-ID"] = mail.message_id
    message.set_content(mail.body)
    # After set_content, which replaces every Content-* header.
    if mail.language:
        message["Content-Language"] = mail.language
    return message


def send_sync(settings: SmtpSettings, mail: Mail) -> None:
    """Send one mail; raises `OSError` or `smtplib.SMTPException` on failure."""
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    ) as smtp:
        smtp.send_message(build_message(settings, mail))


async def send(settings: SmtpSettings, mail: Mail) -> None:
    """`send_sync` in a thread, so the event loop keeps serving while SMTP talks."""
    await asyncio.to_thread(send_sync, settings, mail)


def is_permanent(exc: BaseException) -> bool:
    """True for an SMTP refusal that a retry cannot cure (5xx, every recipient refused)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False
