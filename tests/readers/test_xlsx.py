"""The XLSX reader on workbooks built here: one layout trait per test."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.api import extract_file
from extractor.errors import NoTariffTableError, UnreadableInputError
from extractor.model import Extraction
from extractor.settings import XLSX_ENGINES, Options, ReadSettings
from tests.builders import NL_HEADER, add_cached_formulas, header_rows, write_workbook

SETTINGS = ReadSettings()


@pytest.fixture(autouse=True, params=XLSX_ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every trait is read by both engines: calamine (default) and openpyxl (reference)."""
    global SETTINGS
    SETTINGS = ReadSettings(xlsx_engine=request.param)
    yield
    SETTINGS = ReadSettings()


def _extract_file(path: Path) -> list[Extraction]:
    return extract_file(path, Options(settings=SETTINGS))


TITLE = ["Soins psychologiques de première ligne à partir du 1er janvier 2025"]


def _workbook(tmp_path: Path, body: list[list[object]], **kwargs: object) -> Path:
    header, merges = header_rows(3)
    rows = [TITLE, ["1. Bénéficiaires à partir de l'âge de 24 ans"], *header, *body]
    return write_workbook(tmp_path / "annexe.xlsx", rows, merges=merges, **kwargs)  # type: ignore[arg-type]


def test_text_amounts_with_decimal_commas(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path,
        [["726530", "-", "Soutien - cabinet", "1.234,56", "1.230,56", "1 223,56", "4,00", "11"]],
    )
    [extraction] = _extract_file(path)
    [row] = extraction.rows
    assert (row.fee, row.reimbursement_standard, row.copayment_standard) == (
        Decimal("1234.56"), Decimal("1223.56"), Decimal("11.00"),
    )  # fmt: skip
    assert (row.age_min, row.age_max, row.code_hos) == (24, None, None)
    assert str(row.source) == "annexe.xlsx#Feuil1!A5"


def test_hidden_rows_and_columns_are_not_data(tmp_path: Path) -> None:
    body = [
        [726530, "-", "Soutien - cabinet", 89.59, 85.59, 78.59, 4, 11],
        [726552, "-", "Ligne cachée", 1, 1, 1, 0, 0],
    ]
    path = _workbook(tmp_path, body, hidden_rows=[6])
    [extraction] = _extract_file(path)
    assert [row.code_amb for row in extraction.rows] == ["726530"]


def test_hidden_column_between_columns(tmp_path: Path) -> None:
    header, merges = header_rows(3)
    rows = [TITLE, ["1. Section"]]
    rows += [[*r[:3], "note interne", *r[3:]] for r in header]
    rows.append([726530, "-", "Soutien - cabinet", "secret", 89.59, 85.59, 78.59, 4, 11])
    merges = ["A3:B3", "F3:G3", "H3:I3", "C3:C4", "E3:E4"]
    path = write_workbook(tmp_path / "annexe.xlsx", rows, merges=merges, hidden_columns=["D"])
    [extraction] = _extract_file(path)
    assert extraction.rows[0].fee == Decimal("89.59")


def test_formula_cells_give_their_cached_values(tmp_path: Path) -> None:
    path = _workbook(tmp_path, [[726530, "-", "Soutien - cabinet", 89.59, 85.59, 78.59, 4, 11]])
    add_cached_formulas(path, {"E5": "85.59", "F5": "78.59"})
    [extraction] = _extract_file(path)
    assert extraction.rows[0].reimbursement_standard == Decimal("78.59")


def test_dutch_sheet_and_columns_in_another_order(tmp_path: Path) -> None:
    top, sub = NL_HEADER
    order = [2, 0, 1, 6, 7, 3, 4, 5]  # description first, co-payments before the fee
    rows = [
        ["Eerstelijnspsychologische zorg vanaf 1 januari 2025"],
        ["1. Rechthebbenden jonger dan 24 jaar"],
        [top[i] for i in order],
        [sub[i] for i in order],
        ["Eerstelijnsondersteuning - praktijk", 726530, "-", 4, 11, 89.59, 85.59, 78.59],
    ]
    merges = ["B3:C3", "D3:E3", "G3:H3", "A3:A4", "F3:F4"]
    path = write_workbook(tmp_path / "bijlage.xlsx", rows, merges=merges, sheet="Blad1")
    [extraction] = _extract_file(path)
    [row] = extraction.rows
    assert extraction.info.language == "nl"
    assert (row.age_min, row.age_max) == (None, 23)
    assert (row.fee, row.reimbursement_preferential, row.copayment_standard) == (
        Decimal("89.59"), Decimal("85.59"), Decimal("11.00"),
    )  # fmt: skip


def test_french_and_dutch_sheets_in_one_workbook(tmp_path: Path) -> None:
    fr_header, merges = header_rows(3)
    nl_header, _ = header_rows(3, NL_HEADER)
    body = [[726530, "-", "Soutien - cabinet", 89.59, 85.59, 78.59, 4, 11]]
    nl_rows = [["Psychologische zorg vanaf 1 januari 2025"], ["1. Rechthebbenden vanaf 24 jaar"], *nl_header,
               [726530, "-", "Ondersteuning - praktijk", 89.59, 85.59, 78.59, 4, 11]]  # fmt: skip
    path = write_workbook(
        tmp_path / "annexe.xlsx", [TITLE, ["1. Bénéficiaires à partir de 24 ans"], *fr_header, *body],
        merges=merges, extra_sheets={"Blad1": nl_rows},
    )  # fmt: skip
    extractions = _extract_file(path)
    assert [e.info.language for e in extractions] == ["fr", "nl"]


