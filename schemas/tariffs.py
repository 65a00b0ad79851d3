"""The tariff table: its pandera schema, derived from the column specification, and its rules.

`TARIFF_TABLE` holds the hard rules (a failing row is rejected into issues.json);
`TARIFF_CONSISTENCY` holds the soft ones (a failing row stays, with a warning). Check names
are the issue codes of extractor/rules.py; which column has which check is said in
extractor/columns.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from extractor.columns import AMOUNT_COLUMNS, FEE, PRIMARY_KEY, REGIMES, TABLE, Column
from extractor.conditions import fee_keeps_key_letters
from extractor.rules import AGE_BAND_ORDER, FEE_NOT_SUM, KEY_LETTERS_SUM, REGISTRY


def _is_none(value: object) -> bool:
    return value is None or value is pd.NA or value != value


def _codes(values: list[Any]) -> list[bool]:
    """Six ASCII digits: str.isdigit() alone also takes "７２６５３０" or "٧٢٦٥٣٠"."""
    return [isinstance(v, str) and len(v) == 6 and v.isascii() and v.isdigit() for v in values]


def _code_format(values: list[Any]) -> list[bool]:
    return [code or _is_none(value) for code, value in zip(_codes(values), values, strict=True)]


def _check_digit(values: list[Any]) -> list[bool]:
    """The last digit is the first five mod 7: one int() per code, not one per part."""
    return [
        not code or (number := int(value)) // 10 % 7 == number % 10
        for code, value in zip(_codes(values), values, strict=True)
    ]


def _not_negative(values: list[Any]) -> list[bool]:
    return [not isinstance(value, Decimal) or value >= 0 for value in values]


_CENT = Decimal("0.01")


def _cents(values: list[Any]) -> list[bool]:
    """Exactly two decimals: a Decimal's exponent is -2 (same_quantum compares exponents)."""
    return [
        (isinstance(value, Decimal) and value.same_quantum(_CENT)) or _is_none(value)
        for value in values
    ]


def _iso_date(text: object) -> bool:
    try:
        return date.fromisoformat(str(text)).isoformat() == text
    except ValueError:
        return False


def _iso_dates(values: list[Any]) -> list[bool]:
    """Each distinct text checked once: a table has one or two effective dates."""
    keeps = {text: _iso_date(text) for text in set(values)}
    return [keeps[text] for text in values]


def _described(values: list[Any]) -> list[bool]:
    return [isinstance(text, str) and bool(text.strip()) for text in values]


# Column-wise: for a column's values, True where the value keeps the rule. A check is one pass
# over a list (pandera hands the column without its empty values): no Python call per value
# where the rule needs none.
_COLUMN_RULES: dict[str, Callable[[list[Any]], list[bool]]] = {
    "code-format": _code_format,
    "code-check-digit": _check_digit,
    "amount-negative": _not_negative,
    "amount-precision": _cents,
    "effective-date-format": _iso_dates,
    "description-missing": _described,
}
_DTYPES: dict[str, Any] = {"string": str, "integer": pd.Int64Dtype(), "number": object, "date": str}


def _check(rule: str) -> pa.Check:
    assert rule in REGISTRY, rule
    keeps = _COLUMN_RULES[rule]

    def check(series: pd.Series[Any]) -> pd.Series[bool]:
        return pd.Series(keeps(series.tolist()), index=series.index, dtype=bool)

    return pa.Check(check, name=rule)


def _schema_column(column: Column) -> pa.Column:
    checks = [_check(rule) for rule in column.rules]
    if column.name == "language":
        checks.append(pa.Check.isin(["fr", "nl"]))
    if column.type == "integer":
        checks.append(pa.Check.ge(0))
    return pa.Column(
        _DTYPES[column.type],
        checks=checks,
        nullable=column.nullable,
        title=column.title_fr,
        description=column.description,
        metadata={"title_fr": column.title_fr, "title_nl": column.title_nl, "type": column.type},
    )


def _age_order(table: pd.DataFrame) -> pd.Series[bool]:
    both = table["age_min"].notna() & table["age_max"].notna()
    return ~both | (table["age_min"] <= table["age_max"]).fillna(True)


TARIFF_TABLE = pa.DataFrameSchema(
    {column.name: _schema_column(column) for column in TABLE},
    checks=[pa.Check(_age_order, name=AGE_BAND_ORDER.code)],
    name="tariffs",
    strict=True,
    ordered=True,
    unique=list(PRIMARY_KEY),
)


def _fee_is_sum(table: pd.DataFrame) -> pd.Series[bool]:
    """Fee = reimbursement + co-payment for each regime, in the individual sessions of a
    section whose other complete rows keep it. Sums are added column by column (numpy calls
    Decimal's own + and != per row); the sections are grouped only when some row breaks it."""
    amounts = {name: table[name].to_numpy(dtype=object) for name in AMOUNT_COLUMNS}
    complete = np.logical_and.reduce(
        [np.array([isinstance(v, Decimal) for v in amounts[name]], dtype=bool)
         for name in AMOUNT_COLUMNS]
    )  # fmt: skip
    breaks = np.zeros(len(table), dtype=bool)
    fee = amounts[FEE][complete]
    for _, reimbursement, copayment in REGIMES:
        breaks[complete] |= fee != amounts[reimbursement][complete] + amounts[copayment][complete]
    counted = complete & ~table["group_session"].to_numpy(dtype=bool)
    breaking = pd.Series(breaks & counted, index=table.index)
    if not breaking.any():
        return ~breaking
    keys = [table["language"], table["effective_from"], table["section"]]
    in_section = (
        pd.DataFrame({"breaking": breaking, "complete": counted}, index=table.index)
        .groupby(keys)
        .transform("sum")
    )
    # Warn where this row breaks the rule and every other complete row of its section keeps it.
    warn = breaking & (in_section["breaking"] == 1) & (in_section["complete"] >= 2)
    return ~warn


def _fee_is_key_letters(table: pd.DataFrame) -> pd.Series[bool]:
    keeps = np.ones(len(table), dtype=bool)
    printed = table["key_letters"].notna()  # a row without key letters keeps the rule
    if printed.any():
        keeps[printed.to_numpy()] = [
            fee_keeps_key_letters(fee, letters)
            for fee, letters in zip(
                table.loc[printed, FEE].tolist(),
                table.loc[printed, "key_letters"].tolist(),
                strict=True,
            )
        ]
    return pd.Series(keeps, index=table.index, dtype=bool)


# Soft rules across rows: a failing row is kept and reported as a warning. Both keep a row whose
# every value is missing by themselves: ignore_na=False spares pandera a pass over every cell
# of the table to find such rows (about 10 ms a check on 20,000 rows). (It also keeps a failing
# row's empty cells among the failure cases, which changes the order pandera lists them in:
# extractor/validate.py reads these warnings in row order, so that order is not seen. The
# hard rules' failure cases are read in pandera's order, so TARIFF_TABLE keeps the default.)
TARIFF_CONSISTENCY = pa.DataFrameSchema(
    checks=[
        pa.Check(_fee_is_sum, name=FEE_NOT_SUM.code, ignore_na=False),
        pa.Check(_fee_is_key_letters, name=KEY_LETTERS_SUM.code, ignore_na=False),
    ],
    name="tariff consistency",
    strict=False,
)

COLUMNS: tuple[str, ...] = tuple(TARIFF_TABLE.columns)
