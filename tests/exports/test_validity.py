"""The exports' validity periods are the store's versions, the ones lookup answers from: a
corrigendum that supersedes rows leaves every exported period equal to lookup's answer."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extractor import api
from extractor.api import extract_file
from extractor.cli import main
from extractor.columns import AMOUNT_COLUMNS, row_key
from extractor.exports.validity import Validity, validity_in_store, version_end
from extractor.model import TariffRow
from extractor.store import Store
from tests.builders import derive_workbook
from tests.conftest import SAMPLES

FR_2025 = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"
NL_2025 = SAMPLES / "V1 - Psychologische zorg - 01-01-2025-omzendbrief VI.xlsx"
TITLE = "Soins psychologiques de première ligne et soins psychologiques spécialisés à partir du {}"
THREE = ("726530", "726552", "726574")  # the codes the corrigendum corrects
END_2025 = date(2025, 12, 31)


def _one_more_euro(code: str, column: str, old: Decimal | None) -> Decimal | None:
    """Fee and reimbursements one euro more, co-payments unchanged: still consistent."""
    return old if old is None or column.startswith("copayment") else old + 1


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2025 in French and Dutch, a 2026 circular that ends it, then a French corrigendum of
    2025 (learnt before 2026 was): its folder is written knowing every version's end."""
    out = tmp_path_factory.mktemp("validity")
    store = ["--out", str(out), "--store", str(out / "t.sqlite"), "-q"]
    later = derive_workbook(
        FR_2025, out / "V1 - Soins psychologiques - 01-01-2026.xlsx",
        title=TITLE.format("1er janvier 2026"),
    )  # fmt: skip
    corrigendum = derive_workbook(
        FR_2025, out / "V1 - Soins psychologiques - 01-01-2025-corrigendum.xlsx",
        keep=THREE, transform=_one_more_euro,
    )  # fmt: skip
    runs = [
        ([FR_2025, NL_2025], "2024-12-20T10:00:00"),
        ([later], "2025-11-02T10:00:00"),
        ([corrigendum], "2025-02-15T10:00:00"),
    ]
    for files, recorded in runs:
        assert main(["run", *map(str, files), *store, "--recorded-at", recorded]) == 0
    return out


def _folder(out: Path) -> Path:
    [folder] = [p for p in out.iterdir() if p.is_dir() and "corrigendum" in p.name]
    return folder


def _lookup(out: Path, code: str, on: date, age: int | None, **asked: Any) -> api.Tariff:
    return api.lookup(code, on, age=age, store=out / "t.sqlite", **asked)


def test_valorisations_of_a_corrigendum_are_what_lookup_answers(corrected: Path) -> None:
    data = json.loads((_folder(corrected) / "valorisations.json").read_text(encoding="utf-8"))
    records = data["valorisations"]
    assert {r["code_amb"] for r in records} == set(THREE)
    for record in records:
        applicability = record["applicability"]
        start = date.fromisoformat(record["valid_from"])
        assert record["valid_to"] == END_2025.isoformat()
        for on in (start, END_2025, END_2025 + timedelta(days=1)):
            tariff = _lookup(
                corrected, record["code_amb"], on,
                applicability["age_min"] if applicability["age_min"] is not None
                else applicability["age_max"],
                preferential=applicability["preferential"], language="fr",
            )  # fmt: skip
            if on > END_2025:  # the next version, which the corrigendum does not change
                assert tariff.effective_from == date(2026, 1, 1)
                continue
            assert (record["fee"], record["reimbursement"], record["patient_share"]) == tuple(
                f"{amount:f}" for amount in (tariff.fee, tariff.reimbursement, tariff.copayment)
            )
            assert (record["valid_from"], record["valid_to"]) == (
                tariff.effective_from.isoformat(),
                tariff.effective_to.isoformat() if tariff.effective_to else None,
            )


