"""Report criteria, the catalog and results (pydantic only)."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from reference import code_lists
from reporting.reports.facts import AGE_GROUPS, UNKNOWN_AGE

MAX_VALUES = 50
Values = Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=MAX_VALUES)]

# Additional options whose values come from a list: the list (for the catalog and checks).
OPTION_LISTS: dict[str, str] = {
    "gender": "gender",
    "immigration_status": "immigration_status",
    "language": "language",
    "country_of_birth": "country",
    "target_group": "target_group",
}


def option_values(name: str) -> list[str]:
    if name == "age_group":
        return [*AGE_GROUPS, UNKNOWN_AGE]
    return list(code_lists.get(OPTION_LISTS[name]))


class Criteria(BaseModel):
    """The report criteria page: a period (required), the common filters and the
    additional options (each a list of accepted values; a client matches any of them).
    Values are the labels the client profile takes (iCARE's / OCMS's lists)."""

    model_config = ConfigDict(extra="forbid")

    date_from: date
    date_to: date
    program_id: uuid.UUID | None = None
    agreement_id: uuid.UUID | None = None
    funder_id: uuid.UUID | None = None
    worker_id: uuid.UUID | None = None
    gender: Values = Field(default_factory=list)
    immigration_status: Values = Field(default_factory=list)
    age_group: Values = Field(default_factory=list)
    language: Values = Field(default_factory=list)
    country_of_birth: Values = Field(default_factory=list)
    target_group: Values = Field(default_factory=list)

    @field_validator(
        "gender", "immigration_status", "age_group", "language", "country_of_birth",
        "target_group",
    )  # fmt: skip
    @classmethod
    def _listed(cls, values: list[str], info: Any) -> list[str]:
        allowed = set(option_values(info.field_name))
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise ValueError(f"not a value of the list: {', '.join(unknown[:5])}")
        return list(dict.fromkeys(values))

    def used(self) -> set[str]:
        """The criteria given a value (the period always is)."""
        return {
            name for name, value in self.model_dump().items() if value is not None and value != []
        }


class Title(BaseModel):
    en: str
    fr: str


class Column(BaseModel):
    key: str
    title: Title
    kind: Literal["label", "count", "rate"] = "count"


class CriterionInfo(BaseModel):
    name: str
    title: Title
    type: Literal["date", "id", "values"]
    required: bool = False
    values: list[str] | None = None


class ReportInfo(BaseModel):
    key: str
    title: Title
    description: Title
    criteria: list[str]
    measures: list[Column]
    breakdowns: list[Column]


class Catalog(BaseModel):
    reports: list[ReportInfo]
    criteria: list[CriterionInfo]


Cell = str | int | float | None


class Table(BaseModel):
    key: str
    title: Title
    columns: list[Column]
    # Each row: `key` (the raw value), `label` (as shown) and one entry per measure.
    rows: list[dict[str, Cell]]


class ReportResult(BaseModel):
    report: str
    title: Title
    criteria: dict[str, Any]
    generated_at: datetime
    measures: list[Column]
    totals: dict[str, Cell]
    tables: list[Table]
