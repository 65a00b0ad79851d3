"""What a tariff carries besides code, age and regime: its condition and its key letters.

A condition is printed, never inferred: a second group of amount columns under its own label,
a codeless qualifier line right under a coded line (`MET GMD`), or the heading that sets one
code's tariff apart from another tariff of the same code. Key letters are read from their
columns (key letter, coefficient, key-letter value), one term per printed line.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from extractor import vocabulary
from extractor.columns import KEY_COLUMNS
from extractor.errors import KeyLetterError as KeyLetterError  # where key letters are read
from extractor.model import RawRow, TariffRow
from extractor.values import clean_text

KEY_LETTER_COLUMNS = ("key_letter", "coefficient", "key_value")
_LETTER = re.compile(r"^[A-Z]{1,3}$")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")
_TERM = re.compile(
    r"^(?P<letter>[A-Z]{1,3}) (?P<coefficient>\d+(?:\.\d+)?) (?P<value>\d+(?:\.\d+)?)$"
)
_CENT = Decimal("0.01")


def _number(text: str) -> str:
    if not _NUMBER.match(text):
        raise KeyLetterError(f"not a number: {text!r}")
    return f"{Decimal(text.replace(',', '.')):f}"


def key_terms(row: RawRow, index: dict[str, int]) -> str | None:
    """The key-letter terms printed on one row, 'N 8 2.572713 + Q 30 0.033039', or None.

    A row whose lines were joined (a PDF row and its continuation line) holds several words
    per cell: the n-th letter, coefficient and value make the n-th term.
    """
    if not all(name in index for name in KEY_LETTER_COLUMNS):
        return None
    parts = []
    for name in KEY_LETTER_COLUMNS:
        position = index[name]
        cell = row.cells[position] if position < len(row.cells) else None
        if cell is not None and isinstance(cell.value, Decimal):  # a number in a workbook
            parts.append([f"{cell.value.normalize():f}"])
        else:
            parts.append(cell.text.split() if cell is not None else [])
    letters, coefficients, values = parts
    if not any(parts):
        return None
    if not len(letters) == len(coefficients) == len(values):
        raise KeyLetterError(
            f"key letter, coefficient and value do not pair up: {' | '.join(map(' '.join, parts))}"
        )
    terms = []
    for letter, coefficient, value in zip(letters, coefficients, values, strict=True):
        if not _LETTER.match(letter):
            raise KeyLetterError(f"not a key letter: {letter!r}")
        terms.append(f"{letter} {_number(coefficient)} {_number(value)}")
    return " + ".join(terms)


def is_key_continuation(row: RawRow, index: dict[str, int]) -> bool:
    """A line holding key-letter cells and nothing else (`Q 30 0,033039` under its code)."""
    places = {index[name] for name in KEY_LETTER_COLUMNS if name in index}
    filled = row.filled()
    return bool(places) and bool(filled) and all(position in places for position, _ in filled)


_PRINTED_TERM = re.compile(
    r"^(?P<letter>[A-Z]{1,3}) (?P<coefficient>\d+(?:,\d+)?) (?P<value>\d+,\d+)$"
)


def key_terms_in_text(text: str) -> str | None:
    """A key-letter line read as one text (`Q 30 0,033039`): its term, or None."""
    match = _PRINTED_TERM.match(clean_text(text))
    if match is None:
        return None
    coefficient, value = _number(match.group("coefficient")), _number(match.group("value"))
    return f"{match.group('letter')} {coefficient} {value}"


def key_letters_total(text: str) -> Decimal:
    """Σ coefficient × value of 'N 8 2.572713 + Q 30 0.033039', rounded to the cent."""
    total = Decimal(0)
    for term in text.split(" + "):
        match = _TERM.match(term)
        if match is None:
            raise KeyLetterError(f"not a key-letter term: {term!r}")
        try:
            total += Decimal(match.group("coefficient")) * Decimal(match.group("value"))
        except InvalidOperation as error:  # pragma: no cover - the pattern admits numbers only
            raise KeyLetterError(f"not a key-letter term: {term!r}") from error
    return total.quantize(_CENT, rounding=ROUND_HALF_UP)


def fee_keeps_key_letters(fee: object, key_letters: object) -> bool:
    """True unless the row prints both a fee and key letters whose total is another amount."""
    if not isinstance(fee, Decimal) or not isinstance(key_letters, str) or not key_letters:
        return True
    try:
        return key_letters_total(key_letters) == fee
    except KeyLetterError:
        return False


def is_qualifier(text: str) -> bool:
    """A codeless line naming the condition of the coded line above it (`MET GMD`)."""
    return bool(vocabulary.QUALIFIER_LINE.match(vocabulary.fold(text)))


def by_heading(rows: list[TariffRow], captions: list[str]) -> None:
    """One code under two headings: each heading is the condition of its tariff.

    The condition is the part of the heading path that differs ("Tarief B (buitengewoon
    tarief)"), the path ending in the table's caption (the short unnumbered line above its
    rows); a heading naming the general tariff leaves it empty. Rows nothing sets apart
    stay as they are, for the duplicate-key rule.
    """
    groups: dict[tuple[object, ...], list[tuple[TariffRow, str]]] = defaultdict(list)
    for row, caption in zip(rows, captions, strict=True):
        key = tuple(getattr(row, name) for name in KEY_COLUMNS)
        groups[(row.language, row.effective_from, *key)].append((row, caption))
    for pairs in groups.values():
        group = [row for row, _ in pairs]
        if len(group) < 2:
            continue
        paths = [
            [*(row.section.split(" > ") if row.section else []), *([caption] if caption else [])]
            for row, caption in pairs
        ]
        if len({tuple(path) for path in paths}) < len(paths):
            continue  # two rows under one heading: nothing sets them apart
        shared = 0
        while (
            all(len(path) > shared for path in paths) and len({path[shared] for path in paths}) == 1
        ):
            shared += 1
        for row, path in zip(group, paths, strict=True):
            heading = clean_text(" > ".join(path[shared:]))
            if vocabulary.GENERAL_TARIFF.search(vocabulary.fold(heading)):
                heading = ""
            condition = ", ".join(part for part in (heading, row.condition or "") if part)
            row.condition = condition or None
