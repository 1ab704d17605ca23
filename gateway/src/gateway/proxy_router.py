"""`/api/<service>/<path>`: every configured upstream, every method."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.proxy import Proxy
from gateway.routing import resolve
from gateway.security import check_origin
from gateway.settings import GatewaySettings

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_origin)])

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@router.api_route("/api/{service}/{path:path}", methods=METHODS)
async def forward(service: str, path: str, request: Request) -> Response:
    settings: GatewaySettings = request.app.state.settings
    proxy: Proxy = request.app.state.proxy
    return await proxy.forward(request, resolve(settings.upstreams, service, path))
