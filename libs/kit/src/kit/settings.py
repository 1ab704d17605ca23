"""Settings shared by every service, read from `OCMS_*` environment variables."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Base settings; a service subclasses it to add its own fields."""

    model_config = SettingsConfigDict(env_prefix="OCMS_", extra="ignore")

    service_name: str = "ocms"
    log_level: str = "INFO"
    database_url: str = "postgresql+asyncpg://localhost/ocms"
    migration_database_url: str | None = None
    db_pool_size: int = 10
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/ocms"
    identity_url: str = "http://127.0.0.1:8001"
    token_issuer: str = "ocms-identity"
    token_audience: str = "ocms-services"
    # Shared secret on identity's /internal endpoints: only the gateway calls them.
    internal_key: str = Field(default="dev-internal-key", repr=False)
    http_timeout_seconds: float = 5.0
    # How long a request waits for a record another service made a moment ago to reach
    # this service's copy (`kit.copies`) before answering that it does not exist.
    copy_wait_seconds: float = 3.0
    outbox_poll_seconds: float = 1.0
    consumer_max_attempts: int = 5
    consumer_retry_base_seconds: float = 1.0
    consumer_prefetch: int = 20
    # Published outbox rows are kept this long (to answer "was it sent, when?").
    outbox_retention_days: float = 7.0
    # Workers serve Prometheus metrics on this port when set (they have no HTTP app).
    worker_metrics_port: int | None = None
    # Outgoing email (`kit.mail`): a local sink in development and tests, any relay in
    # production.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_sender: str = "OCMS <no-reply@ocms.example.org>"
    smtp_timeout_seconds: float = 10.0
