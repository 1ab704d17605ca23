"""Identity's settings (`OCMS_*` environment variables) on top of the kit's."""

from pydantic import Field

from kit.settings import ServiceSettings


class IdentitySettings(ServiceSettings):
    service_name: str = "identity"
    database_url: str = "postgresql+asyncpg://ocms_identity_app@127.0.0.1:5432/ocms_identity"

    # Links in emails point at the web app behind the gateway.
    public_url: str = "http://127.0.0.1:8000"
    # SMTP: the kit's settings (`smtp_host`, `smtp_port`, ...), sent with `kit.mail`.

    # argon2id cost (RFC 9106 second recommendation by default); tests lower it.
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)

    token_ttl_seconds: int = Field(default=300, ge=30)
    # A rotated-in key is published this long before it signs, so every verifier can
    # fetch it (the kit's verifier refetches on an unknown kid, at most every 2 s).
    key_activation_delay_seconds: float = Field(default=10.0, ge=0)
    # A replaced key stays published this long, so its tokens verify until they expire.
    retired_key_published_seconds: int = Field(default=900, ge=60)
    session_absolute_seconds: int = 12 * 3600
    session_idle_seconds: int = 30 * 60
    # last_seen_at is written at most this often: token exchange happens on every request.
    session_touch_seconds: int = 60

    # Failed logins per (account, client IP) answered without delay, then 1 s, 2 s, 4 s...
    login_free_failures: int = Field(default=5, ge=1)
    login_delay_base_seconds: float = Field(default=1.0, gt=0)
    login_delay_max_seconds: float = Field(default=900.0, gt=0)
    # A failure count with no new failure for this long starts over.
    login_failure_window_seconds: int = Field(default=24 * 3600, ge=60)

    reset_token_ttl_seconds: int = 3600
    invitation_ttl_seconds: int = 72 * 3600
    # Outstanding reset links per account; more requests send nothing (mail-bombing guard).
    reset_max_outstanding: int = 3

    totp_issuer: str = "OCMS"
