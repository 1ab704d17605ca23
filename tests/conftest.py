"""Fixtures of the cross-service tests: the running stack they talk to.

`stack` (session-scoped) is the whole system, started once per run:
  * by default as local processes, the `test` profile of scripts/stack.py: fresh
    ocms_test_* databases and ocms_test vhost, migrations, every API and worker on ports
    18000+, SeaweedFS, an SMTP sink (port 11025, maildir var/test/mail), the demo seed;
  * with OCMS_E2E_DOCKER=1 and a Docker engine answering `docker info`, as the
    containers of docker-compose.yml through pytest-docker (same tests, dev ports).
Tests that never ask for `stack` (unit, deploy) start nothing.
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scripts import stack as process_stack
from scripts.services import SERVICES
from tests.e2e.demo import AGENCY_ADMIN, CASEWORKER_EMPLOYMENT, CASEWORKER_SETTLEMENT, MANAGER
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import signed_in

ROOT = Path(__file__).resolve().parent.parent

# Host ports docker-compose.yml publishes PostgreSQL/RabbitMQ/Redis on: off the standard
# ones, so the compose stack can run beside this machine's own servers.
COMPOSE_PORTS = {"postgres": 15432, "rabbitmq": 15673, "redis": 16379}


def docker_engine_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def use_docker() -> bool:
    return os.environ.get("OCMS_E2E_DOCKER") == "1" and docker_engine_available()


# pytest-docker's fixtures, pointed at the repository's compose file. They only run when
# `docker_services` is requested, which happens only in use_docker() mode.
@pytest.fixture(scope="session")
def docker_compose_file() -> str:
    return str(ROOT / "docker-compose.yml")


@pytest.fixture(scope="session")
def docker_compose_project_name() -> str:
    return "ocms-e2e"


@pytest.fixture(scope="session")
def docker_setup() -> list[str]:
    # Not `--wait`: older Compose versions count the exited migration one-shots as
    # failures. Readiness is awaited below through the gateway's /readyz instead.
    return ["up --build -d"]


def test_profile() -> str:
    """`test` unless OCMS_TEST_PROFILE picks a parallel slot (test1..test6)."""
    return os.environ.get("OCMS_TEST_PROFILE", "test")


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest) -> Iterator[process_stack.StackInfo]:
    if use_docker():
        yield _docker_stack(request)
        return
    profile = test_profile()
    try:
        info = process_stack.up(profile, fresh=True, seed_data=True)
    except process_stack.StackError as exc:
        process_stack.down(profile)
        pytest.fail(f"the test stack did not start:\n{exc}", pytrace=False)
    try:
        yield info
    finally:
        process_stack.down(profile)


def _docker_stack(request: pytest.FixtureRequest) -> process_stack.StackInfo:
    """The compose stack (pytest-docker runs `up --build --wait`, and `down -v` at the end)."""
    services = request.getfixturevalue("docker_services")
    profile = process_stack.profile_of("dev")  # compose publishes the dev ports
    gateway = profile.url("gateway")

    def ready() -> bool:
        try:
            return httpx.get(f"{gateway}/readyz", timeout=3).status_code == 200
        except httpx.HTTPError:
            return False

    services.wait_until_responsive(check=ready, timeout=300.0, pause=2.0)
    seed_output = services.execute("run --rm identity-seed").decode(errors="replace")
    # Emails: Mailpit's web UI and API on http://127.0.0.1:8025 (not the maildir).
    info = process_stack.info(profile, seed_output)
    pg, amqp, redis = (COMPOSE_PORTS[k] for k in ("postgres", "rabbitmq", "redis"))
    info.db_urls = {
        s.name: {
            kind: process_stack.db_url(profile, s, kind).replace(":5432/", f":{pg}/")
            for kind in ("app", "owner")
        }
        for s in SERVICES
        if s.has_db
    }
    info.amqp_url = f"amqp://guest:guest@127.0.0.1:{amqp}/{profile.vhost}"
    info.redis_url = f"redis://127.0.0.1:{redis}/0"
    return info


# --- the demo staff, signed in once per test module through the gateway ---------------


def _session(stack: process_stack.StackInfo, email: str) -> Iterator[GatewayClient]:
    client = signed_in(stack, email)
    yield client
    client.close()


@pytest.fixture(scope="module")
def amal(stack: process_stack.StackInfo) -> Iterator[GatewayClient]:
    """Caseworker, Settlement Services."""
    yield from _session(stack, CASEWORKER_SETTLEMENT)


@pytest.fixture(scope="module")
def bao(stack: process_stack.StackInfo) -> Iterator[GatewayClient]:
    """Caseworker, Employment Services."""
    yield from _session(stack, CASEWORKER_EMPLOYMENT)


@pytest.fixture(scope="module")
def manager(stack: process_stack.StackInfo) -> Iterator[GatewayClient]:
    """Manager of both programs; amal and bao report to them."""
    yield from _session(stack, MANAGER)


@pytest.fixture(scope="module")
def admin(stack: process_stack.StackInfo) -> Iterator[GatewayClient]:
    """The demo agency's admin."""
    yield from _session(stack, AGENCY_ADMIN)
