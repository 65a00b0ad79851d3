"""Where in a source something stands: a file, then a sheet and a cell, or a page and a line.

Kept as a value from the reader to the exports, so that nothing has to split a string to
learn a file name or to put issues in source order; its text form is what users see:
`file.xlsx#Sheet!A7`, `file.xlsx#Sheet!7` (a whole row), `file.pdf#page=2&line=14`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    file: str
    sheet: str | None = None  # workbooks
    page: int | None = None  # PDFs, from 1
    line: int | None = None  # the sheet's row number, or the line on the PDF page, from 1
    column: str | None = None  # workbooks: the cell's column letters

    def __str__(self) -> str:
        if self.sheet is not None:
            if self.line is None:
                return f"{self.file}#{self.sheet}"
            return f"{self.file}#{self.sheet}!{self.column or ''}{self.line}"
        if self.page is not None:
            line = "" if self.line is None else f"&line={self.line}"
            return f"{self.file}#page={self.page}{line}"
        return self.file

    def at(self, line: int, column: str | None = None) -> Location:
        """A place inside this document (or page): a row or a cell."""
        return Location(self.file, self.sheet, self.page, line, column)

    @property
    def order(self) -> tuple[str, str, int, int, int, str]:
        """Source order: file, sheet, page, line, then column (A < Z < AA)."""
        column = self.column or ""
        return (
            self.file,
            self.sheet or "",
            self.page or 0,
            self.line or 0,
            len(column),
            column,
        )

    @classmethod
    def parse(cls, text: str) -> Location:
        """The inverse of str(), for places read back from an export or the store."""
        file, hash_sign, place = text.partition("#")
        if not hash_sign:
            return cls(text)
        sheet, bang, cell = place.rpartition("!")
        if bang:
            # Most places are a sheet's cell with ASCII letters and digits ("A12"): told apart
            # without a regular expression (a stored code's history reads one per version).
            # A page place holds no "!", so this comes first.
            letters = cell.rstrip(_DIGITS)
            row = cell[len(letters) :]
            capitals = letters.isascii() and letters.isalpha() and letters.isupper()
            if row and len(letters) <= 3 and (capitals or not letters):
                return cls(file, sheet, None, int(row), letters or None)  # positional: faster
        if page := _PAGE.fullmatch(place):
            line = page.group("line")
            return cls(file, page=int(page.group("page")), line=int(line) if line else None)
        if bang and (found := _CELL.fullmatch(cell)):
            return cls(
                file, sheet, line=int(found.group("row")), column=found.group("column") or None
            )
        return cls(file, place)


def column_letter(index: int) -> str:
    """A sheet column's letters from its number: 1 → A, 27 → AA (as openpyxl's
    get_column_letter, without importing openpyxl)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_PAGE = re.compile(r"page=(?P<page>\d+)(?:&line=(?P<line>\d+))?")
_CELL = re.compile(r"(?P<column>[A-Z]{0,3})(?P<row>\d+)")
_DIGITS = "0123456789"
