"""The object store, through the `minio` client, off the event loop.

minio is synchronous (urllib3): every call runs in a worker thread
(`asyncio.to_thread`), so a slow or dead store never blocks other requests. Failures
to reach the store surface as `StorageUnavailable`, which the API answers with a 503.

Keys are generated here, never from what the user typed:
`files/<agency id>/<file id>`. The `files/` prefix keeps the files service's objects
apart from anything else in the bucket; the agency segment lets the background jobs
work one agency (one tenant context) at a time.
"""

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO, Protocol, TypeVar
from urllib.parse import quote, urlsplit

import urllib3
from minio import Minio
from minio.error import S3Error

from files.settings import FilesSettings
from kit.logs import get_logger

log = get_logger()

T = TypeVar("T")

PREFIX = "files/"


def object_key(agency_id: uuid.UUID, file_id: uuid.UUID) -> str:
    return f"{PREFIX}{agency_id}/{file_id}"


def agency_prefix(agency_id: uuid.UUID) -> str:
    return f"{PREFIX}{agency_id}/"


class StorageUnavailable(Exception):
    """The store did not answer, or answered with an error we cannot act on."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    last_modified: datetime | None


class ObjectStore(Protocol):
    async def ensure_bucket(self) -> None: ...

    async def put(self, key: str, data: BinaryIO, length: int, content_type: str) -> None: ...

    async def remove(self, key: str) -> None: ...

    async def agencies(self) -> list[uuid.UUID]: ...

    async def objects(self, prefix: str) -> list[StoredObject]: ...

    async def exists(self, key: str) -> bool: ...

    def download_url(
        self, key: str, *, ttl_seconds: int, filename: str, content_type: str
    ) -> str: ...


def _client(endpoint: str, settings: FilesSettings, http: urllib3.PoolManager) -> Minio:
    parts = urlsplit(endpoint if "://" in endpoint else f"http://{endpoint}")
    return Minio(
        parts.netloc,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key,
        secure=parts.scheme == "https",
        # Known region: presigning needs no round trip to ask the store for it.
        region=settings.s3_region,
        http_client=http,
    )


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


class MinioStore:
    def __init__(self, settings: FilesSettings) -> None:
        timeout = settings.s3_timeout_seconds
        # One quick retry, not minio's default five with backoff: an upload to a dead
        # store fails within seconds rather than outliving the gateway's timeout.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=min(2.0, timeout), read=timeout),
            retries=urllib3.Retry(total=1, backoff_factor=0.1, connect=1, read=0, redirect=0),
            maxsize=10,
        )
        self._bucket = settings.s3_bucket
        self._client = _client(settings.s3_endpoint, settings, http)
        self._public = _client(settings.s3_public_endpoint or settings.s3_endpoint, settings, http)

    async def _call(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except S3Error as exc:
            log.warning("storage.failed", operation=what, code=exc.code)
            raise StorageUnavailable(what) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            log.warning("storage.unreachable", operation=what, error_type=type(exc).__name__)
            raise StorageUnavailable(what) from exc

    async def ensure_bucket(self) -> None:
        if not await self._call("bucket_exists", self._client.bucket_exists, self._bucket):
            try:
                await self._call("make_bucket", self._client.make_bucket, self._bucket)
            except StorageUnavailable as exc:
                # Another replica made it first.
                cause = exc.__cause__
                if not (isinstance(cause, S3Error) and "BucketAlready" in (cause.code or "")):
                    raise
            log.info("storage.bucket_created", bucket=self._bucket)

    async def put(self, key: str, data: BinaryIO, length: int, content_type: str) -> None:
        try:
            await self._call(
                "put", self._client.put_object, self._bucket, key, data, length, content_type
            )
        except StorageUnavailable as exc:
            cause = exc.__cause__
            if not (isinstance(cause, S3Error) and cause.code == "NoSuchBucket"):
                raise
            await self.ensure_bucket()
            data.seek(0)
            await self._call(
                "put", self._client.put_object, self._bucket, key, data, length, content_type
            )

    async def remove(self, key: str) -> None:
        await self._call("remove", self._client.remove_object, self._bucket, key)

    async def exists(self, key: str) -> bool:
        try:
            await self._call("stat", self._client.stat_object, self._bucket, key)
        except StorageUnavailable as exc:
            cause = exc.__cause__
            if isinstance(cause, S3Error) and cause.code in {"NoSuchKey", "NoSuchObject"}:
                return False
            raise
        return True

    def _list(self, prefix: str, recursive: bool) -> list[Any]:
        try:
            return list(self._client.list_objects(self._bucket, prefix=prefix, recursive=recursive))
        except S3Error as exc:
            if exc.code == "NoSuchBucket":  # nothing was ever stored
                return []
            raise

    async def agencies(self) -> list[uuid.UUID]:
        """The agencies that have objects (from the key prefixes)."""
        found = []
        for entry in await self._call("list", self._list, PREFIX, False):
            name = str(entry.object_name).removeprefix(PREFIX).rstrip("/")
            try:
                found.append(uuid.UUID(name))
            except ValueError:
                log.warning("storage.unexpected_prefix")
        return found

    async def objects(self, prefix: str) -> list[StoredObject]:
        entries = await self._call("list", self._list, prefix, True)
        return [StoredObject(str(e.object_name), e.last_modified) for e in entries if not e.is_dir]

    def download_url(self, key: str, *, ttl_seconds: int, filename: str, content_type: str) -> str:
        """A presigned GET (signed locally: no call to the store)."""
        return str(
            self._public.presigned_get_object(
                self._bucket,
                key,
                expires=timedelta(seconds=ttl_seconds),
                response_headers={
                    "response-content-disposition": content_disposition(filename),
                    "response-content-type": content_type,
                },
            )
        )
