"""Layouts that office suites give a table exported to PDF (a spreadsheet printed by Excel or
LibreOffice), French and Dutch, on files built here: one trait per test, both text layers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from extractor.api import extract_file
from extractor.model import Extraction
from extractor.settings import PDF_ENGINES, Options, ReadSettings
from tests.pdf_builder import Grid, Layout, Text, write_pdf

EDGES = (40.0, 80.0, 250.0, 300.0, 350.0, 400.0, 450.0, 500.0)

LABELS = {
    "fr": ("Tarifs des kinésithérapeutes - Applicable à partir du 1er janvier 2025",
           "Code", "Libellé", "Honoraires", "Intervention de l'assurance", "Ticket modérateur",
           "Séance individuelle au cabinet"),
    "nl": ("Tarieven van de kinesitherapeuten - Van toepassing vanaf 1 januari 2025",
           "Code", "Omschrijving", "Honorarium", "Tegemoetkoming", "Remgeld",
           "Individuele zitting in de praktijk"),
}  # fmt: skip
REGIMES = {
    "fr": ("avec régime\npréférentiel", "sans régime\npréférentiel"),
    "nl": ("verhoogde\ntegemoetk.", "gewoon\nverzekerd"),
}
HYPHENATED = {
    "fr": ("avec régime\npréfé-\nrentiel", "sans régime\npréfé-\nrentiel"),
    "nl": ("met voor-\nkeurregeling", "zonder voor-\nkeurregeling"),
}


def _extract(path: Path, engine: str) -> Extraction:
    [extraction] = extract_file(path, Options(settings=ReadSettings(pdf_engine=engine)))
    return extraction


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


def _read(tmp_path: Path, language: str, engine: str, lead: str, regimes: tuple[str, str]) -> None:
    """A two-row header whose code, description and fee cells span both rows, `lead` blank
    lines above their text; the rows read in full and nothing flagged."""
    title, code, description, fee, reimbursement, copayment, label = LABELS[language]
    with_, without = regimes
    header = (
        ((lead + code, 0, 1), (lead + description, 1, 1), (lead + fee, 2, 1),
         (reimbursement, 3, 2), (copayment, 5, 2)),
        ((with_, 3, 1), (without, 4, 1), (with_, 5, 1), (without, 6, 1)),
    )  # fmt: skip
    rows = (
        ("560011", label, "29,96", "26,96", "22,47", "3,00", "7,49"),
        ("560151", label + " 2", "1.234,56", "1.230,56", "1.225,56", "4,00", "9,00"),
    )
    path = write_pdf(tmp_path / f"{language}.pdf", [Text(title), Grid(EDGES, header, rows)])
    extraction = _extract(path, engine)
    assert _amounts(extraction) == {
        "560011": tuple(Decimal(v) for v in ("29.96", "26.96", "22.47", "3.00", "7.49")),
        "560151": tuple(Decimal(v) for v in ("1234.56", "1230.56", "1225.56", "4.00", "9.00")),
    }
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_header_cells_centred_vertically_in_a_tall_header_row(
    tmp_path: Path, language: str, engine: str
) -> None:
    """A spreadsheet centres each header cell in its row: the labels spanning both header rows
    (code, description, fee) stand lower than the group labels over the regimes, further below
    them than lines of one label ever are, and beside them, not under them."""
    _read(tmp_path, language, engine, "\n\n\n", REGIMES[language])


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_regime_words_hyphenated_under_a_group_label_over_its_first_column(
    tmp_path: Path, language: str, engine: str
) -> None:
    """ "Remgeld" / "Ticket modérateur" set over the first of its two regime columns, and the
    regime words hyphenated over two lines ("voor-" / "keurregeling"): one regime each."""
    _read(tmp_path, language, engine, "", HYPHENATED[language])


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_second_header_lines_of_narrow_columns_side_by_side(
    tmp_path: Path, language: str, engine: str
) -> None:
    """'Code' over 'ambulant' and 'Code' over 'hospitalisé' in two narrow columns: the second
    line's words stand closer than two labels usually do, yet each is under its own 'Code'."""
    title, code, description, fee, reimbursement, copayment, label = LABELS[language]
    hospital = {"fr": "hospitalisé", "nl": "gehospitaliseerd"}[language]
    with_, without = REGIMES[language]
    edges = (40.0, 72.5, 128.0, 250.0, 300.0, 350.0, 400.0, 450.0, 500.0)
    header = (
        ((code, 0, 1), (code, 1, 1), (description, 2, 1), (fee, 3, 1), (reimbursement, 4, 2),
         (copayment, 6, 2)),
        (("ambulant", 0, 1), (hospital, 1, 1), (with_, 4, 1), (without, 5, 1), (with_, 6, 1),
         (without, 7, 1)),
    )  # fmt: skip
    rows = (("560011", "560022", label, "29,96", "26,96", "22,47", "3,00", "7,49"),)
    path = write_pdf(tmp_path / f"{language}.pdf", [Text(title), Grid(edges, header, rows)])
    extraction = _extract(path, engine)
    assert [(row.code_amb, row.code_hos) for row in extraction.rows] == [("560011", "560022")]
    assert _amounts(extraction) == {
        "560011": tuple(Decimal(v) for v in ("29.96", "26.96", "22.47", "3.00", "7.49"))
    }
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_small_table_fitted_to_the_page_with_centred_header_cells(
    tmp_path: Path, language: str, engine: str
) -> None:
    """A spreadsheet fitted to the page prints its text at 5 points; a one-line header label
    centred beside a two-line one stands half a line lower, under 3 points: still its own line
    (pdfplumber's default tolerance merged them letter by letter)."""
    title, code, description, fee, reimbursement, copayment, label = LABELS[language]
    with_, without = REGIMES[language]
    header = (
        ((f"{code}\nambulant", 0, 1), (description, 1, 1), (fee, 2, 1), (reimbursement, 3, 2),
         (copayment, 5, 2)),
        ((with_, 3, 1), (without, 4, 1), (with_, 5, 1), (without, 6, 1)),
    )  # fmt: skip
    rows = (("560011", label, "29,96", "26,96", "22,47", "3,00", "7,49"),)
    grid = Grid(EDGES, header, rows, middle=True)
    path = write_pdf(tmp_path / f"{language}.pdf", [Text(title), grid], Layout(size=5.0))
    extraction = _extract(path, engine)
    assert _amounts(extraction) == {
        "560011": tuple(Decimal(v) for v in ("29.96", "26.96", "22.47", "3.00", "7.49"))
    }
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_regime_row_in_cells_of_its_own_under_a_rule_across_the_table(
    tmp_path: Path, language: str, engine: str
) -> None:
    """An HTML or word-processor table without merged cells: the header's second row, with the
    regimes, has empty cells of its own under code, description and fee, so a rule runs across
    the whole table between the two header rows. The regimes are still part of the header."""
    title, code, description, fee, reimbursement, copayment, label = LABELS[language]
    with_, without = REGIMES[language]
    header = (
        ((code, 0, 1), (description, 1, 1), (fee, 2, 1), (reimbursement, 3, 2), (copayment, 5, 2)),
        (("", 0, 1), ("", 1, 1), ("", 2, 1), (with_, 3, 1), (without, 4, 1), (with_, 5, 1),
         (without, 6, 1)),
    )  # fmt: skip
    rows = (("560011", label, "29,96", "26,96", "22,47", "3,00", "7,49"),)
    grid = Grid(EDGES, header, rows, long_rules=True)
    path = write_pdf(tmp_path / f"{language}.pdf", [Text(title), grid])
    extraction = _extract(path, engine)
    assert _amounts(extraction) == {
        "560011": tuple(Decimal(v) for v in ("29.96", "26.96", "22.47", "3.00", "7.49"))
    }
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_amounts_under_a_group_label_we_cannot_place_are_not_a_fee_only_row(
    tmp_path: Path, language: str, engine: str
) -> None:
    """Two amount columns under one label whose sub-labels are no header words ("cat. A",
    "cat. B"): their values, one cell per line, are reported; the fee alone beside them is not
    a fee-only row but a row with amounts missing, left out of the table."""
    title, code, description, fee, reimbursement, _, label = LABELS[language]
    header = (
        ((code, 0, 1), (description, 1, 1), (fee, 2, 1), (reimbursement, 3, 2)),
        (("cat. A", 3, 1), ("cat. B", 4, 1)),
    )
    rows = (("560011", label, "29,96", "26,96", "22,47"),)
    edges = EDGES[:6]
    path = write_pdf(tmp_path / f"{language}.pdf", [Text(title), Grid(edges, header, rows)])
    extraction = _extract(path, engine)
    assert extraction.rows == []
    assert "amount-missing" in [i.rule for i in extraction.issues if i.severity == "error"]
    unplaced = [i for i in extraction.issues if i.rule == "column-unplaced"]
    assert unplaced and all(i.code == "560011" for i in unplaced)


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_regime_labels_of_other_line_counts_centred_under_their_group(
    tmp_path: Path, language: str, engine: str
) -> None:
    """A two-line regime label centred beside a three-line one: their lines stand at other
    heights, none on a line with the other's, yet the label over both is their group."""
    title, code, description, fee, reimbursement, copayment, label = LABELS[language]
    with_, without = {
        "fr": ("avec régime\npréférentiel", "sans\nrégime\npréférentiel"),
        "nl": ("verhoogde\ntegemoetk.", "gewoon\nverzekerd\npatiënt"),
    }[language]
    header = (
        ((code, 0, 1), (description, 1, 1), (fee, 2, 1), (reimbursement, 3, 2), (copayment, 5, 2)),
        ((with_, 3, 1), (without, 4, 1), (with_, 5, 1), (without, 6, 1)),
    )
    rows = (("560011", label, "29,96", "26,96", "22,47", "3,00", "7,49"),)
    grid = Grid(EDGES, header, rows, middle=True)
    extraction = _extract(write_pdf(tmp_path / f"{language}.pdf", [Text(title), grid]), engine)
    assert _amounts(extraction) == {
        "560011": tuple(Decimal(v) for v in ("29.96", "26.96", "22.47", "3.00", "7.49"))
    }
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