def test_fee_only_rows_and_footnotes(tmp_path: Path) -> None:
    body = [
        [726655, "-", "Soutien - Psychologue - 1 1", 238.90, 53.76, 53.76, 2.5, 2.5],
        [727436, "-", "Soutien - Psychologue - 2", 238.90, 0, 0, 0, 0],
        [None],
        ["1 Intervention AMI théorique par patient"],
        ["3. MISSIONS DE SOUTIEN"],
        [726950, "-", "Conseil", 89.59],
    ]
    [extraction] = _extract_file(_workbook(tmp_path, body))
    first, second, fee_only = extraction.rows
    assert first.description == "Soutien - Psychologue - 1"
    assert first.footnotes == "(1) Intervention AMI théorique par patient"
    assert second.description == "Soutien - Psychologue - 2" and second.footnotes == ""
    assert fee_only.fee == Decimal("89.59") and fee_only.reimbursement_standard is None
    assert (fee_only.age_min, fee_only.section) == (None, "3. MISSIONS DE SOUTIEN")


def test_partial_amounts_are_flagged_not_filled(tmp_path: Path) -> None:
    body = [[726530, "-", "Soutien - cabinet", 89.59, 85.59, None, 4, 11]]
    [extraction] = _extract_file(_workbook(tmp_path, body))
    assert extraction.rows == []
    [issue] = [i for i in extraction.issues if i.raw]
    assert (issue.rule, issue.code, str(issue.location)) == (
        "amount-missing",
        "726530",
        "annexe.xlsx#Feuil1!A5",
    )


def test_bad_check_digit_and_precision_are_rejected(tmp_path: Path) -> None:
    body = [
        [726531, "-", "Mauvais chiffre de contrôle", 89.59, 85.59, 78.59, 4, 11],
        [726552, "-", "Trois décimales", "89,595", 85.59, 78.59, 4, 11],
        [726574, "-", "Correcte", 89.59, 85.59, 78.59, 4, 11],
    ]
    [extraction] = _extract_file(_workbook(tmp_path, body))
    assert [row.code_amb for row in extraction.rows] == ["726574"]
    rules = sorted((i.code, i.rule) for i in extraction.issues if i.raw)
    assert rules == [("726531", "code-check-digit"), ("726552", "amount-precision")]


def test_fee_not_sum_warns_only_in_individual_sections(tmp_path: Path) -> None:
    body = [
        ["1.1. Séance individuelle"],
        [726530, "-", "a", 89.59, 85.59, 78.59, 4, 11],
        [726552, "-", "b", 89.59, 85.59, 78.59, 4, 11],
        [726574, "-", "c", 89.59, 80.00, 78.59, 4, 11],
        ["1.2. Séance de groupe"],
        [726655, "-", "d", 238.90, 53.76, 53.76, 2.5, 2.5],
        [726670, "-", "e", 238.90, 238.90, 238.90, 0, 0],
    ]
    [extraction] = _extract_file(_workbook(tmp_path, body))
    assert len(extraction.rows) == 5
    warnings = [(i.code, i.rule, i.severity) for i in extraction.issues if i.raw]
    assert warnings == [("726574", "fee-not-sum", "warning")]


def test_empty_and_headerless_workbooks(tmp_path: Path) -> None:
    with pytest.raises(NoTariffTableError, match="holds no data"):
        _extract_file(write_workbook(tmp_path / "vide.xlsx", []))
    prose = [
        ["Communication aux organismes assureurs à partir du 1er janvier 2025"],
        ["Le code 726530 change."],
    ]
    with pytest.raises(NoTariffTableError, match="no tariff table"):
        _extract_file(write_workbook(tmp_path / "prose.xlsx", prose))


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "annexe.xlsx"
    path.write_bytes(b"PK\x03\x04 this zip is cut short")
    with pytest.raises(UnreadableInputError, match=r"annexe\.xlsx"):
        _extract_file(path)


def test_group_labels_not_merged_over_their_regimes(tmp_path: Path) -> None:
    header, _ = header_rows(3)
    path = write_workbook(tmp_path / "annexe.xlsx", [TITLE, ["1. Section"], *header,
                          [726530, "-", "Soutien - cabinet", 89.59, 85.59, 78.59, 4, 11]])  # fmt: skip
    [extraction] = _extract_file(path)
    [row] = extraction.rows
    assert (row.reimbursement_standard, row.copayment_standard) == (
        Decimal("78.59"),
        Decimal("11.00"),
    )


def test_error_cells_keep_their_error_value(tmp_path: Path) -> None:
    body = [
        [726530, "-", "Soutien - cabinet", 89.59, "#N/A", 78.59, 4, 11],
        [726552, "-", "Soutien - domicile", 89.59, 85.59, 78.59, 4, 11],
    ]
    [extraction] = _extract_file(_workbook(tmp_path, body))
    assert [row.code_amb for row in extraction.rows] == ["726552"]
    [issue] = [i for i in extraction.issues if i.code == "726530"]
    assert "#N/A" in issue.raw
