"""Aggregated API docs, the web app's files, security headers, health and metrics."""

from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.asyncio


async def test_openapi_combines_every_upstream_under_its_prefix(
    gateway: httpx.AsyncClient,
) -> None:
    response = await gateway.get("/api/openapi.json")

    assert response.status_code == 200
    doc = response.json()
    paths = doc["paths"]
    assert "/api/identity/me" in paths
    assert "/api/identity/users/{user_id}" in paths
    assert "/api/identity/.well-known/jwks.json" in paths  # served at identity's root
    assert "/api/clients/items" in paths
    assert "/api/auth/login" in paths and "/api/auth/logout" in paths
    assert not [p for p in paths if "internal" in p]
    assert not [p for p in paths if not p.startswith("/api/")]

    schemas = doc["components"]["schemas"]
    # Both fakes declare ValidationError; each keeps its own.
    assert {"identity.ValidationError", "clients.ValidationError", "clients.Client"} <= set(schemas)
    assert not [name for name in schemas if "." not in name]
    refs = _refs(doc)
    assert refs and all(r.split("/")[-1] in schemas for r in refs)
    created = paths["/api/clients/items"]["post"]
    body_ref = created["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body_ref == "#/components/schemas/clients.Client"
    item_ref = schemas["clients.Client"]["properties"]["errors"]["items"]["$ref"]
    assert item_ref == "#/components/schemas/clients.ValidationError"
    assert created["operationId"].startswith("clients_")

    # The browser authenticates with the cookie; public paths need nothing.
    assert doc["components"]["securitySchemes"]["session"]["in"] == "cookie"
    assert doc["security"] == [{"session": []}]
    assert paths["/api/auth/login"]["post"]["security"] == []
    assert paths["/api/identity/password-reset/request"]["post"]["security"] == []
    assert "security" not in paths["/api/identity/me"]["get"]

    # The unreachable upstream is named rather than silently missing.
    assert "down" in doc["info"]["description"]


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


async def test_docs_page_loads_the_combined_document(gateway: httpx.AsyncClient) -> None:
    page = await gateway.get("/api/docs")
    script = await gateway.get("/api/docs/init.js")

    assert page.status_code == 200
    assert '<script src="/api/docs/init.js">' in page.text
    assert "<script>" not in page.text  # nothing inline: the CSP forbids it
    assert "script-src 'self' https://cdn.jsdelivr.net" in page.headers["content-security-policy"]
    assert '"/api/openapi.json"' in script.text
    assert (await gateway.get("/docs")).status_code == 404  # FastAPI's own page is gone
    assert (await gateway.get("/openapi.json")).status_code == 404


async def test_without_a_web_build_root_says_where_the_api_is(
    gateway: httpx.AsyncClient,
) -> None:
    response = await gateway.get("/")

    assert response.status_code == 200
    assert response.json()["docs"] == "/api/docs"
    assert (await gateway.get("/clients/123")).status_code == 404


@pytest.fixture
def web_dist(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>OCMS</title>")
    (dist / "assets" / "app-3f2a.js").write_text("console.log('ocms')")
    (tmp_path / "secret.txt").write_text("outside the dist folder")
    return dist


async def test_web_app_is_served_with_index_fallback(make_gateway: Any, web_dist: Path) -> None:
    async with make_gateway(web_dist=str(web_dist)) as gateway:
        root = await gateway.get("/")
        route = await gateway.get("/clients/42/sessions")
        asset = await gateway.get("/assets/app-3f2a.js")
        missing_asset = await gateway.get("/assets/app-0000.js")
        api = await gateway.get("/api/nothing")
        escape = await gateway.get("/%2e%2e/secret.txt")
        health = await gateway.get("/healthz")

    assert root.status_code == route.status_code == 200
    assert root.text == route.text == "<!doctype html><title>OCMS</title>"
    assert route.headers["cache-control"] == "no-cache"
    assert route.headers["content-security-policy"].startswith("default-src 'self'")
    assert asset.text == "console.log('ocms')"
    assert "immutable" in asset.headers["cache-control"]
    assert missing_asset.status_code == 404
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
    assert escape.status_code == 404
    assert health.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/", "/api/auth/me", "/api/nosuch/x", "/healthz"])
async def test_security_headers_on_every_response(gateway: httpx.AsyncClient, path: str) -> None:
    response = await gateway.get(path)

    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["strict-transport-security"].startswith("max-age=")
    if path.startswith("/api/"):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["content-security-policy"] == (
            "default-src 'none'; frame-ancestors 'none'"
        )


async def test_ready_when_redis_and_identity_answer(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {"redis": "ok", "identity": "ok"}


async def test_metrics_count_proxied_requests_by_route_template(
    gateway: httpx.AsyncClient,
) -> None:
    await gateway.get("/api/clients/echo/some-client-id")

    metrics = (await gateway.get("/metrics")).text

    assert 'route="/api/{service}/{path:path}"' in metrics
    assert "some-client-id" not in metrics
