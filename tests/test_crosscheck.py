"""A PDF and its XLSX annex read together: agreeing rows kept once, differences flagged."""

from __future__ import annotations

from pathlib import Path

from extractor.api import extract
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
