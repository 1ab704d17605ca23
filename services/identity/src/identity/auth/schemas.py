import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from identity.staff.schemas import Password
from kit.auth import Role

Secret = Annotated[str, Field(min_length=1, max_length=256)]


class SessionCreate(BaseModel):
    # A plain string: a malformed email gets the same answer as an unknown one.
    email: Annotated[str, Field(max_length=320)]
    password: Annotated[SecretStr, Field(max_length=1024)]
    totp_code: Annotated[str | None, Field(max_length=16)] = None
    client_ip: Annotated[str, Field(min_length=1, max_length=64)]
    user_agent: Annotated[str | None, Field(max_length=2048)] = None


class SessionUser(BaseModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    email: str
    given_name: str
    family_name: str
    role: Role
    mfa_enabled: bool


class SessionOpened(BaseModel):
    # The secret the gateway puts in the browser's cookie; identity keeps only its hash.
    session_id: str
    expires_at: datetime
    user: SessionUser


class SessionRef(BaseModel):
    session_id: Secret


class ServiceToken(BaseModel):
    token: str
    expires_in: int


class ResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(max_length=320)]


class ResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Secret
    new_password: Password


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: Password
    new_password: Password


class TotpEnrolment(BaseModel):
    secret: str
    otpauth_uri: str


class TotpConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, Field(min_length=1, max_length=16)]
