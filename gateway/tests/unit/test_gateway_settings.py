"""Settings come from OCMS_* variables, JSON for structured ones."""

import pytest
from pydantic import ValidationError

from gateway.settings import GatewaySettings


def test_upstreams_and_origins_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "OCMS_UPSTREAMS", '{"identity": "http://127.0.0.1:8001/", "clients": "http://c:8002"}'
    )
    monkeypatch.setenv("OCMS_ALLOWED_ORIGINS", '["https://OCMS.example.org/"]')
    monkeypatch.setenv("OCMS_COOKIE_SECURE", "false")

    settings = GatewaySettings()

    assert settings.upstreams == {"identity": "http://127.0.0.1:8001", "clients": "http://c:8002"}
    assert settings.allowed_origins == ["https://ocms.example.org"]
    assert settings.cookie_secure is False
    assert settings.service_name == "gateway"


def test_identity_is_always_an_upstream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OCMS_UPSTREAMS", raising=False)
    settings = GatewaySettings(identity_url="http://id:8001/")
    assert settings.upstreams == {"identity": "http://id:8001"}


@pytest.mark.parametrize(
    "upstreams",
    [{"auth": "http://a:1"}, {"docs": "http://a:1"}, {"Bad Name": "http://a:1"}, {"x": "ftp://a"}],
)
def test_upstreams_cannot_shadow_gateway_paths(upstreams: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        GatewaySettings(upstreams=upstreams)
