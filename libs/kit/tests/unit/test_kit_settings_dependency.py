"""kit.app.settings_of: a route gets the app's settings as its service's own class."""

from typing import Annotated

import httpx
from fastapi import Depends, FastAPI

from kit.app import settings_of
from kit.settings import ServiceSettings


class ShopSettings(ServiceSettings):
    service_name: str = "shop"
    shelf: int = 7


async def test_the_route_sees_the_apps_own_settings() -> None:
    app = FastAPI()
    app.state.settings = ShopSettings(shelf=3)

    @app.get("/shelf")
    async def shelf(
        settings: Annotated[ShopSettings, Depends(settings_of(ShopSettings))],
    ) -> int:
        return settings.shelf

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/shelf")).json() == 3


def test_settings_of_another_class_are_refused() -> None:
    class Request:
        class app:
            class state:
                settings = ServiceSettings()

    current = settings_of(ShopSettings)
    try:
        current(Request())  # type: ignore[arg-type]
    except TypeError as exc:
        assert "ShopSettings" in str(exc)
    else:
        raise AssertionError("settings of another class were accepted")
