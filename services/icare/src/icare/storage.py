"""Export archives in the object store, through the `minio` client, off the event loop.

minio is synchronous (urllib3): every call runs in a worker thread, so a slow store
never blocks other requests. Keys are made here, never from user input:
`icare/<agency id>/<export id>.zip` (agency-scoped: one tenant per prefix).
"""

import asyncio
import io
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import urllib3
from minio import Minio
from minio.error import S3Error

from icare.settings import IcareSettings
from kit.errors import Unavailable
from kit.logs import get_logger

log = get_logger()

T = TypeVar("T")

ZIP_TYPE = "application/zip"


def export_key(agency_id: uuid.UUID, export_id: uuid.UUID) -> str:
    return f"icare/{agency_id}/{export_id}.zip"


class StorageUnavailable(Unavailable):
    """The store did not answer, or answered with an error we cannot act on."""

    code = "storage_unavailable"


class ObjectStore(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> bytes: ...

    def download_url(self, key: str, *, ttl_seconds: int, filename: str) -> str: ...


def _client(endpoint: str, settings: IcareSettings, http: urllib3.PoolManager) -> Minio:
    parts = urlsplit(endpoint if "://" in endpoint else f"http://{endpoint}")
    return Minio(
        parts.netloc,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key,
        secure=parts.scheme == "https",
        region=settings.s3_region,  # known: presigning needs no round trip
        http_client=http,
    )


class MinioStore:
    def __init__(self, settings: IcareSettings) -> None:
        timeout = settings.s3_timeout_seconds
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=min(2.0, timeout), read=timeout),
            retries=urllib3.Retry(total=1, backoff_factor=0.1, connect=1, read=0, redirect=0),
            maxsize=10,
        )
        self._bucket = settings.s3_bucket
        self._client = _client(settings.s3_endpoint, settings, http)
        self._public = _client(settings.s3_public_endpoint or settings.s3_endpoint, settings, http)
        self._bucket_checked = False

    async def _call(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except S3Error as exc:
            log.warning("storage.failed", operation=what, code=exc.code)
            raise StorageUnavailable("the file store refused the request") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            log.warning("storage.unreachable", operation=what, error_type=type(exc).__name__)
            raise StorageUnavailable("the file store cannot be reached") from exc

    async def _ensure_bucket(self) -> None:
        if self._bucket_checked:
            return
        if not await self._call("bucket_exists", self._client.bucket_exists, self._bucket):
            try:
                await self._call("make_bucket", self._client.make_bucket, self._bucket)
            except StorageUnavailable:
                # Another service (or replica) made it in the meantime.
                if not await self._call("bucket_exists", self._client.bucket_exists, self._bucket):
                    raise
        self._bucket_checked = True

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self._ensure_bucket()
        await self._call(
            "put",
            self._client.put_object,
            self._bucket,
            key,
            io.BytesIO(data),
            len(data),
            content_type=content_type,
        )

    async def get(self, key: str) -> bytes:
        def read() -> bytes:
            response = self._client.get_object(self._bucket, key)
            try:
                return bytes(response.read())
            finally:
                response.close()
                response.release_conn()

        return await self._call("get", read)

    def download_url(self, key: str, *, ttl_seconds: int, filename: str) -> str:
        # Local computation (the region is known): no request to the store.
        return str(
            self._public.presigned_get_object(
                self._bucket,
                key,
                expires=timedelta(seconds=ttl_seconds),
                response_headers={
                    "response-content-type": ZIP_TYPE,
                    "response-content-disposition": f'attachment; filename="{filename}"',
                },
            )
        )


class MemoryStore:
    """An in-process store for tests (and nothing else)."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        self.objects[key] = data

    async def get(self, key: str) -> bytes:
        return self.objects[key]

    def download_url(self, key: str, *, ttl_seconds: int, filename: str) -> str:
        return f"memory://{key}?ttl={ttl_seconds}&filename={filename}"
