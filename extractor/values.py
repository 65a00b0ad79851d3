"""Parsers for the values inside cells: text clean-up, amounts, codes, dates, age bands.

Pure functions, no floats: amounts become Decimal exactly as printed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from extractor.errors import ValueParseError as ValueParseError  # where cells are parsed
from extractor.inputs import expected_check_digit

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = dict.fromkeys(
    map(ord, "\u00a0\u2007\u2009\u200a\u202f\u2002\u2003\u2004\u2005\t\r\n"), " "
)
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}


# Any character the tables above change: most accented text has none, and skips them.
_UNUSUAL = re.compile(
    "[" + "".join(map(re.escape, [*map(chr, {**_INVISIBLE, **_SPACES}), *_LIGATURES])) + "]"
)


@functools.lru_cache(maxsize=4096)  # what recurs (words, labels); not every line read
def clean_text(text: str) -> str:
    """Compose accents, drop soft hyphens and zero-width marks, unify spaces; keep dashes."""
    if text.isascii():
        return " ".join(text.split())
    composed = unicodedata.normalize("NFC", text)
    if _UNUSUAL.search(composed):
        composed = composed.translate(_INVISIBLE).translate(_SPACES)
        for ligature, letters in _LIGATURES.items():
            composed = composed.replace(ligature, letters)
    return " ".join(composed.split())


_NO_AMOUNT = {"", "-", "–", "—", "/", "n.a.", "n.v.t."}
_AMOUNT_FORMS: tuple[tuple[re.Pattern[str], Callable[[str], str]], ...] = (
    # 1.234,56 and 1 234,56 (thousands separators, decimal comma)
    (
        re.compile(r"^-?\d{1,3}(?:\.\d{3})+(?:,\d+)?$"),
        lambda s: s.replace(".", "").replace(",", "."),
    ),
    (
        re.compile(r"^-?\d{1,3}(?: \d{3})+(?:,\d+)?$"),
        lambda s: s.replace(" ", "").replace(",", "."),
    ),
    # 89,59 and 75 (decimal comma or none)
    (re.compile(r"^-?\d+(?:,\d+)?$"), lambda s: s.replace(",", ".")),
    # 89.59 (a decimal point with one or two decimals: mixed separators in one file)
    (re.compile(r"^-?\d+\.\d{1,2}$"), lambda s: s),
    # 1,234.56 (English thousands)
    (re.compile(r"^-?\d{1,3}(?:,\d{3})+\.\d{1,2}$"), lambda s: s.replace(",", "")),
)


def parse_amount(value: str | Decimal | None) -> Decimal | None:
    """An amount as printed ("89,59", "75", "1.234,56", "-") → exact Decimal, None for none.

    Fewer than two decimals are padded ("75" → 75.00); more are kept as they are so the
    schema can flag them: we never round what the circular says.
    """
    if value is None:
        return None
    if isinstance(value, Decimal):
        number = value
    else:
        text = clean_text(value).replace("€", "").replace("EUR", "").strip()
        text = re.sub(r"^[–—−](?=\d)", "-", text)
        if text.lower() in _NO_AMOUNT:
            return None
        for pattern, to_plain in _AMOUNT_FORMS:
            if pattern.match(text):
                number = Decimal(to_plain(text))
                break
        else:
            raise ValueParseError(f"not an amount: {value!r}")
    if not number.is_finite():
        raise ValueParseError(f"not an amount: {value!r}")
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    return number.quantize(Decimal("0.01")) if exponent > -2 else number


def format_amount(amount: Decimal | None) -> str:
    """The export form: "89.59", empty for none."""
    return "" if amount is None else f"{amount:f}"


_CODE = re.compile(r"^\d{6}$")
_NO_CODE = {"", "-", "–", "—", "/"}


def parse_code(value: str | Decimal | None) -> str | None:
    """A nomenclature code cell → six-digit string; None for "-" or empty."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ValueParseError(f"not a code: {value}")
        text = str(int(value))
    else:
        text = clean_text(value)
        if text in _NO_CODE:
            return None
        text = text.replace(" ", "")
    if not _CODE.match(text):
        raise ValueParseError(f"not a six-digit code: {value!r}")
    return text


def looks_like_code(value: str | Decimal | None) -> bool:
    """A cell whose whole content is a six-digit number (used to spot shifted rows)."""
    try:
        return parse_code(value) is not None
    except ValueParseError:
        return False


def check_digit_ok(code: str) -> bool:
    """INAMI rule: the last digit is the first five read as a number, mod 7."""
    return bool(_CODE.match(code)) and int(code[5]) == expected_check_digit(code)


