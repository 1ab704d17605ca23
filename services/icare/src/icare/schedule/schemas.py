from pydantic import BaseModel, ConfigDict, Field


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The day of the month the previous month is exported (1-28: every month has it).
    day: int = Field(ge=1, le=28)
    enabled: bool = True


class ScheduleOut(BaseModel):
    day: int | None
    enabled: bool
