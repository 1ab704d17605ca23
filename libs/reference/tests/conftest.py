from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pytest

# The funder's reference workbooks live beside the repository, never inside it.
REFERENCE = (Path(__file__).parents[3] / ".." / "shared" / "icare" / "reference").resolve()


class ReferenceWorkbooks:
    """Read access to ../shared/icare/reference; a missing workbook fails the test."""

    root = REFERENCE

    def path(self, *parts: str) -> Path:
        path = self.root.joinpath(*parts)
        if not path.is_file():
            pytest.fail(
                f"iCARE reference workbook missing: {path} (expected ../shared/icare/reference "
                "beside the repository; these tests compare our descriptions with it)"
            )
        return path

    def load(self, *parts: str, read_only: bool = True) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl: "Data Validation extension ..."
            return openpyxl.load_workbook(self.path(*parts), read_only=read_only)

    @staticmethod
    def text(value: Any) -> str:
        """A cell as the text iCARE reads (the templates are text-formatted)."""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


@pytest.fixture(scope="session")
def reference() -> ReferenceWorkbooks:
    return ReferenceWorkbooks()
