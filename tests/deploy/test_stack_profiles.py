"""scripts/stack.py: the dev and test profiles can run side by side, and every service
gets the settings it needs. (Starting the stack itself is what the e2e tests do.)"""

import json
from collections import Counter

import pytest

from scripts import stack
from scripts.services import SERVICES, by_name

pytestmark = pytest.mark.deploy


def ports(profile: stack.Profile) -> list[int]:
    used = [profile.port(s) for s in SERVICES]
    used += [profile.port(s) + stack.WORKER_METRICS_OFFSET for s in SERVICES if s.has_worker]
    used += [profile.smtp_port, *profile.weed_ports.values()]
    return used


def test_no_port_is_used_twice_across_profiles() -> None:
    every = [p for profile in stack.PROFILES.values() for p in ports(profile)]
    # The infrastructure the profiles share.
    every += [5432, 5672, 6379]
    twice = [port for port, count in Counter(every).items() if count > 1]
    assert not twice


def test_test_ports_are_below_the_ephemeral_range() -> None:
    """Linux hands out outgoing connections' local ports from 32768 up: a service that
    (re)starts on such a port can find it taken (a worker restarted by an e2e test did)."""
    above = {
        name: sorted(p for p in ports(profile) if p >= 32768)
        for name, profile in stack.PROFILES.items()
    }
    assert not any(above.values()), above


def test_registry_is_consistent() -> None:
    names = [s.name for s in SERVICES]
    assert len(set(names)) == len(names)
    assert len({s.port for s in SERVICES}) == len(SERVICES)
    assert names[-1] == "gateway", "the gateway starts last: its /readyz needs upstreams"
    assert names[0] == "identity", "identity starts first: the others fetch its JWKS"
    assert by_name("identity").has_db


@pytest.mark.parametrize("profile_name", sorted(stack.PROFILES))
def test_service_settings(profile_name: str) -> None:
    profile = stack.profile_of(profile_name)
    for svc in SERVICES:
        env = stack.service_env(profile, svc)
        assert env["OCMS_SERVICE_NAME"] == svc.name
        assert env["OCMS_AMQP_URL"].endswith(f"/{profile.vhost}")
        assert env["OCMS_IDENTITY_URL"] == profile.url("identity")
        assert all(key.startswith("OCMS_") for key in env)
        if svc.has_db:
            db = f"{profile.db_prefix}{svc.name}"
            assert env["OCMS_DATABASE_URL"].startswith(f"postgresql+asyncpg://ocms_{svc.name}_app:")
            assert env["OCMS_DATABASE_URL"].endswith(f"/{db}")
            assert f"ocms_{svc.name}_owner:" in env["OCMS_MIGRATION_DATABASE_URL"]
        else:
            assert "OCMS_DATABASE_URL" not in env
        assert ("OCMS_S3_ENDPOINT" in env) == svc.uses_s3
    routes = json.loads(stack.service_env(profile, by_name("gateway"))["OCMS_UPSTREAMS"])
    assert routes == {s.name: profile.url(s) for s in SERVICES if s.name != "gateway"}


def test_a_bootstrap_racing_another_profiles_is_run_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Profiles share the roles: two bootstraps at once can collide on an ALTER ROLE."""
    calls: list[str] = []

    def psql(sql: str, variables: dict[str, str] | None = None, what: str = "") -> None:
        calls.append(what)
        if len(calls) == 1:
            raise stack.StackError(f"{what} failed (exit 3):\nERROR:  tuple concurrently updated")

    monkeypatch.setattr(stack, "psql_superuser", psql)
    stack._bootstrap_database("SELECT 1", {}, "ocms_test_identity")
    assert calls == ["bootstrap database ocms_test_identity"] * 2

    def broken(sql: str, variables: dict[str, str] | None = None, what: str = "") -> None:
        raise stack.StackError(f"{what} failed (exit 3):\nERROR:  permission denied")

    monkeypatch.setattr(stack, "psql_superuser", broken)
    with pytest.raises(stack.StackError, match="permission denied"):
        stack._bootstrap_database("SELECT 1", {}, "ocms_test_identity")
