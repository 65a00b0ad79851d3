"""schemas/: which rows the tariff table refuses, which it keeps with a warning, on which row
each issue falls; and what the valorisation table accepts. Rows built here, checked through
extractor.validate as a run checks them (issue 16: survivors of `make mutate`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.location import Location
from extractor.model import TariffRow
from extractor.validate import validate_rows

# fee = reimbursement + co-payment in both regimes: 89.59 = 85.59 + 4.00 = 78.59 + 11.00
GOOD = ("89.59", "85.59", "78.59", "4.00", "11.00")
NAMES = ("fee", "reimbursement_preferential", "reimbursement_standard",
         "copayment_preferential", "copayment_standard")  # fmt: skip


def tariff(
    code: str, line: int, amounts: tuple[str | None, ...] = GOOD, **changes: Any
) -> TariffRow:
    values = {
        name: None if a is None else Decimal(a) for name, a in zip(NAMES, amounts, strict=True)
    }
    row = TariffRow(
        circular="2024/356", language="fr", effective_from=date(2025, 1, 1), code_amb=code,
        code_hos=None, age_min=None, age_max=None, condition=None, key_letters=None,
        **values, description="Séance", footnotes="", section="1.",
        source=Location("x.xlsx", "S", line=line, column="A"),
    )  # fmt: skip
    return replace(row, **changes)


def outcome(rows: list[TariffRow]) -> tuple[list[str], list[tuple[str, str, str, str]]]:
    """The codes kept, and each issue as (rule, severity, code, place)."""
    kept, issues = validate_rows(rows)
    found = [(i.rule, i.severity, i.code, str(i.location)) for i in issues]
    return [row.code_amb for row in kept], found


# Check digits worked by hand: 72653 = 7 × 10379 (remainder 0), 72655 = 7 × 10379 + 2,
# 72657 = 7 × 10379 + 4: 726530, 726552, 726574 are well formed.


def test_a_bad_code_after_an_empty_one_is_refused_on_its_own_row() -> None:
    """The hospital code may be empty; the checks see only the filled ones, and a failure
    must still name the row that holds it (line 3), not the first row."""
    rows = [
        tariff("726530", 1),
        tariff("726552", 2, code_hos="726552"),
        tariff("726574", 3, code_hos="72657X"),
    ]
    assert outcome(rows) == (
        ["726530", "726552"],
        [("code-format", "error", "726574", "x.xlsx#S!A3")],
    )


def test_an_amount_breaking_a_rule_after_an_empty_one_is_refused_on_its_own_row() -> None:
    rows = [
        tariff("726530", 1, (None, None, None, None, None)),
        tariff("726552", 2, ("-89.59", "85.59", "78.59", "4.00", "11.00")),
        tariff("726574", 3),
    ]
    assert outcome(rows) == (
        ["726530", "726574"],
        [("amount-negative", "error", "726552", "x.xlsx#S!A2")],
    )


@pytest.mark.parametrize("code", ["72653", "7265300", "72653X", "726530 ", "７２６５３０"])
def test_a_code_is_six_ascii_digits(code: str) -> None:
    """Five digits, seven (whose first six are a good code), a letter, a space: refused
    with code-format (no crash on the check digit), the row left out."""
    kept, issues = outcome([tariff("726530", 1), tariff(code, 2)])
    assert kept == ["726530"]
    assert issues[0] == ("code-format", "error", code, "x.xlsx#S!A2")


def test_of_two_complete_rows_the_one_breaking_the_sum_is_warned_and_kept() -> None:
    """90.00 ≠ 85.59 + 4.00 while its section's other complete row keeps the sum."""
    rows = [tariff("726530", 1), tariff("726552", 2, ("90.00", "85.59", "78.59", "4.00", "11.00"))]
    assert outcome(rows) == (
        ["726530", "726552"],
        [("fee-not-sum", "warning", "726552", "x.xlsx#S!A2")],
    )