KEY_LETTER_LABELS = {
    "fr": ("Code", "Lettre-clé", "Coefficient", "Valeur", "Libellé", "Honoraires",
           "Intervention\nBIM", "Intervention\nnon BIM"),
    "nl": ("Code", "Sleutelletter", "Coëfficiënt", "Waarde", "Omschrijving", "Honorarium",
           "Tegemoetkoming\nVT", "Tegemoetkoming\nniet-VT"),
}  # fmt: skip


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_key_letter_columns_labelled_side_by_side_and_a_second_key_letter_line(
    tmp_path: Path, language: str, engine: str
) -> None:
    """Key letter, coefficient and value in narrow columns whose labels stand closer than a
    word space and a half ('Lettre-clé Coefficient': two fields, so two columns), and an
    accredited code's second key-letter line 'Q 30 0,033039' (no amount, still cells)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    labels = KEY_LETTER_LABELS[language]
    title = LABELS[language][0]
    edges = [40.0, 80.0]
    for label in labels[1:3]:  # each label 3.5 points from the next one
        edges.append(edges[-1] + stringWidth(label, "Helvetica-Bold", 6.5) + 3.5)
    edges += [edges[-1] + 40 + n * 75 for n in range(5)]
    header = (tuple((label, n, 1) for n, label in enumerate(labels)),)
    rows = (
        ("102093", "N", "12", "2,572713", "Cardiologie", "31,86", "28,86", "19,86"),
        ("", "Q", "30", "0,033039", "", "", "", ""),
        ("101010", "N", "8", "2,572713", "Consultation", "20,58", "19,08", "14,58"),
    )
    path = write_pdf(
        tmp_path / f"{language}.pdf",
        [Text(title), Grid(tuple(edges), header, rows, long_rules=True)],
    )
    extraction = _extract(path, engine)
    assert {row.code_amb: row.key_letters for row in extraction.rows} == {
        "102093": "N 12 2.572713 + Q 30 0.033039",
        "101010": "N 8 2.572713",
    }
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]
