"""The openpyxl engine: the full openpyxl model, slow and memory-hungry, kept as the reference
reading that the tests hold calamine equal to."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from extractor.errors import UnreadableInputError
from extractor.readers.xlsx.marks import percent_format, scan_sheet, sheet_parts
from extractor.readers.xlsx.sheet import Sheet


def openpyxl_sheets(path: Path) -> Iterator[Sheet]:
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
    with zipfile.ZipFile(path) as archive:
        parts = sheet_parts(archive, path)
        # openpyxl reads a formula never computed as an empty cell: its XML tells them apart.
        formulas = {name: scan_sheet(archive.read(part)).formulas for name, part in parts.items()}
    for sheet in workbook.worksheets:
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in sheet.merged_cells.ranges]
        filled = []
        percents: dict[tuple[int, int], bool] = {}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None or cell.value == "":
                    continue
                filled.append((cell.row, cell.column))
                if type(cell.value) in (int, float) and cell.has_style:
                    kind = percent_format(cell.number_format)
                    if kind is not None:
                        percents[(cell.row, cell.column)] = kind
        filled += list(formulas.get(sheet.title, {}))
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
        yield Sheet(
            sheet.title,
            iter(rows),
            height,
            width,
            hidden_rows,
            hidden_columns,
            merges,
            formulas=formulas.get(sheet.title, {}),
            hidden="" if sheet.sheet_state == "visible" else sheet.sheet_state,
            percents=percents,
        )
