"""The web app's built files at `/`, with index.html for client-side routes."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from gateway.settings import GatewaySettings
from kit.errors import NotFound

router = APIRouter(include_in_schema=False)

# Bundlers put content-hashed files here: a changed file gets a new name.
_IMMUTABLE_DIR = "assets/"


def _dist(settings: GatewaySettings) -> Path | None:
    if not settings.web_dist:
        return None
    dist = Path(settings.web_dist).resolve()
    return dist if (dist / "index.html").is_file() else None


def _file_in(dist: Path, path: str) -> Path | None:
    """The file `path` names inside `dist`, never outside it (no `..`, no symlink escape)."""
    if not path or "\x00" in path:
        return None
    candidate = (dist / path).resolve()
    if candidate.is_relative_to(dist) and candidate.is_file():
        return candidate
    return None


@router.api_route("/", methods=["GET", "HEAD"])
@router.api_route("/{path:path}", methods=["GET", "HEAD"])
async def web_app(request: Request, path: str = "") -> Response:
    if path == "api" or path.startswith("api/"):
        raise NotFound("No such API path")
    dist = _dist(request.app.state.settings)
    if dist is None:
        if path:
            raise NotFound("No such path")
        return JSONResponse(
            {"service": "OCMS gateway", "api": "/api", "docs": "/api/docs"},
        )
    found = _file_in(dist, path)
    if found is not None:
        cache = (
            "public, max-age=31536000, immutable" if path.startswith(_IMMUTABLE_DIR) else "no-cache"
        )
        return FileResponse(found, headers={"cache-control": cache})
    if "." in path.rsplit("/", 1)[-1]:
        # A missing asset must 404, not come back as HTML under a script's name.
        raise NotFound("No such file")
    return FileResponse(dist / "index.html", headers={"cache-control": "no-cache"})
