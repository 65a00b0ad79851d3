"""The calamine engine (python-calamine, a Rust reader: the default, fast one).

Calamine does not say which rows and columns are hidden nor keep error values (#N/A), so those
are read from the sheet's XML here.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from extractor.errors import UnreadableInputError
from extractor.readers.xlsx.sheet import Sheet


def calamine_sheets(path: Path) -> Iterator[Sheet]:
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
                marks = SheetMarks()
                if metadata.name in parts:
                    marks = _scan_sheet(archive.read(parts[metadata.name]))
                yield Sheet(
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
class SheetMarks:
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


_TAG_ATTRIBUTES = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)>"""
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b" + _TAG_ATTRIBUTES)
_COL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?col\b" + _TAG_ATTRIBUTES)
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ERROR_TYPE = re.compile(rb"""\bt\s*=\s*["']e["']""")
_TRUE = ("1", "true")


def _scan_sheet(xml: bytes) -> SheetMarks:
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
    marks = SheetMarks()
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


def _parse_sheet_marks(xml: bytes) -> SheetMarks:
    """The same marks through expat: slower, exact on any well-formed sheet."""
    from xml.parsers import expat

    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    marks = SheetMarks()
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
