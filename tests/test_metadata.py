"""Circular number, effective date, language and subject from French and Dutch text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from extractor.api import extract_file
from extractor.errors import MissingMetadataError
from extractor.location import Location
from extractor.metadata import describe, detect_language, find_circular_number, find_effective_date
from extractor.model import RawDocument
from extractor.settings import PDF_ENGINES, XLSX_ENGINES, Options, Overrides, ReadSettings
from tests.builders import write_workbook
from tests.pdf_builder import Grid, Text, write_pdf

FR_COVER = """Soins de Santé
Circulaire OA no 2024/356 du 11-12-2024
Applicable à partir de 1/01/2025
3910 /2230
Tarifs ; Soins psychologiques de première ligne et Soins psychologiques spécialisés; 01-01-2025.
Le 4 décembre 2024, le Comité général de gestion de l'INAMI a approuvé le projet de budget."""

NL_COVER = """Geneeskundige verzorging
Omzendbrief VI nr 2024/356 van 11-12-2024
Van toepassing vanaf 1/01/2025
Tarieven ; Eerstelijnspsychologische zorg en gespecialiseerde psychologische zorg; 01-01-2025.
Op 4 december 2024 heeft het Algemeen Beheerscomité van het RIZIV de begroting goedgekeurd."""


@pytest.mark.parametrize(("text", "language"), [(FR_COVER, "fr"), (NL_COVER, "nl")])
def test_cover_letters(text: str, language: str) -> None:
    assert detect_language(text) == language
    assert find_circular_number(text) == ("2024/356", date(2024, 12, 11))
    assert find_effective_date(text) == date(2025, 1, 1)
    info, issues = describe(RawDocument(Location("x.pdf"), "pdf", (), text), Overrides())
    assert (info.circular, info.language, info.effective_from) == (
        "2024/356",
        language,
        date(2025, 1, 1),
    )
    assert info.subject.startswith(("Tarifs ;", "Tarieven ;"))
    assert issues == []


@pytest.mark.parametrize(
    ("text", "effective"),
    [
        ("Soins psychologiques à partir du 1er septembre 2021", date(2021, 9, 1)),
        ("Date d'application : 1<sup>er</sup> janvier 2025", date(2025, 1, 1)),
        ("En vigueur à partir du 1er juillet 2024", date(2024, 7, 1)),
        ("Eerstelijnspsychologische zorg vanaf 1 januari 2025", date(2025, 1, 1)),
        ("Datum van toepassing: 1 september 2021", date(2021, 9, 1)),
        ("Le 4 décembre 2024, le Comité a approuvé", None),
    ],
)
def test_effective_date_phrases(text: str, effective: date | None) -> None:
    assert find_effective_date(text) == effective


def test_file_name_date_and_override() -> None:
    document = RawDocument(
        Location("Soins - 01-01-2025-circ OA.xlsx", "Feuil1"),
        "xlsx",
        (),
        "Soins psychologiques de première ligne pour les bénéficiaires",
    )
    info, issues = describe(document, Overrides())
    assert info.effective_from == date(2025, 1, 1)
    assert [i.rule for i in issues] == ["circular-number-missing"]
    info, issues = describe(
        document, Overrides(effective_from=date(2025, 2, 1), circular="2024/356")
    )
    assert (info.effective_from, info.circular) == (date(2025, 2, 1), "2024/356")
    assert [i.rule for i in issues] == ["effective-date-conflict"]


def test_circular_number_from_file_name() -> None:
    title = "De tarieven van de zorg vanaf 1 januari 2024 voor de rechthebbenden"
    document = RawDocument(Location("Omzendbrief VI 2023-412.pdf"), "pdf", (), title, title)
    info, _ = describe(document, Overrides())
    assert (info.circular, info.language) == ("2023/412", "nl")


def test_no_effective_date_is_an_error() -> None:
    document = RawDocument(
        Location("annexe.xlsx", "Feuil1"),
        "xlsx",
        (),
        "Soins psychologiques de première ligne pour les bénéficiaires",
    )
    with pytest.raises(MissingMetadataError, match="no effective date") as raised:
        describe(document, Overrides())
    # The library speaks to a caller; only the CLI names its option.
    assert "--" not in str(raised.value) and raised.value.option == "--effective-from YYYY-MM-DD"


def test_prose_dates_do_not_win_over_the_title() -> None:
    prose = (
        "La présente convention remplace la convention qui est entrée en vigueur à\n"
        "partir du 1er janvier 2019.\nLes honoraires des soins psychologiques sont repris en annexe."
    )
    title = "Soins psychologiques de première ligne à partir du 1er septembre 2021"
    info, _ = describe(
        RawDocument(Location("Soins.pdf"), "pdf", (), f"{prose}\n{title}", title), Overrides()
    )
    assert info.effective_from == date(2021, 9, 1)


# --- A document that states two effective dates: one date per unit, so the other is said ------
_CODE, _LABEL, _FEE, _PREF, _STD = (
    "Code",
    "Libellé",
    "Honoraires",
    "Intervention BIM",
    "Intervention non BIM",
)
_LATER = "Montants applicables à partir du 1er juillet 2025"


def _two_dates_workbook(path: Path) -> Path:
    header = [_CODE, _LABEL, _FEE, _PREF, _STD]
    rows: list[list[object]] = [
        ["Soins infirmiers : tarifs à partir du 1er janvier 2025"],
        header, ["424012", "Toilette", 10, 10, 7.5], [],
        [_LATER], header, ["424034", "Injection", 5, 5, 3.75],
    ]  # fmt: skip
    return write_workbook(path, rows)


def _two_dates_pdf(path: Path) -> Path:
    edges = (40.0, 100.0, 330.0, 390.0, 450.0, 510.0)
    header = (tuple((label, n, 1) for n, label in enumerate((_CODE, _LABEL, _FEE, _PREF, _STD))),)
    return write_pdf(
        path,
        [
            Text("Soins infirmiers : tarifs à partir du 1er janvier 2025", 11),
            Grid(edges, header, (("424012", "Toilette", "10,00", "10,00", "7,50"),)),
            Text(_LATER),
            Grid(edges, header, (("424034", "Injection", "5,00", "5,00", "3,75"),)),
        ],
    )


@pytest.mark.parametrize(
    ("build", "settings"),
    [
        *((_two_dates_workbook, ReadSettings(xlsx_engine=e)) for e in XLSX_ENGINES),
        *((_two_dates_pdf, ReadSettings(pdf_engine=e)) for e in PDF_ENGINES),
    ],
)
def test_a_second_effective_date_in_the_document_is_flagged(
    tmp_path: Path, build: Callable[[Path], Path], settings: ReadSettings
) -> None:
    # The title says 1 January, the line above the second table 1 July: every row of the unit
    # takes one date, so the other is reported, never dropped in silence.
    path = build(tmp_path / ("soins" + (".xlsx" if build is _two_dates_workbook else ".pdf")))
    [extraction] = extract_file(path, Options(settings=settings))
    assert [row.code_amb for row in extraction.rows] == ["424012", "424034"]
    used = extraction.info.effective_from.isoformat()
    [conflict] = [i for i in extraction.issues if i.rule == "effective-date-conflict"]
    assert conflict.severity == "warning"
    assert "2025-01-01" in conflict.message and "2025-07-01" in conflict.message
    assert f"using {used}" in conflict.message
