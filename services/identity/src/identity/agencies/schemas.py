import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from identity.programs.schemas import Code, Title
from identity.staff.schemas import NewStaff, UserOut


class AgencyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Title
    code: Code
    admin: NewStaff


class AgencyOut(BaseModel):
    id: uuid.UUID
    name: str
    code: str
    active: bool
    created_at: datetime


class AgencyWithAdmin(AgencyOut):
    admin: UserOut


class AgencyPage(BaseModel):
    items: list[AgencyOut]
