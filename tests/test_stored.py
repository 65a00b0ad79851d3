"""Rows read back from the store: the fast per-column readers give what from_store gives."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.location import Location
from extractor.stored import READERS, SELECTED, STORED, from_store, stored_row, stored_row_of

# What SQLite can hand back for a tariff column: text (TEXT columns), int or None.
stored_values = st.one_of(
    st.none(),
    st.integers(min_value=-5, max_value=10**6),
    st.sampled_from(["", "0", "12", "89.59", "4.00", "1e3", "2025-01-01", "fr", "x.xlsx#S!A7"]),
    st.sampled_from(["NaN", "Infinity", "-inf", "sNaN", "1_000", " 12 "]),
    st.text(alphabet="0123456789.-e", max_size=8),
    st.text(max_size=8),
)


def _read(position: int, value: Any) -> Any:
    for at, read in READERS:
        if at == position:
            return read(value)
    return value  # kept as it is


def _outcome(call: Any) -> tuple[str, Any]:
    try:
        return ("value", call())
    except (ValueError, ArithmeticError) as error:
        return ("error", type(error))


@given(st.sampled_from(range(len(STORED))), stored_values)
def test_each_reader_gives_what_from_store_gives(position: int, value: Any) -> None:
    name = STORED[position]
    if isinstance(value, int) or value is None:
        assert _read(position, value) == from_store(name, value)
        return
    expected = _outcome(lambda: from_store(name, value))
    found = _outcome(lambda: _read(position, value))
    assert found == expected
    if expected[0] == "value":
        assert type(found[1]) is type(expected[1])


def test_a_row_read_positionally_equals_one_read_by_name() -> None:
    values: dict[str, Any] = dict.fromkeys(SELECTED, "")
    values.update(row_id=7, circular="2024/356", group_session=1, effective_to="2025-12-31",
                  superseded=0, ingested_at="2025-01-02T00:00:00+00:00", scope="full",
                  language="fr", effective_from="2025-01-01", code_amb="726530", age_min=24,
                  age_max=None, fee="89.59", source="a.xlsx#S!A7", description="Séance")  # fmt: skip
    by_name = stored_row(values)
    assert stored_row_of(tuple(values[name] for name in SELECTED)) == by_name
    assert by_name.row.code_hos is None and by_name.row.condition is None
    assert by_name.row.source == Location("a.xlsx", "S", line=7, column="A")


_CELL = re.compile(r"(?P<column>[A-Z]{0,3})(?P<row>\d+)")


def _parse_by_pattern(text: str) -> Location:
    """Location.parse as it was, with one regular expression for the cell."""
    file, hash_sign, place = text.partition("#")
    if not hash_sign:
        return Location(text)
    if page := re.fullmatch(r"page=(?P<page>\d+)(?:&line=(?P<line>\d+))?", place):
        line = page.group("line")
        return Location(file, page=int(page.group("page")), line=int(line) if line else None)
    sheet, bang, cell = place.rpartition("!")
    if bang and (found := _CELL.fullmatch(cell)):
        column = found.group("column") or None
        return Location(file, sheet, line=int(found.group("row")), column=column)
    return Location(file, place)


@given(st.text(alphabet="aAZz09٣!#=&é ", max_size=12))
def test_a_place_read_without_the_pattern_reads_as_with_it(text: str) -> None:
    assert Location.parse(text) == _parse_by_pattern(text)


@pytest.mark.parametrize("cell", ["A7", "AB12", "XFD1048576", "7", "ABCD7", "a7", "A٣", "A", ""])
def test_cells_read_as_the_pattern_reads_them(cell: str) -> None:
    assert Location.parse(f"f.xlsx#S!{cell}") == _parse_by_pattern(f"f.xlsx#S!{cell}")
