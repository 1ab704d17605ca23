"""Receiving an upload: the multipart body streamed, counted and bounded as it arrives.

Nothing unbounded is held: the file part goes to a temporary file (in memory up to
1 MB, then on disk) and the upload is refused with a 413 as soon as the file passes
the limit (at once when the declared length already says so). Other form fields are
small and bounded too. The temporary file is removed when the request ends.
"""

import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import IO, Annotated

from fastapi import Depends, Request
from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header

from files.errors import PayloadTooLarge
from files.settings import FilesSettings
from kit.app import settings_of
from kit.errors import Invalid

SPOOL_IN_MEMORY = 1024 * 1024
MAX_FIELD_BYTES = 1024
MAX_PARTS = 8
# Multipart framing and the small fields around the file, over the file's own limit.
ENVELOPE_BYTES = 64 * 1024
# After a refusal the rest of the body is read and thrown away (so the sender reads the
# answer instead of a broken connection), but no more than this.
MAX_DRAINED_BYTES = 128 * 1024 * 1024


@dataclass
class ReceivedFile:
    filename: str
    declared_type: str | None
    file: IO[bytes]
    size: int


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)
    size: int = 0


class _Receiver:
    def __init__(self, boundary: bytes, limit: int) -> None:
        self.limit = limit
        self.fields: dict[str, str] = {}
        self.received: ReceivedFile | None = None
        self.too_large = False
        self.error: Invalid | None = None
        self._part = _Part()
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._parts = 0
        self._spool: IO[bytes] | None = None
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._begin,
                "on_header_field": lambda d, s, e: self._header_field.extend(d[s:e]),
                "on_header_value": lambda d, s, e: self._header_value.extend(d[s:e]),
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._data,
                "on_part_end": self._end,
            },
        )

    def _begin(self) -> None:
        self._parts += 1
        if self._parts > MAX_PARTS:
            self.error = Invalid("body", f"at most {MAX_PARTS} form fields")
        self._part = _Part()

    def _header_end(self) -> None:
        self._part.headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._part.headers.get(b"content-disposition", b""))
        self._part.name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if self._part.name == "file" and self.received is None and self.error is None:
            self._part.filename = (filename or b"").decode("utf-8", "replace")
            self._spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self.error is not None or self.too_large:
            return
        part = self._part
        part.size += end - start
        if self._spool is not None and part.filename is not None:
            if part.size > self.limit:
                self.too_large = True
                self._spool.close()
                self._spool = None
                return
            self._spool.write(data[start:end])
        elif part.size <= MAX_FIELD_BYTES:
            part.data.extend(data[start:end])
        else:
            self.error = Invalid(part.name or "body", f"longer than {MAX_FIELD_BYTES} bytes")

    def _end(self) -> None:
        part = self._part
        if self._spool is not None and part.filename is not None and not self.too_large:
            self._spool.seek(0)
            self.received = ReceivedFile(
                filename=part.filename,
                declared_type=part.headers.get(b"content-type", b"").decode("latin-1") or None,
                file=self._spool,
                size=part.size,
            )
            self._spool = None
        elif part.filename is None and part.name:
            self.fields[part.name] = part.data.decode("utf-8", "replace")

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
        if self.received is not None:
            self.received.file.close()


async def _drain(request: Request, already: int) -> None:
    drained = already
    try:
        async for chunk in request.stream():
            drained += len(chunk)
            if drained > MAX_DRAINED_BYTES:
                return
    except Exception:  # the sender gave up; nothing to answer to
        return


async def receive_file(
    request: Request, settings: Annotated[FilesSettings, Depends(settings_of(FilesSettings))]
) -> AsyncIterator[ReceivedFile]:
    """Dependency: the uploaded `file` part, bounded by `files_max_bytes`."""
    limit = settings.files_max_bytes
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise Invalid("file", "send the file as multipart/form-data in a field named `file`")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + ENVELOPE_BYTES:
        await _drain(request, 0)
        raise PayloadTooLarge(limit)
    receiver = _Receiver(boundary, limit)
    read = 0
    try:
        try:
            async for chunk in request.stream():
                read += len(chunk)
                receiver.parser.write(chunk)
                if receiver.too_large or receiver.error is not None:
                    break
            else:
                receiver.parser.finalize()
        except MultipartParseError as exc:
            raise Invalid("file", "the multipart body is malformed") from exc
        if receiver.too_large:
            await _drain(request, read)
            raise PayloadTooLarge(limit)
        if receiver.error is not None:
            await _drain(request, read)
            raise receiver.error
        if receiver.received is None:
            raise Invalid("file", "no file in the upload (a form field named `file`)")
        yield receiver.received
    finally:
        receiver.close()


UploadedFile = Annotated[ReceivedFile, Depends(receive_file)]
