"""A table line's amounts under the columns that promise them: read exactly, complete or flagged."""

from __future__ import annotations

from decimal import Decimal

from extractor import rules
from extractor.cells import holds_amount, marked_amount, stated_mark
from extractor.model import AMOUNT_COLUMNS, Issue, RawCell, RawRow
from extractor.values import ValueParseError, parse_amount


def read_amounts(
    issues: list[Issue],
    row: RawRow,
    index: dict[str, int],
    code: str,
    marks: list[str] | None = None,
) -> dict[str, Decimal | None] | None:
    """The amounts of a line in the given columns; None (and an issue) if one is unreadable.

    A footnote mark printed with an amount ("29,96 (1)", or a raised mark in a PDF) is added
    to `marks`, for the footnote to be attached to the row."""
    amounts: dict[str, Decimal | None] = {}
    for name in AMOUNT_COLUMNS:
        if name not in index:
            amounts[name] = None
            continue
        cell = (
            row.cells[index[name]] if index[name] < len(row.cells) else RawCell(None, row.location)
        )
        if (mark := stated_mark(cell.text)) is not None:
            amounts[name] = None  # "-": not defined; "(*)": given by a footnote
            if mark:
                issues.append(
                    rules.AMOUNT_BY_REFERENCE.issue(
                        cell.location,
                        f"the {name} is a reference to footnote {mark}, not an amount: left"
                        " empty, the footnote attached",
                        raw=row.texts,
                        code=code,
                    )
                )
            continue
        value = cell.value
        if isinstance(value, str) and (found := marked_amount(value)) is not None:
            value = found[0]
            if marks is not None:
                marks.append(found[1])
        if marks is not None and cell.marks:
            marks.extend(cell.marks)
        try:
            amounts[name] = parse_amount(value)
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
    unplaced: list[RawCell] | None = None,
) -> bool:
    """Every amount its columns promise, or a fee alone (a fee-only table); else an issue.

    Under a condition the fee may be left to the code's general tariff. An amount printed "-"
    (not defined) or as a footnote reference is there on purpose. A fee alone is a fee-only
    row only when nothing else on the line is an amount we could not place.
    """
    expected = [name for name in AMOUNT_COLUMNS if name in index]
    printed = [name for name in expected if amounts[name] is not None]
    if printed == expected and printed != ["fee"] and not condition:
        return True  # the common line: every amount printed
    stated = {
        name
        for name in expected
        if index[name] < len(raw) and stated_mark(raw[index[name]]) is not None
    }
    present = [name for name in expected if name in printed or name in stated]
    if condition:
        expected = [name for name in expected if name != "fee" or "fee" in present]
    fee_only = (
        present == ["fee"]
        and not condition
        and not stated
        and not any(holds_amount(value) for value in unplaced or ())
    )
    if fee_only or (present == expected and present != ["fee"]):
        return True
    missing = ", ".join(name for name in expected if name not in present) or ", ".join(
        name for name in AMOUNT_COLUMNS if name != "fee"
    )
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
