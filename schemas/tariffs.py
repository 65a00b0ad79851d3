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

import pandas as pd
import pandera.pandas as pa

from extractor.columns import AMOUNT_COLUMNS, FEE, PRIMARY_KEY, REGIMES, TABLE, Column
from extractor.conditions import fee_keeps_key_letters
from extractor.rules import AGE_BAND_ORDER, FEE_NOT_SUM, KEY_LETTERS_SUM, REGISTRY


def _is_code(value: object) -> bool:
    """Six ASCII digits: str.isdigit() alone also takes "７２６５３０" or "٧٢٦٥٣٠"."""
    return isinstance(value, str) and len(value) == 6 and value.isascii() and value.isdigit()


def _is_none(value: object) -> bool:
    return value is None or value is pd.NA or value != value


def _cents(value: object) -> bool:
    return _is_none(value) or (isinstance(value, Decimal) and value.as_tuple().exponent == -2)


def _iso_date(text: object) -> bool:
    try:
        return date.fromisoformat(str(text)).isoformat() == text
    except ValueError:
        return False


# Element-wise: True where the value keeps the rule.
_ELEMENT_RULES: dict[str, Callable[[Any], bool]] = {
    "code-format": lambda code: _is_none(code) or _is_code(code),
    "code-check-digit": lambda code: not _is_code(code) or int(code[:5]) % 7 == int(code[5]),
    "amount-negative": lambda amount: not isinstance(amount, Decimal) or amount >= 0,
    "amount-precision": _cents,
    "effective-date-format": _iso_date,
    "description-missing": lambda text: isinstance(text, str) and bool(text.strip()),
}
_DTYPES: dict[str, Any] = {"string": str, "integer": pd.Int64Dtype(), "number": object, "date": str}


def _check(rule: str) -> pa.Check:
    assert rule in REGISTRY, rule
    keeps = _ELEMENT_RULES[rule]

    def check(series: pd.Series[Any]) -> pd.Series[bool]:
        # A list comprehension: Series.map's type inference costs more than the rule itself.
        return pd.Series(
            [keeps(value) for value in series.tolist()], index=series.index, dtype=bool
        )

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


def _breaks_sum(amounts: dict[str, object]) -> bool:
    """True when a complete row's fee differs from reimbursement + co-payment for a regime."""
    if not all(isinstance(amounts[name], Decimal) for name in AMOUNT_COLUMNS):
        return False
    fee = amounts[FEE]
    return any(
        fee != amounts[reimbursement] + amounts[copayment]  # type: ignore[operator]
        for _, reimbursement, copayment in REGIMES
    )


def _fee_is_sum(table: pd.DataFrame) -> pd.Series[bool]:
    rows = zip(*(table[name].tolist() for name in AMOUNT_COLUMNS), strict=True)
    breaks = pd.Series(
        [_breaks_sum(dict(zip(AMOUNT_COLUMNS, row, strict=True))) for row in rows],
        index=table.index,
        dtype=bool,
    )
    individual = ~table["group_session"].astype(bool)
    keys = [table["language"], table["effective_from"], table["section"]]
    complete = table[list(AMOUNT_COLUMNS)].map(lambda v: isinstance(v, Decimal)).all(axis=1)
    counted = complete & individual
    breaking_in_section = (breaks & counted).groupby(keys).transform("sum")
    complete_in_section = counted.groupby(keys).transform("sum")
    # Warn where this row breaks the rule and every other complete row of its section keeps it.
    warn = breaks & counted & (breaking_in_section == 1) & (complete_in_section >= 2)
    return ~warn


def _fee_is_key_letters(table: pd.DataFrame) -> pd.Series[bool]:
    return pd.Series(
        [
            fee_keeps_key_letters(fee, letters)
            for fee, letters in zip(table[FEE].tolist(), table["key_letters"].tolist(), strict=True)
        ],
        index=table.index,
        dtype=bool,
    )


# Soft rules across rows: a failing row is kept and reported as a warning.
TARIFF_CONSISTENCY = pa.DataFrameSchema(
    checks=[
        pa.Check(_fee_is_sum, name=FEE_NOT_SUM.code),
        pa.Check(_fee_is_key_letters, name=KEY_LETTERS_SUM.code),
    ],
    name="tariff consistency",
    strict=False,
)

COLUMNS: tuple[str, ...] = tuple(TARIFF_TABLE.columns)
