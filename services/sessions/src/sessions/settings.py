"""Sessions' settings (`OCMS_*` environment variables) on top of the kit's."""

from kit.settings import ServiceSettings


class SessionsSettings(ServiceSettings):
    service_name: str = "sessions"
    database_url: str = "postgresql+asyncpg://ocms_sessions_app@127.0.0.1:5432/ocms_sessions"
