"""The session cookie's lifetime and shape."""

from datetime import UTC, datetime, timedelta

from starlette.responses import Response

from gateway.sessions import clear_session_cookie, cookie_max_age, set_session_cookie
from gateway.settings import GatewaySettings

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def settings(**values: object) -> GatewaySettings:
    return GatewaySettings(**values)  # type: ignore[arg-type]


def test_cookie_lives_as_long_as_the_session_within_the_maximum() -> None:
    s = settings(session_max_age_seconds=12 * 3600)

    in_two_hours = (NOW + timedelta(hours=2)).isoformat()
    in_a_day = (NOW + timedelta(days=1)).isoformat()

    assert cookie_max_age(s, in_two_hours, NOW) == 2 * 3600
    assert cookie_max_age(s, in_a_day, NOW) == 12 * 3600
    assert cookie_max_age(s, "2026-03-01T08:00:00Z", NOW) == 0
    assert cookie_max_age(s, None, NOW) == 12 * 3600
    assert cookie_max_age(s, "not a date", NOW) == 12 * 3600


def test_cookie_attributes() -> None:
    response = Response()
    set_session_cookie(response, settings(), "s" * 43, 600)

    header = response.headers["set-cookie"]
    assert header.startswith(f"ocms_session={'s' * 43};")
    for part in ("HttpOnly", "Max-Age=600", "Path=/", "SameSite=strict", "Secure"):
        assert part in header


def test_insecure_cookie_only_when_configured_and_clearing_expires_it() -> None:
    response = Response()
    clear_session_cookie(response, settings(cookie_secure=False))

    header = response.headers["set-cookie"]
    assert "Secure" not in header
    assert "Max-Age=0" in header
