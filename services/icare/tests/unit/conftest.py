"""Fixtures of icare's unit tests: IRCC's reference workbooks and valid rows.

Kept minimal (several suites share this folder): fixtures only, each named for what it is.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from icare.workbooks import Row
from reference.icare import Field, Template

# The funder's reference workbooks live beside the repository, never inside it
# (the same place libs/reference/tests/conftest.py reads them from).
ICARE_REFERENCE = (Path(__file__).parents[4] / ".." / "shared" / "icare" / "reference").resolve()


def load_xlsx(source: Path | bytes, *, read_only: bool = False) -> Any:
    """An openpyxl workbook, without openpyxl's warning on Excel's validation extension."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        stream = io.BytesIO(source) if isinstance(source, bytes) else source
        return openpyxl.load_workbook(stream, read_only=read_only)


@pytest.fixture(scope="session")
def open_xlsx() -> Callable[..., Any]:
    """`load_xlsx` for the tests (a conftest is not importable under importlib mode)."""
    return load_xlsx


@pytest.fixture(scope="session")
def icare_reference() -> Callable[..., Path]:
    """The path of one reference workbook, e.g. icare_reference("blank", "employment.xlsx")."""

    def path(*parts: str) -> Path:
        found = ICARE_REFERENCE.joinpath(*parts)
        if not found.is_file():
            pytest.fail(
                f"iCARE reference workbook missing: {found} (expected ../shared/icare/reference "
                "beside the repository)"
            )
        return found

    return path


def valid_value(field: Field, n: int) -> str:
    """A value iCARE accepts in `field`, varied by `n` (choices cycle through their list)."""
    if field.values is not None:
        return field.values[(n + field.column) % len(field.values)]
    day = 1 + (n * 7 + field.column) % 28
    by_kind = {
        "date": f"20{18 + n % 8:02d}-{1 + (n + field.column) % 12:02d}-{day:02d}",
        "integer": str(1 + (n * 13 + field.column) % 120),
        "postal_code": ["M5V2T6", "K1A0B1", "H2X1Y4", "V6B4Y8"][n % 4],
        "phone": f"416-555-{(1000 + n * 37 + field.column) % 10000:04d}",
        "email": f"client.{n}@example.org",
    }
    if field.kind in by_kind:
        return by_kind[field.kind]
    if field.id == "client_validation_id":
        return f"{10000000 + n * 7919:08d}"
    return f"{field.label.strip()} {n}"


@pytest.fixture(scope="session")
def valid_rows() -> Callable[[Template, int], list[Row]]:
    """`count` rows of a template with every field filled with a valid value."""

    def rows(template: Template, count: int) -> list[Row]:
        return [
            {f.id: valid_value(f, n) for f in template.fields if f.id != "processing_details"}
            for n in range(count)
        ]

    return rows
