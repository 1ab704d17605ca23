"""A browser-like client for the gateway.

httpx, like a browser on plain http, would not send a `Secure` cookie; the stack
runs on loopback without TLS, so the client keeps the session cookie itself and
checks the attributes a browser relies on.
"""

from http.cookies import SimpleCookie
from typing import Any

import httpx

SESSION_COOKIE = "ocms_session"


class GatewayClient:
    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=15.0)
        self.session: str | None = None
        self.last_cookie: SimpleCookie = SimpleCookie()

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.session:
            headers["Cookie"] = f"{SESSION_COOKIE}={self.session}"
        response = self.http.request(method, path, headers=headers, **kwargs)
        for raw in response.headers.get_list("set-cookie"):
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(raw)
            if SESSION_COOKIE in cookie:
                self.last_cookie = cookie
                morsel = cookie[SESSION_COOKIE]
                expired = morsel["max-age"] == "0" or not morsel.value
                self.session = None if expired else morsel.value
        return response

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def login(self, email: str, password: str, totp_code: str | None = None) -> httpx.Response:
        body: dict[str, str] = {"email": email, "password": password}
        if totp_code:
            body["totp_code"] = totp_code
        return self.post("/api/auth/login", json=body)
