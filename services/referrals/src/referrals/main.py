"""The referrals API: `uvicorn referrals.main:create_app --factory`."""

from fastapi import FastAPI

from kit.app import create_service_app
from kit.auth import TokenVerifier
from referrals.settings import ReferralsSettings


def create_app(
    settings: ReferralsSettings | None = None, *, verifier: TokenVerifier | None = None
) -> FastAPI:
    settings = settings or ReferralsSettings()
    return create_service_app(
        settings,
        title="OCMS referrals",
        routers=[],
        verifier=verifier,
    )
