"""The French and the Dutch version of one circular, read together, must agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extractor.api import extract
from tests.builders import FR_HEADER, NL_HEADER, header_rows, write_workbook

OK = [89.59, 85.59, 78.59, 4, 11]


def _annex(path: Path, title: str, lines: list[list[Any]], *, dutch: bool = False) -> Path:
    header, merges = header_rows(2, NL_HEADER if dutch else FR_HEADER)
    return write_workbook(path, [[title], *header, *lines], merges=merges)


def _mismatches(paths: list[Path]) -> list[tuple[str, str, str]]:
    return [
        (issue.severity, str(issue.location), issue.message)
        for extraction in extract(paths)
        for issue in extraction.issues
        if issue.rule == "language-mismatch"
    ]


def test_a_differing_amount_and_a_tariff_only_one_lists_are_flagged_in_both_languages(
    tmp_path: Path,
) -> None:
    """The circular's number, printed in one version only, makes them one circular."""
    french = _annex(tmp_path / "Circulaire OA 2024-356.xlsx",
                    "Soins psychologiques à partir du 1er janvier 2025",
                    [[726530, "-", "Soutien", *OK], [726552, "-", "Soutien - lieu", *OK],
                     [726574, "-", "Groupe", *OK]])  # fmt: skip
    dutch = _annex(tmp_path / "annex.xlsx", "Psychologische zorg vanaf 1 januari 2025",
                   [[726530, "-", "Steun", *OK], [726552, "-", "Steun", 89.59, 85.59, 78.60, 4, 10.99]],
                   dutch=True)  # fmt: skip
    assert _mismatches([french, dutch]) == [
        ("warning", "Circulaire OA 2024-356.xlsx#Feuil1!A5",
         "726552: the Dutch version (annex.xlsx#Feuil1!A5) differs: reimbursement_standard 78.59"
         " here, 78.60 there; copayment_standard 11.00 here, 10.99 there"),
        ("warning", "Circulaire OA 2024-356.xlsx#Feuil1!A6",
         "726574: not in the Dutch version (annex.xlsx)"),
        ("warning", "annex.xlsx#Feuil1!A5",
         "726552: the French version (Circulaire OA 2024-356.xlsx#Feuil1!A5) differs:"
         " reimbursement_standard 78.60 here, 78.59 there; copayment_standard 10.99 here,"
         " 11.00 there"),
    ]  # fmt: skip
    assert [len(e.rows) for e in extract([french, dutch])] == [3, 2]  # flagged, not left out


def test_versions_of_other_circulars_or_dates_are_not_compared(tmp_path: Path) -> None:
    french = _annex(tmp_path / "Circulaire OA 2024-356.xlsx",
                    "Soins psychologiques à partir du 1er janvier 2025", [[726530, "-", "Soutien", *OK]])  # fmt: skip
    other_number = _annex(tmp_path / "Omzendbrief VI 2024-400.xlsx",
                          "Psychologische zorg vanaf 1 januari 2025", [[726552, "-", "Steun", *OK]],
                          dutch=True)  # fmt: skip
    other_date = _annex(tmp_path / "annex.xlsx", "Psychologische zorg vanaf 1 februari 2025",
                        [[726552, "-", "Steun", *OK]], dutch=True)  # fmt: skip
    assert _mismatches([french, other_number]) == []
    assert _mismatches([french, other_date]) == []
