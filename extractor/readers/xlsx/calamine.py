"""The calamine engine (python-calamine, a Rust reader: the default, fast one).

Calamine tells hidden sheets (sheets_metadata), but does not say which rows and columns are hidden, nor keep error values (#N/A), nor tell
a formula never computed from an empty cell, nor give number formats (a percentage): those are read from the sheet's XML (marks.py).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from extractor.readers.xlsx.marks import SheetMarks, percent_styles, scan_sheet, sheet_parts
from extractor.readers.xlsx.sheet import Sheet


def calamine_sheets(path: Path) -> Iterator[Sheet]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    # The XML's words, as openpyxl gives them (calamine's enum values are not hashable).
    hidden_states = [
        (SheetVisibleEnum.Hidden, "hidden"),
        (SheetVisibleEnum.VeryHidden, "veryHidden"),
    ]
    with zipfile.ZipFile(path) as archive:
        parts = sheet_parts(archive, path)
        percents = percent_styles(archive, path)  # calamine reads no number formats
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            for metadata in workbook.sheets_metadata:
                if metadata.typ != SheetTypeEnum.WorkSheet:
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
                    marks = scan_sheet(archive.read(parts[metadata.name]), percents)
                yield Sheet(
                    metadata.name,
                    iter(sheet.to_python(skip_empty_area=False)),
                    sheet.end[0] + 1,
                    sheet.end[1] + 1,
                    marks.hidden_rows,
                    marks.hidden_columns,
                    merges,
                    marks.errors,
                    marks.formulas,
                    next((word for state, word in hidden_states if metadata.visible == state), ""),
                    marks.percents,
                )
        finally:
            workbook.close()
