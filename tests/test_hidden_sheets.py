"""Sheets a workbook hides (hidden, veryHidden): their tariff lines are reported, never read as
data and never lost unseen; a hidden sheet of notes or lookups stays silent. French and Dutch,
both engines, on workbooks built here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractor.api import extract_file
from extractor.cli import main
from extractor.errors import NoTariffTableError
from extractor.model import Extraction
from extractor.readers import read
from extractor.settings import XLSX_ENGINES, Options, ReadSettings
from tests.builders import write_workbook

LEAD = {
    "fr": "Tarifs des kinésithérapeutes à partir du 1er janvier {}",
    "nl": "Tarieven van de kinesitherapeuten vanaf 1 januari {}",
}
HEADER = {
    "fr": ["Code", "Libellé", "Honoraires", "Intervention BIM", "Intervention non BIM"],
    "nl": ["Code", "Omschrijving", "Honorarium", "Tegemoetkoming VT", "Tegemoetkoming niet-VT"],
}
LABEL = {"fr": "Séance individuelle", "nl": "Individuele zitting"}
NOTES = {"fr": ["Coefficient d'indexation", 1.0213], "nl": ["Indexeringscoëfficiënt", 1.0213]}
REGIMES = {
    "fr": ["avec régime préférentiel", "sans régime préférentiel"],
    "nl": ["met voorkeurregeling", "zonder voorkeurregeling"],
}
LANGUAGES = ["fr", "nl"]


def _line(code: str, label: str, fee: float) -> list[Any]:
    return [code, label, fee, fee - 3, fee - 7]


def _workbook(path: Path, language: str, visible: bool = True) -> Path:
    """A visible table of one line (or none); a hidden sheet holding a table of two lines; a
    very hidden one holding a coded line without any header; a hidden sheet of notes and a
    very hidden lookup list, neither holding a tariff line."""
    label = LABEL[language]
    table = [[LEAD[language].format(2025)], HEADER[language], _line("560011", label, 29.96)]
    archive = [
        [LEAD[language].format(2024)],
        HEADER[language],
        _line("560151", label + " 2", 12.5),
        _line("560210", label + " 3", 14.5),
    ]
    return write_workbook(
        path,
        table if visible else [[LEAD[language].format(2025)]],
        extra_sheets={
            "Archive": archive,
            "Codes": [[], [], ["560232", label + " 4"]],
            "Notes": [NOTES[language]],
            "Liste": [[regime] for regime in REGIMES[language]],
        },
        sheet_states={
            "Archive": "hidden",
            "Codes": "veryHidden",
            "Notes": "hidden",
            "Liste": "veryHidden",
        },
    )


def _extract(path: Path, engine: str) -> Extraction:
    [extraction] = extract_file(path, Options(settings=ReadSettings(xlsx_engine=engine)))
    return extraction


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_tariff_lines_on_hidden_sheets_are_reported_not_read(
    tmp_path: Path, language: str, engine: str
) -> None:
    extraction = _extract(_workbook(tmp_path / f"{language}.xlsx", language), engine)
    assert [row.code_amb for row in extraction.rows] == ["560011"]
    found = [
        (issue.severity, str(issue.location), issue.code)
        for issue in extraction.issues
        if issue.rule == "hidden-sheet"
    ]
    name = f"{language}.xlsx"
    assert found == [
        ("error", f"{name}#Archive!3", "560151"),
        ("error", f"{name}#Archive!4", "560210"),
        ("error", f"{name}#Codes!3", "560232"),
    ]
    assert {issue.rule for issue in extraction.issues} == {
        "hidden-sheet",
        "circular-number-missing",
    }
    label = LABEL[language]
    archive, _, codes = (issue for issue in extraction.issues if issue.rule == "hidden-sheet")
    assert archive.message == (
        "sheet 'Archive' is hidden in the workbook and holds 2 tariff lines; row 3 holds"
        f" '560151 | {label} 2 | 12.5 | 9.5 | 5.5': not read as data; unhide the sheet if it"
        " belongs to the circular"
    )
    assert archive.raw == ("560151", f"{label} 2", "12.5", "9.5", "5.5")
    assert codes.message == (
        "sheet 'Codes' is very hidden (veryHidden: Excel's Unhide does not list it) in the"
        f" workbook and holds 1 tariff line; row 3 holds '560232 | {label} 4': not read as"
        " data; unhide the sheet if it belongs to the circular"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_both_engines_report_hidden_sheets_alike(tmp_path: Path, language: str) -> None:
    path = _workbook(tmp_path / f"{language}.xlsx", language)
    documents = read(path, ReadSettings(xlsx_engine="calamine"))
    assert documents == read(path, ReadSettings(xlsx_engine="openpyxl"))
    sheets = [(document.location.sheet, document.hidden) for document in documents]
    assert sheets == [
        ("Feuil1", ""),
        ("Archive", "hidden"),
        ("Codes", "veryHidden"),
        ("Notes", "hidden"),
        ("Liste", "veryHidden"),
    ]
    calamine, reference = (_extract(path, engine) for engine in ("calamine", "openpyxl"))
    assert [issue.as_dict() for issue in calamine.issues] == [
        issue.as_dict() for issue in reference.issues
    ]
    assert calamine.rows == reference.rows


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_workbook_whose_tariff_lines_are_all_hidden_is_refused_naming_the_sheets(
    tmp_path: Path, language: str, engine: str
) -> None:
    path = _workbook(tmp_path / f"{language}.xlsx", language, visible=False)
    with pytest.raises(NoTariffTableError) as refused:
        _extract(path, engine)
    assert str(refused.value) == (
        f"{language}.xlsx: no tariff table on a visible sheet, but hidden sheet 'Archive' holds"
        " 2 tariff lines and 'Codes' holds 1 tariff line: nothing was read; unhide the sheet"
        " if it belongs to the circular"
    )


@pytest.mark.parametrize("engine", XLSX_ENGINES)
def test_hidden_sheets_without_tariff_lines_stay_silent(tmp_path: Path, engine: str) -> None:
    label = LABEL["fr"]
    path = write_workbook(
        tmp_path / "fr.xlsx",
        [[LEAD["fr"].format(2025)], HEADER["fr"], _line("560011", label, 29.96)],
        extra_sheets={"Notes": [NOTES["fr"], ["Voir 1er janvier 2025"]]},
        sheet_states={"Notes": "veryHidden"},
    )
    extraction = _extract(path, engine)
    assert [row.code_amb for row in extraction.rows] == ["560011"]
    assert [issue.rule for issue in extraction.issues] == ["circular-number-missing"]


def test_a_code_on_a_hidden_sheet_is_unreadable_in_the_store_not_in_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line moved to a hidden sheet: the store neither keeps its old tariff in force nor
    calls it removed; a lookup says where the line stands and why no amount is given."""
    label = LABEL["fr"]
    before = write_workbook(
        tmp_path / "2024.xlsx",
        [
            [LEAD["fr"].format(2024)],
            HEADER["fr"],
            _line("560011", label, 28.5),
            _line("560151", label + " 2", 12.0),
            _line("560210", label + " 3", 14.0),
        ],
    )
    after = _workbook(tmp_path / "2025.xlsx", "fr")
    store = str(tmp_path / "t.sqlite")
    common = ["--out", str(tmp_path / "out"), "--store", store]
    assert main(["run", str(before), *common, "-q"]) == 0
    # Full: every code it does not list ends, but one it flags is unreadable, not ended.
    assert main(["run", str(after), "--scope", "full", *common]) == 0
    captured = capsys.readouterr()
    assert "left out: 2025.xlsx#Archive!3: hidden-sheet: sheet 'Archive' is hidden" in captured.err
    assert main(["lookup", "560151", "--date", "2025-03-01", "--store", store]) == 1
    answer = capsys.readouterr().err
    assert "code 560151 is unreadable in circular" in answer
    assert "2025.xlsx#Archive!3: sheet 'Archive' is hidden in the workbook" in answer
    assert main(["lookup", "560151", "--date", "2024-06-01", "--store", store]) == 0
