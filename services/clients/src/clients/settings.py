"""Clients' settings (`OCMS_*` environment variables) on top of the kit's."""

from kit.settings import ServiceSettings


class ClientsSettings(ServiceSettings):
    service_name: str = "clients"
    database_url: str = "postgresql+asyncpg://ocms_clients_app@127.0.0.1:5432/ocms_clients"
