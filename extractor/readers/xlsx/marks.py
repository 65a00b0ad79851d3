"""What a sheet's XML says that an engine's cell values do not: hidden rows and columns, error
values (#N/A), and formulas never computed (a workbook written by a tool that does not
calculate keeps no value for them: an engine reads an empty cell there).
"""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from extractor.errors import UnreadableInputError


def _relationships(archive: zipfile.ZipFile, rels_part: str) -> dict[str, tuple[str, str]]:
    """A relationships part: id → (type, target); empty when the part is missing."""
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(archive.read(rels_part))
    except KeyError:
        return {}
    return {
        element.get("Id", ""): (element.get("Type", ""), element.get("Target", ""))
        for element in root
    }


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _book(archive: zipfile.ZipFile, path: Path) -> tuple[str, dict[str, tuple[str, str]]]:
    """The workbook part and its relationships."""
    books = [
        _resolve("", target)
        for kind, target in _relationships(archive, "_rels/.rels").values()
        if kind.endswith("/officeDocument")
    ]
    if not books or books[0] not in archive.namelist():
        raise UnreadableInputError(
            "not a valid XLSX workbook (missing part 'xl/workbook.xml')", path
        )
    book = books[0]
    rels = posixpath.join(posixpath.dirname(book), "_rels", posixpath.basename(book) + ".rels")
    return book, _relationships(archive, rels)


def sheet_parts(archive: zipfile.ZipFile, path: Path) -> dict[str, str]:
    """Sheet name → its part in the archive, through the package relationships."""
    from defusedxml import ElementTree

    book, targets = _book(archive, path)
    parts: dict[str, str] = {}
    for element in ElementTree.fromstring(archive.read(book)).iter():
        if element.tag.rpartition("}")[2] != "sheet":
            continue
        relation = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
        if relation in targets:
            parts[element.get("name", "")] = _resolve(book, targets[relation][1])
    return parts


# --- Percentages: a number shown "75%" is no amount in euros ------------------------------
# What a format code prints as is, not as a number part: quoted text, an escaped character,
# [colour] or [$€-80C] brackets, the character after _ (a space its width) or * (a fill).
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|[_*].')
_FORMAT_TEXT = re.compile(r'"[^"]*"|\\.')  # what a format prints as written
_PERCENT_FORMAT_IDS = {9: True, 10: True}  # built in: "0%", "0.00%"
# A styles part that may hold one: a percent sign, or a style using format 9 or 10.
_MAY_HOLD_PERCENT = re.compile(rb"""%|numFmtId\s*=\s*["'](?:9|10)["']""")


@functools.lru_cache(maxsize=256)
def percent_format(code: str) -> bool | None:
    """Whether a number format shows a percentage: True when its % scales the value (0.75
    shown 75%), False when it is printed as written ('0" %"': 75 shown 75 %), None if none."""
    if "%" not in code:
        return None
    if "%" in _FORMAT_LITERALS.sub("", code):
        return True
    return False if any("%" in text for text in _FORMAT_TEXT.findall(code)) else None


def percent_styles(archive: zipfile.ZipFile, path: Path) -> dict[int, bool]:
    """Cell style index (a cell's `s`) → percent_format of its number format, for the styles
    showing a percentage; empty, from a byte search, for the many workbooks with none."""
    from defusedxml import ElementTree

    book, targets = _book(archive, path)
    part = next((t for kind, t in targets.values() if kind.endswith("/styles")), None)
    if part is None:
        return {}
    try:
        xml = archive.read(_resolve(book, part))
    except KeyError:
        return {}
    if not _MAY_HOLD_PERCENT.search(xml):
        return {}
    root = ElementTree.fromstring(xml)
    codes = {
        int(element.get("numFmtId", "-1")): element.get("formatCode", "")
        for element in root.iter()
        if element.tag.rpartition("}")[2] == "numFmt"
    }
    styles: dict[int, bool] = {}
    for group in root:
        if group.tag.rpartition("}")[2] != "cellXfs":
            continue
        for index, xf in enumerate(x for x in group if x.tag.rpartition("}")[2] == "xf"):
            number = int(xf.get("numFmtId", "0"))
            kind = (
                percent_format(codes[number])
                if number in codes
                else _PERCENT_FORMAT_IDS.get(number)
            )
            if kind is not None:
                styles[index] = kind
    return styles


