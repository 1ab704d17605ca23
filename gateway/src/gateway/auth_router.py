"""Sign-in, sign-out and "who am I": the only endpoints the gateway answers itself."""

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gateway.errors import PayloadTooLarge, UpstreamTimeout, UpstreamUnavailable
from gateway.headers import client_ip
from gateway.identity_api import IdentityApi, IdentityRefusal
from gateway.proxy import Proxy
from gateway.ratelimit import RateLimiter, client_key
from gateway.routing import resolve
from gateway.security import check_origin
from gateway.sessions import (
    clear_session_cookie,
    cookie_max_age,
    session_id_from,
    set_session_cookie,
)
from gateway.settings import GatewaySettings
from kit.errors import TooManyRequests, error_response
from kit.logs import get_logger

log = get_logger()

router = APIRouter(prefix="/api/auth", tags=["auth"], dependencies=[Depends(check_origin)])

# A sign-in body is a few hundred bytes; never buffer more than this before refusing.
LOGIN_BODY_LIMIT = 16 * 1024


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)
    totp_code: str | None = Field(default=None, max_length=16)


class SignedInUser(BaseModel):
    # Only these fields reach the browser, whatever identity adds to its answer.
    model_config = ConfigDict(extra="ignore")

    id: str
    agency_id: str
    email: str
    given_name: str
    family_name: str
    role: str
    mfa_enabled: bool


class LoginResponse(BaseModel):
    user: SignedInUser


async def _read_login(request: Request) -> LoginRequest:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > LOGIN_BODY_LIMIT:
        raise PayloadTooLarge(LOGIN_BODY_LIMIT)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > LOGIN_BODY_LIMIT:
            raise PayloadTooLarge(LOGIN_BODY_LIMIT)
    try:
        return LoginRequest.model_validate_json(bytes(body))
    except ValidationError as exc:
        # Without the input: it would echo the password back.
        raise RequestValidationError(exc.errors(include_input=False, include_url=False)) from None


@router.post(
    "/login",
    response_model=LoginResponse,
    summary="Sign in; sets the HttpOnly session cookie",
    responses={
        401: {"description": "invalid_credentials, mfa_required or invalid_totp"},
        429: {"description": "Too many attempts; see Retry-After"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": LoginRequest.model_json_schema()}},
        }
    },
)
async def login(request: Request) -> Response:
    settings: GatewaySettings = request.app.state.settings
    identity: IdentityApi = request.app.state.identity
    limiter: RateLimiter = request.app.state.login_limiter
    ip = client_ip(request, trust_forwarded_for=settings.trust_forwarded_for)

    wait = await limiter.hit(client_key(ip))
    if wait is not None:
        log.info("gateway.login.throttled", retry_after=wait)
        raise TooManyRequests("Too many sign-in attempts; try again later.", retry_after=wait)

    credentials = await _read_login(request)
    previous = session_id_from(request, settings)
    try:
        session = await identity.create_session(
            email=credentials.email,
            password=credentials.password,
            totp_code=credentials.totp_code,
            client_ip=ip,
            user_agent=request.headers.get("user-agent"),
        )
    except IdentityRefusal as refusal:
        log.info("gateway.login.refused", code=refusal.code, status=refusal.status)
        headers = {"Retry-After": refusal.retry_after} if refusal.retry_after else None
        return error_response(
            refusal.status, refusal.code, refusal.message, refusal.fields, headers=headers
        )

    try:
        user = SignedInUser.model_validate(session.user)
    except ValidationError:
        log.error("gateway.identity.bad_user")
        raise UpstreamUnavailable("identity") from None
    if previous and previous != session.session_id:
        await _revoke_quietly(identity, previous)  # one browser, one live session
    response = JSONResponse(LoginResponse(user=user).model_dump(mode="json"))
    max_age = cookie_max_age(settings, session.expires_at, datetime.now(UTC))
    set_session_cookie(response, settings, session.session_id, max_age)
    log.info("gateway.login.succeeded", user_id=user.id, agency_id=user.agency_id)
    return response


async def _revoke_quietly(identity: IdentityApi, session_id: str) -> None:
    try:
        await identity.revoke_session(session_id)
    except (UpstreamUnavailable, UpstreamTimeout):
        log.warning("gateway.session.revoke_failed")


@router.post("/logout", status_code=204, summary="Sign out: ends the session everywhere")
async def logout(request: Request) -> Response:
    settings: GatewaySettings = request.app.state.settings
    identity: IdentityApi = request.app.state.identity
    session_id = session_id_from(request, settings)
    response = Response(status_code=204)
    if session_id:
        try:
            await identity.revoke_session(session_id)
        except (UpstreamUnavailable, UpstreamTimeout) as exc:
            # The browser forgets the cookie anyway; the caller learns the session may live
            # on at identity until it expires.
            response = error_response(exc.status_code, exc.code, exc.message)
    clear_session_cookie(response, settings)
    return response


@router.get("/me", summary="The signed-in user, as identity knows them now")
async def me(request: Request) -> Response:
    settings: GatewaySettings = request.app.state.settings
    proxy: Proxy = request.app.state.proxy
    return await proxy.forward(request, resolve(settings.upstreams, "identity", "me"))
