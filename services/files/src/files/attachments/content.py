"""What a file is, decided from its bytes, and what is kept of it.

- `clean_name`: the name as shown and offered on download: no directories, no control
  or invisible characters (bidi overrides that disguise `exe`), no reserved device
  names, a bounded length. It is never part of an object key.
- `sniff`: the type by content (magic bytes, and the inside of ZIP containers for
  office documents); an executable is named as such.
- `check`: the content must be an allowed type AND the name's extension one of that
  type's extensions.
- `strip_jpeg` / `strip_png`: images lose their metadata (EXIF with GPS position,
  XMP, IPTC, comments, text chunks); the picture itself is kept byte for byte.

Standard library only: a small segment/chunk parser does what an image library would.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from files.errors import UnsupportedFile


@dataclass(frozen=True)
class FileType:
    key: str
    content_type: str
    extensions: tuple[str, ...]
    label: str


TYPES: dict[str, FileType] = {
    t.key: t
    for t in (
        FileType("pdf", "application/pdf", ("pdf",), "a PDF document"),
        FileType("jpeg", "image/jpeg", ("jpg", "jpeg"), "a JPEG image"),
        FileType("png", "image/png", ("png",), "a PNG image"),
        FileType(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
            "a Word document",
        ),
        FileType(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
            "an Excel workbook",
        ),
        FileType(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
            "a PowerPoint presentation",
        ),
        FileType("odt", "application/vnd.oasis.opendocument.text", ("odt",), "an ODF text"),
        FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",), "an ODF sheet"),
        FileType("txt", "text/plain", ("txt",), "plain text"),
        FileType("csv", "text/csv", ("csv",), "a CSV table"),
    )
}

# --- names ---------------------------------------------------------------------------

MAX_NAME_CHARS = 180
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)
}
_UNSAFE = re.compile(r'[<>:"|?*]')
# Control (Cc), format (Cf: bidi overrides, zero-width), surrogates, private use, unassigned.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def split_extension(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, extension


def clean_name(raw: str) -> str:
    """A safe display name; the extension (lower-cased) is kept, the rest bounded."""
    name = unicodedata.normalize("NFC", raw or "")
    # Only the last path segment, whichever separator the sender's system uses.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Tabs and line breaks become spaces; other invisible characters go.
    name = "".join(" " if c.isspace() else c for c in name)
    name = "".join(c for c in name if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip()
    # Leading dots (hidden files, what is left of "..") and trailing dots or spaces
    # (Windows drops them, turning "a.pdf." into "a.pdf").
    name = name.strip(". ")
    stem, extension = split_extension(name)
    extension = extension.strip().lower()
    stem = stem.strip(". ")
    if stem.split(".", 1)[0].strip().lower() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    limit = MAX_NAME_CHARS - (len(extension) + 1 if extension else 0)
    stem = stem[: max(limit, 1)].rstrip(". ") or "file"
    return f"{stem}.{extension}" if extension else stem


# --- sniffing ------------------------------------------------------------------------

_EXECUTABLES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xfe\xed\xfa\xce", "a macOS program"),
    (b"\xfe\xed\xfa\xcf", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"#!", "a script"),
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _zip_type(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names:
            mimetype = archive.read("mimetype").strip()
            for key in ("odt", "ods"):
                if mimetype == TYPES[key].content_type.encode():
                    return key
            return None
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return "macro"  # macro-enabled content under an OOXML name
    for key, marker in (
        ("docx", "word/document.xml"),
        ("xlsx", "xl/workbook.xml"),
        ("pptx", "ppt/presentation.xml"),
    ):
        if marker in names:
            return key
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # what Excel on Windows writes
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    # Control characters other than tab, newlines and form feed mean binary content.
    return not any(ord(c) < 32 and c not in "\t\n\r\f" for c in text)


def sniff(data: bytes) -> str | None:
    """The type key of `data` by its content; "executable:<what>" for programs."""
    for magic, what in _EXECUTABLES:
        if data.startswith(magic):
            return f"executable:{what}"
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data) or "zip"
    if _is_text(data):
        return "text"
    return None


def check(name: str, data: bytes, allowed: list[str]) -> FileType:
    """The accepted type of `data` named `name` (already cleaned), or UnsupportedFile."""
    accepted = [TYPES[k] for k in allowed if k in TYPES]
    listing = ", ".join(sorted({f".{e}" for t in accepted for e in t.extensions}))
    if not data:
        raise UnsupportedFile("the file is empty")
    found = sniff(data)
    _, extension = split_extension(name)
    if found is not None and found.startswith("executable:"):
        raise UnsupportedFile(
            f"this is {found.split(':', 1)[1]}, not a document; programs are not accepted"
        )
    if found == "macro":
        raise UnsupportedFile("documents with macros are not accepted")
    if found == "text":
        # Plain text is whatever its extension says among the text types.
        candidates = [t for t in accepted if t.key in {"txt", "csv"} and extension in t.extensions]
    else:
        candidates = [t for t in accepted if t.key == found]
    if not candidates:
        raise UnsupportedFile(f"this type of file is not accepted; accepted: {listing}")
    file_type = candidates[0]
    if extension not in file_type.extensions:
        expected = ", ".join(f".{e}" for e in file_type.extensions)
        said = f".{extension}" if extension else "no extension"
        raise UnsupportedFile(
            f"the content is {file_type.label} but the name has {said}; expected {expected}"
        )
    return file_type


# --- image metadata ------------------------------------------------------------------


class _Malformed(UnsupportedFile):
    pass


def strip_jpeg(data: bytes) -> bytes:
    """The JPEG without APP1 (EXIF, XMP), APP13 (IPTC), other APPn and comments.

    Kept: APP0 (JFIF), APP2 when it is an ICC colour profile, APP14 (Adobe colour
    transform), every coding segment and the scan data. Bytes after the end-of-image
    marker (trailers that can carry anything) are dropped.
    """
    if not data.startswith(b"\xff\xd8"):
        raise _Malformed("not a valid JPEG image")
    out = bytearray(b"\xff\xd8")
    pos, size = 2, len(data)
    while pos < size:
        if data[pos] != 0xFF:
            raise _Malformed("not a valid JPEG image (bad marker)")
        while pos < size and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= size:
            break
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # end of image
            out += b"\xff\xd9"
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # standalone markers
            out += bytes((0xFF, marker))
            continue
        if pos + 2 > size:
            raise _Malformed("not a valid JPEG image (truncated)")
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > size:
            raise _Malformed("not a valid JPEG image (bad segment length)")
        segment = data[pos : pos + length]
        payload = segment[2:]
        pos += length
        if marker == 0xDA:  # start of scan: entropy-coded data follows until a marker
            out += b"\xff\xda" + segment
            end = pos
            while True:
                end = data.find(b"\xff", end)
                if end < 0 or end + 1 >= size:
                    raise _Malformed("not a valid JPEG image (no end of image)")
                following = data[end + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    end += 1 if following == 0xFF else 2
                    continue
                break
            out += data[pos:end]
            pos = end
            continue
        keep = (
            marker == 0xE0
            or (marker == 0xE2 and payload.startswith(b"ICC_PROFILE\x00"))
            or marker == 0xEE
            or not (0xE0 <= marker <= 0xEF or marker == 0xFE)
        )
        if keep:
            out += bytes((0xFF, marker)) + segment
    raise _Malformed("not a valid JPEG image (no end of image)")


# Chunks that describe how to draw the picture; everything else (eXIf, tEXt, zTXt,
# iTXt, tIME, private chunks) is dropped.
_PNG_KEPT = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP",
    b"sBIT", b"bKGD", b"pHYs", b"hIST", b"sPLT", b"cICP", b"mDCV", b"cLLI",
    b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip


def strip_png(data: bytes) -> bytes:
    if not data.startswith(PNG_SIGNATURE):
        raise _Malformed("not a valid PNG image")
    out = bytearray(PNG_SIGNATURE)
    pos, size = len(PNG_SIGNATURE), len(data)
    while pos + 12 <= size:
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > size or not kind.isalpha():
            raise _Malformed("not a valid PNG image (bad chunk)")
        if kind in _PNG_KEPT:
            out += data[pos:end]
        pos = end
        if kind == b"IEND":
            return bytes(out)
    raise _Malformed("not a valid PNG image (no end chunk)")


def without_metadata(file_type: FileType, data: bytes) -> bytes:
    """The bytes to keep: images without their metadata, other types as they came."""
    if file_type.key == "jpeg":
        return strip_jpeg(data)
    if file_type.key == "png":
        return strip_png(data)
    return data
