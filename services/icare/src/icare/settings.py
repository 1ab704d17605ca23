"""The icare service's settings (`OCMS_*` environment variables) on top of the kit's."""

from pydantic import Field

from kit.settings import ServiceSettings


class IcareSettings(ServiceSettings):
    service_name: str = "icare"
    database_url: str = "postgresql+asyncpg://ocms_icare_app@127.0.0.1:5432/ocms_icare"

    # The object store (SeaweedFS locally, any S3 service in production). The bucket is
    # shared with files; icare's objects live under `icare/<agency id>/`.
    s3_endpoint: str = "http://127.0.0.1:8333"
    # Where browsers reach the store, when not at `s3_endpoint`: links are signed for it.
    s3_public_endpoint: str | None = None
    s3_access_key: str = Field(default="", repr=False)
    s3_secret_key: str = Field(default="", repr=False)
    s3_bucket: str = "ocms-files"
    s3_region: str = "us-east-1"
    s3_timeout_seconds: float = 30.0

    # Where staff open OCMS (links in the emails icare sends).
    public_url: str = "http://127.0.0.1:8000"
    # A download link to an export's zip lives this long.
    icare_download_ttl_seconds: int = 120
    # The worker looks for agencies whose monthly export is due this often.
    icare_schedule_interval_seconds: float = 3600.0
    # The worker looks for queued exports this often (and drains them each time).
    icare_export_poll_seconds: float = 2.0
    # A running export claimed longer ago than this belongs to a worker that died (a live
    # worker holds the run's row lock, so it is never taken from under it): claimed again.
    icare_export_claim_timeout_seconds: float = 900.0
    # A run interrupted this many times (a worker killed while building it) fails.
    icare_export_max_attempts: int = 3
    # A rejected-records workbook larger than this is refused before it is read.
    icare_max_upload_bytes: int = 10 * 1024 * 1024
