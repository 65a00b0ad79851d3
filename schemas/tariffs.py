"""The tariff table: columns, types, titles in French and Dutch, and every rule rows obey.

`TariffTable` holds the hard rules (a failing row is rejected into issues.json);
`TariffConsistency` holds the soft ones (a failing row stays, with a warning).
Check names are the stable issue codes documented in the README.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from extractor.model import AMOUNT_COLUMNS

RULES: dict[str, str] = {
    "code-format": "a code is six digits",
    "code-check-digit": "the last digit of a code is its first five digits mod 7",
    "amount-negative": "amounts are zero or more",
    "amount-precision": "amounts have exactly two decimals (cents)",
    "age-band-order": "age_min is not above age_max",
    "effective-date-format": "effective_from is a real date, YYYY-MM-DD",
    "duplicate-key": "one row per (language, code_amb, code_hos, age band, effective_from)",
    "fee-not-sum": (
        "in individual sessions, fee = reimbursement + co-payment for each regime"
        " (checked where the rest of the section follows it)"
    ),
}


def _field(title_fr: str, title_nl: str, description: str, kind: str, **kwargs: Any) -> Any:
    """A column with what datapackage.json needs: titles in both languages and a type."""
    return pa.Field(
        title=title_fr,
        description=description,
        metadata={"title_fr": title_fr, "title_nl": title_nl, "type": kind},
        **kwargs,
    )


def _is_code(value: object) -> bool:
    return isinstance(value, str) and len(value) == 6 and value.isdigit()


def _cents(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, Decimal) and value.as_tuple().exponent == -2)
    )


class TariffTable(pa.DataFrameModel):
    """One row per tariff line of one circular, in one language, for one age band."""

    circular: Series[str] = _field(
        "Circulaire", "Omzendbrief", "circular number as printed, e.g. 2024/356", "string"
    )
    language: Series[str] = _field(
        "Langue", "Taal", "language of the source: fr or nl", "string", isin=["fr", "nl"]
    )
    effective_from: Series[str] = _field(
        "Date d'application", "Datum van toepassing", "first day the amounts apply", "date"
    )
    code_amb: Series[str] = _field(
        "Pseudocode AMB", "Pseudocode AMB", "ambulatory nomenclature code, 6 digits", "string"
    )
    code_hos: Series[str] = _field(
        "Pseudocode HOS",
        "Pseudocode HOS",
        "hospital code, 6 digits; empty where the circular prints '-'",
        "string",
        nullable=True,
    )
    age_min: Series[pd.Int64Dtype] = _field(
        "Âge minimum", "Minimumleeftijd", "youngest age the row applies to (inclusive)",
        "integer", nullable=True, ge=0,
    )  # fmt: skip
    age_max: Series[pd.Int64Dtype] = _field(
        "Âge maximum", "Maximumleeftijd", "oldest age the row applies to (inclusive)",
        "integer", nullable=True, ge=0,
    )  # fmt: skip
    fee: Series[object] = _field(
        "Honoraires", "Honorarium", "full fee in EUR", "number", nullable=True
    )
    reimbursement_preferential: Series[object] = _field(
        "Intervention AMI - avec régime préférentiel",
        "Tegemoetkoming ZIV - met voorkeurregeling",
        "paid by the insurance, patients with preferential regime, EUR",
        "number",
        nullable=True,
    )
    reimbursement_standard: Series[object] = _field(
        "Intervention AMI - sans régime préférentiel",
        "Tegemoetkoming ZIV - zonder voorkeurregeling",
        "paid by the insurance, other patients, EUR",
        "number",
        nullable=True,
    )
    copayment_preferential: Series[object] = _field(
        "Ticket modérateur - avec régime préférentiel",
        "Remgeld - met voorkeurregeling",
        "paid by the patient with preferential regime, EUR",
        "number",
        nullable=True,
    )
    copayment_standard: Series[object] = _field(
        "Ticket modérateur - sans régime préférentiel",
        "Remgeld - zonder voorkeurregeling",
        "paid by other patients, EUR",
        "number",
        nullable=True,
    )
    description: Series[str] = _field(
        "Description", "Omschrijving", "label as printed, footnote marks removed", "string"
    )
    footnotes: Series[str] = _field(
        "Notes", "Voetnoten", "text of the footnotes that qualify the row, '(n) text | ...'",
        "string",
    )  # fmt: skip
    section: Series[str] = _field(
        "Section", "Afdeling", "heading path above the row, joined with ' > '", "string"
    )
    source: Series[str] = _field(
        "Source", "Bron", "file and place in it: file#sheet!cell or file#page=N&line=M", "string"
    )

    class Config:
        strict = True
        ordered = True
        unique = ["language", "code_amb", "code_hos", "age_min", "age_max", "effective_from"]  # noqa: RUF012

    @pa.check("code_amb", "code_hos", name="code-format")
    def _code_format(cls, codes: pd.Series[Any]) -> pd.Series[Any]:
        return codes.map(
            lambda code: code is None or code is pd.NA or code != code or _is_code(code)
        )

    @pa.check("code_amb", "code_hos", name="code-check-digit")
    def _check_digit(cls, codes: pd.Series[Any]) -> pd.Series[Any]:
        return codes.map(lambda code: not _is_code(code) or int(code[:5]) % 7 == int(code[5]))

    @pa.check(*AMOUNT_COLUMNS, name="amount-negative")
    def _not_negative(cls, amounts: pd.Series[Any]) -> pd.Series[Any]:
        return amounts.map(lambda amount: not isinstance(amount, Decimal) or amount >= 0)

    @pa.check(*AMOUNT_COLUMNS, name="amount-precision")
    def _two_decimals(cls, amounts: pd.Series[Any]) -> pd.Series[Any]:
        return amounts.map(_cents)

    @pa.check("effective_from", name="effective-date-format")
    def _iso_date(cls, dates: pd.Series[Any]) -> pd.Series[Any]:
        def valid(text: str) -> bool:
            try:
                return date.fromisoformat(text).isoformat() == text
            except ValueError:
                return False

        return dates.map(valid)

    @pa.dataframe_check(name="age-band-order")
    def _age_order(cls, table: pd.DataFrame) -> pd.Series[Any]:
        both = table["age_min"].notna() & table["age_max"].notna()
        return ~both | (table["age_min"] <= table["age_max"]).fillna(True)


def _breaks_sum(
    fee: object, reimb_pref: object, reimb_std: object, copay_pref: object, copay_std: object
) -> bool:
    """True when a complete row's fee differs from reimbursement + co-payment for a regime."""
    if not all(isinstance(v, Decimal) for v in (fee, reimb_pref, reimb_std, copay_pref, copay_std)):
        return False
    return bool(fee != reimb_pref + copay_pref or fee != reimb_std + copay_std)  # type: ignore[operator]


class TariffConsistency(pa.DataFrameModel):
    """Soft rules across rows: a failing row is kept and reported as a warning."""

    class Config:
        strict = False

    @pa.dataframe_check(name="fee-not-sum")
    def _fee_is_sum(cls, table: pd.DataFrame) -> pd.Series[Any]:
        amounts = zip(*(table[name].tolist() for name in AMOUNT_COLUMNS), strict=True)
        breaks = pd.Series([_breaks_sum(*row) for row in amounts], index=table.index, dtype=bool)
        individual = ~table["group_session"].astype(bool)
        keys = [table["language"], table["effective_from"], table["section"]]
        complete = table[list(AMOUNT_COLUMNS)].map(lambda v: isinstance(v, Decimal)).all(axis=1)
        counted = complete & individual
        breaking_in_section = (breaks & counted).groupby(keys).transform("sum")
        complete_in_section = counted.groupby(keys).transform("sum")
        # Warn where this row breaks the rule and every other complete row of its section keeps it.
        warn = breaks & counted & (breaking_in_section == 1) & (complete_in_section >= 2)
        return ~warn


COLUMNS: tuple[str, ...] = tuple(TariffTable.to_schema().columns)
