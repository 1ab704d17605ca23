import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]

# iCARE's support-services block takes at most five children per record.
MAX_CHILDREN = 5


class ChildCare(BaseModel):
    """Care for one newcomer child, with iCARE's labels (any letter case accepted)."""

    model_config = ConfigDict(extra="forbid")

    # "Infant (6-18 months)", "Toddler (19-35 months)", "Pre-school (36 months - 6 years)",
    # "School age (more than 6 years)".
    age_group: Label
    # "Short term" or "Long term".
    care_type: Label


class LanguagePair(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # iCARE language labels ("English", "French", "Arabic" ...).
    from_language: Label
    to_language: Label


class SupportServicesIn(BaseModel):
    """The support services one client received in the session (the whole record)."""

    model_config = ConfigDict(extra="forbid")

    childminding: list[ChildCare] = Field(default_factory=list, max_length=MAX_CHILDREN)
    transportation: bool = False
    disability_support: bool = False
    translation: LanguagePair | None = None
    interpretation: LanguagePair | None = None
    crisis_counselling: bool = False
    note: Note | None = None


class SupportServicesOut(BaseModel):
    session_id: uuid.UUID
    client_id: uuid.UUID
    childminding: list[ChildCare]
    transportation: bool
    disability_support: bool
    translation: LanguagePair | None
    interpretation: LanguagePair | None
    crisis_counselling: bool
    note: str | None
    # Whether any support service was received (iCARE's "support services received").
    received: bool
    recorded_by: uuid.UUID
    updated_at: dt.datetime


class SupportServicesList(BaseModel):
    items: list[SupportServicesOut]


class SupportValues(BaseModel):
    """The value lists the support services take (iCARE's labels)."""

    age_groups: list[str]
    care_types: list[str]
    languages: list[str]