def test_fhir_periods_of_a_corrigendum_are_what_lookup_answers(corrected: Path) -> None:
    bundle = json.loads(
        (_folder(corrected) / "chargeitemdefinitions.json").read_text(encoding="utf-8")
    )
    resources = [entry["resource"] for entry in bundle["entry"]]
    assert {r["code"]["coding"][0]["code"] for r in resources} == set(THREE)
    for resource in resources:
        code = resource["code"]["coding"][0]["code"]
        tariff = _lookup(corrected, code, date(2025, 6, 1), 30, language="fr")
        assert resource["effectivePeriod"] == {
            "start": tariff.effective_from.isoformat(),
            "end": END_2025.isoformat(),
        }
        assert tariff.effective_to == END_2025 and resource["status"] == "retired"


def test_rows_a_corrigendum_superseded_end_with_their_version(corrected: Path) -> None:
    """The Dutch 2025 rows of the corrected codes carry amounts no longer in force (the French
    corrigendum's are); their period is still their version's, as lookup in Dutch says."""
    [dutch] = extract_file(NL_2025)
    with Store(corrected / "t.sqlite") as store:
        superseded = {row_key(s.row) for code in THREE for s in store.history(code) if s.superseded}
        validity = validity_in_store(store, dutch.rows)
    rows = [row for row in dutch.rows if row_key(row) in superseded and row.language == "nl"]
    assert len(rows) >= len(THREE)
    for row in rows:
        tariff = _lookup(
            corrected, row.code_amb, date(2025, 6, 1), row.age_min or row.age_max,
            language="nl", condition=row.condition or "",
        )  # fmt: skip
        assert _version_end(validity, row) == (False, END_2025)
        assert tariff.effective_to == END_2025
    untouched = [row for row in dutch.rows if row.code_amb not in THREE]
    assert untouched and {_version_end(validity, row) for row in untouched} == {(True, END_2025)}


def _version_end(validity: Validity, row: TariffRow) -> tuple[bool, date | None]:
    amounts = tuple(getattr(row, name) for name in AMOUNT_COLUMNS)
    return version_end(validity, row_key(row), row.effective_from, amounts)


def test_a_circular_exported_after_its_corrigendum_answers_once(tmp_path: Path) -> None:
    """Exported again once the store knows its corrigendum, a circular's corrected rows are in
    force on no day: its valorisations leave them out (tariffs.csv keeps them as printed), so
    that on every date each key, regime and language has one record, the one lookup answers."""
    corrigendum = derive_workbook(
        FR_2025, tmp_path / "V1 - Soins psychologiques - 01-01-2025-corrigendum.xlsx",
        keep=THREE, transform=_one_more_euro,
    )  # fmt: skip
    out = tmp_path / "out"
    common = ["--out", str(out), "--store", str(out / "t.sqlite"), "-q"]
    for files in ([FR_2025, NL_2025], [corrigendum], [FR_2025, NL_2025]):
        assert main(["run", *map(str, files), *common]) == 0
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == 2
    records = [
        r
        for folder in folders
        for r in json.loads((folder / "valorisations.json").read_text(encoding="utf-8"))[
            "valorisations"
        ]
    ]
    printed = {
        line.split(",")[3]
        for line in (_original(out) / "tariffs.csv").read_text(encoding="utf-8").splitlines()
    }
    assert set(THREE) <= printed  # the circular's rows as printed, corrected ones too
    on = date(2025, 6, 1)
    for record in records:
        applicability = record["applicability"]
        for language in ("fr", "nl"):
            if record["labels"][language] is None:
                continue
            same = [
                r for r in records
                if r["labels"][language] is not None and r["code_amb"] == record["code_amb"]
                and r["code_hos"] == record["code_hos"] and r["applicability"] == applicability
            ]  # fmt: skip
            assert len(same) == 1, (record["code_amb"], language, same)
            tariff = _lookup(
                out, record["code_amb"], on,
                applicability["age_min"] if applicability["age_min"] is not None
                else applicability["age_max"],
                preferential=applicability["preferential"], language=language,
                condition=applicability["condition"] or "",
            )  # fmt: skip
            assert (record["fee"], record["reimbursement"], record["patient_share"]) == tuple(
                None if amount is None else f"{amount:f}"
                for amount in (tariff.fee, tariff.reimbursement, tariff.copayment)
            )


def _original(out: Path) -> Path:
    [folder] = [p for p in out.iterdir() if p.is_dir() and "corrigendum" not in p.name]
    return folder
