"""Runs the schemas/ rules lazily over a table and turns failures into issue records."""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any

from extractor import rules
from extractor.columns import TABLE
from extractor.conditions import KeyLetterError, key_letters_total
from extractor.model import Issue, TariffRow

if TYPE_CHECKING:
    from extractor.exports.valorisations import FlatColumns

_FRAME_COLUMNS = (*(column.name for column in TABLE), "group_session")  # the flag: soft rules
_GETTERS = tuple(operator.attrgetter(name) for name in _FRAME_COLUMNS)


def to_frame(rows: list[TariffRow]) -> Any:
    """Rows → a pandas DataFrame in schema column order; amounts stay Decimal objects.

    Built a column at a time (one C-level pass over the rows per column: no tuple per row),
    each column once, in the dtype the schema checks (text as pandas' string dtype, so that
    pandera need not look at every value to know it is text).
    """
    import pandas as pd

    cells_of = [list(map(getter, rows)) for getter in _GETTERS]
    data: dict[str, Any] = {}
    for column, cells in zip(TABLE, cells_of, strict=False):  # group_session comes last
        if column.type == "integer":
            data[column.name] = pd.array(cells, dtype="Int64")
        elif column.type == "number":
            data[column.name] = pd.Series(cells, dtype=object)
        elif column.type == "date":  # one table, one or two dates: each written once
            texts = {day: day.isoformat() for day in set(cells)}
            data[column.name] = pd.Series(list(map(texts.__getitem__, cells)), dtype="str")
        elif column.nullable:
            data[column.name] = pd.Series(cells, dtype="str")
        elif column.parse is not None:  # a value with a text form (the source's Location)
            data[column.name] = pd.Series(list(map(str, cells)), dtype="str")
        else:
            data[column.name] = pd.Series(cells)
    data["group_session"] = pd.Series(cells_of[-1])
    return pd.DataFrame(data, columns=list(_FRAME_COLUMNS), copy=False)  # columns made here


def validate_rows(rows: list[TariffRow]) -> tuple[list[TariffRow], list[Issue]]:
    """Keep the rows that pass every hard rule; report every failure, all at once."""
    import pandera.pandas as pa

    from schemas import TARIFF_CONSISTENCY, TARIFF_TABLE

    if not rows:
        return [], []
    issues: list[Issue] = []
    rejected: dict[int, list[str]] = {}
    frame = to_frame(rows)  # built once; the hard rules see the schema columns
    try:
        TARIFF_TABLE.validate(frame[list(TARIFF_TABLE.columns)], lazy=True)
    except pa.errors.SchemaErrors as errors:
        for case in errors.failure_cases.itertuples():
            check = str(case.check)
            rule = rules.DUPLICATE_KEY.code if check == "multiple_fields_uniqueness" else check
            if case.index is None or case.index != case.index or rule not in rules.REGISTRY:
                raise  # a failure not tied to a row or a rule is a bug in our own table building
            rejected.setdefault(int(case.index), [])
            if rule not in rejected[int(case.index)]:
                rejected[int(case.index)].append(rule)
    for index, found in sorted(rejected.items()):
        row = rows[index]
        for rule in found:
            issues.append(
                rules.REGISTRY[rule].issue(
                    row.source,
                    f"{rules.REGISTRY[rule].meaning}; row rejected",
                    raw=row.raw,
                    code=row.code_amb,
                )
            )
    kept = [row for index, row in enumerate(rows) if index not in rejected]
    if kept:
        try:
            TARIFF_CONSISTENCY.validate(
                frame.drop(index=list(rejected)) if rejected else frame, lazy=True
            )
        except pa.errors.SchemaErrors as errors:
            flagged = sorted(
                {(int(case.index), str(case.check)) for case in errors.failure_cases.itertuples()}
            )
            seen: set[tuple[str, str, tuple[str, ...]]] = set()
            for index, check in flagged:
                row = rows[index]
                if (check, str(row.source), row.raw) in seen:
                    continue  # one source line, several rows (its conditions): one warning
                seen.add((check, str(row.source), row.raw))
                soft = rules.REGISTRY[check]
                issues.append(
                    soft.issue(row.source, _soft_message(soft, row), raw=row.raw, code=row.code_amb)
                )
    return kept, issues


def _soft_message(rule: rules.Rule, row: TariffRow) -> str:
    """The rule's meaning, with the numbers that break it where they say more."""
    if rule is rules.KEY_LETTERS_SUM and row.key_letters:
        try:
            total = key_letters_total(row.key_letters)
        except KeyLetterError:
            return f"{rule.meaning}: the key letters '{row.key_letters}' are not terms"
        return f"{rule.meaning}: fee {row.fee} but {row.key_letters} gives {total}"
    return ""


def validate_changes(records: list[dict[str, Any]]) -> None:
    """The change table must fit schemas/changes.py; a failure here is our bug, not the user's.

    Every column gets its type explicitly, so that an empty table (no change) fits too.
    """
    import pandas as pd

    from schemas import CHANGE_TABLE

    columns: dict[str, Any] = {}
    for name, column in CHANGE_TABLE.columns.items():
        values = [record[name] for record in records]
        kind = str(column.dtype)
        columns[name] = pd.Series(
            pd.array(values, dtype="Int64") if kind == "Int64" else values,
            dtype=kind if kind in ("Int64", "bool") else "str",
        )
    CHANGE_TABLE.validate(pd.DataFrame(columns), lazy=True)


def validate_valorisations(columns: FlatColumns) -> None:
    """The valorisations must fit schemas/valorisations.py before they are written; a failure
    here is our bug, not the user's. Checked in their flat form, the columns of
    valorisations.csv (valorisations.json holds the same records nested)."""
    import pandas as pd

    from schemas import VALORISATION_TABLE

    frame: dict[str, Any] = {}
    for (name, column), values in zip(VALORISATION_TABLE.columns.items(), columns, strict=True):
        kind = "Int64" if str(column.dtype) == "Int64" else "str"
        frame[name] = pd.Series(values, dtype=kind)
    VALORISATION_TABLE.validate(pd.DataFrame(frame, copy=False), lazy=True)
