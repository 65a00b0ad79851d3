"""Plain data shared by every stage: raw rows with provenance, circular metadata, issues."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from extractor.columns import AMOUNT_COLUMNS as AMOUNT_COLUMNS  # re-exported
from extractor.location import Location

Severity = Literal["error", "warning"]
CellValue = str | Decimal | None


@dataclass(frozen=True, slots=True, eq=False)
class RawCell:
    """One cell as the reader saw it.

    `value` is text, or a Decimal where the source stores a number (XLSX numeric cells),
    so that no amount ever passes through a float. `span` is how many grid columns the
    cell covers (merged header cells). `marks` are footnote marks the reader recognised
    by typography (PDF superscripts); XLSX marks are found later, in the text.

    A workbook cell is given its row's place and its column letters (`column`): its own
    place is built only when asked (a code's source, an issue), not for each of a sheet's
    cells; equality and hashing go by that place all the same.
    """

    value: CellValue
    place: Location  # the cell's place, or its row's when `column` is given
    span: int = 1
    marks: tuple[str, ...] = ()
    column: str | None = None

    @property
    def location(self) -> Location:
        place = self.place
        if self.column is None:
            return place
        return Location(place.file, place.sheet, place.page, place.line, self.column)

    @property
    def text(self) -> str:
        return "" if self.value is None else str(self.value).strip()

    def _key(self) -> tuple[CellValue, Location, int, tuple[str, ...]]:
        return self.value, self.location, self.span, self.marks

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawCell) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True, slots=True)
class RawRow:
    """One line of a source, in reading order: a table row, a heading, a footnote or prose.

    Cell positions are grid columns of the reader (sheet columns, or the columns the PDF
    reader found), so a header row and the data rows under it line up by index.
    """

    cells: tuple[RawCell, ...]
    location: Location
    # Workbooks: values in hidden columns of the line (or every value of a hidden line), and
    # cells holding a formula never computed (its text as value): not data, reported.
    hidden: tuple[RawCell, ...] = ()
    hidden_row: bool = False
    formulas: tuple[RawCell, ...] = ()
    _texts: tuple[str, ...] | None = field(default=None, init=False, compare=False, repr=False)

    @property
    def texts(self) -> tuple[str, ...]:
        """Each cell's text, computed once: every stage of normalising asks for it."""
        if self._texts is None:
            object.__setattr__(self, "_texts", tuple(cell.text for cell in self.cells))
        return self._texts  # type: ignore[return-value]

    def filled(self) -> list[tuple[int, RawCell]]:
        cells = self.cells
        return [(index, cells[index]) for index, text in enumerate(self.texts) if text]

    def expanded(self) -> RawRow:
        """Already a row of cells (a PDF line): what normalise asks of every line."""
        return self


@dataclass(frozen=True, slots=True)
class SheetRow:
    """A workbook line as a document keeps it: a value per grid column, no cell objects.

    A 20,000-line annex would otherwise hold 160,000 cells, each traversed by every garbage
    collection from reading to exporting. `expanded()` makes the RawRow a stage works on,
    its cells placed lazily (RawCell.column), dropped when the stage is done with the line.
    """

    values: tuple[CellValue, ...]
    location: Location  # the line's place
    letters: tuple[str, ...]  # each grid column's letters, one tuple for a sheet's lines
    spans: tuple[int, ...] = ()  # each cell's span when a merge starts on the line; () = all 1
    hidden: tuple[RawCell, ...] = ()
    hidden_row: bool = False
    formulas: tuple[RawCell, ...] = ()

    @property
    def cells(self) -> tuple[RawCell, ...]:
        """Made anew on each call: a stage reading a line more than once expands it once."""
        line = self.location
        spans = self.spans or (1,) * len(self.values)
        return tuple(
            [
                RawCell(value, line, span, (), letters)
                for value, span, letters in zip(self.values, spans, self.letters, strict=True)
            ]
        )

    def expanded(self) -> RawRow:
        """The line as cells, for the step that reads it; not kept by the document."""
        return RawRow(self.cells, self.location, self.hidden, self.hidden_row, self.formulas)


@dataclass(frozen=True)
class RawDocument:
    """What a reader hands on: its rows, plus the text it found around the tables."""

    location: Location  # the file, and the sheet of a workbook
    format: Literal["xlsx", "pdf"]
    rows: tuple[RawRow | SheetRow, ...]  # RawRow from a PDF, SheetRow from a workbook
    text: str
    title: str = ""
    reader: str = field(default="", compare=False)  # the engine that read it (provenance)
    # Lines the reader could not place in a row or leave out as text (a description line
    # between two rows that could belong to either): reported, never dropped.
    issues: tuple[Issue, ...] = ()
    # A workbook sheet the workbook hides: "hidden" or "veryHidden". Not data: its tariff lines
    # are reported (extractor/hidden_sheets.py), never read as in force.
    hidden: str = ""


@dataclass(frozen=True)
class CircularInfo:
    """Facts about one circular, from its text, its file name or the command line."""

    circular: str
    language: Literal["fr", "nl"]
    effective_from: date
    subject: str
    source_files: tuple[str, ...]  # two when a PDF and its XLSX annex were read together
    source_format: Literal["xlsx", "pdf"]
    issued_on: date | None = None
    reader: str = ""
    domain: str = ""  # the subject without its date: "Soins psychologiques ..." (store versions)
    scope: str = ""  # full, partial or corrigendum; "" when neither document nor caller says
    corrects: str = ""  # a corrigendum: the circular it corrects, when known

    @property
    def source_file(self) -> str:
        return " + ".join(self.source_files)


@dataclass(frozen=True)
class Issue:
    """A source line we flagged or rejected: kept in issues.json, never dropped silently."""

    severity: Severity
    rule: str
    message: str
    location: Location
    raw: tuple[str, ...] = ()
    code: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message,
            "location": str(self.location),
            "code": self.code,
            "raw": list(self.raw),
        }


@dataclass(slots=True)
class TariffRow:
    """One canonical tariff line; fields follow extractor/columns.py column for column."""

    circular: str
    language: str
    effective_from: date
    code_amb: str
    code_hos: str | None
    age_min: int | None
    age_max: int | None
    condition: str | None
    key_letters: str | None
    fee: Decimal | None
    reimbursement_preferential: Decimal | None
    reimbursement_standard: Decimal | None
    copayment_preferential: Decimal | None
    copayment_standard: Decimal | None
    description: str
    footnotes: str
    section: str
    source: Location
    group_session: bool = False
    raw: tuple[str, ...] = field(default=(), repr=False)


@dataclass
class Extraction:
    """The result of extracting one input: its metadata, its accepted rows and its issues."""

    info: CircularInfo
    rows: list[TariffRow]
    issues: list[Issue]
    sections: int = 0
    tables: int = 0
    # Tables refused as a whole, one line each saying why (amounts of two effective dates)
    refused: tuple[str, ...] = ()