def find_dates(text: str) -> list[tuple[int, date]]:
    """Every date in the text with its position in the folded text, in order."""
    from extractor import vocabulary  # here: lookup imports this module, not its patterns

    found: list[tuple[int, date]] = []
    for match in vocabulary.DATE.finditer(vocabulary.fold(text)):
        try:
            if match.group("month_name"):
                day = int(match.group("day"))
                month = vocabulary.MONTHS[match.group("month_name")]
                year = int(match.group("year"))
            else:
                day, month = int(match.group("nday")), int(match.group("nmonth"))
                year = int(match.group("nyear"))
            found.append((match.start(), date(year, month, day)))
        except ValueError:
            continue
    return found


def parse_date(text: str) -> date:
    """A single date in any form circulars use: 1/01/2025, 01-01-2025, 1er janvier 2025."""
    dates = find_dates(text)
    if not dates:
        raise ValueParseError(f"not a date: {text!r}")
    return dates[0][1]


def parse_age_band(text: str) -> tuple[int | None, int | None] | None:
    """A beneficiary-group heading → inclusive (age_min, age_max); None if it sets no band."""
    found = age_band_at(text)
    return found[0] if found else None


def age_band_at(text: str) -> tuple[tuple[int | None, int | None], int] | None:
    """The band a heading sets and where its words start in the folded heading (0: the heading
    is the band itself, "Tot 15de verjaardag"; more: a subject comes first, "Mondonderzoeken tot
    de 67ste verjaardag")."""
    from extractor import vocabulary

    folded = vocabulary.fold(text)
    for pattern, kind in vocabulary.AGE_BANDS:
        match = pattern.search(folded)
        if not match:
            continue
        start, end = match.span()
        if any(m.start() < start or m.end() > end for m in vocabulary.AGE_MENTION.finditer(folded)):
            # Another age outside the band: "jonger dan 18 jaar en ouder dan 65 jaar" (read 18
            # and more), "à partir de 18 ans et jusqu'à 65 ans" (its end dropped): no band.
            return None
        numbers = [int(group) for group in match.groups()]
        band: tuple[int | None, int | None]
        if kind == "range":
            band = numbers[0], numbers[1]
        elif kind == "range_exclusive":
            band = numbers[0], numbers[1] - 1
        elif kind == "min":
            band = numbers[0], None
        elif kind == "below":
            band = None, numbers[0] - 1
        else:
            band = None, numbers[0]
        return band, match.start()
    return None


def narrow_band(
    parent: tuple[int | None, int | None], band: tuple[int | None, int | None], start: int
) -> tuple[int | None, int | None] | None:
    """The parent band with the one bound the sub-heading adds, if it adds exactly that."""
    if start == 0 or parent == (None, None):
        return None
    narrowed: tuple[int | None, int | None]
    if band[0] is None and band[1] is not None and parent[1] is None:
        narrowed = parent[0], band[1]
    elif band[1] is None and band[0] is not None and parent[0] is None:
        narrowed = band[0], parent[1]
    else:
        return None
    low, high = narrowed
    return narrowed if low is None or high is None or low <= high else None


def exact_age_band(text: str) -> tuple[int | None, int | None] | None:
    """The band a label is nothing but ("de 10 à 74 ans"); None if it says more or less."""
    from extractor import vocabulary

    folded = vocabulary.fold(text).strip(" :")
    for pattern, _ in vocabulary.AGE_BANDS:
        if pattern.fullmatch(folded):
            found = age_band_at(folded)  # None if it reads an age outside the band it finds
            return found[0] if found is not None else None
    return None


def format_age_band(age_min: int | None, age_max: int | None) -> str:
    """The one way an age band is shown: "24+", "≤23", "24–30", empty for every age."""
    if age_min is None and age_max is None:
        return ""
    if age_max is None:
        return f"{age_min}+"
    if age_min is None:
        return f"≤{age_max}"
    return f"{age_min}–{age_max}"


def tariff_name(row: Any) -> str:
    """A tariff as messages name it: its code, its age band, its condition ("726530 ages 24+")."""
    band = format_age_band(row.age_min, row.age_max)
    return " ".join(part for part in (row.code_amb, band and f"ages {band}", row.condition) if part)


def to_decimal(number: float | int) -> Decimal:
    """A spreadsheet number → the Decimal of its shortest text form (what the file stores)."""
    try:
        return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
    except InvalidOperation as error:  # pragma: no cover - repr of a float is always valid
        raise ValueParseError(f"not a number: {number!r}") from error
