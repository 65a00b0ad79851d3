"""XLSX annexes → raw rows: visible cells only, cached formula values, merged headers as spans;
a hidden sheet is handed on marked as such, for its tariff lines to be reported, not read.

Two engines hand over the same sheets (calamine.py, the default, fast one; reference.py, the
openpyxl reading the tests hold it equal to); the grid of cells with their places is built
here, once, for both.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError, NoTariffTableError, UnreadableInputError
from extractor.location import Location, column_letter
from extractor.metadata import HEAD_LINES
from extractor.model import CellValue, RawCell, RawDocument, SheetRow
from extractor.readers.xlsx.reference import openpyxl_sheets
from extractor.readers.xlsx.sheet import Sheet
from extractor.settings import DEFAULT_SETTINGS, Deadline, LimitExceededError, ReadSettings
from extractor.values import clean_text, looks_like_code, to_decimal


def check_archive(path: Path, settings: ReadSettings) -> None:
    """Refuse zip and XML bombs before a sheet is parsed: the part count, total size and
    ratios from the zip directory alone, then a DTD or entity declaration in any XML part."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableInputError(
            f"not a valid XLSX workbook (damaged zip archive){_cut_short(path)}", path
        ) from None
    if len(entries) > settings.max_zip_entries:
        raise LimitExceededError(
            f"the workbook has {len(entries)} parts (limit {settings.max_zip_entries})", path
        )
    total = sum(entry.file_size for entry in entries)
    if total > settings.max_unzipped_mb * 1024 * 1024:
        raise LimitExceededError(
            f"the workbook unpacks to {total // (1024 * 1024)} MB (limit {settings.max_unzipped_mb} MB,"
            " --max-unzipped-mb): refused as a possible zip bomb",
            path,
        )
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > settings.max_compression_ratio * max(
            entry.compress_size, 1
        ):
            raise LimitExceededError(
                f"part {entry.filename} is compressed {entry.file_size // max(entry.compress_size, 1)} times"
                f" (limit {settings.max_compression_ratio}): refused as a possible zip bomb",
                path,
            )
    try:
        with zipfile.ZipFile(path) as archive:
            bomb = next(
                (
                    entry.filename
                    for entry in entries
                    if entry.filename.endswith((".xml", ".rels", ".vml"))
                    and _declares_dtd(archive, entry)
                ),
                None,
            )
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
        # A part that does not inflate or fails its checksum: said as when an engine meets it.
        raise UnreadableInputError(
            f"not a readable XLSX workbook ({damage(path) or 'damaged zip archive'})", path
        ) from None
    if bomb is not None:
        raise UnreadableInputError(
            f"part {bomb} declares a DTD or XML entities: refused as a possible XML bomb", path
        )


# A DTD may follow any length of comments; an XML part in UTF-16 starts with a byte order
# mark or a "<" beside a zero byte, and spells the marks with zero bytes between.
_DTD_MARKS = {
    encoding: tuple(mark.encode(encoding) for mark in ("<!DOCTYPE", "<!ENTITY"))
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
}
_CHUNK = 1024 * 1024


def _declares_dtd(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    """Whether a part holds "<!DOCTYPE" or "<!ENTITY" anywhere: the whole part is read, a
    chunk at a time (no more than its size, which the limits above have accepted), each
    chunk with the end of the one before, so a mark cut in two is still seen."""
    tail = b""
    marks: tuple[bytes, ...] = ()
    with archive.open(entry) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            marks = marks or _DTD_MARKS[_encoding(window)]
            if any(mark in window for mark in marks):
                return True
            tail = window[-(len(marks[0]) - 1) :]
    return False


def _encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"<\x00")):
        return "utf-16-le"
    if head.startswith((b"\xfe\xff", b"\x00<")):
        return "utf-16-be"
    return "utf-8"


