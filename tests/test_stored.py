"""Rows read back from the store: the fast per-column readers give what from_store gives."""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractor.location import Location
from extractor.stored import (
    READERS,
    SELECTED,
    STORED,
    StoredRow,
    from_store,
    stored_row,
    stored_row_of,
    stored_rows_of,
)

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


# Values as SQLite hands them back, few per column so that chunks repeat them (each distinct
# value is read once per chunk): realistic ones, and ones a damaged or foreign store could hold.
_POOL: dict[str, list[Any]] = {
    "row_id": [1, 2, 7, 2**40],
    "circular": ["2024/356", "", "2025/001"],
    "group_session": [0, 1],
    "effective_to": [None, "2025-12-31", "2024-06-30"],
    "superseded": [0, 1],
    "ingested_at": ["2025-01-02T00:00:00+00:00", "2025-03-01T10:00:00+00:00"],
    "scope": ["full", "partial", "corrigendum"],
    "language": ["fr", "nl"],
    "effective_from": ["2025-01-01", "2024-07-01"],
    "code_amb": ["726530", "101010"],
    "code_hos": ["", "726541"],
    "age_min": [None, 0, 18, 24],
    "age_max": [None, 17, 64],
    "condition": ["", "MET GMD"],
    "key_letters": [None, "", "N 8 2.572713"],
    "description": ["Séance", "Zitting"],
    "footnotes": ["", "(1) voir"],
    "section": ["", "1. > 1.1"],
    "source": ["a.xlsx#S!A7", "a.xlsx#S!A8", "c.pdf#page=2&line=14", "x.xlsx#S!ab7", "b.xlsx"],
}
for _name in ("fee", "reimbursement_preferential", "reimbursement_standard"):
    _POOL[_name] = [None, "", "89.59", "89.590", "4.00", "4.0", "0"]
for _name in ("copayment_preferential", "copayment_standard"):
    _POOL[_name] = [None, "11.00", "4.00"]
# An int and a float can be equal and read differently (1 stays 1, 1.0 is read from "1.0").
_ODD: list[Any] = [1, 1.0, 2.5, float("nan"), "x", b"\x00", "2025-13-01"]
assert set(_POOL) == set(SELECTED)
_POOL = {name: _POOL[name] for name in SELECTED}


@st.composite
def _selected_rows(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    # Now and then one column holds values no store of ours holds (one only: a value that
    # fails to read in another column would hide what happens in this one).
    odd = draw(st.sampled_from([None, *SELECTED[1:]]))
    row = st.tuples(
        *(
            st.sampled_from(_POOL[name][:2] + _ODD if name == odd else _POOL[name])
            for name in SELECTED
        )
    )
    return draw(st.lists(row, max_size=12))


def _built(call: Any) -> tuple[str, Any]:
    try:
        return ("rows", call())
    except Exception as error:  # what is raised must be the same
        return ("error", (type(error), str(error)))


def _fields(rows: list[StoredRow]) -> list[list[tuple[type, str]]]:
    """Each field of each row (and of its tariff row) as its type and repr: 4.0 and 4.00, 1 and
    True, equal as values, are told apart."""
    return [
        [(type(v), repr(v)) for v in (*astuple_shallow(r), *astuple_shallow(r.row))] for r in rows
    ]


def astuple_shallow(value: Any) -> tuple[Any, ...]:
    return tuple(getattr(value, f.name) for f in fields(value))


def _with(name: str, *values: Any) -> list[tuple[Any, ...]]:
    """Rows of the first pooled values, one per value given for this column."""
    first = {n: _POOL[n][0] for n in SELECTED}
    return [tuple({**first, name: value}.values()) for value in values]


@settings(max_examples=200)
@example(_with("copayment_standard", 1, None, 1.0), 3, 0)  # equal, read as 1 and Decimal("1.0")
@example(_with("age_min", 1, 1.0), 2, 0)  # equal, read as 1 and refused
@example(_with("fee", "4.00", "4.0", None, "4.00"), 4, 0)
@given(_selected_rows(), st.integers(min_value=1, max_value=5), st.integers(0, 3))
def test_rows_built_a_column_at_a_time_equal_rows_built_one_by_one(
    rows: list[tuple[Any, ...]], chunk_size: int, few: int
) -> None:
    expected = _built(lambda: [stored_row_of(values) for values in rows])
    found = _built(lambda: stored_rows_of(rows, chunk_size, few))
    if expected[0] == "error":
        assert found == expected
        return
    assert found[0] == "rows"
    assert found[1] == expected[1]
    assert _fields(found[1]) == _fields(expected[1])
