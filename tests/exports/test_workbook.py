"""tariffs.xlsx read back by openpyxl and by LibreOffice equals tariffs.csv; same input, same bytes."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import time
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from extractor.api import export, extract_file
from extractor.cli import main
from extractor.columns import AMOUNT_COLUMNS, BY_NAME, COLUMNS
from extractor.exports.workbook import _KINDS, EUR, SHEETS
from extractor.settings import ExportSettings, Options
from tests.conftest import SAMPLES
from tests.exports.conftest import FOLDERS

FR_2025 = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"
HOSTILE = '=HYPERLINK("http://x","y")'
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _csv_lines(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def _unquoted(text: str) -> str:
    """tariffs.csv prefixes a formula-like text with an apostrophe; the workbook need not."""
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text


def _same(name: str, from_csv: str, from_workbook: Any) -> bool:
    if from_workbook is None or from_workbook == "":
        return from_csv == ""
    if name in AMOUNT_COLUMNS:  # a spreadsheet number: compare as amounts, not as text
        return Decimal(from_csv) == Decimal(repr(from_workbook) if isinstance(from_workbook, float) else str(from_workbook))  # fmt: skip
    if BY_NAME[name].type == "date" and hasattr(from_workbook, "date"):
        return from_csv == from_workbook.date().isoformat()
    return _unquoted(from_csv) == str(from_workbook)


def _assert_equal_to_csv(csv_lines: list[list[str]], sheet_lines: list[list[Any]]) -> None:
    assert csv_lines[0] == list(COLUMNS)
    assert sheet_lines[0] == [BY_NAME[n].title_fr for n in COLUMNS]
    assert sheet_lines[1] == [BY_NAME[n].title_nl for n in COLUMNS]
    assert len(sheet_lines) - 2 == len(csv_lines) - 1
    for expected, found in zip(csv_lines[1:], sheet_lines[2:], strict=True):
        for name, a, b in zip(COLUMNS, expected, found, strict=True):
            assert _same(name, a, b), (name, a, b)


@pytest.fixture(scope="module")
def hostile_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An extract whose first description is a formula: it must stay text everywhere."""
    out = tmp_path_factory.mktemp("hostile")
    [extraction] = extract_file(FR_2025)
    extraction.rows[0] = replace(extraction.rows[0], description=HOSTILE)
    export([extraction], out, sources=[FR_2025])
    return out


@pytest.mark.parametrize("folder", FOLDERS)
def test_openpyxl_reads_back_tariffs_csv_value_for_value(demo_run: Path, folder: str) -> None:
    workbook = load_workbook(demo_run / folder / "tariffs.xlsx")
    assert workbook.sheetnames == list(SHEETS.values())
    sheet = workbook[SHEETS["tariffs"]]
    lines = [list(line) for line in sheet.iter_rows(values_only=True)]
    _assert_equal_to_csv(_csv_lines(demo_run / folder / "tariffs.csv"), lines)
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:R{len(lines)}"
    fee = sheet.cell(row=3, column=COLUMNS.index("fee") + 1)
    assert fee.number_format == EUR and fee.data_type == "n"
    code = sheet.cell(row=3, column=COLUMNS.index("code_amb") + 1)
    assert code.data_type == "s"


def test_a_formula_stays_text(hostile_export: Path) -> None:
    sheet = load_workbook(hostile_export / "tariffs.xlsx")[SHEETS["tariffs"]]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == HOSTILE]
    assert len(cells) == 1 and cells[0].data_type == "s"
    with zipfile.ZipFile(hostile_export / "tariffs.xlsx") as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    lines = [list(line) for line in sheet.iter_rows(values_only=True)]
    _assert_equal_to_csv(_csv_lines(hostile_export / "tariffs.csv"), lines)


def test_changes_summary_and_sources(demo_run: Path) -> None:
    folder = demo_run / FOLDERS[1]
    workbook = load_workbook(folder / "tariffs.xlsx")
    changes = list(workbook[SHEETS["changes"]].iter_rows(min_row=3, values_only=True))
    report = json.loads((folder / "changes.json").read_text(encoding="utf-8"))["changes"]
    assert len(changes) == len(report) > 300
    kinds = {kind: _KINDS[kind] for kind in ("added", "removed", "changed", "description")}
    for line, change in zip(changes, report, strict=True):
        assert (line[0], line[1], line[2]) == (
            change["language"],
            kinds[change["kind"]],
            change["code_amb"],
        )
        if change["kind"] == "changed":  # old → new of the changed column only, as amounts
            assert (
                line[-5]
                == f"{BY_NAME[change['column']].title_fr} / {BY_NAME[change['column']].title_nl}"
            )
            assert (_number(line[-4]), _number(line[-3])) == (
                _number(change["old"]),
                _number(change["new"]),
            )
            assert line[-2] == ("oui / ja" if change["follows_indexation"] else "non / nee")
    summary = list(workbook[SHEETS["summary"]].iter_rows(min_row=3, values_only=True))
    assert [(line[0], line[3], line[8], line[9], line[12]) for line in summary] == [
        ("fr", "2023/412 (2024-01-01)", 68, 1, "+3.34 %"),
        ("nl", "2023/412 (2024-01-01)", 68, 1, "+3.34 %"),
    ]
    sources = list(workbook[SHEETS["sources"]].iter_rows(min_row=3, values_only=True))
    files = {path.name: path for path in SAMPLES.iterdir()}
    assert len(sources) >= 2
    for line in sources:
        assert line[6] == hashlib.sha256(files[line[5]].read_bytes()).hexdigest()


