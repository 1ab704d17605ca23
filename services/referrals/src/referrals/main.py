"""The referrals API: `uvicorn referrals.main:create_app --factory`."""

from fastapi import FastAPI

from kit.app import create_service_app
from kit.auth import TokenVerifier
from referrals.mywork.router import router as my_work_router
from referrals.notifications.router import router as notifications_router
from referrals.partners.router import router as partners_router
from referrals.referral.router import router as referrals_router
from referrals.settings import ReferralsSettings
from referrals.tasks.router import router as tasks_router


def create_app(
    settings: ReferralsSettings | None = None, *, verifier: TokenVerifier | None = None
) -> FastAPI:
    settings = settings or ReferralsSettings()
    return create_service_app(
        settings,
        title="OCMS referrals",
        routers=[
            tasks_router,
            partners_router,
            referrals_router,
            notifications_router,
            my_work_router,
        ],
        verifier=verifier,
    )
