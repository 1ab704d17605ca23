"""Gateway settings, read from `OCMS_*` environment variables (dicts and lists as JSON)."""

import re
from typing import Self

from pydantic import Field, field_validator, model_validator

from kit.settings import ServiceSettings

# Names the gateway answers itself under /api/; an upstream may not shadow them.
RESERVED_SERVICE_NAMES = frozenset({"auth", "docs", "openapi.json"})
_SERVICE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}$")


class GatewaySettings(ServiceSettings):
    service_name: str = "gateway"

    # Service name -> base URL; `/api/<name>/...` is forwarded there.
    upstreams: dict[str, str] = Field(default_factory=dict)
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_key_prefix: str = "ocms:gateway:"

    cookie_name: str = "ocms_session"
    cookie_secure: bool = True
    session_max_age_seconds: int = 12 * 60 * 60

    upstream_timeout_seconds: float = 10.0
    upstream_max_connections: int = 200
    # Bounds what one request may stream through; the upstream enforces its own lower limits.
    max_body_bytes: int = 64 * 1024 * 1024
    login_rate_per_minute: int = 10

    openapi_cache_seconds: float = 30.0
    web_dist: str | None = None
    allowed_origins: list[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:8000", "http://localhost:8000"]
    )
    # Only behind a proxy that sets X-Forwarded-For itself; otherwise clients could pick
    # their own IP and dodge the login rate limit.
    trust_forwarded_for: bool = False

    @field_validator("upstreams")
    @classmethod
    def _check_upstreams(cls, value: dict[str, str]) -> dict[str, str]:
        for name, url in value.items():
            if not _SERVICE_NAME.match(name) or name in RESERVED_SERVICE_NAMES:
                raise ValueError(f"upstream name {name!r} is not allowed")
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"upstream {name!r} needs an http(s) URL")
        return {name: url.rstrip("/") for name, url in value.items()}

    @field_validator("allowed_origins")
    @classmethod
    def _normalise_origins(cls, value: list[str]) -> list[str]:
        return [origin.rstrip("/").lower() for origin in value]

    @model_validator(mode="after")
    def _identity_is_an_upstream(self) -> Self:
        # /api/auth/me and identity's own API need it; one place to configure its URL.
        self.upstreams.setdefault("identity", self.identity_url.rstrip("/"))
        return self
