"""Files' settings (`OCMS_*` environment variables) on top of the kit's."""

from kit.settings import ServiceSettings


class FilesSettings(ServiceSettings):
    service_name: str = "files"
    database_url: str = "postgresql+asyncpg://ocms_files_app@127.0.0.1:5432/ocms_files"
