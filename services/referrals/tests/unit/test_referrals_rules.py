"""Status machines, templates and the mail helpers, without a database."""

import datetime as dt
import itertools
import smtplib
import uuid

import pytest

from kit.errors import Conflict
from kit.mail import Mail, build_message, is_permanent, message_id_for
from referrals.notifications import templates
from referrals.referral.service import TRANSITIONS as REFERRAL
from referrals.settings import ReferralsSettings
from referrals.tasks.service import TRANSITIONS as TASK
from referrals.transitions import check_transition


def test_the_referral_loop() -> None:
    path = ["sent", "accepted", "service_started", "completed"]
    for current, wanted in itertools.pairwise(path):
        check_transition("referral", REFERRAL, current, wanted)
    check_transition("referral", REFERRAL, "sent", "declined")
    check_transition("referral", REFERRAL, "service_started", "closed")
    with pytest.raises(Conflict, match="the referral is declined; it cannot become accepted"):
        check_transition("referral", REFERRAL, "declined", "accepted")
    for terminal in ("completed", "closed"):
        assert REFERRAL[terminal] == frozenset()


def test_a_done_task_only_reopens() -> None:
    check_transition("task", TASK, "done", "open")
    with pytest.raises(Conflict, match="the task is done"):
        check_transition("task", TASK, "done", "in_progress")


def test_dates_in_english_and_french() -> None:
    moment = dt.datetime(2026, 12, 1, 19, 5, tzinfo=dt.UTC)
    toronto = templates.zone("America/Toronto")
    assert templates.when(moment, templates.EN, toronto) == "Tuesday, December 1, 2026 at 14:05"
    assert templates.when(moment, templates.FR, toronto) == "le mardi 1er décembre 2026 à 14 h 05"
    assert templates.zone("Not/AZone") is dt.UTC


def test_language_of_preference() -> None:
    assert templates.language_for("French") == templates.FR
    assert templates.language_for("English") == templates.EN
    assert templates.language_for("Unknown/No preference") == templates.EN
    assert templates.language_for(None) == templates.EN


def test_every_kind_renders_in_both_languages() -> None:
    for kind in ("task_due", "referral_follow_up", "appointment", "follow_up"):
        for language in (templates.EN, templates.FR):
            rendered = templates.render_client(
                templates.Context(
                    kind=kind, language=language, name=None, when="x", note=None, partner="P"
                )
            )
            assert rendered.language == language
            assert rendered.body.startswith("Bonjour," if language == templates.FR else "Hello,")
        staff = templates.render_staff(
            templates.Context(
                kind=kind, language="en", name="Sam", when="x", note="n", title="T" * 300
            )
        )
        assert len(staff.subject) < 120


def test_mail_headers_and_permanence() -> None:
    settings = ReferralsSettings()
    key = uuid.uuid4()
    assert message_id_for(key, settings.smtp_sender) == f"<{key}@ocms.example.org>"
    message = build_message(
        settings,
        Mail(
            to="a@example.org", subject="S", body="B", kind="k", message_id="<x@y>", language="fr"
        ),
    )
    assert (message["Message-ID"], message["Content-Language"]) == ("<x@y>", "fr")
    assert is_permanent(smtplib.SMTPDataError(550, b"no"))
    assert not is_permanent(smtplib.SMTPDataError(451, b"later"))
    assert not is_permanent(ConnectionRefusedError())
