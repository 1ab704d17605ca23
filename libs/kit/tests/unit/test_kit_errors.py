"""The one JSON error shape, as a client of any service sees it."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter
from pydantic import BaseModel

from kit.app import create_service_app
from kit.auth import TokenVerifier
from kit.errors import Conflict, Forbidden, Invalid, NotFound, TooManyRequests, Unavailable
from kit.settings import ServiceSettings

router = APIRouter()


class Registration(BaseModel):
    email: str
    age: int


@router.get("/raise/{kind}")
async def raise_(kind: str) -> None:
    errors = {
        "not_found": NotFound("No such client"),
        "conflict": Conflict("Already merged", code="already_merged"),
        "forbidden": Forbidden("Not your program"),
        "invalid": Invalid("date_of_birth", "must be in the past"),
        "throttled": TooManyRequests("Slow down", retry_after=30),
        "unavailable": Unavailable("Try later"),
    }
    if kind == "bug":
        raise RuntimeError("secret detail 555-0100")
    raise errors[kind]


@router.post("/register")
async def register(body: Registration) -> Registration:
    return body


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


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("not_found", 404, "not_found"),
        ("conflict", 409, "already_merged"),
        ("forbidden", 403, "forbidden"),
        ("invalid", 422, "invalid"),
        ("throttled", 429, "too_many_requests"),
        ("unavailable", 503, "unavailable"),
    ],
)
async def test_domain_errors_share_one_shape(
    client: httpx.AsyncClient, kind: str, status: int, code: str
) -> None:
    response = await client.get(f"/raise/{kind}", headers={"X-Request-ID": "req-42"})
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["request_id"] == "req-42" == response.headers["X-Request-ID"]
    assert isinstance(error["message"], str) and error["message"]


async def test_invalid_names_its_field(client: httpx.AsyncClient) -> None:
    error = (await client.get("/raise/invalid")).json()["error"]
    assert error["fields"] == [{"field": "date_of_birth", "message": "must be in the past"}]


async def test_too_many_requests_says_when_to_retry(client: httpx.AsyncClient) -> None:
    assert (await client.get("/raise/throttled")).headers["Retry-After"] == "30"


async def test_request_validation_lists_fields_without_the_body_prefix(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/register", json={"age": "old"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert {f["field"] for f in error["fields"]} == {"email", "age"}


async def test_unknown_route_uses_the_same_shape(client: httpx.AsyncClient) -> None:
    response = await client.get("/nowhere")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_unexpected_errors_reveal_nothing(client: httpx.AsyncClient) -> None:
    response = await client.get("/raise/bug")
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "internal_error"
    assert "555" not in response.text
    assert error["request_id"]  # minted when the caller sent none
