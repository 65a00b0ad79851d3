"""The cells of one table line under a known header: amounts as printed ("-", "(*)", "€ 18,85"),
values under columns we could not place, and footnotes split over two cells.

Every non-empty cell ends in a column or in an issue: nothing here drops a value silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from extractor import rules, vocabulary
from extractor.header import Columns
from extractor.model import AMOUNT_COLUMNS, Issue, RawCell, RawRow
from extractor.values import ValueParseError, looks_like_code, parse_amount

NOT_DEFINED = frozenset({"-", "–", "—"})  # an amount not defined: empty, not zero
_REFERENCE = re.compile(r"^(?:\((\*{1,3}|\d{1,2})\)|(\*{1,3}))$")


@dataclass
class Amounts:
    """A line's amounts by column name; some may be empty on purpose ("-", or a footnote
    reference standing for the amount), which is not an amount missing."""

    values: dict[str, Decimal | None] = field(default_factory=dict)
    stated_empty: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # footnote marks standing for amounts


def read_amounts(
    row: RawRow, index: dict[str, int], code: str, issues: list[Issue]
) -> Amounts | None:
    """The amounts of a line in the given columns, or None (and an issue) when a cell there is
    not an amount."""
    found = Amounts()
    for name in AMOUNT_COLUMNS:
        if name not in index:
            found.values[name] = None
            continue
        place = index[name]
        cell = row.cells[place] if place < len(row.cells) else RawCell(None, row.location)
        text = cell.text
        reference = _REFERENCE.match(text) if text and text[0] in "(*" else None
        if text in NOT_DEFINED or reference:
            found.values[name] = None
            found.stated_empty.append(name)
            if reference:
                mark = reference.group(1) or reference.group(2)
                found.references.append(mark)
                issues.append(
                    rules.AMOUNT_BY_REFERENCE.issue(
                        cell.location,
                        f"the {name} is a reference to footnote {mark}, not an amount: left"
                        " empty, the footnote attached",
                        raw=row.texts,
                        code=code,
                    )
                )
            continue
        try:
            found.values[name] = parse_amount(cell.value)
        except ValueParseError as error:
            issues.append(
                rules.AMOUNT_UNPARSEABLE.issue(cell.location, str(error), raw=row.texts, code=code)
            )
            return None
    return found


def unplaced_values(row: RawRow, columns: Columns, issues: list[Issue]) -> list[RawCell]:
    """Every value under a column we could not place, reported where it stands."""
    found = []
    for index, header_text in columns.unplaced:
        if index < len(row.cells) and (cell := row.cells[index]).text:
            found.append(cell)
            code = next((c.text for _, c in row.filled() if looks_like_code(c.value)), "")
            issues.append(
                rules.COLUMN_UNPLACED.issue(
                    cell.location,
                    (
                        f"the column '{header_text}' names no field we know"
                        if header_text
                        else "a column without header text"
                    )
                    + f": its value '{cell.text}' is not in the table",
                    raw=row.texts,
                    code=code,
                )
            )
    return found


def split_footnote(filled: list[tuple[int, RawCell]]) -> RawCell | None:
    """A footnote whose mark and text stand in two cells side by side (`1` | `Intervention ...`
    in a workbook): one footnote line, so that no `1 1` is left at the end of a description."""
    if len(filled) != 2 or filled[1][0] != filled[0][0] + 1:
        return None
    (_, mark), (_, text) = filled
    line = f"{mark.text} {text.text}"
    if not vocabulary.FOOTNOTE_LINE.match(line) or is_amount(text) or looks_like_code(text.value):
        return None
    return RawCell(line, mark.location)


def is_amount(cell: RawCell) -> bool:
    try:
        return parse_amount(cell.value) is not None
    except ValueParseError:
        return False
