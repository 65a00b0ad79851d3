"""Both nomenclature codes in one column (`Code amb. / hosp.` over `726530 / 726541`) in a
workbook, French and Dutch, both engines (the PDF side: tests/readers/test_pdf_writer_tables.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from extractor.api import extract_file
from extractor.settings import XLSX_ENGINES, Options, ReadSettings
from tests.builders import write_workbook

SHEETS = {
    "fr": (
        ["Tarifs des psychologues à partir du 1er janvier 2025"],
        ["Code amb. / hosp.", "Libellé", "Honoraires", "Intervention BIM", "Intervention non BIM"],
        ("Séance individuelle", "Séance de groupe"),
    ),
    "nl": (
        ["Tarieven psychologen vanaf 1 januari 2025"],
        ["Code amb. / hosp.", "Omschrijving", "Honorarium", "Tegemoetkoming VT",
         "Tegemoetkoming niet-VT"],
        ("Individuele sessie", "Groepssessie"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_xlsx_both_codes_in_one_column(tmp_path: Path, language: str, engine: str) -> None:
    title, header, (individual, group) = SHEETS[language]
    rows: list[list[object]] = [
        title,
        header,
        ["726530 / 726541", individual, "89,59", "85,59", "78,59"],
        ["726552 / -", group, "40,00", "38,00", "35,00"],
    ]
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    [extraction] = extract_file(path, Options(settings=ReadSettings(xlsx_engine=engine)))
    assert [(row.code_amb, row.code_hos, row.fee) for row in extraction.rows] == [
        ("726530", "726541", Decimal("89.59")),
        ("726552", None, Decimal("40.00")),
    ]
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_xlsx_a_code_pair_that_does_not_read_is_flagged(tmp_path: Path, language: str) -> None:
    """`726530 / 72654` (a hospital code of five digits): the line is flagged, not kept with
    one code, nor dropped."""
    title, header, (individual, _) = SHEETS[language]
    rows: list[list[object]] = [
        title,
        header,
        ["726530 / 72654", individual, "89,59", "85,59", "78,59"],
    ]
    [extraction] = extract_file(write_workbook(tmp_path / f"{language}.xlsx", rows))
    assert extraction.rows == []
    assert [i.rule for i in extraction.issues if i.severity == "error"] == ["code-format"]


@pytest.mark.parametrize("engine", XLSX_ENGINES)
def test_xlsx_a_hospital_code_without_ambulatory_code_is_flagged(
    tmp_path: Path, engine: str
) -> None:
    """`-` under `AMB` and a hospital code under `HOS`: a row is keyed by its ambulatory code,
    so the line is flagged with its cells and the others kept (it had stopped the whole file
    with an internal error, nothing written)."""
    title, _, (individual, group) = SHEETS["fr"]
    amounts = ["89,59", "85,59", "78,59"]
    rows: list[list[object]] = [
        title,
        ["Pseudocode", None, "Libellé", "Honoraires", "Intervention BIM", "Intervention non BIM"],
        ["AMB", "HOS", None, None, None, None],
        ["726530", "726541", individual, *amounts],
        ["-", "726563", group, *amounts],
    ]
    path = write_workbook(tmp_path / "fr.xlsx", rows, merges=["A2:B2"])
    [extraction] = extract_file(path, Options(settings=ReadSettings(xlsx_engine=engine)))
    assert [(row.code_amb, row.code_hos) for row in extraction.rows] == [("726530", "726541")]
    [flagged] = [i for i in extraction.issues if i.severity == "error"]
    assert (flagged.rule, str(flagged.location)) == ("code-format", "fr.xlsx#Feuil1!A5")
    assert "726563" in flagged.raw and "85,59" in flagged.raw
