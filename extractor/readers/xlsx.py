"""XLSX annexes → raw rows: visible cells only, cached formula values, merged headers as spans.

Two engines give the same rows: python-calamine (default, fast) and openpyxl (the reference,
kept behind --xlsx-engine and held equal to calamine by the tests). Calamine does not say
which rows and columns are hidden nor keep error values (#N/A), so those are read from the
sheet's XML here.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError, NoTariffTableError, UnreadableInputError
from extractor.location import Location
from extractor.metadata import HEAD_LINES
from extractor.model import CellValue, RawCell, RawDocument, RawRow
from extractor.settings import DEFAULT_SETTINGS, Deadline, LimitExceededError, ReadSettings
from extractor.values import clean_text, to_decimal


def check_archive(path: Path, settings: ReadSettings) -> None:
    """Refuse zip bombs before any part is inflated: entry count, total size, ratio."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableInputError(
            "not a valid XLSX workbook (damaged zip archive)", path
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
    with zipfile.ZipFile(path) as archive:
        for entry in entries:
            if (
                entry.filename.endswith((".xml", ".rels", ".vml"))
                and entry.file_size < 64 * 1024 * 1024
            ):
                head = archive.open(entry).read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise UnreadableInputError(
                        f"part {entry.filename} declares a DTD or XML entities: refused as a possible XML bomb",
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


@dataclass
class _Sheet:
    """One visible worksheet as an engine sees it; rows and columns count from 1."""

    title: str
    rows: Iterator[Sequence[Any]]  # from row 1, each from column 1
    height: int  # last row holding a value
    width: int  # last column holding a value
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) → #N/A


def read_xlsx(
    path: Path, settings: ReadSettings = DEFAULT_SETTINGS, deadline: Deadline | None = None
) -> list[RawDocument]:
    deadline = deadline or Deadline(path, settings.time_limit_s)
    try:
        check_archive(path, settings)
        if settings.xlsx_engine == "calamine":
            from python_calamine import CalamineError

            try:
                documents = _documents(path, _calamine_sheets(path), deadline, "calamine")
            except CalamineError:
                # Beyond calamine (a UTF-16 sheet, say): read it the slow way rather than not
                # at all; a really broken file fails there with openpyxl's reason.
                documents = _documents(path, _openpyxl_sheets(path), deadline, "openpyxl")
        else:
            documents = _documents(path, _openpyxl_sheets(path), deadline, "openpyxl")
    except ExtractorError:
        raise
    except Exception as error:  # a broken workbook can fail anywhere inside either engine
        if type(error).__module__.startswith("defusedxml"):
            raise UnreadableInputError(
                f"the workbook declares XML entities or DTDs ({type(error).__name__}): refused as a possible XML bomb",
                path,
            ) from None
        raise UnreadableInputError(
            f"not a readable XLSX workbook ({type(error).__name__})", path
        ) from None
    if not documents:
        raise NoTariffTableError("the workbook holds no data: every visible sheet is empty", path)
    return documents


def _documents(
    path: Path, sheets: Iterator[_Sheet], deadline: Deadline, engine: str
) -> list[RawDocument]:
    documents = []
    for sheet in sheets:
        deadline.check()
        document = _document(path, sheet, deadline, engine)
        if document is not None:
            documents.append(document)
    return documents


def _document(path: Path, sheet: _Sheet, deadline: Deadline, engine: str) -> RawDocument | None:
    """The grid of visible cells; a merged cell spans the visible columns it covers."""
    from openpyxl.utils import get_column_letter

    visible_columns = [c for c in range(1, sheet.width + 1) if c not in sheet.hidden_columns]
    spans: dict[tuple[int, int], int] = {}
    covered: set[tuple[int, int]] = set()
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
    place = Location(path.name, sheet.title)
    columns = [(c - 1, get_column_letter(c)) for c in visible_columns]
    special_rows = (
        {row for row, _ in covered} | {row for row, _ in spans} | {row for row, _ in sheet.errors}
    )
    rows: list[RawRow] = []
    for row_number, values in enumerate(sheet.rows, start=1):
        if row_number % 1000 == 0:
            deadline.check()
        if row_number in sheet.hidden_rows:
            continue
        width = len(values)
        if row_number in special_rows:
            cells = [
                _special_cell(
                    sheet,
                    spans,
                    covered,
                    row_number,
                    offset + 1,
                    values,
                    place.at(row_number, letters),
                )
                for offset, letters in columns
            ]
        else:
            cells = [
                RawCell(
                    _cell_value(values[offset]) if offset < width else None,
                    place.at(row_number, letters),
                )
                for offset, letters in columns
            ]
        if any(cell.value is not None for cell in cells):
            rows.append(RawRow(tuple(cells), place.at(row_number)))
    if not rows:
        return None
    head = rows[:HEAD_LINES]  # all metadata reads: titles and notes sit above the table
    text = "\n".join(" ".join(cell.text for cell in row.cells if cell.text) for row in head)
    title = next((cell.text for row in rows[:3] for cell in row.cells if cell.text), "")
    return RawDocument(place, "xlsx", tuple(rows), text, title, engine)


