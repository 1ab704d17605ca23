"""`InvalidFields`: several refused values in one 422, each named."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter

from kit.app import create_service_app
from kit.auth import TokenVerifier
from kit.errors import InvalidFields
from kit.settings import ServiceSettings

router = APIRouter()
FIELDS = [
    {"field": "answers.start_dt", "message": "required", "type": "missing"},
    {"field": "follow_ups.0.client_id", "message": "not a client of this session"},
]


@router.get("/refuse")
async def refuse() -> None:
    raise InvalidFields("the answers do not fit the form", fields=FIELDS)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_service_app(
        ServiceSettings(service_name="kittest"),
        title="kit test",
        routers=[router],
        with_database=False,
        with_broker=False,
        verifier=TokenVerifier("http://unused/jwks", issuer="i", audience="a"),
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_every_refused_field_is_named_in_one_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/refuse")
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("invalid", "the answers do not fit the form")
    assert error["fields"] == FIELDS
