"""calamine (default) and openpyxl (reference) read the same cells from awkward sheets.

Calamine does not report hidden rows, hidden columns or error values, so the reader finds
them in the sheet XML: by a tag pattern on plain sheets, by expat on any other. Each
variant below forces one of those paths.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from extractor.readers import read
from extractor.readers.xlsx.marks import _ERROR_TYPE, _FORMULA_TAG, _has_errors_or_formulas
from extractor.settings import ReadSettings
from tests.builders import header_rows, write_workbook

SHEET = "xl/worksheets/sheet1.xml"


def _awkward_workbook(path: Path) -> Path:
    """Hidden rows and columns, merges, a header off column A, whole and decimal numbers."""
    header, _ = header_rows(4)
    shifted = [[None, *row] for row in header]
    rows = [
        [None, "Soins psychologiques à partir du 1er janvier 2025"],
        [],
        [None, "1. Bénéficiaires à partir de 24 ans"],
        *shifted,
        [None, 726530, "-", "Soutien - cabinet", 89.59, 85.59, 78.59, 4, 11.0],
        [None, 726552, "-", "Ligne cachée", 1, 1, 1, 0, 0],
        [None, 726574, "-", "Soutien\u00a0- domicile ", "89,59", 85.5, 78.59, 4, 11],
    ]
    merges = ["B4:C4", "F4:G4", "H4:I4", "D4:D5", "E4:E5", "B1:I1"]
    return write_workbook(path, rows, merges=merges, hidden_rows=[7], hidden_columns=["A", "G"])


def _rewrite(path: Path, change: Callable[[str], str]) -> None:
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts[SHEET] = change(parts[SHEET].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def _with_comment(xml: str) -> str:
    return xml.replace("<sheetData>", "<!-- <row r='6' hidden='1'/> --><sheetData>", 1)


def _with_error_cell(xml: str) -> str:
    xml, count = re.subn(
        r'<c r="F8"[^>]*><v>[^<]*</v></c>', '<c r="F8" t="e"><v>#DIV/0!</v></c>', xml
    )
    assert count == 1
    return xml


def _with_single_quotes(xml: str) -> str:
    return xml.replace('hidden="1"', "hidden = '1'")


@pytest.mark.parametrize(
    "change",
    [None, _with_comment, _with_error_cell, _with_single_quotes],
    ids=["plain", "comment", "error-cell", "single-quotes"],
)
def test_both_engines_read_the_same_cells(
    tmp_path: Path, change: Callable[[str], str] | None
) -> None:
    path = _awkward_workbook(tmp_path / "annexe 01-01-2025.xlsx")
    if change is not None:
        _rewrite(path, change)
    [calamine] = read(path, ReadSettings(xlsx_engine="calamine"))
    [reference] = read(path, ReadSettings(xlsx_engine="openpyxl"))
    assert calamine == reference
    texts = [[cell.text for cell in row.cells] for row in calamine.rows]
    assert not any("Ligne cachée" in row for row in texts)  # hidden row 7
    assert all(len(row) == 7 for row in texts)  # columns A and G hidden: B..I less G
    assert texts[-1][0] == "726574" and texts[-1][2] == "Soutien - domicile"
    assert calamine.rows[0].cells[0].span == 7  # B1:I1 over seven visible columns
    expected_f8 = "#DIV/0!" if change is _with_error_cell else "85.5"
    assert [c.text for c in calamine.rows[-1].cells if str(c.location).endswith("!F8")] == [
        expected_f8
    ]


def test_a_sheet_calamine_cannot_parse_is_read_by_openpyxl(tmp_path: Path) -> None:
    """UTF-16 sheet XML is legal; calamine refuses it, so the reference engine reads it."""
    path = _awkward_workbook(tmp_path / "annexe 01-01-2025.xlsx")
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    xml = re.sub(r"^<\?xml[^>]*\?>", "", parts[SHEET].decode())
    parts[SHEET] = ('<?xml version="1.0" encoding="UTF-16"?>' + xml).encode("utf-16")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    [calamine] = read(path, ReadSettings(xlsx_engine="calamine"))
    [reference] = read(path, ReadSettings(xlsx_engine="openpyxl"))
    assert calamine == reference
    assert not any("Ligne cachée" in cell.text for row in calamine.rows for cell in row.cells)


def _with_merge(extra: str) -> Callable[[str], str]:
    """Replace the title merge B1:I1 by `extra` (checked to happen)."""

    def change(xml: str) -> str:
        xml, count = re.subn(r'<mergeCell ref="B1:I1"\s*/>', extra, xml)
        assert count == 1
        return xml

    return change


def test_a_merge_far_beyond_the_data_costs_nothing(tmp_path: Path) -> None:
    """A merge to the last column (XFD) must not make every row 16,384 cells wide."""
    path = _awkward_workbook(tmp_path / "annexe 01-01-2025.xlsx")
    _rewrite(path, _with_merge('<mergeCell ref="B1:XFD1"/>'))
    [calamine] = read(path, ReadSettings(xlsx_engine="calamine"))
    [reference] = read(path, ReadSettings(xlsx_engine="openpyxl"))
    assert calamine == reference
    assert {len(row.cells) for row in calamine.rows} == {7}
    assert calamine.rows[0].cells[0].span == 7


def test_a_merge_down_to_the_last_row_costs_nothing(tmp_path: Path) -> None:
    """Calamine only (openpyxl itself makes a million cell objects for such a merge)."""
    import tracemalloc

    path = _awkward_workbook(tmp_path / "annexe 01-01-2025.xlsx")
    plain = read(path, ReadSettings(xlsx_engine="calamine"))
    _rewrite(path, _with_merge('<mergeCell ref="B1:I1"/><mergeCell ref="I8:I1048576"/>'))
    tracemalloc.start()
    try:
        merged = read(path, ReadSettings(xlsx_engine="calamine"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert merged == plain  # I8 is the last data row: the merge covers nothing we read
    assert peak < 20 * 1024 * 1024  # a million covered cells would take over 100 MB


# Bytes and pieces of the two patterns' matches (and of near misses), mixed quotes included.
_PIECES = [b"<", b"<x:", b"f", b"F", b"f ", b"f>", b"f/", b" ", b"\t", b"t", b"t=", b"=", b'"', b"'",
           b"e", b'"e"', b"'e'", b'"e\'', b"'e\"", b":", b"x", b">", b"/", b"_"]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES), max_size=40).map(b"".join))
@example(b'<c t="e">')
@example(b"<c t = 'e'>")
@example(b"<c t=\"e'>")
@example(b"<c t='e\">")
@example(b'<c s="e">')
@example(b"<f>1</f>")
@example(b"<x:f/>")
@example(b"<x:fx>")
def test_the_byte_search_before_the_patterns_changes_no_answer(xml: bytes) -> None:
    """Whether a sheet goes to the XML parser (an error cell or a formula may be there): the
    same with the byte search first as with the two patterns alone."""
    patterns = _ERROR_TYPE.search(xml) is not None or _FORMULA_TAG.search(xml) is not None
    assert _has_errors_or_formulas(xml) == patterns
