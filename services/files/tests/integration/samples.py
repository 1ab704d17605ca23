"""Small files for the API tests: a PDF, a JPEG carrying a GPS position, a program."""

import struct


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64

_HEAD = b"\xff\xd8" + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
_EXIF = _segment(0xE1, b"Exif\x00\x00MM\x00*\x00\x00\x00\x08GPSLatitude 45.4215 N")
_BODY = (
    _segment(0xDB, b"\x00" + bytes(range(64)))
    + _segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
    + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    + b"\x12\xff\x00\x34"
    + b"\xff\xd9"
)
GPS_JPEG = _HEAD + _EXIF + _BODY
STRIPPED_JPEG = _HEAD + _BODY
