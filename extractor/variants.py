"""A coded line's tariffs beyond its general one, and the codeless lines that belong to it.

Age groups as column groups give a row per band; a second group of amount columns under its
own label gives a row under that condition; a codeless line right under the coded one adds a
key-letter term or is the code's tariff under a printed qualifier (`MET GMD`). The general
row (a Pending) is made by extractor/normalise.py; here it is only copied with other amounts.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from extractor import conditions, rules
from extractor.amounts import complete, read_amounts
from extractor.footnotes import Pending
from extractor.header import Columns
from extractor.model import Issue, RawCell, RawRow
from extractor.values import clean_text


def per_band(issues: list[Issue], row: RawRow, general: Pending, columns: Columns) -> list[Pending]:
    """Age groups as column groups: the line's tariff for each band, the fee shared by all."""
    tariffs = []
    code = general.row.code_amb
    for (age_min, age_max), group in columns.bands:
        index = {"fee": columns.index["fee"], **group}
        marks: list[str] = []
        amounts = read_amounts(issues, row, index, code, marks)
        if amounts is None:
            return []
        place = row.cells[index["fee"]] if index["fee"] < len(row.cells) else row.cells[0]
        if not complete(issues, amounts, index, place, row.texts, code):
            continue
        tariff = dataclasses.replace(general.row, age_min=age_min, age_max=age_max, **amounts)  # type: ignore[arg-type]
        header_marks = tuple(dict.fromkeys((*general.header_marks, *marks)))
        tariffs.append(dataclasses.replace(general, row=tariff, header_marks=header_marks))
    return tariffs


def per_condition(
    issues: list[Issue], row: RawRow, general: Pending, columns: Columns, code_cell: RawCell
) -> list[Pending]:
    """A second group of amount columns under its own label: the code's tariff under it."""
    tariffs = []
    code, raw = general.row.code_amb, row.texts
    for condition, group in columns.conditions:
        marks: list[str] = []
        extra = read_amounts(issues, row, group, code, marks)
        if extra is None or all(value is None for value in extra.values()):
            continue  # a tariff the line does not print under this condition
        if complete(issues, extra, group, code_cell, raw, code, condition):
            if extra["fee"] is None:
                extra["fee"] = general.row.fee  # the fee is the code's, whatever the condition
            tariff = under_condition(general, condition, extra)
            tariff.header_marks = tuple(dict.fromkeys((*tariff.header_marks, *marks)))
            tariffs.append(tariff)
    return tariffs


def under_condition(
    general: Pending, condition: str, amounts: dict[str, Decimal | None], **changes: object
) -> Pending:
    """The code's tariff under a condition: its general row with these amounts."""
    row = dataclasses.replace(general.row, condition=condition, **amounts, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(general, row=row)


def add_key_term(rows: list[Pending], term: str | None) -> None:
    """A key-letter line under a code: one more term of that code's fee, on each of its rows."""
    for pending in rows:
        pending.row.key_letters = " + ".join(t for t in (pending.row.key_letters, term) if t)


def key_line(
    issues: list[Issue], previous: list[Pending], cell: RawCell, raw: tuple[str, ...]
) -> bool:
    """A key-letter line read as one text (`Q 30 0,033039`): one more term of the coded line
    right above it, or, with none, reported (the code it belongs to is unknown), never
    dropped. False when the text is no key-letter line."""
    term = conditions.key_terms_in_text(cell.text)
    if term is None:
        return False
    if previous:
        add_key_term(previous, term)
    else:
        issues.append(
            rules.KEY_LETTERS_UNREADABLE.issue(
                cell.location,
                f"the key-letter line '{cell.text}' does not stand right under a coded line:"
                " the code it belongs to is unknown",
                raw=raw,
            )
        )
    return True


def under_coded_line(
    issues: list[Issue],
    pending: list[Pending],
    position: int,
    row: RawRow,
    columns: Columns,
    previous: list[Pending],
) -> list[Pending] | None:
    """A codeless line right under a coded one that belongs to it, or None when it does not.

    A key-letter line adds its term to the code's rows; a qualifier line (`MET GMD`) with
    amounts is the code's tariff under that condition (appended to `pending`). Any other
    codeless line is not ours. Taken, the answer is the rows a next line may still attach to.
    """
    general = previous[0]
    code = general.row.code_amb
    if conditions.is_key_continuation(row, columns.index):
        try:
            term = conditions.key_terms(row, columns.index)
        except conditions.KeyLetterError as error:
            issues.append(
                rules.KEY_LETTERS_UNREADABLE.issue(
                    row.location, str(error), raw=row.texts, code=code
                )
            )
            return []
        add_key_term(previous, term)
        return previous
    # The qualifier stands in the description column, or in the code column (a workbook that
    # writes "MET GMD" where the code would be).
    described = next(
        (
            row.cells[index]
            for index in (columns.index.get("description"), columns.index.get("code_amb"))
            if index is not None
            and index < len(row.cells)
            and conditions.is_qualifier(row.cells[index].text)
        ),
        None,
    )
    if described is None:
        return None
    marks: list[str] = []
    amounts = read_amounts(issues, row, columns.index, code, marks)
    if amounts is None:
        return []
    if all(value is None for value in amounts.values()):
        return None
    condition = clean_text(described.text)
    if complete(issues, amounts, columns.index, described, row.texts, code, condition):
        if amounts["fee"] is None:
            amounts["fee"] = general.row.fee
        qualified = under_condition(
            general, condition, amounts, source=described.location, raw=row.texts
        )
        qualified.position = position
        qualified.header_marks = tuple(dict.fromkeys((*qualified.header_marks, *marks)))
        pending.append(qualified)
    return previous