def damage(path: Path) -> str:
    """What is wrong inside a workbook an engine could not read: a part whose data does not
    inflate or fails its checksum, or a part that is not well-formed XML; "" if none is.

    Only asked after a failure, so a good workbook never pays for a second inflation."""
    from xml.parsers import expat

    try:
        with zipfile.ZipFile(path) as archive:
            for entry in archive.infolist():
                try:
                    data = archive.read(entry)
                except zipfile.BadZipFile as error:
                    what = "fails its checksum" if "CRC" in str(error) else "is damaged"
                    return f"part {entry.filename} {what}: the file was altered or cut"
                except (zlib.error, EOFError):
                    return (
                        f"part {entry.filename} is damaged: its compressed data does not"
                        " inflate (the file was altered or cut)"
                    )
                if not entry.filename.endswith((".xml", ".rels")):
                    continue
                parser = expat.ParserCreate()
                try:
                    parser.Parse(data, True)
                except expat.ExpatError as error:
                    return (
                        f"part {entry.filename} is not well-formed XML:"
                        f" {expat.ErrorString(error.code)} at line {error.lineno},"
                        f" column {error.offset + 1}"
                    )
    except (zipfile.BadZipFile, OSError, ValueError):
        return "damaged zip archive"
    return ""


def _cut_short(path: Path) -> str:
    """Why a zip does not open, when it is plain: it ends before its directory (cut short)."""
    try:
        with path.open("rb") as stream:
            stream.seek(0, 2)
            size = stream.tell()
            stream.seek(max(0, size - 65_557))
            tail = stream.read()
    except OSError:
        return ""
    if b"PK\x05\x06" not in tail:
        return ": the file ends before its zip directory; it was probably cut short"
    return ""


def _said(error: Exception) -> str:
    """An engine's own words for a failure, on one line."""
    text = " ".join(str(error).split())[:120]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def read_xlsx(
    path: Path, settings: ReadSettings = DEFAULT_SETTINGS, deadline: Deadline | None = None
) -> list[RawDocument]:
    deadline = deadline or Deadline(path, settings.time_limit_s)
    try:
        check_archive(path, settings)
        if settings.xlsx_engine == "calamine":
            from python_calamine import CalamineError

            from extractor.readers.xlsx.calamine import calamine_sheets

            try:
                documents = _documents(path, calamine_sheets(path), deadline, "calamine")
            except CalamineError:
                # Beyond calamine (a UTF-16 sheet, say): read it the slow way rather than not
                # at all; a really broken file fails there with openpyxl's reason.
                documents = _documents(path, openpyxl_sheets(path), deadline, "openpyxl")
        else:
            documents = _documents(path, openpyxl_sheets(path), deadline, "openpyxl")
    except ExtractorError:
        raise
    except Exception as error:  # a broken workbook can fail anywhere inside either engine
        if type(error).__module__.startswith("defusedxml"):
            raise UnreadableInputError(
                f"the workbook declares XML entities or DTDs ({type(error).__name__}): refused as a possible XML bomb",
                path,
            ) from None
        raise UnreadableInputError(
            f"not a readable XLSX workbook ({damage(path) or _said(error)})", path
        ) from None
    if not documents:
        raise NoTariffTableError("the workbook holds no data: every visible sheet is empty", path)
    return documents


def _documents(
    path: Path, sheets: Iterator[Sheet], deadline: Deadline, engine: str
) -> list[RawDocument]:
    """The visible sheets' documents in workbook order, then the hidden sheets' (not data:
    read only so that their tariff lines are reported, never lost unseen)."""
    documents = []
    for sheet in sheets:
        deadline.check()
        document = _document(path, sheet, deadline, engine)
        if document is not None:
            documents.append(document)
    return sorted(documents, key=lambda document: bool(document.hidden))


