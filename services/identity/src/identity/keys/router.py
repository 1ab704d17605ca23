from fastapi import APIRouter, Response

from identity.deps import Actor, Settings
from identity.keys import service
from identity.keys.schemas import Jwks, RotatedKey
from kit.auth import Role, require_role
from kit.db import DbSession

router = APIRouter(tags=["keys"])


@router.get("/.well-known/jwks.json", response_model=Jwks)
async def jwks(db: DbSession, settings: Settings, response: Response) -> Jwks:
    # Short: a rotated-in key must reach verifiers well before it signs.
    response.headers["Cache-Control"] = "public, max-age=60"
    return await service.jwks(db, settings)


@router.post(
    "/keys/rotate",
    status_code=201,
    dependencies=[require_role(Role.PLATFORM_ADMIN)],
)
async def rotate(db: DbSession, actor: Actor, settings: Settings) -> RotatedKey:
    return await service.rotate(db, actor, settings)
