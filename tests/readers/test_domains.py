"""Tables of other domains (specialists, GPs, dentists), French and Dutch, on files built here:
one layout trait per test, both engines of each format."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from extractor import readers
from extractor.api import extract_file
from extractor.model import Extraction
from extractor.readers.pdf.drawing import fold, legend_lines
from extractor.settings import PDF_ENGINES, XLSX_ENGINES, Options, ReadSettings
from tests.builders import write_workbook
from tests.pdf_builder import Grid, Text, write_pdf

EDGES = (40.0, 80.0, 250.0, 300.0, 350.0, 400.0, 450.0, 500.0)


def _extract(path: Path, settings: ReadSettings) -> Extraction:
    [extraction] = extract_file(path, Options(settings=settings))
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


def _d(*values: str | None) -> tuple[Decimal | None, ...]:
    return tuple(None if v is None else Decimal(v) for v in values)


def _errors(extraction: Extraction) -> list[str]:
    return [i.rule for i in extraction.issues if i.severity == "error"]


# --- Hyphen-split header words, the standard regime first, the date in a header row -----------
REGIME_GROUPS = {
    "nl": (
        [Text("Specialisten: tarieven van de raadplegingen voor de rechthebbenden", 11)],
        (("Code", 0, 1), ("Prestatie", 1, 1), ("Hono-\nrarium", 2, 1),
         ("Je bent gewoon\nverzekerd", 3, 2), ("Je hebt verhoogde\ntegemoetk.", 5, 2)),
        (("Bedragen van toepassing vanaf 1 januari 2017", 0, 3), ("Terug-\nbetaling", 3, 1),
         ("Rem-\ngeld", 4, 1), ("Terug-\nbetaling", 5, 1), ("Remgeld", 6, 1)),
    ),
    "fr": (
        [Text("Spécialistes : tarifs des consultations pour les bénéficiaires", 11)],
        (("Code", 0, 1), ("Libellé", 1, 1), ("Hono-\nraires", 2, 1),
         ("Sans régime\npréférentiel", 3, 2), ("Avec régime\npréférentiel", 5, 2)),
        (("Montants applicables à partir du 1er janvier 2017", 0, 3), ("Rembour-\nsement", 3, 1),
         ("Ticket\nmodéra-\nteur", 4, 1), ("Rembour-\nsement", 5, 1), ("Ticket\nmodérateur", 6, 1)),
    ),
}  # fmt: skip


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_pdf_regime_groups_standard_first_with_split_words(
    tmp_path: Path, language: str, engine: str
) -> None:
    lead, top, sub = REGIME_GROUPS[language]
    rows = (
        ("102034", "Inwendige geneeskunde", "37,15", "25,15", "12,00", "34,15", "3,00"),
        ("102071", "Kinderarts", "34,09", "22,09", "12,00", "31,09", "3,00"),
    )
    path = write_pdf(tmp_path / f"{language}.pdf", [*lead, Grid(EDGES, (top, sub), rows)])
    extraction = _extract(path, ReadSettings(pdf_engine=engine))
    assert extraction.info.effective_from.isoformat() == "2017-01-01"
    assert extraction.info.circular == ""
    assert _amounts(extraction) == {
        "102034": _d("37.15", "34.15", "25.15", "3.00", "12.00"),
        "102071": _d("34.09", "31.09", "22.09", "3.00", "12.00"),
    }
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_xlsx_regime_groups_standard_first_with_split_words(
    tmp_path: Path, language: str, engine: str
) -> None:
    lead, top, sub = REGIME_GROUPS[language]
    grid: list[list[object]] = [[None] * 7, [None] * 7]
    for row, cells in zip(grid, (top, sub), strict=True):
        for text, first, _ in cells:
            row[first] = text.replace("\n", " ")
    rows = [
        [lead[0].text],
        *grid,
        ["373811", "Op een tandvlak", 48.5, 48.5, 0, 48.5, 0],
        ["373833", "Op twee tandvlakken", 65, 65, "-", 65, "-"],
    ]
    path = write_workbook(tmp_path / f"{language}.xlsx", rows, merges=["D2:E2", "F2:G2", "A3:C3"])
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    assert extraction.info.effective_from.isoformat() == "2017-01-01"
    # 0 is zero; "-" is not defined: empty, not zero, and not an amount missing.
    assert _amounts(extraction) == {
        "373811": _d("48.50", "48.50", "48.50", "0.00", "0.00"),
        "373833": _d("65.00", "65.00", "65.00", None, None),
    }
    assert not _errors(extraction)


# --- Codenummer, a date line above the table, euro signs, prose inside the table ---------------
GP_TABLES = {
    "nl": (
        "De tarieven hieronder vermeld gelden vanaf 1/01/2024.",
        ("Codenummer", "Aard verstrekking", "Honoraria", "Verhoogde\nterugbetaling",
         "Normale\nterugbetaling"),
        "Huisartsen met wachtdienst mogen 5,05 euro wachttoeslag aanrekenen voor raadplegingen"
        " tussen 19 en 21 uur.",
    ),
    "fr": (
        "Les tarifs ci-dessous sont applicables à partir du 1er janvier 2024.",
        ("N° code", "Nature de la prestation", "Honoraires", "Intervention\nmajorée",
         "Intervention\nnormale"),
        "Les médecins de garde peuvent demander un supplément de 5,05 euros pour les"
        " consultations entre 19 et 21 heures.",
    ),
}  # fmt: skip


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_pdf_code_number_header_euro_amounts_and_prose(
    tmp_path: Path, language: str, engine: str
) -> None:
    date_line, labels, prose = GP_TABLES[language]
    edges = (40.0, 100.0, 330.0, 390.0, 450.0, 510.0)
    header = (tuple((label, n, 1) for n, label in enumerate(labels)),)
    items = [
        Text(date_line),
        Text("Huisartsen en de raadplegingen voor de patiënten van het ziekenfonds"),
        Grid(edges, header, (("101010", "Raadpleging", "€ 18,85", "€ 17,35", "€ 12,85"),)),
        Text(prose, 7.5),
        Grid(edges, (), (("101032", "Erkende huisarts", "€ 25,68", "€ 24,18", "€ 19,68"),)),
    ]
    extraction = _extract(
        write_pdf(tmp_path / f"{language}.pdf", items), ReadSettings(pdf_engine=engine)
    )
    assert extraction.info.effective_from.isoformat() == "2024-01-01"
    assert _amounts(extraction) == {
        "101010": _d("18.85", "17.35", "12.85", None, None),
        "101032": _d("25.68", "24.18", "19.68", None, None),
    }
    assert not _errors(extraction)


# --- Birthday age bands, and a sub-heading narrowing its parent band ---------------------------
BIRTHDAYS = {
    "nl": ("Tot 15de verjaardag", "Van 15de tot 18de verjaardag", "Vanaf 18de verjaardag",
           "Mondonderzoeken tot de 67ste verjaardag", "Tot 18de verjaardag",
           ("Code", "Prestatie", "Honorarium", "Terugbetaling met voorkeurregeling",
            "Terugbetaling zonder voorkeurregeling")),
    "fr": ("Avant le 15e anniversaire", "Du 15e au 18e anniversaire", "À partir du 18e anniversaire",
           "Examens buccaux jusqu'au 67e anniversaire", "Avant le 18e anniversaire",
           ("Code", "Libellé", "Honoraires", "Remboursement avec régime préférentiel",
            "Remboursement sans régime préférentiel")),
}  # fmt: skip


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_xlsx_birthday_age_bands(tmp_path: Path, language: str, engine: str) -> None:
    young, teen, adult, narrowed, minors, header = BIRTHDAYS[language]
    rows: list[list[object]] = [
        ["Tandartsen: tarieven van de verzorging voor de rechthebbenden vanaf 1 januari 2021"]
        if language == "nl"
        else ["Dentistes : tarifs des soins pour les bénéficiaires à partir du 1er janvier 2021"],
        [young], list(header), ["373811", "a", 48.5, 48.5, 48.5],
        [teen], list(header), ["374371", "b", 32, 32, 32],
        [adult], list(header), ["371011", "c", 20, 20, 15],
        [narrowed], ["371033", "d", 25, 25, 20],
        [minors], list(header), ["374312", "e", 92.5, 92.5, 92.5],
    ]  # fmt: skip
    extraction = _extract(
        write_workbook(tmp_path / f"{language}.xlsx", rows), ReadSettings(xlsx_engine=engine)
    )
    bands = {row.code_amb: (row.age_min, row.age_max) for row in extraction.rows}
    assert bands == {
        "373811": (None, 14),
        "374371": (15, 17),
        "371011": (18, None),
        "371033": (18, 66),
        "374312": (None, 17),
    }
    assert not _errors(extraction)


# --- Nothing lost: an amount column under a header we do not know -----------------------------
UNKNOWN = {
    "nl": ("Code", "Omschrijving", "Honorarium", "Toeslag nachtdienst", "Tegemoetkoming"),
    "fr": ("Code", "Libellé", "Honoraires", "Supplément de nuit", "Intervention"),
}


def _assert_unplaced(extraction: Extraction, header: str, values: list[str]) -> None:
    unplaced = [i for i in extraction.issues if i.rule == "column-unplaced"]
    assert [i.severity for i in unplaced] == ["warning"] * len(values)
    assert [i.code for i in unplaced] == ["101010", "101032"][: len(values)]
    for issue, value in zip(unplaced, values, strict=True):
        assert header in issue.message and f"'{value}'" in issue.message
        assert value in issue.raw


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_pdf_amount_column_under_an_unknown_header(
    tmp_path: Path, language: str, engine: str
) -> None:
    code, description, fee, unknown, _ = UNKNOWN[language]
    edges = (40.0, 100.0, 300.0, 360.0, 440.0)
    header = (((code, 0, 1), (description, 1, 1), (fee, 2, 1), (unknown, 3, 1)),)
    rows = (("101010", "Raadpleging", "18,85", "5,05"), ("101032", "Bezoek", "25,68", "4,57"))
    items = [Text(_LEAD[language]), Grid(edges, header, rows)]
    path = write_pdf(tmp_path / f"{language}.pdf", items)
    extraction = _extract(path, ReadSettings(pdf_engine=engine))
    # The fee alone is not a fee-only row while another amount stands beside it: flagged, and
    # the unknown column's values are reported where they stand.
    assert extraction.rows == []
    assert _errors(extraction) == ["amount-missing", "amount-missing"]
    _assert_unplaced(extraction, unknown, ["5,05", "4,57"])


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_xlsx_amount_column_under_an_unknown_header(
    tmp_path: Path, language: str, engine: str
) -> None:
    code, description, fee, unknown, _ = UNKNOWN[language]
    preferential, standard = BIRTHDAYS[language][5][3:]
    rows: list[list[object]] = [
        [_LEAD[language]],
        [code, description, fee, unknown, preferential, standard],
        ["101010", "Raadpleging", 18.85, 5.05, 17.35, 12.85],
        ["101032", "Bezoek", 25.68, None, 24.18, 19.68],
    ]
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    # The rows keep what was placed; the unknown column's value is reported where it stands,
    # on the line that holds one.
    assert _amounts(extraction) == {
        "101010": _d("18.85", "17.35", "12.85", None, None),
        "101032": _d("25.68", "24.18", "19.68", None, None),
    }
    [unplaced] = [i for i in extraction.issues if i.rule == "column-unplaced"]
    assert (unplaced.code, unplaced.location.column) == ("101010", "D")
    assert unknown in unplaced.message and "'5.05'" in unplaced.message
    assert not _errors(extraction)


# --- A heading naming an age we do not read as a band: the rows say nothing of it -----------
UNREAD_AGES = {
    "fr": ("1. Bénéficiaires de plus de 65 ans", "2. Séances à domicile"),
    "nl": ("Kinderen tot 18 jaar", "Zittingen aan huis"),
}


def _unread_age_rows(language: str) -> list[list[object]]:
    _, labels, _ = GP_TABLES[language]
    unread, other = UNREAD_AGES[language]
    return [
        [_LEAD[language]],
        [unread], list(labels), ["560011", "Zitting", 29.06, 26.06, 22.06],
        [other], list(labels), ["560033", "Zitting aan huis", 31.5, 28.5, 24.5],
    ]  # fmt: skip


def _assert_unread_age(extraction: Extraction, language: str, where: str) -> None:
    # "plus de 65 ans" (65 or 66?), "tot 18 jaar" (17 or 18?): no band is guessed, and the
    # heading is reported: its rows carry none.
    assert [(r.code_amb, r.age_min, r.age_max) for r in extraction.rows] == [
        ("560011", None, None),
        ("560033", None, None),
    ]
    [unread] = [i for i in extraction.issues if i.rule == "age-heading-unread"]
    assert (unread.severity, str(unread.location), unread.code) == ("warning", where, "")
    assert UNREAD_AGES[language][0] in unread.message
    assert not _errors(extraction)


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_xlsx_a_heading_naming_an_age_we_do_not_read(
    tmp_path: Path, language: str, engine: str
) -> None:
    path = write_workbook(tmp_path / f"{language}.xlsx", _unread_age_rows(language))
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    _assert_unread_age(extraction, language, f"{language}.xlsx#Feuil1!A2")


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_pdf_a_heading_naming_an_age_we_do_not_read(
    tmp_path: Path, language: str, engine: str
) -> None:
    _, labels, _ = GP_TABLES[language]
    unread, other = UNREAD_AGES[language]
    edges = (40.0, 100.0, 330.0, 390.0, 450.0, 510.0)
    header = (tuple((label, n, 1) for n, label in enumerate(labels)),)
    items = [
        Text(_LEAD[language]),
        Text(unread, 9, bold=True),
        Grid(edges, header, (("560011", "Zitting", "29,06", "26,06", "22,06"),)),
        Text(other, 9, bold=True),
        Grid(edges, header, (("560033", "Zitting aan huis", "31,50", "28,50", "24,50"),)),
    ]
    path = write_pdf(tmp_path / f"{language}.pdf", items)
    extraction = _extract(path, ReadSettings(pdf_engine=engine))
    _assert_unread_age(extraction, language, f"{language}.pdf#page=1&line=2")


# A regime column whose kind we cannot read ("Interv. BIM") beside the fee: not the fee's.
ABBREVIATED = {
    "fr": ("Code", "Libellé", "Honoraires", "Interv. BIM", "Interv. non BIM"),
    "nl": ("Code", "Omschrijving", "Honorarium", "Tegemoetk. VT", "Tegemoetk. niet-VT"),
}


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_pdf_regime_columns_of_an_unread_kind_beside_the_fee(
    tmp_path: Path, language: str, engine: str
) -> None:
    labels = ABBREVIATED[language]
    edges = (40.0, 100.0, 330.0, 390.0, 450.0, 510.0)
    header = (tuple((label, n, 1) for n, label in enumerate(labels)),)
    rows = (("560011", "Zitting", "29,06", "26,06", "22,06"),)
    path = write_pdf(
        tmp_path / f"{language}.pdf", [Text(_LEAD[language]), Grid(edges, header, rows)]
    )
    extraction = _extract(path, ReadSettings(pdf_engine=engine))
    # Not "Honoraires BIM" (a fee under the conditions 'BIM' and 'non BIM', the line kept with
    # its fee alone): their values are reported under their own labels, and the line is
    # flagged, as in a workbook.
    assert extraction.rows == []
    assert _errors(extraction) == ["amount-missing"]
    unplaced = [i for i in extraction.issues if i.rule == "column-unplaced"]
    assert [(i.code, labels[3 + n] in i.message) for n, i in enumerate(unplaced)] == [
        ("560011", True),
        ("560011", True),
    ]


_LEAD = {
    "nl": "Tarieven van de huisartsen voor de rechthebbenden vanaf 1 januari 2024",
    "fr": "Tarifs des médecins pour les bénéficiaires à partir du 1er janvier 2024",
}


# --- A fee given by a footnote reference; footnote mark and text in two cells -----------------
FOOTNOTES = {
    "nl": ("(*) Zelfde honorarium als code 560011", "Tegemoetkoming per patiënt"),
    "fr": ("(*) Même honoraire que le code 560011", "Intervention par patient"),
}


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_xlsx_fee_by_footnote_reference_and_split_footnote_cells(
    tmp_path: Path, language: str, engine: str
) -> None:
    star, numbered = FOOTNOTES[language]
    header = BIRTHDAYS[language][5]
    rows: list[list[object]] = [
        [_LEAD[language]],
        list(header),
        ["560011", "Behandeling 1", 30, 25, 20],
        ["560033", "Behandeling", "(*)", 25, 20],
        [star],
        [1, numbered],
    ]
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    first, second = extraction.rows
    # The split footnote (`1` | text) is a footnote: the glued mark leaves the description.
    assert (first.description, first.footnotes) == ("Behandeling", f"(1) {numbered}")
    assert (second.fee, second.reimbursement_preferential) == (None, Decimal("25.00"))
    assert second.footnotes == f"(*) {star[4:]}"
    [warning] = [i for i in extraction.issues if i.rule == "amount-by-reference"]
    assert (warning.severity, warning.code, warning.location.column) == ("warning", "560033", "C")
    assert not _errors(extraction)


# --- No header text over code, key letters and description; labels stacked in narrow cells ----
BARE = {
    "fr": ("Tarifs des médecins - A partir du 01-08-2014",
           ("Honoraires", "Intervention\nbénéficiaires\navec régime\npréférentiel\n(BIM)",
            "Intervention\nbénéficiaires\nsans régime\npréférentiel"),
           "F. Trajet de soins - Médecins généralistes", "2. Consultation au cabinet",
           "Consultation par un médecin spécialiste"),
    "nl": ("Honoraria van de artsen - Vanaf 01-08-2014",
           ("Honorarium", "Tegemoet-\nkoming\nrechthebbende\nmet\nvoorkeur-\nregeling",
            "Tegemoet-\nkoming\nrechthebbende\nzonder\nvoorkeur-\nregeling"),
           "F. Zorgtraject - Huisartsen", "2. Raadpleging in de spreekkamer",
           "Raadpleging door een arts-specialist"),
}  # fmt: skip


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_pdf_columns_without_header_text_read_from_content(
    tmp_path: Path, language: str, engine: str
) -> None:
    title, labels, lettered, numbered, description = BARE[language]
    edges = (40.0, 80.0, 95.0, 115.0, 160.0, 320.0, 365.0, 420.0, 475.0, 520.0)
    header = (tuple((label, 5 + n, 1) for n, label in enumerate(labels)),)
    trajet = (("107015", "", "", "", "Trajet", "87,20", "87,20", "87,20", ""),)
    consultations = (
        ("102012", "N", "8", "2,572713", description, "20,58", "17,77", "12,35", ""),
        ("102034", "N", "16", "2,302766", description, "36,84", "34,18", "24,27", "36,84"),
    )
    items = [
        Text(title, 11),
        Grid(edges, header, ()),
        Text(lettered, 7.5),
        Grid(edges, (), trajet),
        Text(numbered, 7.5),
        Grid(edges, (), consultations),
    ]
    path = write_pdf(tmp_path / f"{language}.pdf", items)
    extraction = _extract(path, ReadSettings(pdf_engine=engine))
    assert extraction.info.effective_from.isoformat() == "2014-08-01"
    assert _amounts(extraction) == {
        "107015": _d("87.20", "87.20", "87.20", None, None),
        "102012": _d("20.58", "17.77", "12.35", None, None),
        "102034": _d("36.84", "34.18", "24.27", None, None),
    }
    assert [(r.code_amb, r.key_letters, r.description) for r in extraction.rows[1:]] == [
        ("102012", "N 8 2.572713", description),
        ("102034", "N 16 2.302766", description),
    ]
    # The lettered part is a heading: its rows are not 'before any heading'.
    assert extraction.rows[0].section == lettered
    # The last column has no header text at all: its value is reported, not dropped.
    [bare] = [i for i in extraction.issues if i.rule == "column-unplaced"]
    assert (bare.code, "'36,84'" in bare.message) == ("102034", True)
    assert not _errors(extraction)


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_inspect_legend_shows_the_columns_not_placed(tmp_path: Path, language: str) -> None:
    code, description, fee, unknown, _ = UNKNOWN[language]
    edges = (40.0, 100.0, 300.0, 360.0, 440.0)
    header = (((code, 0, 1), (description, 1, 1), (fee, 2, 1), (unknown, 3, 1)),)
    rows = (("101010", "Raadpleging", "18,85", "5,05"),)
    path = write_pdf(
        tmp_path / f"{language}.pdf", [Text(_LEAD[language]), Grid(edges, header, rows)]
    )
    _, layouts = readers.read_layout(path)
    legend = " ".join(legend_lines(layouts[0]))
    assert f"4 {fold(unknown)} [not placed: values in issues.json]" in legend
    assert f"3 {fold(fee)} " in legend and f"3 {fold(fee)} [not placed" not in legend


# --- '0', '-' and '(*)' in a PDF; 'Aard verstrekking' / 'Nature de la prestation' --------------
@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_pdf_zero_not_defined_and_fee_by_footnote_reference(
    tmp_path: Path, language: str, engine: str
) -> None:
    _, labels, _ = GP_TABLES[language]
    star, _ = FOOTNOTES[language]
    edges = (40.0, 100.0, 330.0, 390.0, 450.0, 510.0)
    header = (tuple((label, n, 1) for n, label in enumerate(labels)),)
    rows = (
        ("560011", "Behandeling", "30,00", "25,00", "0"),
        ("560033", "Behandeling bis", "(*)", "25,00", "20,00"),
        ("560055", "Behandeling ter", "30,00", "-", "-"),
    )
    items = [Text(_LEAD[language]), Grid(edges, header, rows), Text(star, 7.5)]
    path = write_pdf(tmp_path / f"{language}.pdf", items)
    extraction = _extract(path, ReadSettings(pdf_engine=engine))
    # 0 is zero; '-' is not defined: empty, not zero, and not an amount missing; '(*)' leaves
    # the fee empty, attaches its footnote and warns.
    assert _amounts(extraction) == {
        "560011": _d("30.00", "25.00", "0.00", None, None),
        "560033": _d(None, "25.00", "20.00", None, None),
        "560055": _d("30.00", None, None, None, None),
    }
    assert [row.description for row in extraction.rows] == [row[1] for row in rows]
    assert [row.footnotes for row in extraction.rows] == ["", f"(*) {star[4:]}", ""]
    [warning] = [i for i in extraction.issues if i.rule == "amount-by-reference"]
    assert (warning.severity, warning.code) == ("warning", "560033")
    assert not _errors(extraction)
    assert not [i for i in extraction.issues if i.rule == "column-unplaced"]


DESCRIPTION_HEADINGS = [
    ("nl", "Aard prestatie"),
    ("nl", "Aard verstrekking"),
    ("fr", "Nature de la prestation"),
    ("fr", "Prestation"),
]


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize(("language", "heading"), DESCRIPTION_HEADINGS)
def test_xlsx_description_headed_by_the_kind_of_service(
    tmp_path: Path, language: str, heading: str, engine: str
) -> None:
    _, labels, _ = GP_TABLES[language]
    rows: list[list[object]] = [
        [_LEAD[language]],
        [labels[0], heading, *(label.replace("\n", " ") for label in labels[2:])],
        ["101010", "Raadpleging in de spreekkamer", 18.85, 17.35, 12.85],
        ["101032", "Bezoek aan huis", 25.68, 24.18, 19.68],
    ]
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    assert [(r.code_amb, r.description) for r in extraction.rows] == [
        ("101010", "Raadpleging in de spreekkamer"),
        ("101032", "Bezoek aan huis"),
    ]
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


# --- The regime words in either order, French and Dutch --------------------------------------
REGIME_ORDERS = {
    "nl": (("Normale tegemoetkoming", "Verhoogde tegemoetkoming"),
           ("Verhoogde terugbetaling", "Normale terugbetaling")),
    "fr": (("Intervention normale", "Intervention majorée"),
           ("Intervention majorée", "Intervention normale")),
}  # fmt: skip


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["nl", "fr"])
@pytest.mark.parametrize(
    "standard_first", [True, False], ids=["standard-first", "preferential-first"]
)
def test_xlsx_regime_words_in_either_order(
    tmp_path: Path, language: str, engine: str, standard_first: bool
) -> None:
    first, second = REGIME_ORDERS[language][0 if standard_first else 1]
    code, description, fee, _, _ = UNKNOWN[language]
    rows: list[list[object]] = [
        [_LEAD[language]],
        [code, description, fee, first, second],
        ["101010", "Raadpleging", 18.85, 12.85 if standard_first else 17.35,
         17.35 if standard_first else 12.85],
    ]  # fmt: skip
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    # Whichever comes first, the preferential regime gets the higher reimbursement.
    assert _amounts(extraction) == {"101010": _d("18.85", "17.35", "12.85", None, None)}
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


# --- The effective date in a line above the table: 'sinds', 'depuis' ----------------------------
DATE_LINES = {
    "nl": ("Bedragen van toepassing sinds 1 januari 2021", "2021-01-01"),
    "fr": ("Montants applicables depuis le 1er mars 2021", "2021-03-01"),
}


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_xlsx_effective_date_in_a_line_above_the_table(
    tmp_path: Path, language: str, engine: str
) -> None:
    line, day = DATE_LINES[language]
    rows: list[list[object]] = [
        ["Tandartsen" if language == "nl" else "Dentistes"],
        [line],
        list(BIRTHDAYS[language][5]),
        ["373811", "a", 48.5, 48.5, 48.5],
    ]
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    assert extraction.info.effective_from.isoformat() == day
    assert [row.code_amb for row in extraction.rows] == ["373811"]


# --- Our own domain: group and regime labels wrapped over three or four lines, stacked --------
STACKED = {
    "fr": (("Pseudocode", "Description", "Honoraires\npar\nsession", "Intervention AMI",
            "Ticket modérateur"),
           ("bénéficiaires\navec régime\npréférentiel\n(BIM)", "bénéficiaires\nsans régime\npréférentiel")),
    "nl": (("Pseudocode", "Omschrijving", "Honorarium\nper\nsessie", "Tegemoetkoming",
            "Remgeld"),
           ("rechthebbende\nmet voorkeur-\nregeling", "rechthebbende\nzonder voorkeur-\nregeling")),
}  # fmt: skip


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_pdf_regime_labels_wrapped_and_stacked_under_group_labels(
    tmp_path: Path, language: str, engine: str, ruled: bool
) -> None:
    (code, description, fee, reimbursement, copayment), (preferential, standard) = STACKED[language]
    edges = (40.0, 90.0, 230.0, 280.0, 345.0, 410.0, 475.0, 540.0)
    top = ((code, 0, 1), (description, 1, 1), (fee, 2, 1), (reimbursement, 3, 2),
           (copayment, 5, 2))  # fmt: skip
    sub = ((preferential, 3, 1), (standard, 4, 1), (preferential, 5, 1), (standard, 6, 1))
    rows = (
        ("726530", "Séance individuelle", "89,59", "85,59", "78,59", "4,00", "11,00"),
        ("726552", "Séance de groupe", "34,12", "32,12", "29,12", "2,00", "5,00"),
    )
    items = [Text(_LEAD[language]), Grid(edges, (top, sub), rows, ruled=ruled)]
    path = write_pdf(tmp_path / f"{language}.pdf", items)
    extraction = _extract(path, ReadSettings(pdf_engine=engine))
    assert _amounts(extraction) == {
        "726530": _d("89.59", "85.59", "78.59", "4.00", "11.00"),
        "726552": _d("34.12", "32.12", "29.12", "2.00", "5.00"),
    }
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]
