"""A table line's amounts under the columns that promise them: read exactly, complete or flagged."""

from __future__ import annotations

from decimal import Decimal

from extractor import rules
from extractor.model import AMOUNT_COLUMNS, Issue, RawCell, RawRow
from extractor.values import ValueParseError, parse_amount


def read_amounts(
    issues: list[Issue], row: RawRow, index: dict[str, int], code: str
) -> dict[str, Decimal | None] | None:
    """The amounts of a line in the given columns; None (and an issue) if one is unreadable."""
    amounts: dict[str, Decimal | None] = {}
    for name in AMOUNT_COLUMNS:
        if name not in index:
            amounts[name] = None
            continue
        cell = (
            row.cells[index[name]] if index[name] < len(row.cells) else RawCell(None, row.location)
        )
        try:
            amounts[name] = parse_amount(cell.value)
        except ValueParseError as error:
            issues.append(
                rules.AMOUNT_UNPARSEABLE.issue(cell.location, str(error), raw=row.texts, code=code)
            )
            return None
    return amounts


def complete(
    issues: list[Issue],
    amounts: dict[str, Decimal | None],
    index: dict[str, int],
    cell: RawCell,
    raw: tuple[str, ...],
    code: str,
    condition: str = "",
) -> bool:
    """Every amount its columns promise, or a fee alone (a fee-only table); else an issue.

    Under a condition the fee may be left to the code's general tariff.
    """
    present = [name for name in AMOUNT_COLUMNS if name in index and amounts[name] is not None]
    expected = [name for name in AMOUNT_COLUMNS if name in index]
    if condition:
        expected = [name for name in expected if name != "fee" or "fee" in present]
    if present == expected or (present == ["fee"] and not condition):
        return True
    missing = ", ".join(name for name in expected if name not in present)
    under = f" under '{condition}'" if condition else ""
    issues.append(
        rules.AMOUNT_MISSING.issue(
            cell.location,
            f"amounts missing{under} ({missing}); nothing was filled in",
            raw=raw,
            code=code,
        )
    )
    return False
