"""A streaming SpreadsheetML (.xlsx) writer for plain tables: text, numbers, dates, a bold
header, frozen panes, filters and column widths; nothing else.

It writes the XML openpyxl's write-only mode writes (inline strings, the same styles, the
same package parts and order), row by row straight into the zip entry, without a cell object
per value: openpyxl spent about 50 µs per cell, this about 1. Texts are never formulas.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from extractor.exports.theme import THEME_XML
from extractor.location import column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_EPOCH = date(1899, 12, 30)  # day 0 of the 1900 date system, as spreadsheets count
# Characters XML 1.0 cannot hold; openpyxl refuses them the same way.
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# Style ids in styles.xml: 0 plain, 1 bold (headers), 2 ISO date, 3 EUR amount.
BOLD, DATE, AMOUNT = 1, 2, 3


_KINDS = (str, Decimal, bool, int, date)
_LETTERS = [column_letter(n) for n in range(1, 16385)]  # every column a sheet can have


class Sheet:
    """One worksheet as written: a title, two header rows, lines of plain values (`tails`:
    lines of their cells' XML already, from column_tails)."""

    def __init__(
        self,
        title: str,
        headers: Sequence[Sequence[str]],
        lines: Iterable[Sequence[Any]],
        widths: Sequence[float],
        count: int,
        *,
        tails: bool = False,
    ) -> None:
        self.title, self.headers, self.lines, self.widths = title, headers, lines, widths
        self.tails = tails
        self.last_row = len(headers) + count
        self.last_column = column_letter(len(widths))


def _text(value: str) -> str:
    """An inline string; spaces at either end kept, characters XML cannot hold refused."""
    if not value.isprintable() and _ILLEGAL.search(value):  # they are all unprintable
        from openpyxl.utils.exceptions import IllegalCharacterError

        raise IllegalCharacterError(f"{value!r} cannot be used in worksheets.")
    space = ' xml:space="preserve"' if value != value.strip() else ""
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    return f"<is><t{space}>{value}</t></is>"


def _tail(value: Any, bold: str = "") -> str:
    """One cell's XML after its place (`<c r="A7"` + this); "" leaves the cell out (None and
    ""). Decimal is an amount in EUR; `bold`: a text's style attribute (headers)."""
    kind = type(value)
    if kind is str:  # the most frequent kinds first, with their own emptiness tests
        return f'{bold} t="inlineStr">{_text(value)}</c>' if value else ""
    if kind is Decimal:
        return f' s="{AMOUNT}" t="n"><v>{value.normalize():f}</v></c>'
    if value is None or value == "":
        return ""
    if kind not in _KINDS:  # a subclass (an enum's text): written as its base type
        base = next((k for k in (str, Decimal, int) if isinstance(value, k)), None)
        value, kind = (value, kind) if base is None else (base(value), base)
    if kind is str:
        return f'{bold} t="inlineStr">{_text(value)}</c>'
    if kind is Decimal:
        return f' s="{AMOUNT}" t="n"><v>{value.normalize():f}</v></c>'
    if kind is int:
        return f' t="n"><v>{value}</v></c>'
    if kind is date:
        return f' s="{DATE}" t="n"><v>{(value - _EPOCH).days}</v></c>'
    if kind is bool:
        return f' t="b"><v>{int(value)}</v></c>'
    raise TypeError(f"no cell for {kind.__name__}")


def _row(row: int, tails: Iterable[str]) -> str:
    """One <row> from its cells' tails (_tail), each placed in its column."""
    cells = "".join(
        [
            f'<c r="{letter}{row}"{tail}'
            for letter, tail in zip(_LETTERS, tails, strict=False)
            if tail
        ]
    )
    return f'<row r="{row}">{cells}</row>'


def _cells(row: int, values: Sequence[Any], style: int = 0) -> str:
    """One <row> of values: None and "" leave the cell out; Decimal is an amount in EUR."""
    bold = f' s="{style}"' if style else ""
    return _row(row, [_tail(value, bold) for value in values])


# Kinds whose equal values are written alike (an int is never equal to a text or a date):
# a column of these is written once per distinct value. Equal amounts may be written
# differently (0 and -0, 1.0 and 1.00 as text): those go by their text.
_BY_VALUE = frozenset({str, int, date, type(None)})
_BY_TEXT = frozenset({Decimal, type(None)})


def column_tails(values: Sequence[Any], convert: Callable[[Any], Any]) -> list[str]:
    """_tail(convert(value)) of each value of a column, made once per distinct value where
    that gives the same (a column repeats its dates, sections, amounts ...)."""
    kinds = set(map(type, values))
    if kinds <= _BY_VALUE:
        keys: Sequence[Any] = values
        firsts = dict.fromkeys(values)
        made = {value: _tail(convert(value)) for value in firsts}
    elif kinds <= _BY_TEXT:
        keys = list(map(str, values))
        made = {
            key: _tail(convert(value))
            for key, value in dict(zip(keys, values, strict=True)).items()
        }
    else:
        return [_tail(convert(value)) for value in values]
    return list(map(made.__getitem__, keys))


def _write_sheet(stream: IO[bytes], sheet: Sheet) -> None:
    columns = "".join(
        f'<col width="{width:g}" customWidth="1" min="{n}" max="{n}" />'
        for n, width in enumerate(sheet.widths, start=1)
    )
    split = len(sheet.headers)
    top = f"A{split + 1}"
    stream.write(
        f'<worksheet xmlns="{MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1" />'
        '<pageSetUpPr /></sheetPr><sheetViews><sheetView workbookViewId="0">'
        f'<pane ySplit="{split}" topLeftCell="{top}" activePane="bottomLeft" state="frozen" />'
        '<selection pane="bottomLeft" activeCell="A1" sqref="A1" /></sheetView></sheetViews>'
        f'<sheetFormatPr baseColWidth="8" defaultRowHeight="15" /><cols>{columns}</cols>'
        "<sheetData>".encode()
    )
    for number, header in enumerate(sheet.headers, start=1):
        stream.write(_cells(number, header, BOLD).encode())
    row = split
    chunk: list[str] = []
    for row, line in enumerate(sheet.lines, start=split + 1):
        chunk.append(_row(row, line) if sheet.tails else _cells(row, line))
        if len(chunk) == 1000:
            stream.write("".join(chunk).encode())
            chunk = []
    stream.write("".join(chunk).encode())
    if row != sheet.last_row:
        raise ValueError(f"sheet {sheet.title!r}: {row} rows written, {sheet.last_row} announced")
    stream.write(
        f'</sheetData><autoFilter ref="A{split}:{sheet.last_column}{sheet.last_row}" />'
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5" />'
        "</worksheet>".encode()
    )


def write_workbook(
    target: IO[bytes], sheets: Sequence[Sheet], creator: str, fixed_time: datetime
) -> None:
    """The workbook into `target`; every zip entry gets `fixed_time` (byte-identical output)."""
    stamp = fixed_time.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:

        def entry(name: str) -> zipfile.ZipInfo:
            info = zipfile.ZipInfo(name, date_time=fixed_time.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            return info

        archive.writestr(entry("docProps/app.xml"), _APP)
        archive.writestr(
            entry("docProps/core.xml"), _CORE.format(creator=escape(creator), stamp=stamp)
        )
        archive.writestr(entry("xl/theme/theme1.xml"), THEME_XML)
        for number, sheet in enumerate(sheets, start=1):
            with archive.open(entry(f"xl/worksheets/sheet{number}.xml"), "w") as stream:
                _write_sheet(stream, sheet)
        archive.writestr(entry("xl/styles.xml"), _STYLES)
        archive.writestr(entry("_rels/.rels"), _ROOT_RELATIONSHIPS)
        archive.writestr(entry("xl/workbook.xml"), _workbook(sheets))
        archive.writestr(entry("xl/_rels/workbook.xml.rels"), _workbook_relationships(len(sheets)))
        archive.writestr(entry("[Content_Types].xml"), _content_types(len(sheets)))


def _workbook(sheets: Sequence[Sheet]) -> str:
    listed = "".join(
        f'<sheet name={quoteattr(sheet.title)} sheetId="{n}" state="visible" r:id="rId{n}" />'
        for n, sheet in enumerate(sheets, start=1)
    )
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
        f"{escape(_quoted(sheet.title))}!$A${len(sheet.headers)}:"
        f"${sheet.last_column}${sheet.last_row}</definedName>"
        for n, sheet in enumerate(sheets)
    )
    return (
        f'<workbook xmlns:r="{RELATIONSHIPS}" xmlns="{MAIN}"><workbookPr /><workbookProtection />'
        '<bookViews><workbookView visibility="visible" minimized="0" showHorizontalScroll="1"'
        ' showVerticalScroll="1" showSheetTabs="1" tabRatio="600" firstSheet="0" activeTab="0"'
        f' autoFilterDateGrouping="1" /></bookViews><sheets>{listed}</sheets>'
        f'<definedNames>{filters}</definedNames><calcPr calcId="124519" fullCalcOnLoad="1" />'
        "</workbook>"
    )


def _quoted(title: str) -> str:
    """A sheet name as a reference spells it: in quotes, its own quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


def _workbook_relationships(count: int) -> str:
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheets = "".join(
        f'<Relationship Type="{kind}/worksheet" Target="/xl/worksheets/sheet{n}.xml" Id="rId{n}" />'
        for n in range(1, count + 1)
    )
    return (
        f'<Relationships xmlns="{PACKAGE}">{sheets}'
        f'<Relationship Type="{kind}/styles" Target="styles.xml" Id="rId{count + 1}" />'
        f'<Relationship Type="{kind}/theme" Target="theme/theme1.xml" Id="rId{count + 2}" />'
        "</Relationships>"
    )


def _content_types(count: int) -> str:
    office = "application/vnd.openxmlformats-officedocument"
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml"'
        f' ContentType="{office}.spreadsheetml.worksheet+xml" />'
        for n in range(1, count + 1)
    )
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />'
        '<Default Extension="xml" ContentType="application/xml" />'
        f'<Override PartName="/xl/styles.xml" ContentType="{office}.spreadsheetml.styles+xml" />'
        f'<Override PartName="/xl/theme/theme1.xml" ContentType="{office}.theme+xml" />'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml" />'
        f'<Override PartName="/docProps/app.xml" ContentType="{office}.extended-properties+xml" />'
        f"{sheets}"
        f'<Override PartName="/xl/workbook.xml" ContentType="{office}.spreadsheetml.sheet.main+xml" />'
        "</Types>"
    )


_APP = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel Compatible / inami-tariffs</Application>"
    "<AppVersion>3.1</AppVersion></Properties>"
)
_CORE = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>{creator}</dc:creator>'
    '<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
)
_ROOT_RELATIONSHIPS = (
    f'<Relationships xmlns="{PACKAGE}">'
    f'<Relationship Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml" Id="rId1" />'
    f'<Relationship Type="{PACKAGE}/metadata/core-properties" Target="docProps/core.xml" Id="rId2" />'
    f'<Relationship Type="{RELATIONSHIPS}/extended-properties" Target="docProps/app.xml" Id="rId3" />'
    "</Relationships>"
)
_XF = 'fillId="0" borderId="0" pivotButton="0" quotePrefix="0" xfId="0" />'
_STYLES = (
    f'<styleSheet xmlns="{MAIN}"><numFmts count="2">'
    '<numFmt numFmtId="164" formatCode="yyyy-mm-dd" />'
    '<numFmt numFmtId="165" formatCode="#,##0.00 &quot;€&quot;" /></numFmts>'
    '<fonts count="2"><font><name val="Calibri" /><family val="2" /><color theme="1" />'
    '<sz val="11" /><scheme val="minor" /></font><font><b val="1" /></font></fonts>'
    '<fills count="2"><fill><patternFill /></fill><fill><patternFill patternType="gray125" />'
    '</fill></fills><borders count="1"><border><left /><right /><top /><bottom /><diagonal />'
    '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0"'
    ' borderId="0" /></cellStyleXfs><cellXfs count="4">'
    f'<xf numFmtId="0" fontId="0" {_XF}<xf numFmtId="0" fontId="1" {_XF}'
    f'<xf numFmtId="164" fontId="0" {_XF}<xf numFmtId="165" fontId="0" {_XF}'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"'
    ' hidden="0" /></cellStyles><tableStyles count="0" defaultTableStyle="TableStyleMedium9"'
    ' defaultPivotStyle="PivotStyleLight16" /></styleSheet>'
)