def _document(path: Path, sheet: Sheet, deadline: Deadline, engine: str) -> RawDocument | None:
    """The grid of visible cells; a merged cell spans the visible columns it covers.

    A merge down a tariff line's cells (one code over two age-band lines) gives its value to
    every line it covers. Values the grid leaves out (hidden rows and columns) and formulas
    never computed ride along with their row, to be reported: nothing is dropped unseen.
    """
    visible_columns = [c for c in range(1, sheet.width + 1) if c not in sheet.hidden_columns]
    hidden_columns = sorted(c for c in sheet.hidden_columns if c <= sheet.width)
    spans: dict[tuple[int, int], int] = {}
    covered: set[tuple[int, int]] = set()
    downward: dict[tuple[int, int], tuple[int, int]] = {}  # covered cell → its merge's first
    for first_row, first_column, last_row, last_column in sheet.merges:
        if first_row > sheet.height or first_column > sheet.width:
            continue  # nothing to read there
        # Clipped to the data: a merge over a million rows or columns costs nothing then.
        last_row, last_column = min(last_row, sheet.height), min(last_column, sheet.width)
        width = sum(1 for c in visible_columns if first_column <= c <= last_column)
        spans[(first_row, first_column)] = max(width, 1)
        covered.update(
            (row, column)
            for row in range(first_row, last_row + 1)
            for column in range(first_column, last_column + 1)
        )
        covered.discard((first_row, first_column))
        downward.update(
            ((row, first_column), (first_row, first_column))
            for row in range(first_row + 1, last_row + 1)
        )
    place = Location(path.name, sheet.title)
    columns = [(c - 1, column_letter(c)) for c in visible_columns]
    convert = _Converter()
    formula_rows = {row for row, _ in sheet.formulas}
    special_rows = (
        {row for row, _ in covered}
        | {row for row, _ in spans}
        | {row for row, _ in sheet.errors}
        | {row for row, _ in sheet.percents}
        | formula_rows
    )
    every_column = [(c - 1, column_letter(c)) for c in range(1, sheet.width + 1)]
    hidden_letters = [(c - 1, column_letter(c)) for c in hidden_columns]
    merged_lines: dict[tuple[int, int], RawCell] = {}  # a merge's first cell, on a coded line
    letters = tuple(letters for _, letters in columns)
    offsets = [offset for offset, _ in columns]
    every_offset = offsets == list(range(len(offsets)))  # no hidden column among them
    rows: list[SheetRow] = []
    for row_number, values in enumerate(sheet.rows, start=1):
        if row_number % 1000 == 0:
            deadline.check(row_number, sheet.height)
        width = len(values)
        line = place.at(row_number)
        if row_number in sheet.hidden_rows:
            aside = _values_at(values, every_column, line, convert)
            if aside:
                blank = (None,) * len(letters)
                rows.append(SheetRow(blank, line, letters, (), aside, hidden_row=True))
            continue
        merged: tuple[int, ...] = ()
        if row_number in special_rows:
            cells = [
                _special_cell(
                    sheet, spans, covered, line, (row_number, offset + 1), values, convert
                )
                for offset in offsets
            ]
            cells = _merged_down(cells, columns, row_number, downward, merged_lines)
            cell_values = tuple(cell.value for cell in cells)
            if any(cell.span != 1 for cell in cells):
                merged = tuple(cell.span for cell in cells)
        elif every_offset and width == len(offsets):
            cell_values = tuple(map(convert, values))
        else:
            cell_values = tuple(
                [convert(values[offset]) if offset < width else None for offset in offsets]
            )
        hidden = _values_at(values, hidden_letters, line, convert) if hidden_letters else ()
        formulas = (
            tuple(
                RawCell(f"={sheet.formulas[(row_number, c + 1)]}", line, 1, (), letters)
                for c, letters in columns
                if (row_number, c + 1) in sheet.formulas
            )
            if row_number in formula_rows
            else ()
        )
        if cell_values.count(None) < len(cell_values) or hidden or formulas:
            rows.append(SheetRow(cell_values, line, letters, merged, hidden, formulas=formulas))
    if not rows:
        return None
    head = [row.cells for row in rows[:HEAD_LINES]]  # metadata: titles and notes sit above
    text = "\n".join(" ".join(cell.text for cell in cells if cell.text) for cells in head)
    title = next((cell.text for cells in head[:3] for cell in cells if cell.text), "")
    return RawDocument(place, "xlsx", tuple(rows), text, title, engine, hidden=sheet.hidden)


