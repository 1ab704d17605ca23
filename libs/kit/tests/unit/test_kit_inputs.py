"""Text PostgreSQL cannot store is a 422 naming the field, never a database error."""

import httpx
import pytest
from fastapi import APIRouter
from pydantic import BaseModel, ValidationError

from kit.app import create_service_app
from kit.inputs import CalendarDate, CalendarDateTime
from kit.settings import ServiceSettings


class Person(BaseModel):
    name: str
    aliases: list[str] = []


router = APIRouter()


@router.post("/people")
async def add(person: Person) -> dict[str, str]:
    return {"name": person.name}


@router.get("/people")
async def find(q: str = "") -> dict[str, str]:
    return {"q": q}


def _client() -> httpx.AsyncClient:
    app = create_service_app(
        ServiceSettings(), title="t", routers=[router], with_database=False, with_broker=False
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_a_nul_in_a_json_field_is_refused_by_name() -> None:
    async with _client() as http:
        response = await http.post("/people", json={"name": "Ana", "aliases": ["ok", "A\x00"]})
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["aliases[1]"]
    assert response.headers["x-request-id"]


async def test_a_nul_in_a_query_parameter_is_refused_by_name() -> None:
    async with _client() as http:
        response = await http.get("/people", params={"q": "x\x00"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "q"


async def test_clean_input_passes_through() -> None:
    async with _client() as http:
        created = await http.post("/people", json={"name": "Ana", "aliases": ["Anna"]})
        found = await http.get("/people", params={"q": "Ana"})
    assert created.json() == {"name": "Ana"}
    assert found.json() == {"q": "Ana"}


class Visit(BaseModel):
    on: CalendarDate


class Appointment(BaseModel):
    at: CalendarDateTime


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"])
def test_a_date_at_the_ends_of_the_calendar_is_refused(day: str) -> None:
    """asyncpg would store date.min / date.max as -infinity / infinity."""
    with pytest.raises(ValidationError) as refused:
        Visit.model_validate({"on": day})
    assert [e["loc"] for e in refused.value.errors()] == [("on",)]


@pytest.mark.parametrize("day", ["1900-01-01", "2026-02-28", "2999-12-31"])
def test_a_date_of_this_domain_passes(day: str) -> None:
    assert Visit.model_validate({"on": day}).on.isoformat() == day


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00"])
def test_a_moment_at_the_ends_of_the_calendar_is_refused(at: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Appointment.model_validate({"at": at})
    assert [e["loc"] for e in refused.value.errors()] == [("at",)]
