"""Staff are told when a scheduled export's files are ready: icare's worker consumes its
own `icare.export.completed.v1` and emails the agency's administrators (kit.mail).

Consumed like any event (inbox first, in the event's agency): a redelivered event is
not mailed again. A failure to send rolls the inbox row back and the event is retried
with backoff; should a commit fail after a send, the retry sends a message with the
same Message-ID (one per export and recipient), which mail systems recognise.
Manual exports are not mailed: whoever asked for one has it in hand.
"""

import smtplib
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.icare import ExportCompleted
from icare.copies import repository as copies
from icare.settings import IcareSettings
from kit import mail
from kit.logs import get_logger
from kit.messaging.consumer import Subscription

log = get_logger()


def ready_mail(settings: IcareSettings, event: ExportCompleted, to: str, code: str) -> mail.Mail:
    if event.record_count:
        files = "\n".join(f"  {f.name} ({f.rows} records)" for f in event.files)
        what = (
            f"{event.record_count} records ({event.update_count} updates) are ready to upload "
            f"to iCARE, in this order:\n{files}\n"
        )
    else:
        what = "Nothing new to upload to iCARE: every record of the month was sent before.\n"
    held = (
        f"\n{event.held_back_count} records were held back because iCARE would reject them; "
        "the readiness report names them and who should fix them.\n"
        if event.held_back_count
        else ""
    )
    body = (
        f"The monthly iCARE export of {code} for {event.period} has run.\n\n{what}{held}\n"
        f"Download it in OCMS: {settings.public_url.rstrip('/')}/icare/exports/{event.export_id}\n"
    )
    return mail.Mail(
        to=to,
        subject=f"iCARE export {event.period} ready",
        body=body,
        kind="icare_export_ready",
        # One per export and recipient, the same on every retry.
        message_id=mail.message_id_for(uuid.uuid5(event.export_id, to), settings.smtp_sender),
    )


def subscription(settings: IcareSettings) -> Subscription[ExportCompleted]:
    async def on_export_completed(db: AsyncSession, event: ExportCompleted) -> None:
        if event.trigger != "scheduled":
            return
        agency = await copies.agency(db, event.agency_id)
        code = agency.code if agency else "your agency"
        for admin in await copies.admins(db, event.agency_id):
            try:
                await mail.send(settings, ready_mail(settings, event, admin.email, code))
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("icare.export_mail_failed", error_type=type(exc).__name__)
                if not mail.is_permanent(exc):
                    raise  # retried with backoff
            else:
                log.info("icare.export_mailed", export_id=str(event.export_id))

    return Subscription(ExportCompleted, on_export_completed)
