"""argon2id password hashing, off the event loop, and the password policy."""

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from identity.settings import IdentitySettings
from kit.errors import Invalid

MIN_LENGTH = 12
MAX_LENGTH = 256  # argon2 takes any length; a cap keeps a megabyte "password" off the CPU


def check_policy(password: str, *, field: str = "new_password") -> None:
    """At least 12 characters and not all of one class (letters only, digits only...)."""
    if len(password) < MIN_LENGTH:
        raise Invalid(field, f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise Invalid(field, f"must be at most {MAX_LENGTH} characters")
    classes = {
        "lower" if c.islower() else "upper" if c.isupper() else "digit" if c.isdigit() else "other"
        for c in password
    }
    if len(classes) < 2:
        raise Invalid(field, "must mix at least two kinds of characters (letters, digits, symbols)")


class Passwords:
    """argon2id with the configured cost. Hashing is CPU-bound, so it runs in a thread."""

    def __init__(self, settings: IdentitySettings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
        # Verified against when the account is unknown, so that answer takes as long as
        # a wrong password for a real account.
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        return await asyncio.to_thread(self._verify, password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def _verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy_hash, password) and (
                password_hash is not None
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
