"""Outgoing email over SMTP, off the event loop.

Use cases return the `Mail` they want sent; the router hands it to FastAPI's
background tasks, which run after the response, hence after the transaction
committed. A link is therefore never mailed for a change that was rolled back, and
the secret it carries lives only in memory (a lost email is cured by asking again).
"""

import smtplib
from collections.abc import Sequence
from urllib.parse import urlencode

from identity.settings import IdentitySettings
from kit import mail as kit_mail
from kit.logs import get_logger
from kit.mail import Mail

log = get_logger()

__all__ = ["Mail", "invitation_mail", "link", "reset_mail", "send_all"]


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


async def send_all(settings: IdentitySettings, mails: Sequence[Mail]) -> None:
    for mail in mails:
        try:
            await kit_mail.send(settings, mail)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("mail.send_failed", kind=mail.kind, error_type=type(exc).__name__)
        else:
            log.info("mail.sent", kind=mail.kind)
