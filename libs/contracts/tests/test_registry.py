"""The registry finds every event of every contracts module, including new ones."""

import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import contracts
from contracts.base import IntegrationEvent
from contracts.registry import ALL_EVENTS, BY_ROUTING_KEY, discover


@pytest.fixture
def new_contracts_package(tmp_path: Path) -> Iterator[ModuleType]:
    """A package laid out like `contracts`, with a producer module nobody listed."""
    package = tmp_path / "fake_contracts"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "billing.py").write_text(
        textwrap.dedent(
            """
            from typing import ClassVar

            from contracts.base import IntegrationEvent


            class _InvoiceState(IntegrationEvent):  # a shared base, not an event
                amount: int


            class InvoiceIssued(_InvoiceState):
                routing_key: ClassVar[str] = "billing.invoice.issued.v1"
            """
        )
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("fake_contracts")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.startswith("fake_contracts")]:
            del sys.modules[name]


def test_a_new_module_is_discovered_without_being_listed(
    new_contracts_package: ModuleType,
) -> None:
    found = discover(new_contracts_package)
    assert [e.routing_key for e in found] == ["billing.invoice.issued.v1"]
    assert discover(contracts) == ALL_EVENTS  # other packages' events stay out


def test_registry_holds_concrete_events_only() -> None:
    for event in ALL_EVENTS:
        assert issubclass(event, IntegrationEvent)
        assert event.__module__.startswith("contracts.")
        assert isinstance(event.routing_key, str)
    assert {e.routing_key: e for e in ALL_EVENTS} == BY_ROUTING_KEY