def test_one_complete_row_and_an_incomplete_one_say_nothing_of_the_sum() -> None:
    """A section whose only complete row breaks the sum: no other row says which is right
    (the incomplete one, an empty co-payment, does not count)."""
    rows = [
        tariff("726530", 1, ("90.00", "85.59", "78.59", "4.00", "11.00")),
        tariff("726552", 2, ("89.59", "85.59", "78.59", "4.00", None)),
    ]
    assert outcome(rows) == (["726530", "726552"], [])


def test_an_incomplete_row_elsewhere_does_not_silence_the_sum_rule() -> None:
    rows = [
        tariff("726530", 1),
        tariff("726552", 2, ("90.00", "85.59", "78.59", "4.00", "11.00")),
        tariff("726574", 3),
        tariff("726596", 4, ("89.59", None, None, None, None), section="2."),
    ]
    assert outcome(rows) == (
        ["726530", "726552", "726574", "726596"],
        [("fee-not-sum", "warning", "726552", "x.xlsx#S!A2")],
    )


def test_a_warning_after_a_refused_row_falls_on_its_own_row() -> None:
    """Line 1 is refused (a negative fee); the soft rules then see lines 2 to 4 only, and
    each warning must still name its own line: 4 breaks the sum, 3 its key letters
    (N 8 × 2.572713 = 20.581704, 20.58, not 89.59)."""
    rows = [
        tariff("726530", 1, ("-89.59", "85.59", "78.59", "4.00", "11.00")),
        tariff("726552", 2),
        tariff("726574", 3, key_letters="N 8 2.572713"),
        tariff("726596", 4, ("90.00", "85.59", "78.59", "4.00", "11.00")),
    ]
    assert outcome(rows) == (
        ["726552", "726574", "726596"],
        [
            ("amount-negative", "error", "726530", "x.xlsx#S!A1"),
            ("key-letters-sum", "warning", "726574", "x.xlsx#S!A3"),
            ("fee-not-sum", "warning", "726596", "x.xlsx#S!A4"),
        ],
    )


def test_a_workbook_code_in_other_digits_is_refused(tmp_path: Path) -> None:
    """Found by issue 16's mutation round: a code cell typed in full-width or Arabic-Indic
    digits passed as a code (str.isdigit() takes them, and their check digit is right), so
    tariffs.csv got "７２６５３０" that no billing software matches. Now an error, row left out."""
    from extractor.api import extract
    from tests.builders import header_rows, write_workbook

    amounts = [89.59, 85.59, 78.59, 4, 11]
    head, merges = header_rows(2)
    body = [[726530, "-", "Soutien", *amounts], ["７２６５５２", "-", "Pleine chasse", *amounts],
            ["٧٢٦٥٧٤", "-", "Arabe", *amounts]]  # fmt: skip
    path = write_workbook(
        tmp_path / "x.xlsx",
        [["Soins psychologiques à partir du 1er janvier 2025"], *head, *body],
        merges=merges,
    )
    [extraction] = extract([path])
    assert [row.code_amb for row in extraction.rows] == ["726530"]
    refused = [(i.rule, i.severity, i.code, str(i.location)) for i in extraction.issues
               if i.severity == "error"]  # fmt: skip
    assert refused == [
        ("code-format", "error", "７２６５５２", "x.xlsx#Feuil1!A5"),
        ("code-format", "error", "٧٢٦٥٧٤", "x.xlsx#Feuil1!A6"),
    ]


def _valorisation_lines(**changes: Any) -> list[list[Any]]:
    from extractor.exports.valorisations import flat_columns, valorisations

    records = valorisations([tariff("726530", 1), tariff("726552", 2)])
    return flat_columns([replace(v, **changes) for v in records])


def test_a_valorisation_in_force_for_one_day_is_valid() -> None:
    """A version replaced the next day (a corrigendum from 2 January) is in force on its
    first day only: valid_to equal to valid_from is a validity, not an end before the start."""
    from extractor.validate import validate_valorisations

    validate_valorisations(_valorisation_lines(valid_to=date(2025, 1, 1)))  # type: ignore[arg-type]
    with pytest.raises(pa.errors.SchemaErrors, match="valid-to-before-valid-from"):
        validate_valorisations(_valorisation_lines(valid_to=date(2024, 12, 31)))  # type: ignore[arg-type]


