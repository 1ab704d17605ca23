"""The files service's own HTTP errors, in the kit's one error shape."""

from kit.errors import DomainError


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "file_too_large"

    def __init__(self, limit: int) -> None:
        megabytes = limit / (1024 * 1024)
        super().__init__(
            f"The file is larger than the limit of {megabytes:g} MB ({limit} bytes).",
            fields=[{"field": "file", "message": f"larger than {limit} bytes"}],
        )


class UnsupportedFile(DomainError):
    """The content is not of an accepted type, or does not match the name's extension."""

    status_code = 415
    code = "unsupported_file_type"

    def __init__(self, message: str) -> None:
        super().__init__(f"file: {message}", fields=[{"field": "file", "message": message}])
