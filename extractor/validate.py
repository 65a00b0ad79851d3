"""Runs the schemas/ rules lazily over a table and turns failures into issue records."""

from __future__ import annotations

import operator
from typing import Any

from extractor.model import Issue, TariffRow


def to_frame(rows: list[TariffRow]) -> Any:
    """Rows → a pandas DataFrame in schema column order; amounts stay Decimal objects."""
    import pandas as pd

    from schemas import COLUMNS

    columns = [*COLUMNS, "group_session"]  # group_session is for the soft rules only
    values = operator.attrgetter(*columns)
    records = []
    for row in rows:
        record = dict(zip(columns, values(row), strict=True))
        record["effective_from"] = row.effective_from.isoformat()
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=columns)
    for name in ("age_min", "age_max"):
        frame[name] = pd.array([r[name] for r in records], dtype="Int64")
    for name in ("fee", "reimbursement_preferential", "reimbursement_standard",
                 "copayment_preferential", "copayment_standard"):  # fmt: skip
        frame[name] = pd.Series([r[name] for r in records], dtype=object)
    frame["code_hos"] = pd.Series([r["code_hos"] for r in records], dtype="str")
    return frame


def validate_rows(rows: list[TariffRow]) -> tuple[list[TariffRow], list[Issue]]:
    """Keep the rows that pass every hard rule; report every failure, all at once."""
    import pandera.pandas as pa

    from schemas import RULES, TariffConsistency, TariffTable

    if not rows:
        return [], []
    issues: list[Issue] = []
    rejected: dict[int, list[str]] = {}
    frame = to_frame(rows)  # built once; the hard rules see the schema columns
    try:
        TariffTable.validate(frame[list(TariffTable.to_schema().columns)], lazy=True)
    except pa.errors.SchemaErrors as errors:
        for case in errors.failure_cases.itertuples():
            if case.index is None or case.index != case.index:
                raise  # a failure not tied to a row is a bug in our own table building
            rule = (
                "duplicate-key" if case.check == "multiple_fields_uniqueness" else str(case.check)
            )
            rejected.setdefault(int(case.index), [])
            if rule not in rejected[int(case.index)]:
                rejected[int(case.index)].append(rule)
    for index, rules in sorted(rejected.items()):
        row = rows[index]
        for rule in rules:
            issues.append(
                Issue(
                    "error",
                    rule,
                    f"{RULES.get(rule, rule)}; row rejected",
                    row.source,
                    row.raw,
                    row.code_amb,
                )
            )
    kept = [row for index, row in enumerate(rows) if index not in rejected]
    if kept:
        try:
            TariffConsistency.validate(frame.drop(index=list(rejected)), lazy=True)
        except pa.errors.SchemaErrors as errors:
            flagged = sorted({int(case.index) for case in errors.failure_cases.itertuples()})
            for index in flagged:
                row = rows[index]
                issues.append(
                    Issue(
                        "warning",
                        "fee-not-sum",
                        RULES["fee-not-sum"],
                        row.source,
                        row.raw,
                        row.code_amb,
                    )
                )
    return kept, issues


def validate_changes(records: list[dict[str, Any]]) -> None:
    """The change table must fit schemas/changes.py; a failure here is our bug, not the user's."""
    import pandas as pd

    from schemas import ChangeTable

    columns = list(ChangeTable.to_schema().columns)
    frame = pd.DataFrame.from_records(records, columns=columns)
    for name in ("age_min", "age_max"):
        frame[name] = pd.array([r[name] for r in records], dtype="Int64")
    for name in ("code_hos", "old", "new", "absolute", "relative"):
        frame[name] = pd.Series([r[name] for r in records], dtype="str")
    frame["follows_indexation"] = frame["follows_indexation"].astype(bool)
    ChangeTable.validate(frame, lazy=True)
