"""Value parsing at the edges `make mutate` found unguarded: exclusive age ranges, a sub-heading
narrowing its parent's band, invalid dates before valid ones, the display forms, error texts.

Expected values are worked by hand here, never computed with the code under test.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from extractor.values import (
    ValueParseError,
    exact_age_band,
    find_dates,
    format_age_band,
    format_amount,
    narrow_band,
    parse_age_band,
    parse_amount,
    parse_code,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "band"),
    [
        # "until the 67th birthday" excludes the birthday itself: 15 to 66 inclusive.
        ("Rechthebbenden van de 15de tot de 67ste verjaardag", (15, 66)),
        ("Bénéficiaires du 15e au 67e anniversaire", (15, 66)),
        ("Rechthebbenden van 3 tot 6 jaar", (3, 5)),
    ],
)
def test_exclusive_age_ranges_end_the_year_before(
    text: str, band: tuple[int | None, int | None]
) -> None:
    assert parse_age_band(text) == band


@pytest.mark.parametrize(
    ("parent", "band", "start", "narrowed"),
    [
        ((15, None), (None, 66), 12, (15, 66)),  # the sub-heading adds the upper bound
        ((None, 66), (15, None), 12, (15, 66)),  # ... or the lower one
        ((66, None), (None, 66), 12, (66, 66)),  # one age is still a band
        ((67, None), (None, 66), 12, None),  # an empty band is no narrowing
        ((15, None), (None, 66), 0, None),  # the heading is a band of its own
        ((None, None), (None, 66), 12, None),  # a parent for every age has nothing to narrow
        ((15, 20), (None, 66), 12, None),  # the parent already has an upper bound
        ((None, 20), (15, 66), 12, None),  # a whole band is not one bound added
        ((15, None), (20, None), 12, None),  # a second lower bound
        ((None, 66), (None, 60), 12, None),  # a second upper bound
    ],
)
def test_narrow_band(
    parent: tuple[int | None, int | None],
    band: tuple[int | None, int | None],
    start: int,
    narrowed: tuple[int | None, int | None] | None,
) -> None:
    assert narrow_band(parent, band, start) == narrowed


@pytest.mark.parametrize(
    ("label", "band"),
    [
        ("de 10 à 74 ans", (10, 74)),
        ("De 10 à 74 ans :", (10, 74)),
        ("tot de 15de verjaardag", (None, 14)),
        ("Séances individuelles de 10 à 74 ans", None),  # says more than the band
        ("Séances individuelles", None),
    ],
)
def test_exact_age_band(label: str, band: tuple[int | None, int | None] | None) -> None:
    assert exact_age_band(label) == band


def test_an_impossible_date_does_not_hide_the_next() -> None:
    assert [day for _, day in find_dates("du 31/02/2025 au 1/03/2025")] == [date(2025, 3, 1)]
    assert parse_date("31-02-2025 of 01-03-2025") == date(2025, 3, 1)


@pytest.mark.parametrize(
    ("age_min", "age_max", "shown"),
    [(None, None, ""), (24, None, "24+"), (None, 23, "≤23"), (24, 30, "24–30"), (0, 0, "0–0")],
)
def test_age_band_display(age_min: int | None, age_max: int | None, shown: str) -> None:
    assert format_age_band(age_min, age_max) == shown


def test_amount_display() -> None:
    assert format_amount(None) == ""
    assert format_amount(Decimal("89.50")) == "89.50"
    assert format_amount(Decimal("1E+2")) == "100"


@pytest.mark.parametrize("text", ["89,59 EUR", "EUR 89,59", "89,59 €", "€ 89,59"])
def test_currency_is_not_part_of_the_amount(text: str) -> None:
    assert parse_amount(text) == Decimal("89.59")


@pytest.mark.parametrize(
    ("parse", "value", "message"),
    [
        (parse_code, "12345", "not a six-digit code: '12345'"),
        (parse_code, Decimal("726530.5"), "not a code: 726530.5"),
        (parse_date, "le premier jour", "not a date: 'le premier jour'"),
        (parse_amount, "12,3,4", "not an amount: '12,3,4'"),
    ],
)
def test_parse_errors_name_the_value(parse: object, value: object, message: str) -> None:
    """The message reaches issues.json: it must say which value could not be read."""
    with pytest.raises(ValueParseError) as raised:
        parse(value)  # type: ignore[operator]
    assert str(raised.value) == message


@pytest.mark.parametrize("text", ["n.a.", "N.A.", "n.v.t.", "N.V.T."])
def test_not_applicable_is_no_amount_in_any_case(text: str) -> None:
    assert parse_amount(text) is None


def test_a_spreadsheet_nan_is_not_an_amount() -> None:
    with pytest.raises(ValueParseError) as raised:
        parse_amount(Decimal("NaN"))
    assert str(raised.value) == "not an amount: Decimal('NaN')"
