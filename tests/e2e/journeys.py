"""What every journey through the gateway does: sign in, make another agency, register."""

import uuid
from typing import Any

from scripts.stack import StackInfo
from tests.e2e.demo import DEMO_PASSWORD, PLATFORM_ADMIN
from tests.e2e.gateway_client import GatewayClient

CLIENTS = "/api/clients/clients"
CONSENT = {"statement_version": "2026-01", "language": "English"}


def signed_in(stack: StackInfo, email: str, password: str = DEMO_PASSWORD) -> GatewayClient:
    client = GatewayClient(stack.gateway_url)
    response = client.login(email, password)
    assert response.status_code == 200, response.text
    return client


def new_agency_admin(stack: StackInfo, name: str = "Harbour Centre") -> GatewayClient:
    """The signed-in admin of an agency the platform admin has just created."""
    platform = signed_in(stack, PLATFORM_ADMIN)
    suffix = uuid.uuid4().hex[:6]
    email, password = f"admin.{suffix}@harbour.example.org", "Harbour-Admin-2026"
    created = platform.post(
        "/api/identity/agencies",
        json={"name": f"{name} {suffix}", "code": f"HC{suffix}".upper(),
              "admin": {"email": email, "given_name": "Ines", "family_name": "Moreau",
                        "initial_password": password}},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    platform.close()
    return signed_in(stack, email, password)


def uci() -> str:
    """A fresh 8-digit UCI."""
    return f"{uuid.uuid4().int % 10**8:08d}"


def register(worker: GatewayClient, **fields: Any) -> dict[str, Any]:
    """A named client, with the privacy statement accepted."""
    response = worker.post(CLIENTS, json={"consent": CONSENT, **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


SESSIONS = "/api/sessions/sessions"


def record_session(worker: GatewayClient, body: dict[str, Any]) -> Any:
    """POST a session: the response. Right after `register`: sessions learns of clients
    from clients' events and waits briefly for one it has not heard of yet, so a client
    registered a moment ago is accepted (no retry here: that wait is what is tested)."""
    return worker.post(SESSIONS, json=body)
