"""The streaming sheet writer: what openpyxl reads back is what was written, value for value."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from extractor.exports.sheetwriter import Sheet, column_letter, write_workbook

LINES = [
    ["  spaces kept  ", "a & b < c > d \"'", Decimal("1234.50"), 7, date(2025, 1, 1), None],
    ["=1+1", "", Decimal("0.00"), 0, date(1999, 12, 31), True],
]


def _read(lines: list[list[object]]) -> list[tuple[object, ...]]:
    target = io.BytesIO()
    sheet = Sheet(
        "Tarifs - Tarieven", [list("ABCDEF"), list("abcdef")], iter(lines), [12] * 6, len(lines)
    )
    write_workbook(target, [sheet], "inami-tariffs", datetime(1980, 1, 1))
    workbook = load_workbook(io.BytesIO(target.getvalue()))
    read = workbook["Tarifs - Tarieven"]
    assert read.freeze_panes == "A3" and read.auto_filter.ref == f"A2:F{len(lines) + 2}"
    assert read["C3"].number_format == '#,##0.00 "€"' and read["E3"].number_format == "yyyy-mm-dd"
    assert read["A1"].font.b and not read["A3"].font.b
    return list(read.iter_rows(min_row=3, values_only=True))


def test_values_read_back_as_written() -> None:
    first, second = _read(LINES)
    assert first == ("  spaces kept  ", "a & b < c > d \"'", 1234.5, 7, datetime(2025, 1, 1), None)
    assert second == ("=1+1", None, 0, 0, datetime(1999, 12, 31), True)


def test_a_character_xml_cannot_hold_is_refused() -> None:
    with pytest.raises(IllegalCharacterError, match="cannot be used in worksheets"):
        _read([["bell \x07", "", None, None, None, None]])


def test_column_letters() -> None:
    assert [column_letter(n) for n in (1, 18, 26, 27, 52, 703)] == [
        "A",
        "R",
        "Z",
        "AA",
        "AZ",
        "AAA",
    ]


def test_the_theme_is_the_one_openpyxl_writes() -> None:
    from openpyxl.writer.theme import theme_xml

    from extractor.exports.theme import THEME_XML

    assert theme_xml == THEME_XML
