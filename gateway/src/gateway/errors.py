"""Gateway errors, in kit's error shape."""

from kit.errors import DomainError


class UpstreamUnavailable(DomainError):
    status_code = 502
    code = "upstream_unavailable"

    def __init__(self, service: str) -> None:
        super().__init__(f"The {service} service is unavailable; try again shortly.")
        self.service = service


class UpstreamTimeout(DomainError):
    status_code = 504
    code = "upstream_timeout"

    def __init__(self, service: str) -> None:
        super().__init__(f"The {service} service did not answer in time.")
        self.service = service


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "payload_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes.")
