"""One OpenAPI document for the whole system, as the browser sees it through the gateway.

Each upstream's `/openapi.json` is fetched (cached briefly), its paths mapped to the gateway
paths that reach them (internal ones dropped), and its component names, operation ids and
tags prefixed with the service name so services never collide. Upstream bearer schemes
are replaced by the session cookie: that is how a browser authenticates here.
"""

import asyncio
import copy
import time
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from gateway.routing import PUBLIC_ROUTES, gateway_path
from kit.logs import get_logger

log = get_logger()

JSON = dict[str, Any]
PathMap = Callable[[str], str | None]

OWN = "gateway"
_HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
_PUBLIC_PATHS = {f"/api/{svc}/{rest}" for svc, rest in PUBLIC_ROUTES} | {"/api/auth/login"}
SESSION_SCHEME = "session"


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    """Rewrite every component reference (`$ref` and discriminator mappings) in place."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                node[key] = renames.get(value, value)
            elif key == "mapping" and isinstance(value, dict):
                for k, v in value.items():
                    if isinstance(v, str):
                        value[k] = renames.get(v, v)
            else:
                _rename_refs(value, renames)
    elif isinstance(node, list):
        for item in node:
            _rename_refs(item, renames)
    return node


def prefix_service(service: str, doc: JSON, path_map: PathMap) -> tuple[JSON, JSON, list[JSON]]:
    """A service document's (paths, components, tags), renamed for the combined document."""
    doc = copy.deepcopy(doc)
    components: JSON = {}
    renames: dict[str, str] = {}
    for kind, entries in (doc.get("components") or {}).items():
        if kind == "securitySchemes" or not isinstance(entries, dict):
            continue  # upstream auth is the gateway's business, not the browser's
        for name, entry in entries.items():
            new_name = f"{service}.{name}"
            renames[f"#/components/{kind}/{name}"] = f"#/components/{kind}/{new_name}"
            components.setdefault(kind, {})[new_name] = entry
    _rename_refs(doc, renames)
    _rename_refs(components, renames)

    def tag(name: str) -> str:
        return f"{service}: {name}"

    paths: JSON = {}
    for upstream_path, item in (doc.get("paths") or {}).items():
        public_path = path_map(upstream_path)
        if public_path is None:
            continue
        for method, operation in item.items():
            if method not in _HTTP_METHODS or not isinstance(operation, dict):
                continue
            operation.pop("security", None)
            if public_path in _PUBLIC_PATHS:
                operation["security"] = []
            if "operationId" in operation:
                operation["operationId"] = f"{service}_{operation['operationId']}"
            operation["tags"] = [tag(t) for t in operation.get("tags") or []] or [service]
        paths[public_path] = item
    tags = [{**t, "name": tag(t["name"])} for t in doc.get("tags") or [] if "name" in t]
    return paths, components, tags


def _own_path(path: str) -> str | None:
    return path if path.startswith("/api/auth/") else None


def _upstream_paths(service: str) -> PathMap:
    return lambda path: gateway_path(service, path)


def merge(own: JSON, services: dict[str, JSON], missing: list[str], *, cookie_name: str) -> JSON:
    paths: JSON = {}
    components: JSON = {
        "securitySchemes": {SESSION_SCHEME: {"type": "apiKey", "in": "cookie", "name": cookie_name}}
    }
    tags: list[JSON] = []

    def add(service: str, doc: JSON, path_map: PathMap) -> None:
        more_paths, more_components, more_tags = prefix_service(service, doc, path_map)
        paths.update(more_paths)
        for kind, entries in more_components.items():
            components.setdefault(kind, {}).update(entries)
        tags.extend(more_tags)

    add(OWN, own, _own_path)
    for service in sorted(services):
        add(service, services[service], _upstream_paths(service))

    description = (
        "Every OCMS service behind the gateway. Sign in with `POST /api/auth/login`; the "
        "session cookie it sets authenticates every other call."
    )
    if missing:
        description += f"\n\nLeft out because they did not answer: {', '.join(sorted(missing))}."
    return {
        "openapi": "3.1.0",
        "info": {"title": "OCMS API", "version": "1", "description": description},
        "paths": dict(sorted(paths.items())),
        "components": components,
        "security": [{SESSION_SCHEME: []}],
        "tags": tags,
    }


class OpenApiAggregator:
    def __init__(
        self,
        http: httpx.AsyncClient,
        upstreams: dict[str, str],
        *,
        own: Callable[[], JSON],
        cookie_name: str,
        ttl_seconds: float,
    ) -> None:
        self._http = http
        self._upstreams = upstreams
        self._own = own
        self._cookie_name = cookie_name
        self._ttl = ttl_seconds
        self._cached: tuple[float, JSON] | None = None
        self._lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _fetch(self, service: str, base_url: str) -> JSON | None:
        try:
            response = await self._http.get(f"{base_url}/openapi.json")
            response.raise_for_status()
            doc = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning(
                "gateway.openapi.fetch_failed", upstream=service, error_type=type(exc).__name__
            )
            return None
        return doc if isinstance(doc, dict) else None

    async def document(self) -> JSON:
        async with self._lock:  # one rebuild at a time; the others get its result
            if self._cached and time.monotonic() - self._cached[0] < self._ttl:
                return self._cached[1]
            names = sorted(self._upstreams)
            fetched = await asyncio.gather(*(self._fetch(n, self._upstreams[n]) for n in names))
            docs = {n: d for n, d in zip(names, fetched, strict=True) if d is not None}
            missing = [n for n in names if n not in docs]
            document = merge(self._own(), docs, missing, cookie_name=self._cookie_name)
            self._cached = (time.monotonic(), document)
            return document


router = APIRouter(include_in_schema=False)

SWAGGER_DIST = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"

# No inline script, so the page's CSP needs no 'unsafe-inline' for scripts.
DOCS_HTML = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>OCMS API</title>
<link rel="stylesheet" href="{SWAGGER_DIST}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{SWAGGER_DIST}/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
"""

DOCS_INIT_JS = """window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
});
"""


@router.get("/api/openapi.json")
async def openapi_json(request: Request) -> JSONResponse:
    aggregator: OpenApiAggregator = request.app.state.openapi
    return JSONResponse(await aggregator.document())


@router.get("/api/docs")
async def docs_page() -> HTMLResponse:
    return HTMLResponse(DOCS_HTML)


@router.get("/api/docs/init.js")
async def docs_init() -> Response:
    return Response(DOCS_INIT_JS, media_type="text/javascript")
