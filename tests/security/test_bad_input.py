"""Input a database cannot store is refused with the field named, through the gateway."""

from tests.e2e.gateway_client import GatewayClient
from tests.e2e.journeys import CLIENTS, CONSENT


def test_nul_characters_are_a_422_naming_the_field(amal: GatewayClient) -> None:
    created = amal.post(CLIENTS, json={"consent": CONSENT, "given_name": "Na\x00dia"})
    assert created.status_code == 422, created.text
    assert created.json()["error"]["fields"][0]["field"] == "given_name"

    searched = amal.get(f"{CLIENTS}/search", params={"q": "na\x00dia"})
    assert searched.status_code == 422
    assert searched.json()["error"]["fields"][0]["field"] == "q"


def test_birth_dates_out_of_range_say_why(amal: GatewayClient) -> None:
    old = amal.post(CLIENTS, json={"consent": CONSENT, "birth_date": "1800-01-01"})
    assert old.status_code == 422
    assert "1900" in old.json()["error"]["fields"][0]["message"]