def _number(value: Any) -> Decimal | None:
    return (
        None
        if value in (None, "")
        else Decimal(repr(value) if isinstance(value, float) else str(value))
    )


def test_flagged_lines_have_their_place(tmp_path: Path) -> None:
    [extraction] = extract_file(FR_2025)
    from extractor.location import Location
    from extractor.model import Issue

    extraction.issues.append(
        Issue(
            "warning",
            "amount-missing",
            "no fee",
            Location("a.xlsx", "Feuil1", line=7, column="J"),
            raw=("726530", "=1+1"),
            code="726530",
        )
    )
    export([extraction], tmp_path, Options(exports=ExportSettings(formats=frozenset({"xlsx"}))))
    sheet = load_workbook(tmp_path / "tariffs.xlsx")[SHEETS["flagged"]]
    lines = list(sheet.iter_rows(min_row=3, values_only=True))
    assert lines[-1] == ("warning", "amount-missing", "no fee", "a.xlsx", "Feuil1!J7", "726530",
                         "726530 | =1+1")  # fmt: skip


def test_same_input_same_bytes_in_two_runs(tmp_path: Path) -> None:
    for name in ("one", "two"):
        assert main(["extract", str(FR_2025), "--out", str(tmp_path / name), "-q"]) == 0
        time.sleep(2.1)  # zip times have a two-second resolution
    assert (tmp_path / "one/tariffs.xlsx").read_bytes() == (
        tmp_path / "two/tariffs.xlsx"
    ).read_bytes()
    with zipfile.ZipFile(tmp_path / "one/tariffs.xlsx") as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"1980-01-01T00:00:00Z" in archive.read("docProps/core.xml")


@pytest.mark.skipif(
    SOFFICE is None,
    reason="Debian's libreoffice-calc is not installed (make test installs it as root)",
)
@pytest.mark.parametrize("which", ["demo", "hostile"])
def test_libreoffice_reads_back_tariffs_csv(
    demo_run: Path, hostile_export: Path, tmp_path: Path, which: str
) -> None:
    folder = demo_run / FOLDERS[1] if which == "demo" else hostile_export
    assert SOFFICE is not None
    # Comma, double quote, UTF-8, from line 1; raw values, not as shown; first sheet only.
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,1"
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", csv_filter, "--outdir", str(tmp_path / "out"), str(folder / "tariffs.xlsx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    [produced] = (tmp_path / "out").glob("*.csv")  # named after the sheet
    lines = _csv_lines(produced)
    _assert_equal_to_csv(_csv_lines(folder / "tariffs.csv"), lines)
    if which == "hostile":
        assert any(HOSTILE in line for line in lines)


class _Text(str):
    pass


class _Amount(Decimal):
    pass


def test_tariff_cells_are_the_lines_written_as_before() -> None:
    """Each column's values converted by their column's writer, each distinct value once:
    what the lines of the tariffs.csv columns (anything neither a number nor a date as text)
    then _value gave, cell by cell, for the values a column usually holds and for any other;
    equal amounts written differently (0 and -0, 1.0 and 1.00 beyond 15 digits) each as
    their own."""
    from dataclasses import replace
    from datetime import date

    from extractor.api import extract_file
    from extractor.columns import COLUMNS
    from extractor.exports.sheetwriter import _tail
    from extractor.exports.workbook import _tariff_lines, _value

    [french] = extract_file(SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx")
    rows = list(french.rows[:6])
    equal = ["0.00", "-0.00", "1.0000000000000001", "1.00000000000000010", "1.0", "1.00"]
    rows = [
        replace(row, reimbursement_preferential=Decimal(text))
        for row, text in zip(rows, equal, strict=True)
    ]
    rows += [
        replace(rows[0], section=_Text("1. x"), description="=1+1", code_hos=None, fee=None),
        replace(rows[1], fee=_Amount("1.10"), copayment_standard=Decimal("1E+3"), age_min=True),
        replace(rows[2], circular=7, footnotes=Decimal("2.5"), effective_from=date(2025, 1, 2)),  # type: ignore[arg-type]
        replace(rows[3], key_letters=date(2025, 1, 1), condition=b"x", age_max=None),  # type: ignore[arg-type]
    ]
    lines = [
        [v if isinstance(v, int | Decimal | date | None) else str(v) for v in values]
        for values in ([getattr(row, name) for name in COLUMNS] for row in rows)
    ]  # what the workbook wrote before it wrote a column at a time
    expected = [[_tail(_value(value)) for value in line] for line in lines]
    assert [list(line) for line in _tariff_lines(rows)] == expected
