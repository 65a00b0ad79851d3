"""Sheets a workbook hides (state hidden or veryHidden): not data, yet never a tariff line lost.

A hidden sheet is read like a visible one only to learn what we would take for tariff lines
there: lines read as rows, and lines we would flag (as every line holding a code, or a table's
amounts, is when it is not a row). Each is reported as an error (`hidden-sheet`) with its
values, as a hidden row's line is: left out of the table, not in force, and its code unreadable
rather than removed in the store. A hidden sheet holding none (notes, lookups) stays silent.
"""

from __future__ import annotations

from datetime import date

from extractor import rules
from extractor.model import CircularInfo, Extraction, Issue, RawDocument
from extractor.normalise import normalise
from extractor.values import looks_like_code

_STATE = {
    "hidden": "hidden",
    "veryHidden": "very hidden (veryHidden: Excel's Unhide does not list it)",
}


def hidden_sheet_lines(document: RawDocument) -> list[Issue]:
    """One `hidden-sheet` issue per tariff line of a hidden sheet, in sheet order."""
    placeholder = CircularInfo("", "fr", date.min, "", (document.location.file,), "xlsx")
    read = normalise(document, placeholder)
    lines = {row.source.line for row in read.rows}
    lines.update(issue.location.line for issue in read.issues if issue.raw)
    found = []
    for row in document.rows:
        if row.location.line in lines:
            values = tuple(c.text for c in (*row.cells, *row.hidden, *row.formulas) if c.text)
            code = next((text for text in values if looks_like_code(text)), "")
            found.append((row, values, code))
    sheet = document.location.sheet
    state = _STATE.get(document.hidden, document.hidden)
    count = _tariff_lines(len(found))
    return [
        rules.HIDDEN_SHEET.issue(
            row.location,
            f"sheet '{sheet}' is {state} in the workbook and {count}; row"
            f" {row.location.line} holds '{' | '.join(values)}': not read as data; unhide the"
            " sheet if it belongs to the circular",
            raw=values,
            code=code,
        )
        for row, values, code in found
    ]


def report_hidden_sheets(documents: list[RawDocument]) -> tuple[list[RawDocument], list[Issue]]:
    """The documents to read as data (visible sheets), and the hidden sheets' tariff lines."""
    shown = [document for document in documents if not document.hidden]
    lines = [
        issue for document in documents if document.hidden for issue in hidden_sheet_lines(document)
    ]
    return shown, lines


def attach(extractions: list[Extraction], lines: list[Issue]) -> None:
    """The hidden sheets' lines go with the workbook's first table, in source order."""
    if lines and extractions:
        first = extractions[0]
        first.issues = sorted([*first.issues, *lines], key=lambda issue: issue.location.order)


def no_visible_table(lines: list[Issue]) -> str:
    """Why a workbook gave no table: its tariff lines are all on hidden sheets, if they are."""
    if not lines:
        return "no tariff table found (no header naming code, description and amount columns)"
    counts: dict[str, int] = {}
    for issue in lines:
        sheet = issue.location.sheet or ""
        counts[sheet] = counts.get(sheet, 0) + 1
    sheets = " and ".join(f"'{sheet}' {_tariff_lines(count)}" for sheet, count in counts.items())
    return (
        f"no tariff table on a visible sheet, but hidden sheet {sheets}: nothing was read;"
        " unhide the sheet if it belongs to the circular"
    )


def _tariff_lines(count: int) -> str:
    return f"holds {count} tariff line{'s' if count > 1 else ''}"
