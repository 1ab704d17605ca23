"""Name cleaning, type sniffing and image metadata stripping, on bytes built here."""

import io
import struct
import zipfile
import zlib

import pytest

from files.attachments.content import (
    TYPES,
    check,
    clean_name,
    sniff,
    strip_jpeg,
    strip_png,
    without_metadata,
)
from files.errors import UnsupportedFile
from files.settings import DEFAULT_TYPES

ALLOWED = list(DEFAULT_TYPES)

# --- sample files ----------------------------------------------------------------------


def segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


GPS_EXIF = b"Exif\x00\x00MM\x00*\x00\x00\x00\x08GPSLatitude 45.4215 N GPSLongitude 75.6972 W"
JFIF = segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
ICC = segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + b"colour")
ADOBE = segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01")
CODING = (
    segment(0xDB, b"\x00" + bytes(range(64)))  # quantisation table
    + segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")  # frame: 1x1, one component
    + segment(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00")  # Huffman table
)
# Scan data with a stuffed 0xFF00 and a restart marker inside: not segment boundaries.
SCAN = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\xff\x00\x34\xff\xd0\x56"


def jpeg(*, metadata: bool) -> bytes:
    parts = [b"\xff\xd8", JFIF]
    if metadata:
        parts += [
            segment(0xE1, GPS_EXIF),
            segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>GPS</x:xmpmeta>"),
            segment(0xED, b"Photoshop 3.0\x008BIM IPTC city"),
            segment(0xFE, b"taken at 12 Main St"),
            segment(0xE2, b"MPF\x00other data"),
        ]
    parts += [ICC, ADOBE, CODING, SCAN, b"\xff\xd9"]
    if metadata:
        parts.append(b"trailer after the end of the image")
    return b"".join(parts)


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(*, metadata: bool) -> bytes:
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    idat = chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    parts = [b"\x89PNG\r\n\x1a\n", ihdr, chunk(b"pHYs", b"\x00\x00\x0b\x13" * 2 + b"\x01")]
    if metadata:
        parts += [
            chunk(b"tEXt", b"Comment\x00at home"),
            chunk(b"eXIf", GPS_EXIF[6:]),
            chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta>GPS</x:xmpmeta>"),
            chunk(b"tIME", b"\x07\xea\x0b\x1a\x0c\x00\x00"),
        ]
    parts += [idat, chunk(b"IEND", b"")]
    if metadata:
        parts.append(b"trailing bytes")
    return b"".join(parts)


def ooxml(marker: str, *, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(marker, "<document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


def odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
LINUX_EXE = b"\x7fELF\x02\x01\x01" + b"\x00" * 64

# --- names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system32\\report.PDF", "report.pdf"),
        ("C:\\Users\\amal\\Documents\\lease.pdf", "lease.pdf"),
        ("/absolute/path/scan.jpg", "scan.jpg"),
        ("..", "file"),
        ("", "file"),
        (".hidden.pdf", "hidden.pdf"),
        ("report.pdf.", "report.pdf"),
        ("  lots   of\tspace .pdf ", "lots of space.pdf"),
        ("new\nline\r\x00nul\x1b.pdf", "new line nul.pdf"),
        # A right-to-left override would show "invoice_fdp.exe" as "invoice_exe.pdf".
        ("invoice_\u202efdp.exe", "invoice_fdp.exe"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ('what<>:"|?*.pdf', "what_______.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("lpt1.tar.gz", "_lpt1.tar.gz"),
        ("nul", "_nul"),
        ("consent form.pdf", "consent form.pdf"),
        ("Lettre d\u2019emploi \u2013 Zoë.pdf", "Lettre d\u2019emploi \u2013 Zoë.pdf"),
        ("e\u0301te\u0301.pdf", "\u00e9t\u00e9.pdf"),  # NFC
        ("résumé.PDF", "résumé.pdf"),
    ],
)
def test_clean_name(raw: str, expected: str) -> None:
    assert clean_name(raw) == expected


def test_long_names_are_bounded_and_keep_their_extension() -> None:
    cleaned = clean_name("a" * 1000 + ".pdf")
    assert len(cleaned) == 180
    assert cleaned.endswith("a.pdf")


# --- sniffing and the allow-list -------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, "pdf"),
        (jpeg(metadata=True), "jpeg"),
        (png(metadata=True), "png"),
        (ooxml("word/document.xml"), "docx"),
        (ooxml("xl/workbook.xml"), "xlsx"),
        (ooxml("ppt/presentation.xml"), "pptx"),
        (ooxml("word/document.xml", macro=True), "macro"),
        (odf("application/vnd.oasis.opendocument.text"), "odt"),
        (odf("application/vnd.oasis.opendocument.spreadsheet"), "ods"),
        (b"name,phone\nAmal,555\n", "text"),
        ("Zoë, café\n".encode(), "text"),
        ("Zoë;café\r\n".encode("cp1252"), "text"),
        (WINDOWS_EXE, "executable:a Windows program"),
        (LINUX_EXE, "executable:a Linux program"),
        (b"#!/bin/sh\nrm -rf /\n", "executable:a script"),
        (b"GIF89a\x01\x00\x01\x00", None),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, None),  # OLE: .doc or .msi
        (b"PK\x03\x04not really a zip", "zip"),
    ],
)
def test_sniff(data: bytes, expected: str | None) -> None:
    assert sniff(data) == expected


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("letter.pdf", PDF, "pdf"),
        ("photo.jpg", jpeg(metadata=False), "jpeg"),
        ("photo.jpeg", jpeg(metadata=False), "jpeg"),
        ("scan.png", png(metadata=False), "png"),
        ("cv.docx", ooxml("word/document.xml"), "docx"),
        ("budget.xlsx", ooxml("xl/workbook.xml"), "xlsx"),
        ("notes.txt", b"hello\n", "txt"),
        ("list.csv", b"a,b\n1,2\n", "csv"),
    ],
)
def test_allowed_files_pass(name: str, data: bytes, key: str) -> None:
    assert check(name, data, ALLOWED) is TYPES[key]


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("report.pdf", WINDOWS_EXE, "Windows program"),
        ("report.pdf", LINUX_EXE, "Linux program"),
        ("notes.txt", b"#!/usr/bin/env python\nimport os\n", "script"),
        ("photo.jpg", PDF, "PDF document but the name has .jpg"),
        ("report", PDF, "has no extension"),
        ("cv.docx", ooxml("word/document.xml", macro=True), "macros"),
        ("cv.docx", b"PK\x03\x04not really a zip", "not accepted"),
        ("image.gif", b"GIF89a\x01\x00\x01\x00", "not accepted"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "not accepted"),
        ("data.bin", b"\x00\x01\x02binary", "not accepted"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_refused_files_say_why(name: str, data: bytes, says: str) -> None:
    with pytest.raises(UnsupportedFile) as refused:
        check(name, data, ALLOWED)
    assert says in refused.value.message
    assert refused.value.status_code == 415
    assert refused.value.fields[0]["field"] == "file"


def test_a_type_left_out_of_the_settings_is_refused() -> None:
    with pytest.raises(UnsupportedFile):
        check("photo.png", png(metadata=False), ["pdf"])


# --- image metadata --------------------------------------------------------------------


def test_jpeg_loses_exif_xmp_iptc_comments_and_trailer_and_keeps_the_picture() -> None:
    stripped = strip_jpeg(jpeg(metadata=True))
    assert stripped == jpeg(metadata=False)
    for gone in (b"Exif", b"GPS", b"xmpmeta", b"IPTC", b"Main St", b"MPF", b"trailer"):
        assert gone not in stripped
    for kept in (JFIF, ICC, ADOBE, CODING, SCAN):
        assert kept in stripped


def test_a_clean_jpeg_is_unchanged() -> None:
    clean = jpeg(metadata=False)
    assert strip_jpeg(clean) == clean


def test_png_loses_text_exif_and_time_chunks() -> None:
    stripped = strip_png(png(metadata=True))
    assert stripped == png(metadata=False)
    for gone in (b"tEXt", b"eXIf", b"iTXt", b"tIME", b"GPS", b"trailing"):
        assert gone not in stripped
    assert stripped.endswith(chunk(b"IEND", b""))


@pytest.mark.parametrize(
    "broken",
    [
        b"\xff\xd8\xff\xe1\x00",  # truncated segment length
        b"\xff\xd8\xff\xe1\xff\xff" + b"x" * 10,  # segment longer than the file
        jpeg(metadata=False)[:-2],  # no end of image
        b"\xff\xd8\x00\x00",  # no marker
    ],
)
def test_malformed_jpegs_are_refused(broken: bytes) -> None:
    with pytest.raises(UnsupportedFile):
        strip_jpeg(broken)


@pytest.mark.parametrize(
    "broken",
    [
        png(metadata=False)[:-12],  # no IEND
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 10**9) + b"IDAT" + b"x" * 20,
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 0) + b"\x00\x01\x02\x03" + b"\x00" * 4,
    ],
)
def test_malformed_pngs_are_refused(broken: bytes) -> None:
    with pytest.raises(UnsupportedFile):
        strip_png(broken)


def test_only_images_are_rewritten() -> None:
    assert without_metadata(TYPES["pdf"], PDF) is PDF
    assert without_metadata(TYPES["jpeg"], jpeg(metadata=True)) == jpeg(metadata=False)
    assert without_metadata(TYPES["png"], png(metadata=True)) == png(metadata=False)
