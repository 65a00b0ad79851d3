"""Small real circular files built by the tests themselves, one trait at a time."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Collection, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

FR_HEADER = (
    ["Pseudocode", None, "Description", "Honoraires", "Intervention AMI", None, "Ticket modérateur", None],
    ["AMB", "HOS", None, None, "bénéficiaire avec régime préférentiel", "bénéficiaire sans régime préférentiel",
     "bénéficiaire avec régime préférentiel", "bénéficiaire sans régime préférentiel"],
)  # fmt: skip
NL_HEADER = (
    ["Pseudocode", None, "Omschrijving", "Honorarium", "Tegemoetkoming ZIV", None, "Remgeld", None],
    ["AMB", "HOS", None, None, "rechthebbende met voorkeurregeling", "rechthebbende zonder voorkeurregeling",
     "rechthebbende met voorkeurregeling", "rechthebbende zonder voorkeurregeling"],
)  # fmt: skip
# A one-line header of a fee and the two regimes' reimbursements (kinésithérapie annexes).
FEE_AND_REIMBURSEMENTS_LABELS = {
    "fr": ("Code", "Libellé", "Honoraires", "Intervention avec régime préférentiel",
           "Intervention sans régime préférentiel"),
    "nl": ("Code", "Omschrijving", "Honorarium", "Tegemoetkoming met voorkeurregeling",
           "Tegemoetkoming zonder voorkeurregeling"),
}  # fmt: skip
HEADER_MERGES = ("A{r}:B{r}", "E{r}:F{r}", "G{r}:H{r}", "C{r}:C{s}", "D{r}:D{s}")


def write_workbook(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    merges: Sequence[str] = (),
    hidden_rows: Sequence[int] = (),
    hidden_columns: Sequence[str] = (),
    sheet: str = "Feuil1",
    extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None,
    sheet_states: dict[str, str] | None = None,
    number_formats: dict[str, str] | None = None,
) -> Path:
    """A workbook whose first sheet holds `rows` from A1; merges like 'A5:B5'; `sheet_states`
    hides sheets by name ("hidden" or "veryHidden"); `number_formats` sets cells' number
    formats ({"D5": "0%"})."""
    import openpyxl

    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for values in rows:
        worksheet.append(list(values))
    for merge in merges:
        worksheet.merge_cells(merge)
    for cell, number_format in (number_formats or {}).items():
        worksheet[cell].number_format = number_format
    for row in hidden_rows:
        worksheet.row_dimensions[row].hidden = True
    for column in hidden_columns:
        worksheet.column_dimensions[column].hidden = True
    for name, sheet_rows in (extra_sheets or {}).items():
        extra = workbook.create_sheet(name)
        for values in sheet_rows:
            extra.append(list(values))
    for name, state in (sheet_states or {}).items():
        workbook[name].sheet_state = state
    workbook.save(path)
    return path


def header_rows(
    first_row: int, header: tuple[list[Any], list[Any]] = FR_HEADER
) -> tuple[list[list[Any]], list[str]]:
    """The two-level header as rows, and the merges it needs when it starts at first_row."""
    merges = [m.format(r=first_row, s=first_row + 1) for m in HEADER_MERGES]
    return [list(header[0]), list(header[1])], merges


def add_cached_formulas(path: Path, cached_values: dict[str, str]) -> None:
    """Turn plain numeric cells into formula cells that keep the value as their cached result."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for cell, value in cached_values.items():
        pattern = re.compile(rf'(<c r="{cell}"[^>]*>)<v>[^<]*</v>')
        sheet, count = pattern.subn(rf"\g<1><f>ROUND({value}*1,2)</f><v>{value}</v>", sheet)
        assert count == 1, cell
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


# --- Versions of a real annex: the corpus workbooks, changed one trait at a time -------------

AMOUNT_LETTERS = {"fee": "D", "reimbursement_preferential": "E", "reimbursement_standard": "F",
                  "copayment_preferential": "G", "copayment_standard": "H"}  # fmt: skip


def derive_workbook(
    source: Path,
    target: Path,
    *,
    keep: Collection[str] | None = None,
    amounts: dict[str, dict[str, Any]] | None = None,
    rows: dict[int, dict[str, Any]] | None = None,
    title: str | None = None,
    transform: Callable[[str, str, Decimal | None], Decimal | None] | None = None,
    split_at: int | None = None,
) -> Path:
    """A version of a corpus workbook: only the codes in `keep` (other tariff lines emptied),
    `amounts` per code ({code: {column: value}}), raw cell values per row number, another title
    (A1), every amount passed through `transform(code, column, old)`; `split_at` moves the
    rows from that row on to a second sheet of the same language."""
    import openpyxl
    from openpyxl.cell.cell import MergedCell

    workbook = openpyxl.load_workbook(source)
    sheet = workbook.worksheets[0]
    if title is not None:
        sheet["A1"] = title
    for number in range(1, sheet.max_row + 1):
        code = sheet[f"A{number}"].value
        if not (isinstance(code, int) or (isinstance(code, str) and code.isdigit())):
            continue
        code = str(code)
        if keep is not None and code not in keep:
            for letter in "ABCDEFGH":
                sheet[f"{letter}{number}"] = None
            continue
        for column, letter in AMOUNT_LETTERS.items():
            cell = sheet[f"{letter}{number}"]
            value = cell.value
            if transform is not None:
                old = None if value is None else Decimal(str(value))
                new = transform(code, column, old)
                cell.value = None if new is None else float(new)
            if amounts and column in amounts.get(code, {}):
                cell.value = amounts[code][column]
    for number, cells in (rows or {}).items():
        for letter, value in cells.items():
            sheet[f"{letter}{number}"] = value
    if split_at is not None:
        second = workbook.copy_worksheet(sheet)
        second.title = f"{sheet.title} (2)"
        for target_sheet, first, last in (
            (sheet, split_at, sheet.max_row),
            (second, 3, split_at - 1),
        ):
            for number in range(first, last + 1):
                for letter in "ABCDEFGH":
                    cell = target_sheet[f"{letter}{number}"]
                    if not isinstance(cell, MergedCell):
                        cell.value = None
    workbook.save(target)
    return target
