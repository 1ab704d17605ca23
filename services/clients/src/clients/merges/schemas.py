import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from clients.profiles.schemas import ClientOut

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
FieldName = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class MergeIn(BaseModel):
    """Merge `absorbed_id` into the profile of the path (the survivor)."""

    model_config = ConfigDict(extra="forbid")

    absorbed_id: uuid.UUID
    # Per field (`identifier`, `phones`, `address`, `answers.<key>` ...), whose value the
    # survivor keeps. Left out: the survivor's, or the absorbed one's when the survivor
    # has none.
    choices: dict[FieldName, Literal["survivor", "absorbed"]] = Field(
        default_factory=dict, max_length=600
    )
    reason: Reason


class UndoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class MergeOut(BaseModel):
    id: uuid.UUID
    survivor_id: uuid.UUID
    absorbed_id: uuid.UUID
    reason: str
    choices: dict[str, str]
    # Per field, the profile its value on the survivor came from.
    provenance: dict[str, uuid.UUID]
    # How many rows of each kind followed the survivor (notes, plans, history,
    # consents, family, answers).
    moved: dict[str, int]
    merged_at: datetime
    merged_by: uuid.UUID
    undone_at: datetime | None
    undone_by: uuid.UUID | None
    undo_reason: str | None


class MergedClientOut(ClientOut):
    """The survivor as it now stands, and the merge (undo it with its id)."""

    merge_id: uuid.UUID


class UndoneOut(BaseModel):
    merge: MergeOut
    survivor: ClientOut
    restored: ClientOut


class MergeList(BaseModel):
    items: list[MergeOut]
