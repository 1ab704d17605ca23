"""Identity's domain errors: the kit's classes with the codes the gateway relies on."""

from kit.errors import TooManyRequests, Unauthorized


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"

    def __init__(self) -> None:
        # One message for an unknown email, a wrong password and an inactive account.
        super().__init__("Email or password is not correct")


class MfaRequired(Unauthorized):
    code = "mfa_required"

    def __init__(self) -> None:
        super().__init__("Enter the code from your authenticator app")


class InvalidTotp(Unauthorized):
    code = "invalid_totp"

    def __init__(self) -> None:
        super().__init__("The authenticator code is not correct or was already used")


class SessionInvalid(Unauthorized):
    code = "session_invalid"

    def __init__(self) -> None:
        super().__init__("The session has ended; sign in again")


class InternalKeyRequired(Unauthorized):
    code = "internal_key_required"

    def __init__(self) -> None:
        super().__init__("This endpoint is for the gateway only")


class TooManyAttempts(TooManyRequests):
    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Too many failed sign-in attempts; try again later", retry_after=retry_after
        )
