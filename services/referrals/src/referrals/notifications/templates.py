"""The reminder emails, in English and French.

A client's reminder is written in the client's official language of preference
(French when the profile says French, English otherwise); staff reminders in English.
Messages carry no more personal data than the reminder needs: a first name for the
greeting, the date, and the note staff wrote for the client.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EN, FR = "en", "fr"

_FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_FR_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def language_for(official_language: str | None) -> str:
    return FR if (official_language or "").strip().lower() in {"french", "français"} else EN


def zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def when(moment: dt.datetime, language: str, tz: dt.tzinfo) -> str:
    local = moment.astimezone(tz)
    if language == FR:
        day = _FR_DAYS[local.weekday()]
        month = _FR_MONTHS[local.month - 1]
        first = "1er" if local.day == 1 else str(local.day)
        return f"le {day} {first} {month} {local.year} à {local.hour} h {local.minute:02d}"
    day, month = _EN_DAYS[local.weekday()], _EN_MONTHS[local.month - 1]
    return f"{day}, {month} {local.day}, {local.year} at {local:%H:%M}"


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    language: str


@dataclass(frozen=True)
class Context:
    kind: str
    language: str
    name: str | None  # greeting name
    when: str
    note: str | None
    # Staff reminders: what the task or referral is (never sent to a client).
    title: str | None = None
    # Referral reminders: where the client was referred.
    partner: str | None = None


_CLIENT: dict[tuple[str, str], tuple[str, str]] = {
    ("appointment", EN): (
        "Reminder: your appointment",
        "This is a reminder of your appointment {when}.",
    ),
    ("appointment", FR): (
        "Rappel : votre rendez-vous",
        "Nous vous rappelons votre rendez-vous {when}.",
    ),
    ("follow_up", EN): (
        "Reminder: your follow-up",
        "This is a reminder that we will follow up with you {when}.",
    ),
    ("follow_up", FR): (
        "Rappel : votre suivi",
        "Nous vous rappelons que nous ferons un suivi avec vous {when}.",
    ),
    ("referral_follow_up", EN): (
        "Reminder: your referral",
        "This is a reminder that we will check with you {when} how your referral{to} went.",
    ),
    ("referral_follow_up", FR): (
        "Rappel : votre aiguillage",
        "Nous vous rappelons que nous ferons le point avec vous {when} sur votre aiguillage{to}.",
    ),
    ("task_due", EN): (
        "Reminder from your settlement agency",
        "This is a reminder of a follow-up planned {when}.",
    ),
    ("task_due", FR): (
        "Rappel de votre organisme d'établissement",
        "Nous vous rappelons un suivi prévu {when}.",
    ),
}
_GREETING = {EN: ("Hello {name},", "Hello,"), FR: ("Bonjour {name},", "Bonjour,")}
_NOTE = {EN: "Note: {note}", FR: "Note : {note}"}
_SIGN = {
    EN: "Your settlement agency\n(This is an automatic message; please do not reply.)",
    FR: "Votre organisme d'établissement\n(Ce message est automatique ; merci de ne pas y"
    " répondre.)",
}
_TO = {EN: " to {partner}", FR: " vers {partner}"}

_STAFF: dict[str, tuple[str, str]] = {
    "task_due": ("Task due: {title}", 'Your task "{title}" is due {when}.'),
    "referral_follow_up": (
        "Referral follow-up: {title}",
        'The referral "{title}"{to} is due for follow-up {when}.',
    ),
    "appointment": ("Appointment: {when_short}", "You have an appointment with a client {when}."),
    "follow_up": ("Client follow-up: {when_short}", "A client follow-up is planned {when}."),
}


def render_client(ctx: Context) -> Rendered:
    subject, line = _CLIENT[(ctx.kind, ctx.language)]
    to = _TO[ctx.language].format(partner=ctx.partner) if ctx.partner else ""
    greeting = _GREETING[ctx.language]
    parts = [
        greeting[0].format(name=ctx.name) if ctx.name else greeting[1],
        "",
        line.format(when=ctx.when, to=to),
    ]
    if ctx.note:
        parts += ["", _NOTE[ctx.language].format(note=ctx.note)]
    parts += ["", _SIGN[ctx.language], ""]
    return Rendered(subject=subject, body="\n".join(parts), language=ctx.language)


def render_staff(ctx: Context) -> Rendered:
    subject, line = _STAFF[ctx.kind]
    to = f" to {ctx.partner}" if ctx.partner else ""
    values = {
        "title": _shorten(ctx.title or "", 80),
        "when": ctx.when,
        "when_short": ctx.when,
        "to": to,
    }
    parts = [
        f"Hello {ctx.name}," if ctx.name else "Hello,",
        "",
        line.format(**values),
    ]
    if ctx.note:
        parts += ["", f"Note: {ctx.note}"]
    parts += ["", "Open OCMS to see it.", ""]
    return Rendered(subject=subject.format(**values), body="\n".join(parts), language=EN)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
