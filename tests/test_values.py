"""Amount, code, date and age-band parsing in French and Dutch forms, with property tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.values import (
    ValueParseError,
    check_digit_ok,
    clean_text,
    format_amount,
    parse_age_band,
    parse_amount,
    parse_code,
    parse_date,
)

cents = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c).scaleb(-2))


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("89,59", "89.59"),
        ("75", "75.00"),
        ("0,00", "0.00"),
        ("1.234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        ("89.59", "89.59"),
        ("1,234.56", "1234.56"),
        ("€ 22,39", "22.39"),
        ("89,595", "89.595"),  # kept as printed: the schema flags it, we never round
        ("–5,00", "-5.00"),
    ],
)
def test_amount_forms(text: str, amount: str) -> None:
    assert parse_amount(text) == Decimal(amount)
    assert str(parse_amount(text)) == amount


@pytest.mark.parametrize("text", ["", "-", "–", None, "  "])
def test_no_amount(text: str | None) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["abc", "89,5,9", "1.23.4", "12 ,00", "NaN", "inf"])
def test_not_an_amount(text: str) -> None:
    with pytest.raises(ValueParseError):
        parse_amount(text)


@given(cents)
def test_amount_round_trip_decimal_comma(amount: Decimal) -> None:
    printed = format_amount(amount).replace(".", ",")
    assert parse_amount(printed) == amount


@given(cents)
def test_amount_round_trip_thousands(amount: Decimal) -> None:
    whole, _, decimals = format_amount(amount).partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    assert parse_amount(f"{grouped},{decimals}") == amount
    assert parse_amount(f"{grouped.replace('.', ' ')},{decimals}") == amount


@given(cents)
def test_spreadsheet_numbers_stay_exact(amount: Decimal) -> None:
    from extractor.values import to_decimal

    assert parse_amount(to_decimal(float(amount))) == amount


def test_codes() -> None:
    assert parse_code("726530") == "726530"
    assert parse_code(Decimal(726530)) == "726530"
    assert parse_code("-") is None
    assert parse_code(" 726 530 ") == "726530"
    for bad in ("72653", "7265301", "72653a", Decimal("726530.5")):
        with pytest.raises(ValueParseError):
            parse_code(bad)


@given(st.integers(min_value=10000, max_value=99999))
def test_check_digit(first_five: int) -> None:
    good = f"{first_five}{first_five % 7}"
    assert check_digit_ok(good)
    for digit in range(10):
        if digit != first_five % 7:
            assert not check_digit_ok(f"{first_five}{digit}")


def test_real_codes_obey_check_digit() -> None:
    for code in ("726530", "726412", "727532", "792595", "727112"):
        assert check_digit_ok(code)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11-12-2024", date(2024, 12, 11)),
        ("1/01/2025", date(2025, 1, 1)),
        ("01-01-2025", date(2025, 1, 1)),
        ("1er janvier 2025", date(2025, 1, 1)),
        ("1<sup>er</sup> janvier 2025", date(2025, 1, 1)),
        ("1 september 2021", date(2021, 9, 1)),
        ("24 december 2014", date(2014, 12, 24)),
        ("1er septembre 2021", date(2021, 9, 1)),
        ("15 février 2023", date(2023, 2, 15)),
        ("3 maart 2023", date(2023, 3, 3)),
        ("1ste juli 2022", date(2022, 7, 1)),
        ("31.12.2024", date(2024, 12, 31)),
    ],
)
def test_date_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
NL_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december"]  # fmt: skip


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)), st.booleans())
def test_date_round_trip(day: date, dutch: bool) -> None:
    month = (NL_MONTHS if dutch else FR_MONTHS)[day.month - 1]
    assert parse_date(f"{day.day} {month} {day.year}") == day
    assert parse_date(f"{day.day}/{day.month:02d}/{day.year}") == day
    assert parse_date(f"{day.day:02d}-{day.month:02d}-{day.year}") == day


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("1. Bénéficiaires à partir de l'âge de 24 ans à la date de prestation", (24, None)),
        ("2. Bénéficiaires âgés de moins de 24 ans à la date de la prestation", (None, 23)),
        ("1. Rechthebbenden vanaf 24 jaar op de datum van de verstrekking", (24, None)),
        ("2. Rechthebbenden jonger dan 24 jaar op de datum van de verstrekking", (None, 23)),
        ("Rechthebbenden tot en met 23 jaar", (None, 23)),
        ("Bénéficiaires de 18 à 23 ans", (18, 23)),
        ("Rechthebbenden van 15 tot en met 23 jaar", (15, 23)),
        ("3. MISSIONS DE SOUTIEN - Fonctions 1, 2 et 3", None),
        ("à partir du 1er septembre 2021", None),
        ("vanaf 1 september 2021", None),
    ],
)
def test_age_bands(text: str, band: tuple[int | None, int | None] | None) -> None:
    assert parse_age_band(text) == band


@given(st.integers(min_value=1, max_value=120), st.booleans())
def test_age_band_round_trip(age: int, dutch: bool) -> None:
    if dutch:
        assert parse_age_band(f"Rechthebbenden vanaf {age} jaar") == (age, None)
        assert parse_age_band(f"Rechthebbenden jonger dan {age} jaar") == (None, age - 1)
    else:
        assert parse_age_band(f"Bénéficiaires à partir de l'âge de {age} ans") == (age, None)
        assert parse_age_band(f"Bénéficiaires âgés de moins de {age} ans") == (None, age - 1)


def test_clean_text_oddities() -> None:
    assert (
        clean_text("Soins\u00a0psycho\u00adlogiques\u2009de  1ère\nligne")
        == "Soins psychologiques de 1ère ligne"
    )
    assert clean_text("Bénéfi\ufb01ciaire") == "Bénéfificiaire"
    assert clean_text("be\u0301ne\u0301ficiaire") == "bénéficiaire"
    assert clean_text("Soutien – groupe") == "Soutien – groupe"  # dashes are kept as printed
