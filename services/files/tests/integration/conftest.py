"""Files against a real PostgreSQL: a scratch database migrated with files' own
migrations, the app in-process (httpx + ASGI, lifespan entered), and an in-memory
object store that can be switched off (the real store, SeaweedFS, is exercised by
tests/e2e/test_files_journey.py).

Tokens are not signed here (`kit.testing.ClaimsVerifier`): a test acts as anyone of any
agency through `kit.testing.Agency` / `Actor`.
"""

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx
import pytest

from files.main import create_app
from files.settings import FilesSettings
from files.storage import PREFIX, StorageUnavailable, StoredObject
from kit.db import Database
from kit.testing import (
    Agency,
    ClaimsVerifier,
    ScratchDatabase,
    in_process_api,
    migrated_scratch_database,
)

NAME = "ocms_files_unittest"
SERVICE_DIR = Path(__file__).resolve().parents[2]
MAX_BYTES = 64 * 1024


@dataclass
class MemoryStore:
    """The ObjectStore protocol in memory; `down` makes every call fail like a dead store."""

    blobs: dict[str, tuple[bytes, str, datetime]] = field(default_factory=dict)
    down: bool = False
    removed: list[str] = field(default_factory=list)

    def _check(self) -> None:
        if self.down:
            raise StorageUnavailable("down")

    async def ensure_bucket(self) -> None:
        self._check()

    async def put(self, key: str, data: BinaryIO, length: int, content_type: str) -> None:
        self._check()
        body = data.read()
        assert len(body) == length
        self.blobs[key] = (body, content_type, datetime.now(UTC))

    async def remove(self, key: str) -> None:
        self._check()
        self.blobs.pop(key, None)
        self.removed.append(key)

    async def exists(self, key: str) -> bool:
        self._check()
        return key in self.blobs

    async def agencies(self) -> list[uuid.UUID]:
        self._check()
        return sorted({uuid.UUID(k.removeprefix(PREFIX).split("/")[0]) for k in self.blobs})

    async def objects(self, prefix: str) -> list[StoredObject]:
        self._check()
        return [StoredObject(k, at) for k, (_, _, at) in self.blobs.items() if k.startswith(prefix)]

    def download_url(self, key: str, *, ttl_seconds: int, filename: str, content_type: str) -> str:
        return f"memory://{key}?ttl={ttl_seconds}&name={filename}"


@pytest.fixture(scope="session")
def scratch() -> Iterator[ScratchDatabase]:
    with migrated_scratch_database(NAME, SERVICE_DIR / "alembic.ini") as db:
        yield db


@pytest.fixture
async def admin_db(scratch: ScratchDatabase) -> AsyncIterator[asyncpg.Connection]:
    """A superuser connection (RLS does not apply): to inspect what was written."""
    conn = await asyncpg.connect(scratch.admin_dsn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def settings(scratch: ScratchDatabase) -> FilesSettings:
    return FilesSettings(
        database_url=scratch.app_url,
        migration_database_url=scratch.owner_url,
        db_pool_size=5,
        log_level="WARNING",
        files_max_bytes=MAX_BYTES,
        copy_wait_seconds=0.6,
        files_download_ttl_seconds=60,
    )


@pytest.fixture(scope="session")
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture(autouse=True)
def store_up(store: MemoryStore) -> Iterator[None]:
    store.down = False
    yield
    store.down = False


@pytest.fixture(scope="session")
async def http(settings: FilesSettings, store: MemoryStore) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, verifier=ClaimsVerifier(), store=store)
    async with in_process_api(app, "files") as client:
        yield client


@pytest.fixture(scope="session")
async def database(settings: FilesSettings) -> AsyncIterator[Database]:
    """The app role's database, as the worker's consumer and jobs use it."""
    db = Database(settings.database_url, pool_size=2)
    yield db
    await db.dispose()


@pytest.fixture
def agency(http: httpx.AsyncClient) -> Agency:
    return Agency(http)
