"""A workbook amount cell formatted as a percentage ("0%": 0.75 shown 75%) is no amount in
euros: flagged where it stands, never read as 0.75 EUR, by both engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.api import extract_file
from extractor.settings import XLSX_ENGINES, Options, ReadSettings
from tests.builders import FEE_AND_REIMBURSEMENTS_LABELS, write_workbook

LABELS = FEE_AND_REIMBURSEMENTS_LABELS
LEAD = {
    "fr": "Kinésithérapie : tarifs applicables à partir du 1er janvier 2025",
    "nl": "Kinesitherapie: tarieven van toepassing vanaf 1 januari 2025",
}
# Built-in 9 ("0%") and 10 ("0.00%"), custom codes with a percent sign scaling the value or
# printed as a literal ("0\" %\"": 75 shown 75 %); beside them formats that show euros.
PERCENT = {"D4": "0%", "E5": "0.00%", "D6": "[Blue]0.0%;[Red]-0.0%", "E7": '0" %"'}
EUROS = {"C4": '#,##0.00" €"', "C5": "0.00", "C6": "[$€-80C] #,##0.00", "D8": '0.00" EUR"'}


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_percent_amount_cell_is_flagged_not_read_as_euros(
    tmp_path: Path, language: str, engine: str
) -> None:
    rows: list[list[object]] = [
        [LEAD[language]],
        list(LABELS[language]),
        ["560011", "Séance", 29.06, 26.06, 22.06],
        ["560033", "Séance", 31.5, 0.75, 24.5],
        ["560055", "Séance", 31.5, 28.5, 1],
        ["560070", "Séance", 31.5, 0.6, 24.5],
        ["560092", "Séance", 31.5, 28.5, 75],
        ["560114", "Séance", 31.5, 28.5, 24.5],
    ]
    path = write_workbook(tmp_path / f"{language}.xlsx", rows, number_formats={**PERCENT, **EUROS})
    [extraction] = extract_file(path, Options(settings=ReadSettings(xlsx_engine=engine)))
    assert [(r.code_amb, str(r.fee)) for r in extraction.rows] == [
        ("560011", "29.06"),
        ("560114", "31.50"),
    ]
    flagged = [
        (i.rule, str(i.location), i.code, i.raw[3:5])
        for i in extraction.issues
        if i.severity == "error"
    ]
    where = f"{language}.xlsx#Feuil1!"
    assert flagged == [
        ("amount-unparseable", f"{where}D4", "560033", ("75%", "24.5")),
        ("amount-unparseable", f"{where}E5", "560055", ("28.5", "100%")),
        ("amount-unparseable", f"{where}D6", "560070", ("60%", "24.5")),
        ("amount-unparseable", f"{where}E7", "560092", ("28.5", "75%")),
    ]
