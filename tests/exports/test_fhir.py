"""chargeitemdefinitions.json: every resource valid FHIR (R4B models), prices equal to the tariffs."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extractor.cli import main
from extractor.exports.fhir import NOMENCLATURE, PATIENT_FEE, REIMBURSEMENT, price_code_system
from extractor.settings import DEFAULT_FHIR_BASE
from tests.conftest import SAMPLES
from tests.exports.conftest import FOLDERS

FR_2025 = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"
PRICE_TYPES = {"base", "surcharge", "deduction", "discount", "tax", "informational"}


def _bundle(folder: Path) -> dict[str, Any]:
    text = (folder / "chargeitemdefinitions.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return data


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_charge_item_definition_validates(demo_run: Path, folder: str) -> None:
    bundle_model = pytest.importorskip("fhir.resources.R4B.bundle")
    definition = pytest.importorskip("fhir.resources.R4B.chargeitemdefinition")
    data = _bundle(demo_run / folder)
    assert data["type"] == "collection"
    bundle_model.Bundle.model_validate(data)
    assert len(data["entry"]) > 30
    informational = 0
    for entry in data["entry"]:
        resource = definition.ChargeItemDefinition.model_validate(entry["resource"])
        assert entry["fullUrl"] == resource.url
        assert resource.url.startswith(f"{DEFAULT_FHIR_BASE}/ChargeItemDefinition/")
        # The library does not enforce the price-component binding: we check it ourselves.
        for group in resource.propertyGroup:
            types = [component.type for component in group.priceComponent]
            assert set(types) <= PRICE_TYPES
            assert types.count("base") <= 1 and types[1:] == ["informational"] * (len(types) - 1)
            codes = [c.code.coding[0].code for c in group.priceComponent if c.type != "base"]
            assert codes == [c for c in (REIMBURSEMENT, PATIENT_FEE) if c in codes]
            informational += len(codes)
            systems = {c.code.coding[0].system for c in group.priceComponent if c.code}
            assert systems <= {price_code_system(DEFAULT_FHIR_BASE)}
            assert {c.amount.currency for c in group.priceComponent} == {"EUR"}
        assert [coding.system for coding in resource.code.coding] == [NOMENCLATURE]
    assert informational > 100


def test_prices_status_and_periods_follow_the_valorisations(demo_run: Path) -> None:
    for folder in FOLDERS:
        valorisations = json.loads(
            (demo_run / folder / "valorisations.json").read_text(encoding="utf-8")
        )["valorisations"]
        prices = []
        for entry in _bundle(demo_run / folder)["entry"]:
            resource = entry["resource"]
            period = resource["effectivePeriod"]
            assert resource["status"] == ("retired" if "end" in period else "active")
            for group in resource["propertyGroup"]:
                amounts = {
                    (c["code"]["coding"][0]["code"] if "code" in c else c["type"]): c["amount"][
                        "value"
                    ]
                    for c in group["priceComponent"]
                }
                assert all(isinstance(a, Decimal) for a in amounts.values())  # exact JSON numbers
                prices.append(
                    (resource["code"]["coding"][0]["code"], period["start"], period.get("end"),
                     *(None if (a := amounts.get(name)) is None else f"{a:f}"
                       for name in ("base", REIMBURSEMENT, PATIENT_FEE)))
                )  # fmt: skip
        expected = [
            (
                v["code_amb"],
                v["valid_from"],
                v["valid_to"],
                v["fee"],
                v["reimbursement"],
                v["patient_share"],
            )
            for v in valorisations
        ]
        assert prices == expected


def test_titles_expressions_and_provenance(demo_run: Path) -> None:
    entries = _bundle(demo_run / FOLDERS[1])["entry"]
    [adult] = [e["resource"] for e in entries if e["resource"]["id"] == "726530-20250101"]
    assert adult["language"] == "fr"
    assert adult["title"] == "Soutien 1ère ligne - cabinet – bénéficiaire seul"
    translation = adult["_title"]["extension"][0]
    assert translation["url"] == "http://hl7.org/fhir/StructureDefinition/translation"
    assert translation["extension"][0] == {"url": "lang", "valueCode": "nl"}
    assert adult["derivedFromUri"] == [
        "urn:inami-riziv:circular:2024/356:fr", "urn:inami-riziv:circular:2024/356:nl",
    ]  # fmt: skip
    applicabilities = [g["applicability"][0] for g in adult["propertyGroup"]]
    assert [a["expression"] for a in applicabilities] == [
        "%age <= 23 and %preferential = true",
        "%age <= 23 and %preferential = false",
        "%age >= 24 and %preferential = true",
        "%age >= 24 and %preferential = false",
    ]
    assert applicabilities[2]["description"] == "à partir de 24 ans, avec régime préférentiel"
    dutch = applicabilities[2]["_description"]["extension"][0]["extension"][1]["valueString"]
    assert dutch == "vanaf 24 jaar, met voorkeurregeling"
    assert {a["language"] for a in applicabilities} == {"text/fhirpath"}


def test_fhir_base_is_configurable_and_checked(tmp_path: Path, capsys: Any) -> None:
    base = "https://tariffs.example.be/fhir"
    arguments = ["extract", str(FR_2025), "--out", str(tmp_path), "-q", "--formats", "fhir"]
    assert main([*arguments, "--fhir-base", base]) == 0
    entries = _bundle(tmp_path)["entry"]
    assert all(e["resource"]["url"].startswith(f"{base}/ChargeItemDefinition/") for e in entries)
    assert all(e["resource"]["status"] == "active" for e in entries)
    with pytest.raises(SystemExit) as exit_info:
        main([*arguments, "--fhir-base", "not a url"])
    assert exit_info.value.code == 2
    assert "--fhir-base must be an http(s) URL" in capsys.readouterr().err
