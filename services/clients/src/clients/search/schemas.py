"""Client search and duplicate check: what goes in and comes out."""

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from clients.profiles.schemas import ClientOut, ClientSummary

Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=320)]

# Why a result matched: "name" (with `name_score`), or an exact field.
Reason = Literal["name", "phone", "birth_date", "identifier", "email", "postal_code"]


class SearchHit(ClientSummary):
    score: float
    # How well the names match the search text (0..1); None when no name was searched.
    name_score: float | None
    reasons: list[Reason]


class SearchPage(BaseModel):
    items: list[SearchHit]
    page: int
    page_size: int
    total: int
    # The candidate set reached its bound: the best matches may lie beyond it.
    truncated: bool
    # When the search is too broad to answer (one common name): what to add.
    narrow: str | None = None


class DuplicateCheckIn(BaseModel):
    """The would-be profile (any subset of these)."""

    model_config = ConfigDict(extra="ignore")

    given_name: Name | None = None
    family_name: Name | None = None
    preferred_name: Name | None = None
    other_names: list[Name] = Field(default_factory=list, max_length=20)
    birth_date: date | None = None
    phones: list[Annotated[str, StringConstraints(max_length=40)]] = Field(
        default_factory=list, max_length=10
    )
    identifier_type: Short | None = None
    identifier_value: Annotated[str, StringConstraints(max_length=40)] | None = None
    email: Short | None = None


class Duplicate(ClientSummary):
    score: float
    name_score: float
    reasons: list[Reason]


class DuplicateList(BaseModel):
    items: list[Duplicate]


class RegisteredClientOut(ClientOut):
    """A new profile, with the profiles it may duplicate (the save is not blocked)."""

    possible_duplicates: list[Duplicate]
