"""Workbook layouts that used to lose or misread values without a word, French and Dutch, both
engines, on workbooks built here: formulas never computed, footnote marks in amount cells, a
code merged down over two lines, hidden rows and columns, amounts of two dates side by side,
damaged parts. Each value ends in the table or in issues.json, with its cell and its cause."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.api import export, extract_file
from extractor.errors import NoTariffTableError, UnreadableInputError
from extractor.model import Extraction
from extractor.settings import XLSX_ENGINES, Options, ReadSettings
from tests.builders import write_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
LEAD = {
    "fr": "Tarifs des kinésithérapeutes à partir du 1er janvier 2025",
    "nl": "Tarieven van de kinesitherapeuten vanaf 1 januari 2025",
}
HEADER = {
    "fr": ["Code", "Libellé", "Honoraires", "Intervention BIM", "Intervention non BIM"],
    "nl": ["Code", "Omschrijving", "Honorarium", "Tegemoetkoming VT", "Tegemoetkoming niet-VT"],
}
LABEL = {"fr": "Séance individuelle", "nl": "Individuele zitting"}
LANGUAGES = ["fr", "nl"]


def _extract(path: Path, engine: str) -> Extraction:
    [extraction] = extract_file(path, Options(settings=ReadSettings(xlsx_engine=engine)))
    return extraction


def _rules(extraction: Extraction) -> list[tuple[str, str]]:
    return [
        (issue.rule, str(issue.location).partition("!")[2])
        for issue in extraction.issues
        if issue.rule != "circular-number-missing"
    ]


# --- 1. Formulas never computed --------------------------------------------------------------


def _formula_workbook(path: Path, language: str) -> Path:
    """openpyxl writes formulas without computing them: no cached value in the file."""
    rows: list[list[object]] = [
        [LEAD[language]],
        HEADER[language],
        ["560011", f'="{LABEL[language]}"', 29.96, 26.96, 22.47],  # description by formula
        ["560151", LABEL[language] + " 2", "=C3*2", 26.96, 22.47],  # fee by formula
        ["560210", LABEL[language] + " 3", 12.5, 10.5, 8.5],
    ]
    return write_workbook(path, rows)


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_formula_never_computed_is_named_and_its_line_left_out(
    tmp_path: Path, language: str, engine: str
) -> None:
    path = _formula_workbook(tmp_path / f"{language}.xlsx", language)
    extraction = _extract(path, engine)
    assert [row.code_amb for row in extraction.rows] == ["560210"]
    assert _rules(extraction) == [("formula-not-computed", "B3"), ("formula-not-computed", "C4")]
    first, second = (i for i in extraction.issues if i.rule == "formula-not-computed")
    assert first.code == "560011" and second.code == "560151"
    assert second.message.startswith("C4 holds a formula (=C3*2) without a computed value")
    assert "recalculate it in Excel or LibreOffice and save" in second.message
    # Exported, the data package validates (the autouse fixture runs frictionless on it).
    export([extraction], tmp_path / "out")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice Calc (soffice) is not installed")
def test_the_same_workbook_recalculated_by_libreoffice_reads_in_full(tmp_path: Path) -> None:
    """The advice the issue gives works: LibreOffice computes and stores the values."""
    assert SOFFICE is not None
    source = _formula_workbook(tmp_path / "formules.xlsx", "fr")
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "xlsx", "--outdir", str(tmp_path / "calc"), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    for engine in XLSX_ENGINES:
        extraction = _extract(tmp_path / "calc" / "formules.xlsx", engine)
        tariffs = {row.code_amb: (row.description, row.fee) for row in extraction.rows}
        assert tariffs == {
            "560011": ("Séance individuelle", Decimal("29.96")),
            "560151": ("Séance individuelle 2", Decimal("59.92")),
            "560210": ("Séance individuelle 3", Decimal("12.50")),
        }
        assert _rules(extraction) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_line_without_description_is_left_out_not_exported_empty(
    tmp_path: Path, language: str
) -> None:
    rows: list[list[object]] = [
        [LEAD[language]],
        HEADER[language],
        ["560011", None, 29.96, 26.96, 22.47],
        ["560151", LABEL[language], 12.5, 10.5, 8.5],
    ]
    extraction = _extract(write_workbook(tmp_path / f"{language}.xlsx", rows), "calamine")
    assert [row.code_amb for row in extraction.rows] == ["560151"]
    assert _rules(extraction) == [("description-missing", "A3")]
    export([extraction], tmp_path / "out")


# --- 2. Footnote marks in amount cells -------------------------------------------------------

FOOTNOTE = {"fr": "Tarif conventionnel", "nl": "Conventietarief"}


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_amount_with_its_footnote_mark_is_read_and_the_footnote_attached(
    tmp_path: Path, language: str, engine: str
) -> None:
    note = FOOTNOTE[language]
    rows: list[list[object]] = [
        [LEAD[language]],
        HEADER[language],
        ["560011", LABEL[language], "29,96 (1)", "26,96", "22,47"],
        ["560151", LABEL[language] + " 2", "29,96*", "26,96", "22,47"],
        ["560210", LABEL[language] + " 3", "29,96 ¹", "26,96", "22,47"],
        ["560232", LABEL[language] + " 4", "29,96", "26,96 (2)", "22,47"],  # no footnote 2
        ["560254", LABEL[language] + " 5", "29,96 1", "26,96", "22,47"],  # a mark or a typo?
        ["560276", LABEL[language] + " 6", "29,96", "26,96", "22,47⁹"],
        ["(1) " + note],
        ["* " + note + " *"],
        ["⁹ " + note + " 9"],
    ]
    extraction = _extract(write_workbook(tmp_path / f"{language}.xlsx", rows), engine)
    read = {row.code_amb: (row.fee, row.reimbursement_preferential, row.footnotes) for row in extraction.rows}  # fmt: skip
    fee, reimbursement = Decimal("29.96"), Decimal("26.96")
    assert read == {
        "560011": (fee, reimbursement, f"(1) {note}"),
        "560151": (fee, reimbursement, f"(*) {note} *"),
        "560210": (fee, reimbursement, f"(1) {note}"),
        "560232": (fee, reimbursement, ""),
        "560276": (fee, reimbursement, f"(9) {note} 9"),
    }
    assert _rules(extraction) == [
        ("footnote-undefined", "A6"),
        ("amount-unparseable", "C7"),
    ]


# --- 3. A code merged down over two lines ----------------------------------------------------

BANDS = {
    "fr": ("moins de 18 ans", "18 ans et plus"),
    "nl": ("jonger dan 18 jaar", "vanaf 18 jaar"),
}


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_code_merged_over_two_band_lines_is_on_both_lines(
    tmp_path: Path, language: str, engine: str
) -> None:
    """One code cell over two lines whose band is in the description: each line carries the
    code; two lines of one code and no band told apart are flagged, none kept as if it
    applied at every age, none dropped as codeless."""
    young, old = BANDS[language]
    rows: list[list[object]] = [
        [LEAD[language]],
        HEADER[language],
        ["560011", f"{LABEL[language]} - {young}", 29.96, 26.96, 22.47],
        [None, f"{LABEL[language]} - {old}", 31.50, 28.50, 24.00],
        ["560151", LABEL[language] + " 2", 12.5, 10.5, 8.5],
    ]
    path = write_workbook(tmp_path / f"{language}.xlsx", rows, merges=["A3:A4"])
    extraction = _extract(path, engine)
    assert [row.code_amb for row in extraction.rows] == ["560151"]
    assert _rules(extraction) == [("duplicate-key", "A3"), ("duplicate-key", "A4")]
    assert {issue.code for issue in extraction.issues if issue.rule == "duplicate-key"} == {
        "560011"
    }


AGE = {"fr": "Âge", "nl": "Leeftijd"}
# "18 ans et plus" / "18 jaar en ouder" open like footnote 18: they are band headings.
HEADINGS = {
    "fr": ("moins de 18 ans", "18 ans et plus"),
    "nl": ("jonger dan 18 jaar", "18 jaar en ouder"),
}


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_code_merged_over_the_lines_of_an_age_column_gives_a_row_per_band(
    tmp_path: Path, language: str, engine: str
) -> None:
    young, old = BANDS[language]
    header = HEADER[language]
    rows: list[list[object]] = [
        [LEAD[language]],
        [*header[:2], AGE[language], *header[2:]],
        ["560011", LABEL[language], young, 29.96, 26.96, 22.47],
        [None, None, old, 31.50, 28.50, 24.00],
        ["560151", LABEL[language] + " 2", "0-17", 12.5, 10.5, 8.5],  # not a band we read
    ]
    path = write_workbook(tmp_path / f"{language}.xlsx", rows, merges=["A3:A4", "B3:B4"])
    extraction = _extract(path, engine)
    read = [(r.code_amb, r.age_min, r.age_max, r.description, r.fee) for r in extraction.rows]
    assert read == [
        ("560011", None, 17, LABEL[language], Decimal("29.96")),
        ("560011", 18, None, LABEL[language], Decimal("31.50")),
    ]
    assert _rules(extraction) == [("age-unreadable", "C5")]


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_code_merged_past_a_band_heading_leaves_the_heading_a_heading(
    tmp_path: Path, language: str, engine: str
) -> None:
    young, old = HEADINGS[language]
    rows: list[list[object]] = [
        [LEAD[language]],
        HEADER[language],
        [None, young],
        ["560011", LABEL[language], 29.96, 26.96, 22.47],
        [None, old],
        [None, LABEL[language], 31.50, 28.50, 24.00],
    ]
    path = write_workbook(tmp_path / f"{language}.xlsx", rows, merges=["A4:A6"])
    extraction = _extract(path, engine)
    read = [(r.code_amb, r.age_min, r.age_max, r.fee) for r in extraction.rows]
    assert read == [("560011", None, 17, Decimal("29.96")), ("560011", 18, None, Decimal("31.50"))]
    assert _rules(extraction) == []


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_code_and_fee_merged_down_are_on_each_line_they_cover(
    tmp_path: Path, language: str, engine: str
) -> None:
    """A merge down a tariff line gives its value to each line it covers (one fee for two
    reimbursement lines); a merged label in the header stays a header label."""
    top = [*HEADER[language][:3], HEADER[language][3], None]
    sub = [None, None, None, *HEADER[language][3:]]
    rows: list[list[object]] = [
        [LEAD[language]],
        top,
        sub,
        ["560011", LABEL[language], 29.96, 26.96, 22.47],
        [None, None, None, 27.96, 23.47],
    ]
    merges = ["D2:E2", "A2:A3", "B2:B3", "C2:C3", "A4:A5", "B4:B5", "C4:C5"]
    extraction = _extract(
        write_workbook(tmp_path / f"{language}.xlsx", rows, merges=merges), engine
    )
    # Same key twice (no band printed): both flagged, both carrying the code and the fee.
    assert extraction.rows == []
    assert _rules(extraction) == [("duplicate-key", "A4"), ("duplicate-key", "A5")]
    assert [issue.raw[:3] for issue in extraction.issues[1:]] == [
        ("560011", LABEL[language], "29.96"),
        ("560011", LABEL[language], "29.96"),
    ]


# --- Hidden rows and columns -----------------------------------------------------------------


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_values_in_hidden_rows_and_columns_are_reported(
    tmp_path: Path, language: str, engine: str
) -> None:
    rows: list[list[object]] = [
        [LEAD[language]],
        [*HEADER[language], "Honoraires 2024" if language == "fr" else "Honorarium 2024"],
        ["560011", LABEL[language], 29.96, 26.96, 22.47, 28.00],
        ["560151", LABEL[language] + " 2", 12.5, 10.5, 8.5, 12.10],
        ["560210", LABEL[language] + " 3", 14.5, 12.5, 10.5],
    ]
    path = write_workbook(
        tmp_path / f"{language}.xlsx", rows, hidden_columns=["F"], hidden_rows=[5]
    )
    extraction = _extract(path, engine)
    assert [row.code_amb for row in extraction.rows] == ["560011", "560151"]
    assert _rules(extraction) == [
        ("hidden-column", "F3"),
        ("hidden-column", "F4"),
        ("hidden-row", "5"),
    ]
    messages = [(i.code, i.message.partition(":")[0]) for i in extraction.issues[1:]]
    label = LABEL[language] + " 3"
    assert messages == [
        ("560011", "column F is hidden in the workbook and holds '28' on this line"),
        ("560151", "column F is hidden in the workbook and holds '12.1' on this line"),
        (
            "560210",
            f"row 5 is hidden in the workbook and holds '560210 | {label} | 14.5 | 12.5 | 10.5'",
        ),
    ]


# --- 4. The amounts of two dates side by side ------------------------------------------------

DATED = {
    "fr": ("Honoraires au 01/01/2025", "Honoraires au 01/03/2025"),
    "nl": ("Honorarium vanaf 1 januari 2025", "Honorarium vanaf 1 maart 2025"),
}


@pytest.mark.parametrize("dated_title", [True, False], ids=["dated-title", "undated-title"])
@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_two_dated_fee_columns_refuse_the_table_saying_why(
    tmp_path: Path, language: str, engine: str, dated_title: bool
) -> None:
    """Whether the title gives a date or only the columns do, one line says what to do."""
    first, second = DATED[language]
    title = LEAD[language] if dated_title else LEAD[language].rsplit(" ", 4)[0]
    rows: list[list[object]] = [
        [title],
        [HEADER[language][0], HEADER[language][1], first, second],
        ["560011", LABEL[language], 29.96, 30.96],
    ]
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    with pytest.raises(NoTariffTableError) as raised:
        _extract(path, engine)
    assert str(raised.value) == (
        f"{language}.xlsx: the table at Feuil1!2 holds the amounts of two effective dates side by"
        f" side ('{first}' (2025-01-01), '{second}' (2025-03-01)): split it into one table per"
        " date; nothing was read"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_dated_table_beside_a_good_one_flags_its_lines(tmp_path: Path, language: str) -> None:
    """A dated second fee column is never read as a condition of the first one."""
    first, second = DATED[language]
    rows: list[list[object]] = [
        [LEAD[language]],
        HEADER[language],
        ["560011", LABEL[language], 29.96, 26.96, 22.47],
        [],
        [HEADER[language][0], HEADER[language][1], HEADER[language][2], second],
        ["560151", LABEL[language] + " 2", 12.5, 13.0],
    ]
    extraction = _extract(write_workbook(tmp_path / f"{language}.xlsx", rows), "calamine")
    assert [row.code_amb for row in extraction.rows] == ["560011"]
    [flagged] = [issue for issue in extraction.issues if issue.rule == "header-unclear"]
    assert str(flagged.location).endswith("!6") and flagged.code == "560151"
    assert "two effective dates" in flagged.message and "split it" in flagged.message
    del first


# --- 5. Damaged workbooks --------------------------------------------------------------------


def _damaged(path: Path, change: str) -> Path:
    source = write_workbook(
        path.with_name("good.xlsx"),
        [[LEAD["fr"]], HEADER["fr"], ["560011", LABEL["fr"], 29.96, 26.96, 22.47]],
    )
    with zipfile.ZipFile(source) as archive:
        parts = {info: archive.read(info) for info in archive.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    if change == "xml":
        parts = {
            info: data.replace(b"</sheetData>", b"") if info.filename == sheet else data
            for info, data in parts.items()
        }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts.items():
            archive.writestr(info.filename, data, zipfile.ZIP_DEFLATED)
    if change == "inflate":
        raw = bytearray(path.read_bytes())
        start = raw.index(sheet.encode()) + len(sheet)  # the data after its local header
        raw[start + 20 : start + 40] = b"\xff" * 20
        path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize(
    ("change", "cause"),
    [
        ("xml", "part xl/worksheets/sheet1.xml is not well-formed XML: mismatched tag at line"),
        (
            "inflate",
            "part xl/worksheets/sheet1.xml is damaged: its compressed data does not inflate",
        ),
    ],
)
def test_a_damaged_part_is_named_with_what_is_wrong(
    tmp_path: Path, engine: str, change: str, cause: str
) -> None:
    path = _damaged(tmp_path / "annexe.xlsx", change)
    with pytest.raises(UnreadableInputError) as raised:
        _extract(path, engine)
    assert str(raised.value).startswith(f"annexe.xlsx: not a readable XLSX workbook ({cause}")