def _special_cell(
    sheet: _Sheet,
    spans: dict[tuple[int, int], int],
    covered: set[tuple[int, int]],
    row: int,
    column: int,
    values: Sequence[Any],
    location: Location,
) -> RawCell:
    """A cell under a merge, at the start of one, or holding an error value."""
    key = (row, column)
    if key in covered:
        return RawCell(None, location)
    if key in sheet.errors:
        return RawCell(sheet.errors[key], location, spans.get(key, 1))
    value = _cell_value(values[column - 1]) if column <= len(values) else None
    return RawCell(value, location, spans.get(key, 1))


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


# --- calamine ---------------------------------------------------------------------------


def _calamine_sheets(path: Path) -> Iterator[_Sheet]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    with zipfile.ZipFile(path) as archive:
        parts = _sheet_parts(archive, path)
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            for metadata in workbook.sheets_metadata:
                if (
                    metadata.typ != SheetTypeEnum.WorkSheet
                    or metadata.visible != SheetVisibleEnum.Visible
                ):
                    continue
                sheet = workbook.get_sheet_by_name(metadata.name)
                if sheet.end is None:
                    continue
                merges = [
                    (r0 + 1, c0 + 1, r1 + 1, c1 + 1)
                    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []
                ]
                marks = _SheetMarks()
                if metadata.name in parts:
                    marks = _scan_sheet(archive.read(parts[metadata.name]))
                yield _Sheet(
                    metadata.name,
                    iter(sheet.to_python(skip_empty_area=False)),
                    sheet.end[0] + 1,
                    sheet.end[1] + 1,
                    marks.hidden_rows,
                    marks.hidden_columns,
                    merges,
                    marks.errors,
                )
        finally:
            workbook.close()


def _sheet_parts(archive: zipfile.ZipFile, path: Path) -> dict[str, str]:
    """Sheet name → its part in the archive, through the package relationships."""
    from defusedxml import ElementTree

    def relationships(rels_part: str) -> dict[str, tuple[str, str]]:
        try:
            root = ElementTree.fromstring(archive.read(rels_part))
        except KeyError:
            return {}
        return {
            element.get("Id", ""): (element.get("Type", ""), element.get("Target", ""))
            for element in root
        }

    def resolve(base: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))

    books = [
        resolve("", target)
        for kind, target in relationships("_rels/.rels").values()
        if kind.endswith("/officeDocument")
    ]
    if not books or books[0] not in archive.namelist():
        raise UnreadableInputError(
            "not a valid XLSX workbook (missing part 'xl/workbook.xml')", path
        )
    book = books[0]
    targets = relationships(
        posixpath.join(posixpath.dirname(book), "_rels", posixpath.basename(book) + ".rels")
    )
    parts: dict[str, str] = {}
    for element in ElementTree.fromstring(archive.read(book)).iter():
        if element.tag.rpartition("}")[2] != "sheet":
            continue
        relation = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
        if relation in targets:
            parts[element.get("name", "")] = resolve(book, targets[relation][1])
    return parts


@dataclass
class _SheetMarks:
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


