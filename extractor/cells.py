"""The cells of one table line under a known header: amounts as printed ("-", "(*)", "€ 18,85"),
values under columns we could not place, and footnotes split over two cells.

Every non-empty cell ends in a column or in an issue: nothing here drops a value silently.
"""

from __future__ import annotations

import re

from extractor import rules, vocabulary
from extractor.header import Columns
from extractor.location import Location
from extractor.model import AMOUNT_COLUMNS, Issue, RawCell, RawRow
from extractor.values import ValueParseError, looks_like_code, parse_amount

NOT_DEFINED = frozenset({"-", "–", "—"})  # an amount not defined: empty, not zero
_REFERENCE = re.compile(r"^(?:\((\*{1,3}|\d{1,2})\)|(\*{1,3}))$")
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
# An amount with a footnote mark in its cell: "29,96 (1)", "29,96*", "29,96 ¹". A bare digit
# after a space ("29,96 1") is not a mark one can tell from a misprint: it stays unreadable.
_MARKED_AMOUNT = re.compile(
    r"^(?P<amount>.*\d)\s*(?:\((?P<mark>\*{1,3}|\d{1,2})\)|(?P<stars>\*{1,3})|(?P<raised>[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}))$"
)


def marked_amount(text: str) -> tuple[str, str] | None:
    """An amount cell's text and the footnote mark printed with it ("29,96 (1)" → ("29,96",
    "1")), when the mark is unambiguous and the rest an amount; None otherwise."""
    if not text or text[-1] not in ")*⁰¹²³⁴⁵⁶⁷⁸⁹" or not (found := _MARKED_AMOUNT.match(text)):
        return None
    amount = found.group("amount")
    if not is_amount(RawCell(amount, _NOWHERE)):
        return None
    mark = found.group("mark") or found.group("stars") or found.group("raised")
    return amount, mark.translate(SUPERSCRIPT_DIGITS)


_NOWHERE = Location("")


def stated_mark(text: str) -> str | None:
    """An amount cell left empty on purpose: "" for "-" (not defined: empty, not zero), the
    footnote mark for a reference standing for the amount ("(*)"); None for anything else."""
    if text in NOT_DEFINED:
        return ""
    if text and text[0] in "(*" and (reference := _REFERENCE.match(text)):
        return reference.group(1) or reference.group(2)
    return None


def stated(row: RawRow, index: dict[str, int]) -> tuple[bool, tuple[str, ...]]:
    """Whether some amount of the line is "-" or a footnote reference (missing on purpose), and
    the footnote marks standing for amounts, to attach their footnote text."""
    texts, found, marks = row.texts, False, []
    for name, place in index.items():
        if name in AMOUNT_COLUMNS and place < len(texts):
            mark = stated_mark(texts[place])
            if mark is not None:
                found = True
                if mark:
                    marks.append(mark)
    return found, tuple(marks)


def unplaced_values(
    row: RawRow, columns: Columns, issues: list[Issue], marks: list[str]
) -> list[RawCell]:
    """Every value under a column we could not place, reported where it stands; the footnote
    marks of a notes column ("Nota": "(1)") go to `marks`, for the row's footnotes."""
    found = []
    for index, header_text in sorted((*columns.unplaced, *columns.notes)):
        if index < len(row.cells) and (cell := row.cells[index]).text:
            if (index, header_text) in columns.notes and (said := _NOTE_MARKS.fullmatch(cell.text)):
                marks.extend(_NOTE_MARK.findall(said.group().translate(SUPERSCRIPT_DIGITS)))
                continue
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


# A notes cell of footnote marks only: "(1)", "1", "*", "(*)", "(1) (2)", "1, 2", "¹".
_NOTE_MARK = re.compile(r"\d{1,2}|\*{1,3}")
_NOTE_MARKS = re.compile(
    r"(?:\((?:\d{1,2}|\*{1,3})\)|\d{1,2}|\*{1,3}|[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2})"
    r"(?:[\s,;]*(?:\((?:\d{1,2}|\*{1,3})\)|\d{1,2}|\*{1,3}|[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}))*"
)


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


def holds_amount(cell: RawCell) -> bool:
    """The cell is an amount or holds some: two regime columns under one unplaced label give one
    cell "26,96 22,47" (PDF), amounts all the same."""
    return is_amount(cell) or any(
        is_amount(RawCell(part, cell.location)) for part in cell.text.split()
    )


def set_aside(row: RawRow, in_table: bool, issues: list[Issue]) -> bool:
    """A workbook line's cells the grid does not read (formulas never computed, hidden rows
    and columns) → issues; True when the line is left out."""
    code = next((c.text for c in (*row.cells, *row.hidden) if looks_like_code(c.value)), "")
    if row.formulas:
        places = ", ".join(_cell_name(cell) for cell in row.formulas)
        first = row.formulas[0]
        issues.append(
            rules.FORMULA_NOT_COMPUTED.issue(
                first.location,
                f"{places} {'holds a formula' if len(row.formulas) == 1 else 'hold formulas'}"
                f" ({first.text}{', ...' if len(row.formulas) > 1 else ''}) without a computed"
                " value: the workbook was saved by a tool that does not calculate; recalculate"
                " it in Excel or LibreOffice and save. The line is left out",
                raw=(*row.texts, *(cell.text for cell in row.formulas)),
                code=code,
            )
        )
        return True
    if row.hidden_row:
        if in_table or code:
            values = " | ".join(cell.text for cell in row.hidden)
            issues.append(
                rules.HIDDEN_ROW.issue(
                    row.location,
                    f"row {row.location.line} is hidden in the workbook and holds '{values}':"
                    " not read as data; unhide it if it belongs to the table",
                    raw=tuple(cell.text for cell in row.hidden),
                    code=code,
                )
            )
        return True
    if in_table:
        for cell in row.hidden:
            issues.append(
                rules.HIDDEN_COLUMN.issue(
                    cell.location,
                    f"column {cell.location.column} is hidden in the workbook and holds"
                    f" '{cell.text}' on this line: not in the table; unhide the column if it"
                    " belongs to the table",
                    raw=row.texts,
                    code=code,
                )
            )
    return False


def _cell_name(cell: RawCell) -> str:
    return f"{cell.location.column or ''}{cell.location.line or ''}"
