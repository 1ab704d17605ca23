"""The demo staff, signed in once per test module through the gateway."""

from collections.abc import Iterator

import pytest

from scripts.stack import StackInfo
from tests.e2e.demo import AGENCY_ADMIN, CASEWORKER_EMPLOYMENT, CASEWORKER_SETTLEMENT, MANAGER
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import signed_in


def _session(stack: StackInfo, email: str) -> Iterator[GatewayClient]:
    client = signed_in(stack, email)
    yield client
    client.close()


@pytest.fixture(scope="module")
def amal(stack: StackInfo) -> Iterator[GatewayClient]:
    """Caseworker, Settlement Services."""
    yield from _session(stack, CASEWORKER_SETTLEMENT)


@pytest.fixture(scope="module")
def bao(stack: StackInfo) -> Iterator[GatewayClient]:
    """Caseworker, Employment Services."""
    yield from _session(stack, CASEWORKER_EMPLOYMENT)


@pytest.fixture(scope="module")
def manager(stack: StackInfo) -> Iterator[GatewayClient]:
    """Manager of both programs; amal and bao report to them."""
    yield from _session(stack, MANAGER)


@pytest.fixture(scope="module")
def admin(stack: StackInfo) -> Iterator[GatewayClient]:
    """The demo agency's admin."""
    yield from _session(stack, AGENCY_ADMIN)
