"""XLSX annexes → raw rows: visible cells only, cached formula values, merged headers as spans."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError, NoTariffTableError, UnreadableInputError
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


def read_xlsx(
    path: Path, settings: ReadSettings = DEFAULT_SETTINGS, deadline: Deadline | None = None
) -> list[RawDocument]:
    try:
        return _read_xlsx(path, settings, deadline or Deadline(path, settings.time_limit_s))
    except ExtractorError:
        raise
    except Exception as error:  # a broken workbook can fail anywhere inside openpyxl
        raise UnreadableInputError(
            f"not a readable XLSX workbook ({type(error).__name__})", path
        ) from None


def _read_xlsx(path: Path, settings: ReadSettings, deadline: Deadline) -> list[RawDocument]:
    import openpyxl
    from openpyxl.utils import get_column_letter

    check_archive(path, settings)
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
    except Exception as error:  # openpyxl raises many types for broken files
        if type(error).__module__.startswith("defusedxml"):
            raise UnreadableInputError(
                f"the workbook declares XML entities or DTDs ({type(error).__name__}): refused as a possible XML bomb",
                path,
            ) from None
        raise UnreadableInputError(
            f"not a readable XLSX workbook ({type(error).__name__})", path
        ) from None

    deadline.check()
    documents = []
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            continue
        hidden_columns = _hidden_columns(sheet)
        visible_columns = [c for c in range(1, sheet.max_column + 1) if c not in hidden_columns]
        grid_index = {column: index for index, column in enumerate(visible_columns)}
        spans, covered = _merged_spans(sheet, grid_index)
        rows: list[RawRow] = []
        for row_number in range(1, sheet.max_row + 1):
            if row_number % 1000 == 0:
                deadline.check()
            if sheet.row_dimensions[row_number].hidden:
                continue
            cells = []
            for column in visible_columns:
                coordinate = f"{get_column_letter(column)}{row_number}"
                location = f"{path.name}#{sheet.title}!{coordinate}"
                if (row_number, column) in covered:
                    cells.append(RawCell(None, location))
                    continue
                value = _cell_value(sheet.cell(row=row_number, column=column).value)
                cells.append(RawCell(value, location, span=spans.get((row_number, column), 1)))
            if any(cell.text for cell in cells):
                rows.append(RawRow(tuple(cells), f"{path.name}#{sheet.title}!{row_number}"))
        if not rows:
            continue
        text = "\n".join(" ".join(cell.text for cell in row.cells if cell.text) for row in rows)
        title = next((cell.text for row in rows[:3] for cell in row.cells if cell.text), "")
        documents.append(
            RawDocument(f"{path.name}#{sheet.title}", "xlsx", tuple(rows), text, title)
        )
    if not documents:
        raise NoTariffTableError("the workbook holds no data: every visible sheet is empty", path)
    return documents


def _cell_value(value: Any) -> CellValue:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return to_decimal(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    return clean_text(str(value)) or None


def _hidden_columns(sheet: Any) -> set[int]:
    """Column dimensions come as ranges (min..max); expand the hidden ones."""
    hidden: set[int] = set()
    for dimension in sheet.column_dimensions.values():
        if dimension.hidden and dimension.min and dimension.max:
            hidden.update(range(dimension.min, dimension.max + 1))
    return hidden


def _merged_spans(
    sheet: Any, grid_index: dict[int, int]
) -> tuple[dict[tuple[int, int], int], set[tuple[int, int]]]:
    """Top-left cell of each merge → its width in visible columns; the cells it covers."""
    spans: dict[tuple[int, int], int] = {}
    covered: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        width = sum(1 for c in range(merged.min_col, merged.max_col + 1) if c in grid_index)
        spans[(merged.min_row, merged.min_col)] = max(width, 1)
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                if (row, column) != (merged.min_row, merged.min_col):
                    covered.add((row, column))
    return spans, covered
