"""Signing keys: the one that signs now, rotation, and what the JWKS publishes.

Keys are ordered by `active_from`; a key signs until the next one becomes active
("replaced"). A rotated-in key is published before it signs, and a replaced key stays
published for longer than a token lives, so no verifier ever meets a kid it cannot
fetch nor loses a key that still-valid tokens need.
"""

import asyncio
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from identity.keys import repository as repo
from identity.keys.models import SigningKey
from identity.keys.schemas import Jwks, RotatedKey
from identity.settings import IdentitySettings
from identity.tokens import new_key_pair
from kit.audit import record_audit
from kit.auth import Principal
from kit.clock import utcnow
from kit.logs import get_logger

log = get_logger()


async def _create(db: AsyncSession, *, now: datetime, active_from: datetime) -> SigningKey:
    pair = await asyncio.to_thread(new_key_pair, now)  # RSA generation: ~0.1 s of CPU
    key = SigningKey(
        kid=pair.kid,
        private_pem=pair.private_pem,
        public_jwk=pair.public_jwk,
        created_at=now,
        active_from=active_from,
    )
    return await repo.add(db, key)


async def signing_key(db: AsyncSession) -> SigningKey:
    """The key to sign with now; the very first one is made on first use."""
    key = await repo.signing_key(db, utcnow())
    if key is None:
        await repo.lock(db)  # replicas starting together make one key, not several
        now = utcnow()  # after the wait: a key made meanwhile is active by now
        key = await repo.signing_key(db, now)
        if key is None:
            key = await _create(db, now=now, active_from=now)
            log.info("keys.created", kid=key.kid)
    return key


async def rotate(
    db: AsyncSession, actor: Principal | None, settings: IdentitySettings
) -> RotatedKey:
    await repo.lock(db)
    now = utcnow()
    has_current = await repo.signing_key(db, now) is not None
    delay = timedelta(seconds=settings.key_activation_delay_seconds if has_current else 0)
    key = await _create(db, now=now, active_from=now + delay)
    if actor is not None:
        await record_audit(
            db,
            action="keys.rotated",
            agency_id=actor.agency_id,
            actor_id=actor.user_id,
            entity_type="signing_key",
            detail={"kid": key.kid},
        )
    log.info("keys.rotated", kid=key.kid, actor_id=str(actor.user_id) if actor else None)
    return RotatedKey(kid=key.kid, active_from=key.active_from)


def _replaced_at(keys: list[SigningKey], now: datetime) -> dict[str, datetime | None]:
    """When each key (oldest first) stopped signing; None while it signs or has yet to."""
    replaced: dict[str, datetime | None] = {}
    for index, key in enumerate(keys):
        successor = keys[index + 1] if index + 1 < len(keys) else None
        replaced[key.kid] = (
            successor.active_from if successor and successor.active_from <= now else None
        )
    return replaced


async def jwks(db: AsyncSession, settings: IdentitySettings) -> Jwks:
    """Keys to come, the signing key, and keys replaced recently enough to matter."""
    now = utcnow()
    grace = timedelta(seconds=settings.retired_key_published_seconds)
    keys = await repo.all_keys(db)
    replaced = _replaced_at(keys, now)
    return Jwks(
        keys=[k.public_jwk for k in keys if (when := replaced[k.kid]) is None or when > now - grace]
    )


async def purge_replaced(db: AsyncSession, settings: IdentitySettings) -> int:
    """Delete keys no longer published (their tokens have all expired)."""
    now = utcnow()
    cutoff = now - timedelta(seconds=settings.retired_key_published_seconds)
    keys = await repo.all_keys(db)
    stale = [kid for kid, when in _replaced_at(keys, now).items() if when and when < cutoff]
    await repo.delete_keys(db, stale)
    return len(stale)
