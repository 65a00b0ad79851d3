"""A workbook's lines kept as values, their cells made when asked: the same values and places
as cells built one by one, whatever order a sheet's values come in."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from extractor.location import Location
from extractor.model import RawCell, SheetRow
from extractor.readers import read
from extractor.readers.xlsx import _cell_value, _Converter
from extractor.settings import ReadSettings
from tests.builders import write_workbook

# Values that are one dict key but not one cell value (1, 1.0 and True; 2**60 and 2.0**60),
# and the other kinds an engine hands over.
_CLASHING = [1, 1.0, True, 0, 0.0, -0.0, False, 2**60, 2.0**60, -(2**53), "1", " 1 ", "1\u00a0"]
_VALUES = st.one_of(
    st.sampled_from(_CLASHING),
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=6),
    st.dates(),
    st.datetimes(),
)


def _exactly(value: Any) -> tuple[type, str]:
    return type(value), repr(value)


@given(st.lists(_VALUES, max_size=30))
@example(_CLASHING)
@example(_CLASHING[::-1])
def test_each_value_converted_once_equals_it_converted_alone(values: list[Any]) -> None:
    convert = _Converter()
    assert [_exactly(convert(value)) for value in values] == [
        _exactly(_cell_value(value)) for value in values
    ]


def test_the_cells_of_a_line_kept_as_values_are_placed_as_cells_built_one_by_one(
    tmp_path: Path,
) -> None:
    rows = [
        ["Soins psychologiques à partir du 1er janvier 2025"],
        [],
        ["Code", "Libellé", "Honoraires", None, "Note"],
        [726530, "Soutien", 89.59, None, date(2025, 1, 1)],
        [726552, "Ligne", 1, True, datetime(2025, 1, 1, 12, 30)],
    ]
    path = write_workbook(
        tmp_path / "annexe 01-01-2025.xlsx", rows, merges=["C3:D3"], hidden_columns=["B"]
    )
    for engine in ("calamine", "openpyxl"):
        [document] = read(path, ReadSettings(xlsx_engine=engine))
        sheet = document.location.sheet
        assert all(isinstance(line, SheetRow) for line in document.rows)
        for line in document.rows:
            cells = line.expanded().cells
            assert [cell.location.column for cell in cells] == ["A", "C", "D", "E"]
            for cell in cells:
                eager = RawCell(
                    cell.value,
                    Location(
                        path.name, sheet, line=line.location.line, column=cell.location.column
                    ),
                    cell.span,
                )
                assert cell == eager and hash(cell) == hash(eager)
                assert (
                    str(cell.location)
                    == f"{path.name}#{sheet}!{eager.location.column}{line.location.line}"
                )
        header = document.rows[1].expanded().cells
        assert [cell.span for cell in header] == [1, 2, 1, 1]  # C3:D3, B hidden
        assert [cell.text for cell in document.rows[2].cells] == [
            "726530", "89.59", "", "01/01/2025"
        ]  # fmt: skip
