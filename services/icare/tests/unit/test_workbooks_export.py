"""An export's files: split at 2,500 records, named in upload order, zipped with a manifest."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from icare.workbooks import (
    MANIFEST_NAME,
    MAX_RECORDS_PER_FILE,
    Row,
    export_zip,
    file_name,
    split_rows,
    write_workbook,
)
from reference.icare import Template, catalog


def test_2501_rows_make_two_files_of_2500_and_1(
    valid_rows: Callable[[Template, int], list[Row]], open_xlsx: Callable[..., Any]
) -> None:
    template = catalog.template("client_profile")  # 17 columns: a full file stays quick
    rows = valid_rows(template, 3) * 834  # 2,502 rows, cheap to build
    rows = rows[: MAX_RECORDS_PER_FILE + 1]
    parts = split_rows(rows)
    assert [len(p) for p in parts] == [2500, 1]
    assert [r for p in parts for r in p] == rows  # same rows, same order
    with pytest.raises(ValueError, match=r"2501 rows"):
        write_workbook(template, rows)

    # The full file fills rows 4..2503 exactly and re-reads.
    sheet = open_xlsx(write_workbook(template, parts[0]), read_only=True).worksheets[0]
    last = next(sheet.iter_rows(min_row=2503, max_row=2503, values_only=True))
    uci = template.field_ids.index("client_validation_id")
    assert last[uci] == parts[0][-1]["client_validation_id"]
    assert sheet.max_row == 2503


def test_split_rows_limits() -> None:
    rows: list[Row] = [{"consent_ind": "Yes"}] * 7
    assert split_rows([]) == []
    assert [len(p) for p in split_rows(rows, limit=3)] == [3, 3, 1]
    assert [len(p) for p in split_rows(rows, limit=7)] == [7]
    for bad in (0, MAX_RECORDS_PER_FILE + 1):
        with pytest.raises(ValueError, match="limit"):
            split_rows(rows, limit=bad)


def test_file_names_sort_in_upload_order() -> None:
    profile = catalog.template("client_profile")
    orientation = catalog.template("information_orientation")
    assert file_name(profile, "ACME", "2026-10", 1, 1) == "ACME_2026-10_1-client_profile.xlsx"
    names = [file_name(orientation, "ACME", "2026-10", part, 3) for part in (1, 2, 3)]
    assert names == [
        "ACME_2026-10_3-information_orientation_part1of3.xlsx",
        "ACME_2026-10_3-information_orientation_part2of3.xlsx",
        "ACME_2026-10_3-information_orientation_part3of3.xlsx",
    ]
    every = [file_name(t, "ACME", "2026-10", 1, 1) for t in catalog.templates()]
    assert sorted(every) == every  # Client Profile first, then iCARE's order
    assert every[0].endswith("client_profile.xlsx")
    for agency, period in (("../x", "2026-10"), ("ACME", "2026/10"), ("", "2026-10")):
        with pytest.raises(ValueError, match="file name"):
            file_name(profile, agency, period, 1, 1)
    with pytest.raises(ValueError, match="part 3 of 2"):
        file_name(profile, "ACME", "2026-10", 3, 2)


def test_zip_holds_the_files_in_order_and_the_manifest() -> None:
    export_id = uuid.uuid4()
    files = [("ACME_2026-10_1-client_profile.xlsx", b"PK first"), ("b.xlsx", b"second")]
    manifest: dict[str, object] = {
        "export_id": export_id,
        "period": "2026-10",
        "created_at": dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC),
        "files": [{"name": n, "records": 1} for n, _ in files],
        "agency": "Centre d\u2019accueil",
    }
    data = export_zip(files, manifest)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [n for n, _ in files] + [MANIFEST_NAME]
        assert archive.read("b.xlsx") == b"second"
        assert archive.getinfo("b.xlsx").compress_type == zipfile.ZIP_STORED
        assert archive.testzip() is None
        text = archive.read(MANIFEST_NAME).decode("utf-8")
    read = json.loads(text)
    assert "d\u2019accueil" in text  # written as is (ensure_ascii off), readable
    assert read["export_id"] == str(export_id)
    assert read["created_at"] == "2026-11-01T06:00:00+00:00"
    assert read["files"][1] == {"name": "b.xlsx", "records": 1}
    assert read["agency"] == "Centre d\u2019accueil"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("a.xlsx", b""), ("a.xlsx", b"")], "duplicate"),
        ([(MANIFEST_NAME, b"{}")], "manifest"),
        ([("dir/a.xlsx", b"")], "plain file name"),
    ],
)
def test_zip_refuses_ambiguous_names(files: list[tuple[str, bytes]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        export_zip(files, {})


def test_zip_refuses_a_manifest_that_is_not_json() -> None:
    with pytest.raises(TypeError, match="not JSON"):
        export_zip([], {"bad": object()})
