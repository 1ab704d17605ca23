"""The one downloadable zip of an export: its workbooks and a manifest.json."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
import zipfile
from collections.abc import Mapping, Sequence

__all__ = ["MANIFEST_NAME", "export_zip"]

MANIFEST_NAME = "manifest.json"


def export_zip(files: Sequence[tuple[str, bytes]], manifest: Mapping[str, object]) -> bytes:
    """A zip of `files` (name, bytes), in the order given, then `manifest.json`.

    Workbooks are stored, not deflated: an .xlsx is already a deflated zip, so
    compressing it again costs time for no space. Names must be unique plain file names.
    Dates, datetimes and UUIDs in the manifest are written as their ISO/str text.
    """
    names = [name for name, _ in files]
    for name in names:
        if not name or "/" in name or "\\" in name or name in (".", ".."):
            raise ValueError(f"{name!r} is not a plain file name")
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate file names in an export: {sorted(names)}")
    if MANIFEST_NAME in names:
        raise ValueError(f"{MANIFEST_NAME!r} is the export's own manifest, not a file name")
    manifest_text = json.dumps(
        manifest, ensure_ascii=False, indent=2, sort_keys=True, default=_json_default
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files:
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)
        archive.writestr(MANIFEST_NAME, manifest_text, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _json_default(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"manifest value {value!r} ({type(value).__name__}) is not JSON")
