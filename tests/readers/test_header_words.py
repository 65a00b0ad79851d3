"""Header words of tables beyond the psychological-care circulars (physiotherapists, nurses,
mutuality republications), French and Dutch, on workbooks and PDFs built here."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from extractor.api import extract_file
from extractor.model import Extraction
from extractor.settings import PDF_ENGINES, XLSX_ENGINES, Options, ReadSettings
from tests.builders import write_workbook
from tests.pdf_builder import Grid, Text, write_pdf

LEAD = {
    "fr": "Tarifs des kinésithérapeutes à partir du 1er janvier 2025",
    "nl": "Tarieven van de kinesitherapeuten vanaf 1 januari 2025",
}
AMOUNTS = (
    ("29,96", "26,96", "22,47", "3,00", "7,49"),
    ("1.234,56", "1.230,56", "1.225,56", "4,00", "9,00"),
)
LABELS = {
    "fr": ("Séance individuelle", "Séance à domicile"),
    "nl": ("Individuele zitting", "Zitting aan huis"),
}
ROWS = {
    language: tuple(
        (code, label, *amounts)
        for code, label, amounts in zip(("560011", "560151"), labels, AMOUNTS, strict=True)
    )
    for language, labels in LABELS.items()
}
WANT = {
    "560011": tuple(Decimal(v) for v in ("29.96", "26.96", "22.47", "3.00", "7.49")),
    "560151": tuple(Decimal(v) for v in ("1234.56", "1230.56", "1225.56", "4.00", "9.00")),
}
# What the patient pays under INAMI's own word ("intervention personnelle", which holds the
# word "intervention") or a mutuality's ("eigen bijdrage"); regimes as VT / niet-VT, VIPO.
HEADERS = {
    "fr": (
        ("Code", "Libellé", "Honoraires", "Remboursement", None, "Intervention personnelle", None),
        (None, None, None, "VIPO", "non VIPO", "VIPO", "non VIPO"),
    ),
    "nl": (
        ("Code", "Omschrijving", "Honorarium", "Terugbetaling", None, "Eigen bijdrage", None),
        (None, None, None, "VT", "niet-VT", "VT", "niet-VT"),
    ),
}


def _amounts(extraction: Extraction) -> dict[str, tuple[Decimal | None, ...]]:
    return {
        row.code_amb: (
            row.fee,
            row.reimbursement_preferential,
            row.reimbursement_standard,
            row.copayment_preferential,
            row.copayment_standard,
        )
        for row in extraction.rows
    }


def _check(path: Path, settings: ReadSettings) -> None:
    [extraction] = extract_file(path, Options(settings=settings))
    assert _amounts(extraction) == WANT
    assert {row.condition for row in extraction.rows} == {None}
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_xlsx_patient_share_and_regime_words(tmp_path: Path, language: str, engine: str) -> None:
    top, sub = HEADERS[language]
    rows: list[list[object]] = [[LEAD[language]], list(top), list(sub)]
    rows += [[code, text, *amounts] for code, text, *amounts in ROWS[language]]
    path = write_workbook(tmp_path / f"{language}.xlsx", rows, merges=["D2:E2", "F2:G2"])
    _check(path, ReadSettings(xlsx_engine=engine))


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_pdf_patient_share_and_regime_words(tmp_path: Path, language: str, engine: str) -> None:
    top, sub = HEADERS[language]
    edges = (40.0, 80.0, 250.0, 300.0, 350.0, 400.0, 450.0, 500.0)
    header = (
        tuple((text, n, 2 if n in (3, 5) else 1) for n, text in enumerate(top) if text),
        tuple((text, n, 1) for n, text in enumerate(sub) if text),
    )
    items = [Text(LEAD[language]), Grid(edges, header, ROWS[language])]
    _check(write_pdf(tmp_path / f"{language}.pdf", items), ReadSettings(pdf_engine=engine))


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_second_pair_under_another_word_is_not_a_condition(tmp_path: Path, language: str) -> None:
    """A second reimbursement pair whose label does not keep the first label's words is a
    column we cannot place, not the same amounts under a condition: every row is flagged,
    none is written with another column's amounts."""
    second = {"fr": "Supplément forfaitaire intervention", "nl": "Forfaitaire tegemoetkoming"}
    top, sub = HEADERS[language]
    top = (*top[:5], second[language], None)
    rows: list[list[object]] = [[LEAD[language]], list(top), list(sub)]
    rows += [[code, text, *amounts] for code, text, *amounts in ROWS[language]]
    path = write_workbook(tmp_path / f"{language}.xlsx", rows, merges=["D2:E2", "F2:G2"])
    [extraction] = extract_file(path)
    assert extraction.rows == []
    assert [i.rule for i in extraction.issues if i.severity == "error"] == ["header-unclear"] * 2


