"""The streaming sheet writer: what openpyxl reads back is what was written, value for value."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
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


def _cells_before(row: int, values: list[object], style: int = 0) -> str:
    """_cells as it was before it answered texts and amounts first: the oracle below."""
    from xml.sax.saxutils import escape

    from extractor.exports.sheetwriter import _EPOCH, _ILLEGAL, _KINDS, _LETTERS, AMOUNT, DATE

    def text(value: str) -> str:
        if _ILLEGAL.search(value):
            raise IllegalCharacterError(f"{value!r} cannot be used in worksheets.")
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f"<is><t{space}>{escape(value)}</t></is>"

    parts = [f'<row r="{row}">']
    bold = f' s="{style}"' if style else ""
    for letter, value in zip(_LETTERS, values, strict=False):
        if value is None or value == "":
            continue
        kind: type = type(value)
        if kind not in _KINDS:
            base = next((k for k in (str, Decimal, int) if isinstance(value, k)), None)
            value, kind = (value, kind) if base is None else (base(value), base)  # type: ignore[call-overload]
        if kind is str:
            parts.append(f'<c r="{letter}{row}"{bold} t="inlineStr">{text(value)}</c>')  # type: ignore[arg-type]
        elif kind is Decimal:
            parts.append(
                f'<c r="{letter}{row}" s="{AMOUNT}" t="n"><v>{value.normalize():f}</v></c>'
            )  # type: ignore[attr-defined]
        elif kind is int:
            parts.append(f'<c r="{letter}{row}" t="n"><v>{value}</v></c>')
        elif kind is date:
            days = (value - _EPOCH).days  # type: ignore[operator]
            parts.append(f'<c r="{letter}{row}" s="{DATE}" t="n"><v>{days}</v></c>')
        elif kind is bool:
            parts.append(f'<c r="{letter}{row}" t="b"><v>{int(value)}</v></c>')  # type: ignore[call-overload]
        else:
            raise TypeError(f"no cell for {kind.__name__}")
    parts.append("</row>")
    return "".join(parts)


class _Text(str):
    pass


_values = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(["", " a ", "a&b", "<x", "x>", "\x07", "é\xa0", "\n", _Text("sub"), "=1"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.integers(),
    st.booleans(),
    st.dates(),
)


@given(st.lists(_values, max_size=10), st.sampled_from([0, 1]))
def test_a_row_is_written_as_before_texts_and_amounts_came_first(
    values: list[object], style: int
) -> None:
    """Texts and amounts are answered before the other kinds, an escape or a search for
    characters XML cannot hold made only where one can be needed: the same XML, the same
    refusals."""
    from extractor.exports.sheetwriter import _cells

    try:
        expected = _cells_before(7, values, style)
    except IllegalCharacterError as error:
        with pytest.raises(IllegalCharacterError, match=re.escape(str(error))):
            _cells(7, values, style)
        return
    assert _cells(7, values, style) == expected


_column_values = st.one_of(
    _values,
    st.sampled_from([Decimal("0"), Decimal("-0"), Decimal("1.0"), Decimal("1.00"), 1, True]),
    st.decimals(allow_nan=False, allow_infinity=False),
)


@given(st.one_of(st.lists(_values), st.lists(st.one_of(st.none(), st.decimals(places=2, allow_nan=False, allow_infinity=False))),
                 st.lists(_column_values), st.lists(st.sampled_from(["a", "b", None, 3]))))  # fmt: skip
@example([1, True, 1, None])
@example([Decimal("0"), Decimal("-0"), Decimal("1.0"), None, Decimal("1.00")])
def test_a_column_is_written_as_its_values_one_by_one(values: list[object]) -> None:
    """column_tails makes each distinct value's cell once: the same XML as each value alone,
    equal values that are written differently (0 and -0, 1 and True, 1.0 and 1.00 once
    converted to text) each as their own."""
    from extractor.exports.sheetwriter import _tail, column_tails

    def convert(value: object) -> object:
        return f"{value:f}" if isinstance(value, Decimal) and value.is_signed() else value

    try:
        expected = [_tail(convert(value)) for value in values]
    except IllegalCharacterError:
        return
    assert column_tails(values, convert) == expected
