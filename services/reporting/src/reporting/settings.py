"""Reporting' settings (`OCMS_*` environment variables) on top of the kit's."""

from kit.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    service_name: str = "reporting"
    database_url: str = "postgresql+asyncpg://ocms_reporting_app@127.0.0.1:5432/ocms_reporting"
