"""Files' settings (`OCMS_*` environment variables) on top of the kit's."""

from pydantic import Field

from kit.settings import ServiceSettings

# Keys of `files.attachments.content.TYPES`.
DEFAULT_TYPES = ("pdf", "jpeg", "png", "docx", "xlsx", "pptx", "odt", "ods", "txt", "csv")


class FilesSettings(ServiceSettings):
    service_name: str = "files"
    database_url: str = "postgresql+asyncpg://ocms_files_app@127.0.0.1:5432/ocms_files"

    # The object store (SeaweedFS locally, any S3 service in production).
    s3_endpoint: str = "http://127.0.0.1:8333"
    # Where browsers reach the store, when not at `s3_endpoint` (a public host in front
    # of a private one): download links are signed for this address.
    s3_public_endpoint: str | None = None
    s3_access_key: str = Field(default="", repr=False)
    s3_secret_key: str = Field(default="", repr=False)
    s3_bucket: str = "ocms-files"
    s3_region: str = "us-east-1"
    # A store that does not answer within this fails the upload with a 503.
    s3_timeout_seconds: float = 10.0

    # What is accepted before anything is kept.
    files_max_bytes: int = 20 * 1024 * 1024
    files_allowed_types: list[str] = Field(default_factory=lambda: list(DEFAULT_TYPES))
    # Download links live this long (a caller may ask for less, never more).
    files_download_ttl_seconds: int = 60
    # A deleted file's object is purged this long after the deletion.
    files_retention_days: float = 30.0
    # An object without metadata (a crash between the put and the commit) older than
    # this is removed by the sweeper; younger ones may belong to an upload in progress.
    files_orphan_grace_minutes: float = 30.0
    files_purge_interval_seconds: float = 3600.0
    files_sweep_interval_seconds: float = 3600.0
