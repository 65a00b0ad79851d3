"""tariffs.xlsx: the tariffs, changes, summary, flagged lines and sources for tariff officers.

Every sheet has a French and a Dutch header row (frozen, with filters under the Dutch one).
Amounts are numbers in EUR format; codes and every text are text cells, never formulas, even
when they start with '='. The file is byte-identical for the same input: fixed document
properties and zip entry times.
"""

from __future__ import annotations

import io
import operator
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from extractor import vocabulary
from extractor.columns import AMOUNT_COLUMNS, BY_NAME, COLUMNS, KEY_COLUMNS
from extractor.exports.sheetwriter import Sheet, column_tails, write_workbook
from extractor.model import Extraction, Issue, TariffRow
from extractor.report import ChangeReport, change_records

EUR = '#,##0.00 "€"'
ISO_DATE = "yyyy-mm-dd"
# A fixed time for the document properties and every zip entry (the zip format's earliest).
FIXED_TIME = datetime(1980, 1, 1)
# (name, French heading, Dutch heading) of the columns of the sheets other than the tariffs.
Heading = tuple[str, str, str]

SHEETS = vocabulary.WORKBOOK_SHEETS
_KINDS = vocabulary.CHANGE_KINDS


def _headings(sheet: str, names: Iterable[str] | None = None) -> list[Heading]:
    """The French and Dutch headings of a sheet's columns (all of them, or these)."""
    words = vocabulary.WORKBOOK_HEADINGS[sheet]
    return [(name, *words[name]) for name in (words if names is None else names)]


def _key_headings() -> list[Heading]:
    return [(name, BY_NAME[name].title_fr, BY_NAME[name].title_nl) for name in KEY_COLUMNS]


CHANGE_HEADINGS: list[Heading] = [
    *_headings("changes", ("language", "kind")),
    *_key_headings(),
    *_headings("changes", ("column", "old", "new", "follows_indexation", "section")),
]
SUMMARY_HEADINGS = _headings("summary")
FLAGGED_HEADINGS = _headings("flagged")
SOURCE_HEADINGS = _headings("sources")


def _number(amount: Decimal) -> Decimal | str:
    """An amount as a spreadsheet number, which holds 15 significant digits: an amount it
    cannot hold exactly stays text rather than change."""
    held = Decimal(f"{amount:.15g}")
    return amount if held == amount else f"{amount:f}"


def _value(value: Any) -> Any:
    """One value as written: an amount a spreadsheet number cannot hold exactly stays text."""
    return _number(value) if isinstance(value, Decimal) else value


def _sheet(
    title: str,
    headings: Sequence[tuple[str, str]],
    lines: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
    count: int | None = None,
    *,
    tails: bool = False,
) -> Sheet:
    """A sheet with a French and a Dutch header row, frozen, filters on the second; `count`:
    how many lines `lines` yields, when it is not a list (the lines are then streamed);
    `tails`: the lines are their cells' XML already (column_tails)."""
    if count is None:
        lines = list(lines)
        count = len(lines)
    headers = [[pair[0] for pair in headings], [pair[1] for pair in headings]]
    values = lines if tails else ([_value(value) for value in line] for line in lines)
    return Sheet(title, headers, values, widths or [16] * len(headings), count, tails=tails)


def _written(value: Any) -> Any:
    """A tariff cell as written: what is neither a number nor a date is text, then _value."""
    return _value(value if isinstance(value, int | Decimal | date | None) else str(value))


def _written_text(value: Any) -> Any:
    return value if type(value) is str else _written(value)


def _written_amount(value: Any) -> Any:
    return _number(value) if type(value) is Decimal else _written(value)


# Per column, what its values usually are answered first: a text, an amount (the same as
# _written gives for them, tests/exports hold it); anything else goes through _written.
_WRITERS = tuple(
    _written_text if BY_NAME[name].type == "string" else
    _written_amount if BY_NAME[name].type == "number" else _written
    for name in COLUMNS
)  # fmt: skip


def _tariff_lines(rows: Sequence[TariffRow]) -> Iterable[tuple[str, ...]]:
    """The lines of the tariff sheet as their cells' XML (column_tails), made a column at a
    time: each column's values converted by its writer, each distinct value once."""
    columns = [
        column_tails(list(map(operator.attrgetter(name), rows)), write)
        for name, write in zip(COLUMNS, _WRITERS, strict=True)
    ]
    return zip(*columns, strict=True)