_TAG_ATTRIBUTES = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)>"""
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b" + _TAG_ATTRIBUTES)
_COL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?col\b" + _TAG_ATTRIBUTES)
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ERROR_TYPE = re.compile(rb"""\bt\s*=\s*["']e["']""")
_TRUE = ("1", "true")


def _scan_sheet(xml: bytes) -> _SheetMarks:
    """Hidden rows, hidden columns and error cells, which calamine does not report.

    Most sheets have none, and a byte search says so. A plain UTF-8 sheet with hidden rows
    is read with a tag pattern (exact there: every '<' opens a tag); anything else (error
    cells, comments, CDATA, another encoding) goes through a real XML parser.
    """
    has_errors = _ERROR_TYPE.search(xml) is not None
    plain = (
        xml.lstrip(b"\xef\xbb\xbf").startswith(b"<")
        and b"\x00" not in xml[:64]  # UTF-16 would hide "hidden" from a byte search
        and not any(marker in xml for marker in (b"<!--", b"<![CDATA[", b"<!DOCTYPE"))
    )
    plain = plain and xml.count(b"<?") <= int(xml.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml"))
    if not plain or has_errors:
        return _parse_sheet_marks(xml)
    marks = _SheetMarks()
    if b"hidden" not in xml:
        return marks
    row_number = 0
    for match in _ROW_TAG.finditer(xml):
        attributes = _attributes(match.group(1))
        row_number = int(attributes.get("r", row_number + 1))
        if attributes.get("hidden") in _TRUE:
            marks.hidden_rows.add(row_number)
    for match in _COL_TAG.finditer(xml):
        attributes = _attributes(match.group(1))
        if attributes.get("hidden") in _TRUE:
            marks.hidden_columns.update(range(int(attributes["min"]), int(attributes["max"]) + 1))
    return marks


def _attributes(text: bytes) -> dict[str, str]:
    return {
        name.decode(): (double if double is not None else single).decode()
        for name, double, single in (m.groups() for m in _ATTRIBUTE.finditer(text))
    }


def _parse_sheet_marks(xml: bytes) -> _SheetMarks:
    """The same marks through expat: slower, exact on any well-formed sheet."""
    from xml.parsers import expat

    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    marks = _SheetMarks()
    row_number = 0
    column = 0
    error_cell: tuple[int, int] | None = None
    in_value = False
    text: list[str] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal row_number, column, error_cell, in_value
        local = name.rpartition("}")[2]
        if local == "row":
            row_number = int(attributes.get("r", row_number + 1))
            column = 0
            if attributes.get("hidden") in _TRUE:
                marks.hidden_rows.add(row_number)
        elif local == "col" and attributes.get("hidden") in _TRUE:
            marks.hidden_columns.update(range(int(attributes["min"]), int(attributes["max"]) + 1))
        elif local == "c":
            if "r" in attributes:
                letters, row_number = coordinate_from_string(attributes["r"])
                column = column_index_from_string(letters)
            else:
                column += 1
            error_cell = (row_number, column) if attributes.get("t") == "e" else None
        elif local == "v" and error_cell is not None:
            in_value = True
            text.clear()

    def end(name: str) -> None:
        nonlocal in_value
        if in_value and name.rpartition("}")[2] == "v":
            in_value = False
            if error_cell is not None and "".join(text).strip():
                marks.errors[error_cell] = "".join(text).strip()

    def characters(data: str) -> None:
        if in_value:
            text.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.Parse(xml, True)
    return marks


# --- openpyxl (reference) ---------------------------------------------------------------


def _openpyxl_sheets(path: Path) -> Iterator[_Sheet]:
    """The full openpyxl model: slow and memory-hungry, kept as the reference reading."""
    import openpyxl

    try:
        with path.open("rb") as stream:  # a stream: openpyxl checks no file extension then
            workbook = openpyxl.load_workbook(stream, data_only=True)
    except zipfile.BadZipFile:
        raise UnreadableInputError(
            "not a valid XLSX workbook (damaged zip archive)", path
        ) from None
    except KeyError as error:
        raise UnreadableInputError(
            f"not a valid XLSX workbook (missing part {error})", path
        ) from None
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            continue
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in sheet.merged_cells.ranges]
        filled = [
            (cell.row, cell.column)
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None and cell.value != ""
        ]
        if not filled:
            continue
        width = max(column for _, column in filled)
        height = max(row for row, _ in filled)
        hidden_columns: set[int] = set()
        for dimension in sheet.column_dimensions.values():
            if dimension.hidden and dimension.min and dimension.max:
                hidden_columns.update(range(dimension.min, dimension.max + 1))
        hidden_rows = {
            number for number, dimension in sheet.row_dimensions.items() if dimension.hidden
        }
        rows = sheet.iter_rows(1, height, 1, width, values_only=True)
        yield _Sheet(sheet.title, iter(rows), height, width, hidden_rows, hidden_columns, merges)