def _values_at(
    values: Sequence[Any], columns: list[tuple[int, str]], line: Location, convert: _Converter
) -> tuple[RawCell, ...]:
    """The cells of the given columns that hold a value (hidden ones, reported, never read)."""
    width = len(values)
    found = (
        (convert(values[offset]), letters)
        for offset, letters in columns
        if offset < width and values[offset] is not None
    )
    return tuple(RawCell(value, line, 1, (), letters) for value, letters in found if value)


def _merged_down(
    cells: list[RawCell],
    columns: list[tuple[int, str]],
    row_number: int,
    downward: dict[tuple[int, int], tuple[int, int]],
    merged_lines: dict[tuple[int, int], RawCell],
) -> list[RawCell]:
    """A merge started on a line holding a code covers the lines under it with its value;
    a merge in a header (a label over two header rows) stays where it is, and so does one
    running past a line of a single cell (a heading between two lines of one code)."""
    if any(looks_like_code(cell.value) for cell in cells):
        for (offset, _), cell in zip(columns, cells, strict=True):
            if cell.value is not None:
                merged_lines[(row_number, offset + 1)] = cell
    if sum(cell.value is not None for cell in cells) < 2:
        return cells
    for position, (offset, _) in enumerate(columns):
        origin = downward.get((row_number, offset + 1))
        if origin is not None and (first := merged_lines.get(origin)) is not None:
            cell = cells[position]
            cells[position] = RawCell(first.value, cell.place, first.span, (), cell.column)
    return cells


def _special_cell(
    sheet: Sheet,
    spans: dict[tuple[int, int], int],
    covered: set[tuple[int, int]],
    line: Location,
    key: tuple[int, int],
    values: Sequence[Any],
    convert: _Converter,
) -> RawCell:
    """A cell under a merge, at the start of one, or holding an error value or a percentage:
    key is its (row, column)."""
    letters = column_letter(key[1])
    if key in covered:
        return RawCell(None, line, 1, (), letters)
    if key in sheet.errors:
        return RawCell(sheet.errors[key], line, spans.get(key, 1), (), letters)
    raw = values[key[1] - 1] if key[1] <= len(values) else None
    if key in sheet.percents and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return RawCell(_percent(raw, sheet.percents[key]), line, spans.get(key, 1), (), letters)
    return RawCell(convert(raw), line, spans.get(key, 1), (), letters)


def _percent(number: float, scales: bool) -> str:
    """A number shown as a percentage, as text ("75%"): no amount in euros, whatever column
    it stands in, so never read as one (0.75 would be 0.75 EUR)."""
    shown = to_decimal(number) * (100 if scales else 1)
    return f"{shown.normalize():f}%"


class _Converter:
    """Each distinct text, float and integer of a sheet converted once: a sheet repeats its
    amounts and labels. One table per type, as 1, 1.0 and True are one key but not one value."""

    def __init__(self) -> None:
        self.known: dict[type, dict[Any, CellValue]] = {str: {}, float: {}, int: {}}

    def __call__(self, value: Any) -> CellValue:
        known = self.known.get(type(value))
        if known is None:
            return None if value is None else _cell_value(value)
        try:
            return known[value]
        except KeyError:
            converted = known[value] = _cell_value(value)
            return converted


def _cell_value(value: Any) -> CellValue:
    """Both engines' cell values → one form; whole numbers without a decimal part."""
    kind = type(value)
    if kind is str:
        return clean_text(value) or None
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return Decimal(int(value))
    if isinstance(value, (int, float)):
        return to_decimal(value)
    if isinstance(value, str):
        return clean_text(value) or None
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    return clean_text(str(value)) or None  # times and durations, as text