def _uses_styles(xml: bytes, styles: dict[int, bool]) -> bool:
    """Whether a cell of the sheet may use one of these styles: a byte search for its s="N"."""
    if not styles:
        return False
    used = b"|".join(str(index).encode() for index in sorted(styles))
    return re.search(rb"""\bs\s*=\s*["'](?:""" + used + rb""")["']""", xml) is not None


@dataclass
class SheetMarks:
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    # (row, column) → the formula of a cell that holds one but no computed value
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    # (row, column) → percent_format of a number cell whose style shows a percentage
    percents: dict[tuple[int, int], bool] = field(default_factory=dict)


_TAG_ATTRIBUTES = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)>"""
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b" + _TAG_ATTRIBUTES)
_COL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?col\b" + _TAG_ATTRIBUTES)
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ERROR_TYPE = re.compile(rb"""\bt\s*=\s*["']e["']""")
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_TRUE = ("1", "true")


_QUOTED_E = (b'"e"', b"'e'", b"\"e'", b"'e\"")  # every way _ERROR_TYPE ends


def _has_errors_or_formulas(xml: bytes) -> bool:
    """Whether an error cell or a formula tag may be there: _ERROR_TYPE's or _FORMULA_TAG's
    answer, with a byte search first (a match holds a quoted e, or "<f" or ":f"), as the
    patterns, with no fixed start, take 0.1 s over the XML of 20,000 rows."""
    if any(quoted in xml for quoted in _QUOTED_E) and _ERROR_TYPE.search(xml) is not None:
        return True
    return (b"<f" in xml or b":f" in xml) and _FORMULA_TAG.search(xml) is not None


def scan_sheet(xml: bytes, percent_styles: dict[int, bool] | None = None) -> SheetMarks:
    """Hidden rows, hidden columns, error cells, formulas without a computed value and, given
    the workbook's percent_styles, the number cells shown as a percentage.

    Most sheets have none, and a byte search says so. A plain UTF-8 sheet with hidden rows
    is read with a tag pattern (exact there: every '<' opens a tag); anything else (error
    cells, formulas, percentages, comments, CDATA, another encoding) goes through a real XML
    parser.
    """
    percent_styles = percent_styles or {}
    has_cells_to_look_at = _has_errors_or_formulas(xml) or _uses_styles(xml, percent_styles)
    plain = (
        xml.lstrip(b"\xef\xbb\xbf").startswith(b"<")
        and b"\x00" not in xml[:64]  # UTF-16 would hide "hidden" from a byte search
        and not any(marker in xml for marker in (b"<!--", b"<![CDATA[", b"<!DOCTYPE"))
    )
    plain = plain and xml.count(b"<?") <= int(xml.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml"))
    if not plain or has_cells_to_look_at:
        return _parse_sheet_marks(xml, percent_styles)
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


def _parse_sheet_marks(xml: bytes, percent_styles: dict[int, bool]) -> SheetMarks:
    """The same marks through expat: slower, exact on any well-formed sheet."""
    from xml.parsers import expat

    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    marks = SheetMarks()
    row_number = 0
    column = 0
    cell_type = ""
    reading = ""  # "v" or "f" while inside one
    value: list[str] | None = None  # the cell's <v> text; None while it has no <v>
    formula: list[str] | None = None  # the cell's <f> text; None while it has no <f>

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal row_number, column, cell_type, reading, value, formula
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
            cell_type, value, formula = attributes.get("t", ""), None, None
            style = int(attributes.get("s", "0"))
            if style in percent_styles and cell_type in ("", "n"):
                marks.percents[(row_number, column)] = percent_styles[style]
        elif local in ("v", "f"):
            reading = local
            if local == "v":
                value = []
            else:
                formula = []

    def end(name: str) -> None:
        nonlocal reading
        local = name.rpartition("}")[2]
        if local in ("v", "f"):
            reading = ""
        elif local == "c":
            text = "".join(value or ()).strip()
            if cell_type == "e" and text:
                marks.errors[(row_number, column)] = text
            # A formula whose <v> is missing or empty was never computed; a text result
            # (t="str") may be an empty string computed on purpose.
            computed_empty = cell_type == "str" and value is not None
            if formula is not None and not text and not computed_empty:
                marks.formulas[(row_number, column)] = "".join(formula).strip()

    def characters(data: str) -> None:
        if reading == "v" and value is not None:
            value.append(data)
        elif reading == "f" and formula is not None:
            formula.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.Parse(xml, True)
    return marks
