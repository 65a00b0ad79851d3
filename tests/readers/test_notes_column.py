"""A column headed as notes ("Nota", "Opmerking") holding footnote marks ("(1)"): each mark
is its row's, the footnote printed under the table attached (French and Dutch, both engines of
each format, on files built here). A value there that is no mark is reported, as under any
column we cannot place."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from extractor.cli import main
from tests.builders import FEE_AND_REIMBURSEMENTS_LABELS, write_workbook
from tests.pdf_builder import Line, Text, write_grid_pdf

WORDS = {
    "fr": (
        (*FEE_AND_REIMBURSEMENTS_LABELS["fr"], "Nota"),
        "Kinésithérapie : tarifs applicables à partir du 1er janvier 2025",
        ("(1) Uniquement pour les pathologies courantes", "(2) Au domicile du bénéficiaire"),
        "voir annexe",
    ),
    "nl": (
        (*FEE_AND_REIMBURSEMENTS_LABELS["nl"], "Opmerking"),
        "Kinesitherapie: tarieven van toepassing vanaf 1 januari 2025",
        ("(1) Enkel voor courante pathologie", "(2) Aan huis van de rechthebbende"),
        "zie bijlage",
    ),
}  # fmt: skip
LINES = [
    ("560011", "Séance", "29,06", "26,06", "22,06", "(1)"),
    ("560033", "Séance longue", "31,50", "28,50", "24,50", ""),
    ("560055", "Séance à domicile", "33,00", "30,00", "26,00", "(1) (2)"),
    ("560070", "Séance collective", "12,00", "10,00", "8,00", "note"),
]


def _extract(path: Path, out: Path, *options: str) -> tuple[list[dict[str, str]], list[Any]]:
    assert main(["extract", str(path), "--out", str(out), "-q", *options]) == 0
    with (out / "tariffs.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    return rows, json.loads((out / "issues.json").read_text(encoding="utf-8"))


def _check(language: str, rows: list[dict[str, str]], issues: list[Any], at: str = "") -> None:
    """The footnotes attached; the one value that is no mark reported at its cell (a workbook)
    or on its row's line (a PDF)."""
    _, _, (first, second), other = WORDS[language]
    assert [(r["code_amb"], r["footnotes"]) for r in rows] == [
        ("560011", first),
        ("560033", ""),
        ("560055", f"{first} | {second}"),
        ("560070", ""),
    ]
    where = at or rows[-1]["source"].partition("#")[2]
    assert [(i["rule"], i["code"], i["location"].endswith(where)) for i in issues[1:]] == [
        ("column-unplaced", "560070", True)
    ]
    assert f"its value '{other}'" in issues[1]["message"]


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_xlsx_a_notes_column_of_footnote_marks(language: str, engine: str, tmp_path: Path) -> None:
    labels, lead, notes, other = WORDS[language]
    lines = [[*line[:5], other if line[5] == "note" else line[5] or None] for line in LINES]
    book = write_workbook(
        tmp_path / f"{language}.xlsx", [[lead], list(labels), *lines, *([n] for n in notes)]
    )
    rows, issues = _extract(book, tmp_path / "out", "--xlsx-engine", engine)
    _check(language, rows, issues, "!F6")


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_pdf_a_notes_column_of_footnote_marks(language: str, engine: str, tmp_path: Path) -> None:
    labels, lead, notes, other = WORDS[language]
    edges = (40.0, 100.0, 330.0, 390.0, 470.0, 550.0, 620.0)
    lines: list[Line | Text] = [
        Line((*line[:5], other if line[5] == "note" else line[5])) for line in LINES
    ]
    path = write_grid_pdf(
        tmp_path / f"{language}.pdf",
        edges,
        (tuple((label, 1) for label in labels),),
        [*lines, *(Text(note) for note in notes)],
        before=(lead,),
    )
    rows, issues = _extract(path, tmp_path / "out", "--pdf-engine", engine)
    _check(language, rows, issues)
