"""One worksheet as an engine hands it over: the common ground of both engines."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Sheet:
    """One worksheet as an engine sees it; rows and columns count from 1."""

    title: str
    rows: Iterator[Sequence[Any]]  # from row 1, each from column 1
    height: int  # last row holding a value
    width: int  # last column holding a value
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) → #N/A
    # (row, column) → the formula of a cell holding one but no computed value
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    # "hidden" or "veryHidden" (the XML's words) for a sheet the workbook hides; "" if shown
    hidden: str = ""
    # (row, column) → the number cells whose format shows a percentage ("0%"): whether the
    # format scales the value (0.75 shown 75%) or prints a percent sign after it
    percents: dict[tuple[int, int], bool] = field(default_factory=dict)
