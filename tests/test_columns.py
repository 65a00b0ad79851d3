"""The column specification is the one source: schema, store, exports, report and diff agree."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from extractor.api import extract_file
from extractor.columns import (
    AMOUNT_COLUMNS,
    COLUMNS,
    KEY_COLUMNS,
    PRIMARY_KEY,
    REGIMES,
    TABLE,
    Column,
    sort_key,
)
from extractor.export import read_tariffs_csv, write_exports
from extractor.model import Extraction, TariffRow
from extractor.report import view
from extractor.store import Store
from schemas import CHANGE_TABLE, TARIFF_TABLE
from tests.conftest import ROOT, SAMPLES

SAMPLE = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"


@pytest.fixture(scope="module")
def extraction() -> Extraction:
    [extraction] = extract_file(SAMPLE)
    return extraction


def test_schema_is_the_specification() -> None:
    assert tuple(TARIFF_TABLE.columns) == COLUMNS
    for column in TABLE:
        schema_column = TARIFF_TABLE.columns[column.name]
        assert schema_column.nullable == column.nullable, column.name
        assert schema_column.metadata["type"] == column.type
        assert (schema_column.title, schema_column.metadata["title_nl"]) == (
            column.title_fr,
            column.title_nl,
        )
        assert {check.name for check in schema_column.checks} >= set(column.rules)
    assert list(TARIFF_TABLE.unique or []) == list(PRIMARY_KEY)
    assert tuple(CHANGE_TABLE.columns)[1 : 1 + len(KEY_COLUMNS)] == KEY_COLUMNS


def test_row_type_is_the_specification() -> None:
    fields = [field.name for field in dataclasses.fields(TariffRow)]
    assert tuple(fields[: len(COLUMNS)]) == COLUMNS
    assert fields[len(COLUMNS) :] == ["group_session", "raw"]


def test_regimes_cover_every_reimbursement_and_copayment() -> None:
    covered = {
        name for _, reimbursement, copayment in REGIMES for name in (reimbursement, copayment)
    }
    assert covered == set(AMOUNT_COLUMNS) - {"fee"}


def test_store_keeps_every_column_and_gives_rows_back(
    tmp_path: Path, extraction: Extraction
) -> None:
    with Store(tmp_path / "t.sqlite") as store, store.transaction():
        stored = store.rows_of(store.ingest(extraction, "digest").circular.id)
    stored_columns = {row[1] for row in store_columns(tmp_path / "t.sqlite")}
    assert set(COLUMNS) - {"circular"} <= stored_columns
    expected = sorted(extraction.rows, key=sort_key)
    assert [dataclasses.replace(row, raw=()) for row in expected] == stored


def store_columns(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA table_info(tariffs)").fetchall()


def test_exports_and_report_follow_the_specification(
    tmp_path: Path, extraction: Extraction
) -> None:
    write_exports([extraction], tmp_path)
    header = (tmp_path / "tariffs.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(COLUMNS)
    rows = json.loads((tmp_path / "tariffs.json").read_text(encoding="utf-8"))["rows"]
    assert all(tuple(row) == COLUMNS for row in rows)
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    fields = package["resources"][0]["schema"]["fields"]
    assert [field["name"] for field in fields] == list(COLUMNS)
    assert package["resources"][0]["schema"]["primaryKey"] == list(PRIMARY_KEY)
    back = read_tariffs_csv(tmp_path / "tariffs.csv")
    expected = sorted(extraction.rows, key=sort_key)
    assert [dataclasses.replace(row, raw=(), group_session=False) for row in expected] == back

    from extractor.diff import diff_versions
    from extractor.report import ChangeReport, LanguageReport, Version

    version = Version("2024/356", extraction.info.effective_from, SAMPLE.name)
    part = LanguageReport("fr", version, None, diff_versions([], back, "fr"), back)
    labels = view(ChangeReport("2024/356", version.effective_from, [part]))
    assert labels["columns"] == [column.label for column in TABLE if column.kind == "amount"]
    assert labels["key_headings"] == [column.label for column in TABLE if column.kind == "key"]


def test_readme_column_table_is_the_specification() -> None:
    """The README's tariffs.csv table names every column of TABLE, in its order, and no other."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| column | meaning |\n|---|---|\n", 1)[1].split("\n\n", 1)[0]
    listed = [name.strip() for line in table.splitlines() for name in line.split("|")[1].split(",")]
    assert tuple(listed) == COLUMNS


_RULE_EXAMPLES: dict[
    str, tuple[object, object]
] = {  # a value that keeps the rule, one that breaks it
    "code-format": ("726530", "72653X"),
    "code-check-digit": ("726530", "726531"),
    "amount-negative": (Decimal("1.00"), Decimal("-1.00")),
    "amount-precision": (Decimal("1.00"), Decimal("1.000")),
    "effective-date-format": ("2025-01-01", "2025-02-30"),
    "description-missing": ("Séance", "  "),
    "isin": ("nl", "de"),
    "greater_than_or_equal_to": (0, -1),
}


def _keeps(check: Any, good: object, bad: object) -> list[bool]:
    return list(check(pd.Series([good, bad], dtype=object)).check_output.tolist())


@pytest.mark.parametrize("column", TABLE, ids=[column.name for column in TABLE])
def test_each_schema_column_is_made_from_its_specification(column: Column) -> None:
    """Built now, not only as imported: the type, nullability, titles and one check per rule
    of the specification, each keeping a good value and refusing a bad one."""
    from schemas.tariffs import _schema_column

    built = _schema_column(column)
    dtype = {
        "string": "string[python]",
        "integer": "Int64",
        "number": "object",
        "date": "string[python]",
    }
    assert str(built.dtype) == dtype[column.type]
    assert (built.nullable, built.title, built.description) == (
        column.nullable,
        column.title_fr,
        column.description,
    )
    assert built.metadata == {
        "title_fr": column.title_fr,
        "title_nl": column.title_nl,
        "type": column.type,
    }
    extra = ["isin"] if column.name == "language" else []
    extra += ["greater_than_or_equal_to"] if column.type == "integer" else []
    assert [check.name for check in built.checks] == [*column.rules, *extra]
    for check in built.checks:
        assert _keeps(check, *_RULE_EXAMPLES[check.name]) == [True, False], check.name
    if column.name == "language":
        assert _keeps(built.checks[-1], "fr", "FR") == [True, False]


def test_the_valorisation_and_change_checks_are_made_per_type() -> None:
    from schemas.changes import _key_column
    from schemas.valorisations import _checks

    cases = [
        (("code_amb", "string"), "nomenclature-code", ("726530", "72653")),
        (("valid_from", "date"), "iso-date", ("2025-01-01", "2025-02-30")),
        (("fee", "number"), "euros-and-cents", ("89.59", "89.5")),
        (("preferential", "boolean"), "isin", ("true", "yes")),
        (("preferential", "boolean"), "isin", ("false", "FALSE")),
        (("age_min", "integer"), "greater_than_or_equal_to", (0, -1)),
    ]
    for arguments, name, (good, bad) in cases:
        [check] = _checks(*arguments)
        assert check.name == name
        assert _keeps(check, good, bad) == [True, False], name
    assert _checks("label_fr", "string") == []
    code = _key_column("code_amb")
    assert (str(code.dtype), code.nullable) == ("string[python]", False)
    [matches] = code.checks
    assert _keeps(matches, "726530", "72653") == [True, False]
    age = _key_column("age_min")
    assert (str(age.dtype), age.nullable) == ("Int64", True)
    [at_least] = age.checks
    assert _keeps(at_least, 0, -1) == [True, False]
