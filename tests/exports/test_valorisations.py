"""valorisations.json/.csv: one record per key × regime × validity, equal to what lookup answers."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extractor import api
from extractor.api import extract_file
from extractor.cli import main
from extractor.columns import AMOUNT_COLUMNS, TEXT_OF, row_key
from extractor.errors import LookupFailedError
from extractor.exports.valorisations import (
    APPLICABILITY_COLUMNS,
    CODE_COLUMNS,
    FIELD_NAMES,
    LANGUAGES,
    Valorisation,
    csv_of_columns,
    flat_columns,
    valorisations,
    valorisations_json,
)
from tests.conftest import GOLDEN, SAMPLES, assert_golden
from tests.exports.conftest import FOLDERS

FR_2025 = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"
NL_2025 = SAMPLES / "V1 - Psychologische zorg - 01-01-2025-omzendbrief VI.xlsx"


def record(valorisation: Valorisation) -> dict[str, Any]:
    """What a record of valorisations.json is (the oracle of the writer, which puts each flat
    line's values into a template): amounts as decimal strings, dates ISO, None for none."""
    v = valorisation
    labels, sources = dict(v.labels), dict(v.sources)
    data: dict[str, Any] = {name: TEXT_OF[name](v.value(name)) for name in CODE_COLUMNS}
    data["valid_from"] = v.valid_from.isoformat()
    data["valid_to"] = v.valid_to.isoformat() if v.valid_to else None
    applicability = {name: TEXT_OF[name](v.value(name)) for name in APPLICABILITY_COLUMNS}
    data["applicability"] = {**applicability, "preferential": v.regime == "preferential"}
    data["fee"] = None if v.fee is None else f"{v.fee:f}"
    data["reimbursement"] = None if v.reimbursement is None else f"{v.reimbursement:f}"
    data["patient_share"] = None if v.patient_share is None else f"{v.patient_share:f}"
    data["labels"] = {language: labels.get(language) for language in LANGUAGES}
    data["circular"] = v.circular
    data["source"] = {language: sources.get(language) for language in LANGUAGES}
    return data


def _amounts(row: Any) -> tuple[Any, ...]:
    return tuple(getattr(row, name) for name in AMOUNT_COLUMNS)


def _records(folder: Path) -> list[dict[str, Any]]:
    data = json.loads((folder / "valorisations.json").read_text(encoding="utf-8"))
    records: list[dict[str, Any]] = data["valorisations"]
    return records


def _store_dates(store: Path) -> list[date]:
    """Every first and last day of a version in the store, and the day before each start."""
    with sqlite3.connect(store) as connection:
        starts = {r[0] for r in connection.execute("SELECT effective_from FROM tariffs")}
        ends = {r[0] for r in connection.execute("SELECT effective_to FROM tariffs") if r[0]}
    days = {date.fromisoformat(d) for d in starts | ends}
    days |= {date.fromisoformat(d) - timedelta(days=1) for d in starts}
    return sorted(days)


def _covers(record: dict[str, Any], on: date) -> bool:
    start = date.fromisoformat(record["valid_from"])
    end = date.fromisoformat(record["valid_to"]) if record["valid_to"] else date.max
    return start <= on <= end


def test_valorisations_agree_with_lookup_for_every_key_on_every_date(demo_run: Path) -> None:
    store = demo_run / "t.sqlite"
    records = [r for folder in FOLDERS for r in _records(demo_run / folder)]
    with sqlite3.connect(store) as connection:
        keys = sorted(
            set(
                connection.execute(
                    "SELECT DISTINCT language, code_amb, IFNULL(code_hos, ''), age_min, age_max,"
                    " condition FROM tariffs"
                )
            ),
            key=repr,
        )
    assert len(keys) > 100
    matched: set[int] = set()
    answers = 0
    for language, code, hos, age_min, age_max, condition in keys:
        age = age_min if age_min is not None else age_max
        for on in _store_dates(store):
            for preferential in (True, False):
                expected = [
                    index
                    for index, r in enumerate(records)
                    if r["code_amb"] == code
                    and (r["code_hos"] or "") == hos
                    and r["labels"][language] is not None
                    and r["applicability"]
                    == {
                        "age_min": age_min,
                        "age_max": age_max,
                        "condition": condition or None,
                        "preferential": preferential,
                    }
                    and _covers(r, on)
                ]
                try:
                    tariff = api.lookup(
                        code, on, age=age, preferential=preferential, language=language,
                        condition=condition, store_path=store,
                    )  # fmt: skip
                except LookupFailedError:
                    assert expected == [], (code, on, language)
                    continue
                answers += 1
                assert len(expected) == 1, (code, on, language, expected)
                found = records[expected[0]]
                matched.add(expected[0])
                assert (found["fee"], found["reimbursement"], found["patient_share"]) == tuple(
                    None if v is None else f"{v:f}"
                    for v in (tariff.fee, tariff.reimbursement, tariff.copayment)
                )
                assert found["valid_from"] == tariff.effective_from.isoformat()
                assert found["valid_to"] == (
                    tariff.effective_to.isoformat() if tariff.effective_to else None
                )
                assert found["circular"] == tariff.circular
    assert answers > 500
    assert matched == set(range(len(records))), "a valorisation no lookup answers"


def test_run_ends_the_older_version_and_extract_leaves_it_open(
    demo_run: Path, tmp_path: Path
) -> None:
    older = _records(demo_run / FOLDERS[0])
    assert {r["valid_to"] for r in older} == {"2024-12-31"}
    assert {r["valid_to"] for r in _records(demo_run / FOLDERS[1])} == {None}
    assert main(["extract", str(FR_2025), "--out", str(tmp_path), "-q"]) == 0
    assert {r["valid_to"] for r in _records(tmp_path)} == {None}


def test_one_record_per_regime_with_both_labels(demo_run: Path) -> None:
    records = _records(demo_run / FOLDERS[1])
    first = [r for r in records if r["code_amb"] == "726530"]
    assert [(r["applicability"]["age_min"], r["applicability"]["preferential"]) for r in first] == [
        (None, True), (None, False), (24, True), (24, False),
    ]  # fmt: skip
    adult = first[2:]
    assert [(r["fee"], r["reimbursement"], r["patient_share"]) for r in adult] == [
        ("89.59", "85.59", "4.00"), ("89.59", "78.59", "11.00"),
    ]  # fmt: skip
    assert all(r["labels"]["fr"] and r["labels"]["nl"] for r in records)
    assert all(r["source"]["fr"] and r["source"]["nl"] for r in records)


def test_languages_that_disagree_keep_their_own_records() -> None:
    [french] = extract_file(FR_2025)
    [dutch] = extract_file(NL_2025)
    changed = [
        replace(row, fee=Decimal("1.23")) if row.code_amb == "726530" else row for row in dutch.rows
    ]
    records = [record(v) for v in valorisations([*french.rows, *changed])]
    code = [r for r in records if r["code_amb"] == "726530"]
    assert len(code) == 8  # two bands × two regimes × two languages
    assert {r["fee"] for r in code if r["labels"]["nl"]} == {"1.23"}
    assert {r["labels"]["nl"] for r in code if r["fee"] != "1.23"} == {None}


def test_csv_is_the_json_flattened(demo_run: Path) -> None:
    folder = demo_run / FOLDERS[1]
    with (folder / "valorisations.csv").open(encoding="utf-8", newline="") as stream:
        lines = list(csv.DictReader(stream))
    records = _records(folder)
    assert len(lines) == len(records)
    assert tuple(lines[0]) == FIELD_NAMES
    for line, data in zip(lines, records, strict=True):
        assert line["fee"] == (data["fee"] or "")
        assert line["preferential"] == str(data["applicability"]["preferential"]).lower()
        assert line["label_nl"] == data["labels"]["nl"]
        assert line["valid_to"] == (data["valid_to"] or "")


def _spread(data: dict[str, Any]) -> dict[str, Any]:
    """A record's nested objects spread out, in the CSV's column order (how flat() is meant)."""
    data = dict(data)
    applicability, labels, sources = (
        data.pop("applicability"),
        data.pop("labels"),
        data.pop("source"),
    )
    applicability["preferential"] = "true" if applicability["preferential"] else "false"
    data.update(applicability)
    data.update({f"label_{language}": text for language, text in labels.items()})
    data.update({f"source_{language}": text for language, text in sources.items()})
    return {name: data[name] for name in FIELD_NAMES}


def test_each_flat_line_is_its_record_spread_out_in_column_order() -> None:
    [french] = extract_file(FR_2025)
    [dutch] = extract_file(NL_2025)
    # One language alone, both together, amounts missing, a condition, a validity end.
    odd = [replace(dutch.rows[0], fee=None, condition="MET GMD", age_min=None, age_max=7)]
    validity = {
        (row_key(row), row.effective_from): (date(2025, 6, 30), _amounts(row))
        for row in french.rows[:4]
    }
    found = valorisations([*french.rows, *dutch.rows[1:], *odd], validity)
    assert any(v.valid_to for v in found) and any(len(v.labels) == 2 for v in found)
    assert any(len(v.labels) == 1 for v in found) and any(v.fee is None for v in found)
    # Neighbours each differing from the one before in one field only, the others the same
    # objects (flat_columns reads what consecutive records share once).
    neighbours = [found[0]]
    for change in (
        {"valid_from": date(2025, 2, 1)},
        {"valid_to": date(2025, 3, 1)},
        {"labels": (("fr", "autre"),)},
        {"circular": "2025/1"},
        {"sources": (("fr", "x.xlsx#S!A9"),)},
        {"key": ("726530", None, 3, None, None)},
    ):
        neighbours.append(replace(neighbours[-1], **change))  # type: ignore[arg-type]
    found = [*neighbours, *found]
    columns = flat_columns(found)
    lines = [dict(zip(FIELD_NAMES, line, strict=True)) for line in zip(*columns, strict=True)]
    assert len(lines) == len(found)
    for valorisation, line in zip(found, lines, strict=True):
        assert list(line.items()) == list(_spread(record(valorisation)).items())
    encode = json.JSONEncoder(ensure_ascii=False).encode
    written = "".join(valorisations_json(columns)).split("\n")
    assert [text.strip().removesuffix(",") for text in written[2:-3]] == [
        encode(record(valorisation)) for valorisation in found
    ]
    assert json.loads("".join(valorisations_json(flat_columns([])))) == {"valorisations": []}


def test_valorisations_written_in_chunks_are_each_record_in_order() -> None:
    """valorisations.json and .csv are written a thousand lines at a time: across the chunks'
    edges, every record once, in order (the lines as one CSV writer writes them at once)."""
    [french] = extract_file(FR_2025)
    found = valorisations(french.rows)
    many = [replace(v, circular=str(n)) for n in range(2100 // len(found) + 1) for v in found]
    columns = flat_columns(many)
    encode = json.JSONEncoder(ensure_ascii=False).encode
    written = "".join(valorisations_json(columns)).split("\n")
    assert [text.strip().removesuffix(",") for text in written[2:-3]] == [
        encode(record(valorisation)) for valorisation in many
    ]
    lines = [FIELD_NAMES, *zip(*columns, strict=True)]
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n").writerows(lines)
    assert "".join(csv_of_columns(columns)) == expected.getvalue()


def test_a_formula_label_is_quoted_in_the_csv() -> None:
    [french] = extract_file(FR_2025)
    rows = [replace(french.rows[0], description="=HYPERLINK(1)")]
    [first, _] = valorisations(rows)
    assert flat_columns([first])[FIELD_NAMES.index("label_fr")] == ["=HYPERLINK(1)"]
    from extractor.exports.valorisations import valorisations_csv

    assert "'=HYPERLINK(1)" in valorisations_csv([first])


@pytest.mark.parametrize("name", ["valorisations.csv", "chargeitemdefinitions.json"])
def test_golden_exports(demo_run: Path, name: str) -> None:
    """Regenerate with UPDATE_GOLDEN=1 and review the diff."""
    produced = (demo_run / FOLDERS[1] / name).read_text(encoding="utf-8")
    golden = GOLDEN / f"{FOLDERS[1]}.{name}"
    assert_golden(produced, golden)


def test_conditional_tariffs_agree_with_lookup(tmp_path: Path) -> None:
    """A code with a general tariff and one under a condition ('MET GMD'): one record each,
    and each is what lookup answers for that condition, from a real store."""
    from extractor.exports.validity import validity_in_store
    from extractor.store import Store

    [french] = extract_file(FR_2025)
    conditional = [
        replace(row, condition="MET GMD", fee=row.fee + 1 if row.fee is not None else None)
        for row in french.rows
        if row.code_amb == "726530"
    ]
    french.rows = [*french.rows, *conditional]
    with Store(tmp_path / "t.sqlite") as store, store.transaction():
        store.ingest(french, "0" * 64)
        records = [
            record(v) for v in valorisations(french.rows, validity_in_store(store, french.rows))
        ]
    code = [r for r in records if r["code_amb"] == "726530"]
    assert len(code) == 8
    for r in code:
        applicability = r["applicability"]
        tariff = api.lookup(
            "726530", date(2025, 6, 1), age=applicability["age_min"] or applicability["age_max"],
            preferential=applicability["preferential"], condition=applicability["condition"] or "",
            store_path=tmp_path / "t.sqlite",
        )  # fmt: skip
        assert (r["fee"], r["reimbursement"], r["patient_share"]) == (
            f"{tariff.fee:f}", f"{tariff.reimbursement:f}", f"{tariff.copayment:f}",
        )  # fmt: skip
    assert {r["applicability"]["condition"] for r in code} == {None, "MET GMD"}


def test_the_schema_is_the_export_fields_and_holds_the_written_csv(demo_run: Path) -> None:
    import pandas as pd

    from schemas import VALORISATION_TABLE

    assert tuple(VALORISATION_TABLE.columns) == FIELD_NAMES
    for folder in FOLDERS:
        written = pd.read_csv(
            demo_run / folder / "valorisations.csv", dtype=str, keep_default_na=False
        ).replace("", None)
        written[["age_min", "age_max"]] = written[["age_min", "age_max"]].astype("Int64")
        assert len(VALORISATION_TABLE.validate(written.astype(written.dtypes))) > 100


@pytest.mark.parametrize(
    "damage",
    [
        {"fee": Decimal("89.5")},  # not in cents
        {"valid_to": date(2024, 12, 31)},  # ends before it starts
        {"key": ("72653", None, 24, None, None)},  # not a nomenclature code
        {"labels": (), "sources": ()},  # nobody's record
        {"sources": ()},  # a label without its source
        "twice",  # the same key, regime and start twice in one language
    ],
    ids=["not-cents", "end-before-start", "code", "no-label", "no-source", "duplicate"],
)
def test_valorisations_that_break_the_schema_are_never_written(
    damage: dict[str, Any] | str, tmp_path: Path
) -> None:
    import pandera.pandas as pa

    from extractor.validate import validate_valorisations

    [french] = extract_file(FR_2025)
    records = valorisations(french.rows)
    validate_valorisations(flat_columns(records))  # sound as read
    broken = [*records, records[0]] if damage == "twice" else [
        replace(records[0], **damage), *records[1:]  # type: ignore[arg-type]
    ]  # fmt: skip
    with pytest.raises(pa.errors.SchemaErrors):
        validate_valorisations(flat_columns(broken))


def test_exports_are_validated_before_they_are_written(tmp_path: Path) -> None:
    """A validity ending before the row starts (our bug, not the circular's) writes nothing."""
    import pandera.pandas as pa

    from extractor.columns import AMOUNT_COLUMNS, row_key
    from extractor.export import write_exports

    [french] = extract_file(FR_2025)
    wrong = {
        (row_key(row), row.effective_from): (
            date(2024, 1, 1),
            tuple(getattr(row, name) for name in AMOUNT_COLUMNS),
        )
        for row in french.rows
    }
    with pytest.raises(pa.errors.SchemaErrors):
        write_exports([french], tmp_path, validity=wrong)
    assert not (tmp_path / "valorisations.json").exists()
    assert not (tmp_path / "chargeitemdefinitions.json").exists()