# Header words of other tables: nomenclature numbers, a convention's tariff, the insurance's
# share under its acronym, regimes as "bénéficiaires préférentiels / ordinaires", "gewoon".
VARIANTS = {
    "fr": (
        ("N° nomenclature", "Prestation", "Honoraires", "Intervention BIM", "Intervention non BIM"),
        ("Numéro de nomenclature", "Libellé", "Honoraires",
         "Intervention bénéficiaires préférentiels", "Intervention bénéficiaires ordinaires"),
        ("Code", "Libellé", "Honoraires", "Remboursement avec intervention majorée",
         "Remboursement sans intervention majorée"),
    ),
    "nl": (
        ("Nomenclatuur", "Omschrijving", "Honorarium", "ZIV-tegemoetkoming VT",
         "ZIV-tegemoetkoming niet-VT"),
        ("Code", "Omschrijving", "Conventietarief", "Tegemoetkoming voorkeurgerechtigden",
         "Tegemoetkoming gewone rechthebbenden"),
        ("Nummer", "Omschrijving", "Honorarium", "Bedrag terugbetaling VT",
         "Bedrag terugbetaling gewoon"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("variant", [0, 1, 2])
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_xlsx_header_words_of_other_tables(tmp_path: Path, language: str, variant: int) -> None:
    code, label, *amounts = ROWS[language][0]
    rows: list[list[object]] = [
        [LEAD[language]],
        list(VARIANTS[language][variant]),
        [code, label, *amounts[:3]],
    ]
    [extraction] = extract_file(write_workbook(tmp_path / f"{language}.xlsx", rows))
    assert _amounts(extraction) == {code: (*WANT[code][:3], None, None)}
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_xlsx_qualifier_line_in_the_code_column(tmp_path: Path, language: str, engine: str) -> None:
    """'MET GMD' / 'avec DMG' written where the code would be, under a consultation: that
    code's tariff with a global medical file, not a code that fails to read."""
    qualifier = {"fr": "avec DMG", "nl": "MET GMD"}[language]
    header = {
        "fr": ["Code", "Libellé", "Honoraires", "Intervention BIM", "Intervention non BIM"],
        "nl": ["Code", "Omschrijving", "Honorarium", "Tegemoetkoming VT", "Tegemoetkoming niet-VT"],
    }[language]
    label = {"fr": "Consultation", "nl": "Raadpleging"}[language]
    rows: list[list[object]] = [
        [LEAD[language]],
        header,
        ["101032", label, 25.68, 24.18, 19.68],
        [qualifier, None, None, 24.68, 21.68],
    ]
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    [extraction] = extract_file(path, Options(settings=ReadSettings(xlsx_engine=engine)))
    tariffs = {
        row.condition: (row.fee, row.reimbursement_preferential, row.reimbursement_standard)
        for row in extraction.rows
    }
    assert tariffs == {
        None: (Decimal("25.68"), Decimal("24.18"), Decimal("19.68")),
        qualifier: (Decimal("25.68"), Decimal("24.68"), Decimal("21.68")),
    }
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]
