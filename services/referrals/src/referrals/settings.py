"""Referrals' settings (`OCMS_*` environment variables) on top of the kit's."""

from kit.settings import ServiceSettings


class ReferralsSettings(ServiceSettings):
    service_name: str = "referrals"
    database_url: str = "postgresql+asyncpg://ocms_referrals_app@127.0.0.1:5432/ocms_referrals"
