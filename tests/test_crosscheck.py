"""A PDF and its XLSX annex read together: agreeing rows kept once, differences flagged."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from extractor.api import Options, export, export_csv, extract
from extractor.errors import UsageError
from extractor.settings import ExportSettings
from tests.builders import header_rows, write_workbook
from tests.pdf_builder import Header, Row, Text, cover, write_pdf

AMOUNT_COLUMNS = ("89,59", "85,59", "78,59", "4,00", "11,00")


def _pair(tmp_path: Path, xlsx_fee: float) -> list[Path]:
    pdf = write_pdf(
        tmp_path / "Circulaire OA 2024-356.pdf",
        [*cover(), Text("1. Bénéficiaires à partir de l'âge de 24 ans"), Header(),
         Row("726530", "Soutien - cabinet", AMOUNT_COLUMNS), Row("726552", "Soutien - lieu", AMOUNT_COLUMNS)],
    )  # fmt: skip
    header, merges = header_rows(3)
    rows = [
        ["Soins psychologiques à partir du 1er janvier 2025"],
        ["1. Bénéficiaires à partir de l'âge de 24 ans"],
        *header,
        [726530, "-", "Soutien - cabinet", 89.59, 85.59, 78.59, 4, 11],
        [726552, "-", "Soutien - lieu", xlsx_fee, 85.59, 78.59, 4, 11],
    ]
    xlsx = write_workbook(tmp_path / "annexe 01-01-2025.xlsx", rows, merges=merges)
    return [pdf, xlsx]


def test_agreeing_sources_merge_into_one_table(tmp_path: Path) -> None:
    [merged] = extract(_pair(tmp_path, 89.59))
    assert [row.code_amb for row in merged.rows] == ["726530", "726552"]
    assert merged.info.circular == "2024/356"  # the workbook takes the number the PDF prints
    assert all(row.source.file == "annexe 01-01-2025.xlsx" for row in merged.rows)
    assert not [issue for issue in merged.issues if issue.severity == "error"]


def test_differing_amount_names_both_places(tmp_path: Path) -> None:
    [merged] = extract(_pair(tmp_path, 89.95))
    assert [row.code_amb for row in merged.rows] == ["726530"]
    [issue] = [issue for issue in merged.issues if issue.rule == "source-mismatch"]
    assert issue.code == "726552" and issue.severity == "error"
    assert "fee 89.59 in Circulaire OA 2024-356.pdf#page=1&line=" in issue.message
    assert "vs 89.95 in annexe 01-01-2025.xlsx#Feuil1!A6" in issue.message


def _annex(path: Path, *lines: tuple[int, float]) -> Path:
    header, merges = header_rows(3)
    rows = [
        ["Soins psychologiques à partir du 1er janvier 2025"],
        ["1. Bénéficiaires à partir de l'âge de 24 ans"],
        *header,
        *([code, "-", "Soutien", fee, 85.59, 78.59, 4, 11] for code, fee in lines),
    ]
    return write_workbook(path, rows, merges=merges)


@pytest.mark.parametrize("second_fee", [89.59, 89.95], ids=["same-amounts", "other-amounts"])
def test_a_tariff_given_twice_for_one_date_is_refused_before_anything_is_written(
    tmp_path: Path, second_fee: float
) -> None:
    """tariffs.csv's primary key is one row per language, tariff and date: two annexes of one
    date that both list 726552 (the same file twice, or two editions) cannot both be written."""
    first = _annex(tmp_path / "annexe 01-01-2025.xlsx", (726530, 89.59), (726552, 89.59))
    second = _annex(tmp_path / "annexe 01-01-2025 bis.xlsx", (726552, second_fee))
    extractions = extract([first, second])
    out = tmp_path / "out"
    for formats in ({"csv"}, {"valorisations"}, {"csv", "json", "xlsx", "valorisations", "fhir"}):
        with pytest.raises(UsageError) as refused:
            export(extractions, out, Options(exports=ExportSettings(formats=frozenset(formats))))
        assert str(refused.value) == (
            "annexe 01-01-2025 bis.xlsx: 1 fr tariffs effective 2025-01-01 are given twice,"
            " e.g. 726552 ages 24+ in annexe 01-01-2025.xlsx#Feuil1!A6 and in"
            " annexe 01-01-2025 bis.xlsx#Feuil1!A5; a table holds one row per tariff and date:"
            " give these inputs one at a time"
        )
        assert not out.exists()
    with pytest.raises(UsageError):
        export_csv(extractions)


def test_annexes_of_one_date_with_other_tariffs_are_written_together(tmp_path: Path) -> None:
    first = _annex(tmp_path / "annexe 01-01-2025.xlsx", (726530, 89.59))
    second = _annex(tmp_path / "annexe 01-01-2025 bis.xlsx", (726552, 89.59))
    export(extract([first, second]), tmp_path / "out")
    with (tmp_path / "out" / "tariffs.csv").open(encoding="utf-8") as table:
        assert [line["code_amb"] for line in csv.DictReader(table)] == ["726530", "726552"]