@pytest.mark.parametrize("day", ["2025-02-30", "2025-13-01", "2025-1-1", "1 janvier 2025", ""])
def test_a_valorisation_date_that_is_no_iso_day_is_refused(day: str) -> None:
    from extractor.exports.valorisations import FIELD_NAMES
    from extractor.validate import validate_valorisations

    lines = _valorisation_lines()
    lines[FIELD_NAMES.index("valid_from")][1] = day
    with pytest.raises(pa.errors.SchemaErrors) as refused:
        validate_valorisations(lines)  # type: ignore[arg-type]
    cases = refused.value.failure_cases
    assert set(cases["check"]) == {"iso-date"} and list(cases["index"]) == [1]


def test_a_column_built_now_names_the_row_of_a_bad_value_after_empty_ones() -> None:
    """As test_columns builds each column from its specification at test time (the schema
    module builds them once, at import): the check of a nullable column sees only the filled
    values, and its failure must fall on the row that holds the bad one (index 2)."""
    from extractor.columns import TABLE
    from schemas.tariffs import _schema_column

    for name, bad in (("code_hos", "72657X"), ("fee", Decimal("-1.00"))):
        [column] = [c for c in TABLE if c.name == name]
        values = [None, "726552", bad] if name == "code_hos" else [None, Decimal("1.00"), bad]
        frame = pd.DataFrame(
            {name: pd.Series(values, dtype="str" if name == "code_hos" else object)}
        )
        with pytest.raises(pa.errors.SchemaErrors) as refused:
            pa.DataFrameSchema({name: _schema_column(column)}).validate(frame, lazy=True)
        cases = refused.value.failure_cases
        assert list(zip(cases["check"], cases["index"], strict=True)) == [
            ("code-format" if name == "code_hos" else "amount-negative", 2)
        ]


def _is_none(value: object) -> bool:
    return value is None or value is pd.NA or value != value


def _is_code(value: object) -> bool:
    return isinstance(value, str) and len(value) == 6 and value.isascii() and value.isdigit()


def _iso_date(text: object) -> bool:
    try:
        return date.fromisoformat(str(text)).isoformat() == text
    except ValueError:
        return False


# Each column rule as a statement about one value (how schemas/tariffs.py said them before
# issue 15 made each check one pass over a column): the oracle of the test below.
ONE_VALUE = {
    "code-format": lambda code: _is_none(code) or _is_code(code),
    "code-check-digit": lambda code: not _is_code(code) or int(code[:5]) % 7 == int(code[5]),
    "amount-negative": lambda amount: not isinstance(amount, Decimal) or amount >= 0,
    "amount-precision": lambda amount: (
        _is_none(amount) or (isinstance(amount, Decimal) and amount.as_tuple().exponent == -2)
    ),
    "effective-date-format": _iso_date,
    "description-missing": lambda text: isinstance(text, str) and bool(text.strip()),
}
CELLS = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.integers(0, 99999).map(lambda n: f"{n:05d}{n % 7}"),  # a code with its check digit
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.sampled_from(["７２６５３０", "٧٢٦٥٣٠", "72653X", " ", "2025-02-30", "2025-1-1"]),
    st.dates().map(date.isoformat),
    st.decimals(allow_nan=False, places=2),
    st.decimals(allow_nan=False),  # any exponent, and infinities
)


@given(rule=st.sampled_from(sorted(ONE_VALUE)), cells=st.lists(CELLS, max_size=12))
def test_each_column_rule_keeps_what_its_one_value_statement_keeps(
    rule: str, cells: list[Any]
) -> None:
    """Issue 15 runs each rule once over a column's list of values (no Python call per value
    where the rule needs none: same_quantum for the exponent, one int() for the check digit,
    a date text checked once): it must keep exactly the values the rule keeps one by one."""
    from schemas.tariffs import _COLUMN_RULES

    assert sorted(_COLUMN_RULES) == sorted(ONE_VALUE)
    assert _COLUMN_RULES[rule](cells) == [ONE_VALUE[rule](cell) for cell in cells]
