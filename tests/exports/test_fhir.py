"""chargeitemdefinitions.json: every resource valid FHIR (R4B models), prices equal to the tariffs."""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    assert main([*arguments, "--fhir-base", "not a url"]) == 2
    assert "--fhir-base must be an http(s) URL" in capsys.readouterr().err


def test_a_condition_is_in_the_expression_and_the_description() -> None:
    from dataclasses import replace

    from extractor.api import extract_file
    from extractor.exports.fhir import bundle
    from extractor.exports.valorisations import valorisations

    [french] = extract_file(FR_2025)
    rows = [r for r in french.rows if r.code_amb == "726530"]
    rows += [replace(r, condition="MET GMD 'B'") for r in rows]
    [entry] = bundle(valorisations(rows), DEFAULT_FHIR_BASE)["entry"]
    groups = [g["applicability"][0] for g in entry["resource"]["propertyGroup"]]
    assert [g["expression"] for g in groups if "%age >= 24" in g["expression"]] == [
        "%age >= 24 and %preferential = true and %condition = ''",
        "%age >= 24 and %preferential = false and %condition = ''",
        "%age >= 24 and %preferential = true and %condition = 'MET GMD \\'B\\''",
        "%age >= 24 and %preferential = false and %condition = 'MET GMD \\'B\\''",
    ]
    descriptions = [g["description"] for g in groups]
    assert "à partir de 24 ans, avec régime préférentiel, tarif général" in descriptions
    assert "à partir de 24 ans, sans régime préférentiel, condition : MET GMD 'B'" in descriptions


def test_each_resource_is_the_same_built_alone_or_among_others() -> None:
    """Applicabilities are built once per export and reused: a resource's must still be its
    own (a general tariff beside a conditional one, one language beside two)."""
    from dataclasses import replace

    from extractor.api import extract_file
    from extractor.exports.fhir import bundle
    from extractor.exports.valorisations import valorisations

    [french] = extract_file(FR_2025)
    [dutch] = extract_file(SAMPLES / "V1 - Psychologische zorg - 01-01-2025-omzendbrief VI.xlsx")
    codes = sorted({r.code_amb for r in french.rows})[:3]
    conditional = [replace(r, condition="MET GMD") for r in french.rows if r.code_amb == codes[0]]
    rows = [r for r in [*french.rows, *dutch.rows] if r.code_amb in codes[:2]]
    rows += [r for r in french.rows if r.code_amb == codes[2]] + conditional
    records = valorisations(rows)
    together = bundle(records, DEFAULT_FHIR_BASE)["entry"]
    alone = [
        entry
        for code in codes
        for entry in bundle([v for v in records if v.value("code_amb") == code], DEFAULT_FHIR_BASE)[
            "entry"
        ]
    ]
    assert len(together) == 3
    assert sorted(json.dumps(e, sort_keys=True) for e in together) == sorted(
        json.dumps(e, sort_keys=True) for e in alone
    )


def _encoded_entries(records: list[Any], base: str) -> list[str]:
    """Each entry as bundle_json wrote it before it encoded repeated parts once: the whole
    entry through the encoder, then the amounts' marks taken out."""
    from extractor.exports.fhir import _MARKED, _number, bundle

    encode = json.JSONEncoder(ensure_ascii=False).encode
    return [_MARKED.sub(_number, encode(entry)) for entry in bundle(records, base)["entry"]]


@functools.cache
def _sample_rows() -> tuple[Any, ...]:
    from extractor.api import extract_file

    [french] = extract_file(FR_2025)
    [dutch] = extract_file(SAMPLES / "V1 - Psychologische zorg - 01-01-2025-omzendbrief VI.xlsx")
    return (*french.rows[:12], *dutch.rows[:12])


_amounts = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=10**6, places=2),
    st.sampled_from([Decimal("0"), Decimal("-0.00"), Decimal("1E+3"), Decimal("12.3456")]),
)
_conditions = st.sampled_from([None, "MET GMD", "Tarif B 'x'", "\x00decimal:5", 'é \\ "'])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(_amounts, _amounts, _amounts, _conditions), min_size=1, max_size=24),
    st.sampled_from([DEFAULT_FHIR_BASE, "https://fhir.example.be/r4/é"]),
    st.booleans(),
)
def test_the_bundle_text_is_its_entries_encoded_whole(
    changes: list[tuple[Any, Any, Any, str | None]], base: str, ended: bool
) -> None:
    """bundle_json encodes each applicability and price component once per export: its text
    is, entry for entry, what encoding bundle()'s entries whole gives (amounts missing, odd
    or negative zero, conditions, both languages, circulars unknown, validities ended)."""
    from dataclasses import replace
    from datetime import date

    from extractor.columns import AMOUNT_COLUMNS, row_key
    from extractor.exports.fhir import bundle_json
    from extractor.exports.valorisations import valorisations

    rows = [
        replace(
            row,
            fee=fee,
            reimbursement_preferential=reimbursement,
            copayment_standard=copayment,
            condition=condition,
            description=condition or row.description,
            circular="" if index % 4 == 0 else row.circular,
        )
        for index, (row, (fee, reimbursement, copayment, condition)) in enumerate(
            zip(_sample_rows(), changes, strict=False)
        )
    ]
    validity = None
    if ended:
        validity = {
            (row_key(row), row.effective_from): (
                date(2025, 12, 31),
                tuple(getattr(row, name) for name in AMOUNT_COLUMNS),
            )
            for row in rows[::2]
        }
    records = valorisations(rows, validity)
    expected = _encoded_entries(records, base)
    lines = "".join(bundle_json(records, base)).split("\n")
    assert lines[:4] == [
        "{",
        '  "resourceType": "Bundle",',
        '  "type": "collection",',
        '  "entry": [',
    ]
    assert [line.strip().removesuffix(",") for line in lines[4:-3]] == expected
    assert lines[-3:] == ["  ]", "}", ""]