def _width(name: str) -> int:
    if name in AMOUNT_COLUMNS:
        return 14
    return {"description": 60, "footnotes": 30, "section": 40, "source": 40}.get(name, 12)


def _change_lines(report: ChangeReport | None) -> Iterable[list[Any]]:
    for record in change_records(report) if report else []:
        column = record["column"]
        amount = column in AMOUNT_COLUMNS

        def value(text: str | None, amount: bool = amount) -> Any:
            return Decimal(text) if amount and text else text

        heading = f"{BY_NAME[column].title_fr} / {BY_NAME[column].title_nl}" if column else ""
        follows = record["follows_indexation"] if record["kind"] == "changed" else None
        yield [
            record["language"],
            _KINDS[record["kind"]],
            *(record[name] for name in KEY_COLUMNS),
            heading,
            value(record["old"]),
            value(record["new"]),
            None if follows is None else (vocabulary.YES if follows else vocabulary.NO),
            record["section"],
        ]


def _summary_lines(
    extractions: list[Extraction], report: ChangeReport | None
) -> Iterable[list[Any]]:
    parts = {part.language: part for part in report.languages} if report else {}
    for extraction in extractions:
        info = extraction.info
        flagged = len({issue.location for issue in extraction.issues if issue.raw})
        line: list[Any] = [info.language, info.circular, info.effective_from, None,
                           len(extraction.rows), flagged]  # fmt: skip
        part = parts.get(info.language)
        if part is not None and part.current.source_file == info.source_file:
            diff = part.diff
            if part.previous is not None:
                line[3] = f"{part.previous.circular} ({part.previous.effective_from.isoformat()})"
            line += [len(diff.added), len(diff.removed), len(diff.changed),
                     len(diff.indexation.not_following), len(diff.description_only),
                     diff.unchanged, diff.indexation.percent]  # fmt: skip
        yield line


def _flagged_lines(issues: Iterable[Issue]) -> Iterable[list[Any]]:
    for issue in issues:
        place = str(issue.location).partition("#")[2]
        yield [issue.severity, issue.rule, issue.message, issue.location.file, place,
               issue.code, " | ".join(issue.raw)]  # fmt: skip


def _source_lines(extractions: list[Extraction], digests: dict[str, str]) -> Iterable[list[Any]]:
    for extraction in extractions:
        info = extraction.info
        for file in info.source_files:
            yield [info.circular, info.language, info.effective_from, info.issued_on, info.subject,
                   file, digests.get(file), info.reader, len(extraction.rows)]  # fmt: skip


def _pairs(headings: list[Heading]) -> list[tuple[str, str]]:
    return [(french, dutch) for _, french, dutch in headings]


def tariffs_xlsx(
    extractions: list[Extraction],
    rows: list[TariffRow],
    report: ChangeReport | None = None,
    digests: dict[str, str] | None = None,
) -> bytes:
    """The workbook as bytes; the same input gives the same bytes."""
    tariff_headings = [(BY_NAME[n].title_fr, BY_NAME[n].title_nl) for n in COLUMNS]
    issues = [issue for extraction in extractions for issue in extraction.issues]
    sheets = [
        _sheet(SHEETS["tariffs"], tariff_headings, _tariff_lines(rows),
               [_width(name) for name in COLUMNS], count=len(rows), tails=True),
        _sheet(SHEETS["changes"], _pairs(CHANGE_HEADINGS), _change_lines(report)),
        _sheet(SHEETS["summary"], _pairs(SUMMARY_HEADINGS), _summary_lines(extractions, report)),
        _sheet(SHEETS["flagged"], _pairs(FLAGGED_HEADINGS), _flagged_lines(issues),
               [8, 22, 60, 30, 16, 10, 60]),
        _sheet(SHEETS["sources"], _pairs(SOURCE_HEADINGS),
               _source_lines(extractions, digests or {}), [10, 6, 12, 12, 40, 40, 66, 12, 8]),
    ]  # fmt: skip
    target = io.BytesIO()
    write_workbook(target, sheets, "inami-tariffs", FIXED_TIME)
    return target.getvalue()
