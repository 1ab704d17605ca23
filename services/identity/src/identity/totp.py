"""RFC 6238 TOTP (30 s steps, 6 digits) with replay protection by time step.

A code is accepted for the current step or one step either side (clock drift), and
only for a step later than the last accepted one, so a code is never accepted twice.
"""

import hmac
import time

import pyotp

STEP_SECONDS = 30
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32(length=32)  # 160 bits, RFC 4226's recommendation


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    uri: str = pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)
    return uri


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def matching_step(
    secret: str, code: str, *, last_step: int | None, now: float | None = None
) -> int | None:
    """The time step `code` belongs to, if it is valid and newer than `last_step`."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = current_step(now)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if last_step is not None and candidate <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None
