"""The icare service's settings (`OCMS_*` environment variables) on top of the kit's."""

from kit.settings import ServiceSettings


class IcareSettings(ServiceSettings):
    service_name: str = "icare"
    database_url: str = "postgresql+asyncpg://ocms_icare_app@127.0.0.1:5432/ocms_icare"
