"""Which keys the JWKS publishes, and the shape of identity's events."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from contracts.identity import (
    AgencyCreated,
    FundingAgreementUpdated,
    PartnershipUpdated,
    ProgramUpdated,
    UserDeactivated,
    UserUpdated,
)
from identity.keys.models import SigningKey
from identity.keys.service import _replaced_at
from kit.messaging.events import routing_key_of

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def key(kid: str, minutes_from_now: float) -> SigningKey:
    return SigningKey(
        kid=kid,
        private_pem="",
        public_jwk={},
        active_from=NOW + timedelta(minutes=minutes_from_now),
    )


def test_a_key_is_replaced_when_its_successor_becomes_active() -> None:
    keys = [key("old", -600), key("current", -5), key("next", 1)]
    assert _replaced_at(keys, NOW) == {
        "old": NOW - timedelta(minutes=5),
        "current": None,  # still signs: the next key is not active yet
        "next": None,
    }


@pytest.mark.parametrize(
    ("event", "routing_key"),
    [
        (UserUpdated, "identity.user.updated.v1"),
        (UserDeactivated, "identity.user.deactivated.v1"),
        (ProgramUpdated, "identity.program.updated.v1"),
        (AgencyCreated, "identity.agency.created.v1"),
        (FundingAgreementUpdated, "identity.funding_agreement.updated.v1"),
        (PartnershipUpdated, "identity.partnership.updated.v1"),
    ],
)
def test_events_declare_their_routing_keys(event: type, routing_key: str) -> None:
    assert routing_key_of(event) == routing_key


def test_user_events_carry_the_whole_state() -> None:
    state = UserUpdated(
        agency_id=uuid.uuid4(),
        id=uuid.uuid4(),
        email="a@b.example.org",
        given_name="A",
        family_name="B",
        role="caseworker",
        program_ids=[uuid.uuid4()],
        manager_id=None,
        active=True,
    )
    fields = set(state.model_dump())
    assert {
        "id",
        "agency_id",
        "email",
        "given_name",
        "family_name",
        "role",
        "program_ids",
        "manager_id",
        "active",
        "event_id",
        "occurred_at",
    } <= fields
    with pytest.raises(ValueError, match="role"):
        UserUpdated.model_validate({**state.model_dump(), "role": "superuser"})
