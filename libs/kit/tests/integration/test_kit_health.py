"""Readiness probe of the broker."""

import pytest

from kit.health import BrokerProbe

pytestmark = pytest.mark.integration


async def test_broker_probe_reuses_one_connection(amqp_url: str) -> None:
    probe = BrokerProbe(amqp_url)
    try:
        await probe()
        first = probe._connection
        await probe()
        await probe()
        assert probe._connection is first and first is not None and not first.is_closed
    finally:
        await probe.aclose()
    assert first.is_closed


async def test_broker_probe_fails_when_the_broker_is_unreachable() -> None:
    probe = BrokerProbe("amqp://guest:guest@127.0.0.1:1/")
    with pytest.raises(OSError):
        await probe()
    await probe.aclose()
