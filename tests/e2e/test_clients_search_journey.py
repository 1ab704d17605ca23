"""Finding a client and being offered duplicates, through the gateway as the browser does.

The demo agency keeps its clients between runs: every client here gets a date of birth
and a phone number of its own, and the searches are narrowed by them.
"""

import random
from datetime import date, timedelta
from typing import Any

import pytest

from scripts.stack import StackInfo
from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import CLIENTS, new_agency_admin, register

pytestmark = pytest.mark.e2e


def _unique_day() -> str:
    return (date(1940, 1, 1) + timedelta(days=random.randrange(25_000))).isoformat()


def _unique_phone() -> str:
    return f"437-{random.randrange(200, 999)}-{random.randrange(1000, 9999)}"


def _search(worker: GatewayClient, **params: Any) -> dict[str, Any]:
    response = worker.get(f"{CLIENTS}/search", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_find_a_client_by_name_phone_and_birth_date(amal: GatewayClient, stack: StackInfo) -> None:
    born, phone = _unique_day(), _unique_phone()
    olena = register(
        amal, given_name="Olena", family_name="Shevchenko", birth_date=born, phones=[phone]
    )
    for text in ("Elena Shevchenko", "shevchenko olena", "Олена Шевченко", "Olna Shevchenko"):
        page = _search(amal, q=text, birth_date=born)
        assert [h["id"] for h in page["items"]] == [olena["id"]], text
        assert page["items"][0]["reasons"] == ["name", "birth_date"]
    digits = phone.replace("-", "")
    by_phone = _search(amal, phone=f"+1 ({digits[:3]}) {digits[3:6]} {digits[6:]}")
    assert [h["id"] for h in by_phone["items"]] == [olena["id"]]

    # One common name and nothing else: a hint, not thousands of rows.
    broad = _search(amal, q="Mohamed")
    assert broad["items"] == [] and broad["narrow"]

    # Another agency never finds her.
    stranger = new_agency_admin(stack)
    assert _search(stranger, q="Olena Shevchenko", birth_date=born)["items"] == []
    assert _search(stranger, phone=phone)["items"] == []
    stranger.close()


def test_restricted_profile_is_not_found_by_name(amal: GatewayClient) -> None:
    born = _unique_day()
    client = register(amal, given_name="Nguyễn", family_name="Thị Lan", birth_date=born)
    assert [h["id"] for h in _search(amal, q="Nguyen Lan", birth_date=born)["items"]] == [
        client["id"]
    ]
    assert amal.request("DELETE", f"{CLIENTS}/{client['id']}/consent").status_code == 200
    assert _search(amal, q="Nguyen Lan", birth_date=born)["items"] == []


def test_duplicates_are_offered_and_the_save_goes_through(amal: GatewayClient) -> None:
    born, phone = _unique_day(), _unique_phone()
    first = register(
        amal, given_name="Mohammed", family_name="Hassan", birth_date=born, phones=[phone]
    )
    offered = amal.post(
        f"{CLIENTS}/duplicates",
        json={"given_name": "Muhammad", "family_name": "Hasan", "birth_date": born},
    )
    assert offered.status_code == 200, offered.text
    items = offered.json()["items"]
    assert [d["id"] for d in items] == [first["id"]]
    assert "name" in items[0]["reasons"] and "birth_date" in items[0]["reasons"]

    second = register(amal, given_name="Mohamad", family_name="Hassan", phones=[phone])
    assert [d["id"] for d in second["possible_duplicates"]] == [first["id"]]
    assert "phone" in second["possible_duplicates"][0]["reasons"]
