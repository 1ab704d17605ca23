from datetime import datetime
from typing import Any

from pydantic import BaseModel


class Jwks(BaseModel):
    keys: list[dict[str, Any]]


class RotatedKey(BaseModel):
    kid: str
    # When it starts signing: published at once, used after verifiers could fetch it.
    active_from: datetime
