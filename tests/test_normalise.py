"""Header, heading and footnote recognition in French and Dutch, on raw rows built here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from extractor.header import detect_header
from extractor.location import Location
from extractor.model import CircularInfo, RawCell, RawDocument, RawRow
from extractor.normalise import normalise
from extractor.vocabulary import FOOTNOTE_LINE, NUMBERED_HEADING

SHEET = Location("x.xlsx", "S")
INFO = CircularInfo("2024/356", "fr", date(2025, 1, 1), "", ("x.xlsx",), "xlsx")


def row(*texts: str | None, spans: dict[int, int] | None = None) -> RawRow:
    cells = tuple(
        RawCell(text, SHEET.at(1, "ABCDEFGHIJ"[n]), (spans or {}).get(n, 1))
        for n, text in enumerate(texts)
    )
    return RawRow(cells, SHEET.at(1))


@pytest.mark.parametrize(
    ("top", "sub", "expected"),
    [
        (
            row("Pseudocode", None, "Description", "Honoraires par session", "Intervention AMI", None, "Ticket modérateur", None, spans={0: 2, 4: 2, 6: 2}),
            row("AMB", "HOS", None, None, "bénéficiaire avec régime préférentiel", "bénéficiaire sans régime préférentiel",
                "bénéficiaire avec régime préférenciel", "bénéficiaire sans régime préférenciel"),
            ["code_amb", "code_hos", "description", "fee", "reimbursement_preferential", "reimbursement_standard",
             "copayment_preferential", "copayment_standard"],
        ),
        (
            row("Omschrijving", "Pseudocode", None, "Remgeld", None, "Honorarium", "Tegemoetkoming ZIV", None, spans={1: 2, 3: 2, 6: 2}),
            row(None, "AMB", "HOS", "met voorkeurregeling", "zonder voorkeurregeling", None, "voorkeurgerechtigden", "niet-voorkeurgerechtigden"),
            ["description", "code_amb", "code_hos", "copayment_preferential", "copayment_standard", "fee",
             "reimbursement_preferential", "reimbursement_standard"],
        ),
        (
            row("Code", "Libellé", "Honoraires"),
            None,
            ["code_amb", "description", "fee"],
        ),
    ],
)  # fmt: skip
def test_header_columns_by_vocabulary(top: RawRow, sub: RawRow | None, expected: list[str]) -> None:
    found = detect_header(top, sub)
    assert found is not None
    columns, consumed = found
    assert consumed == (sub is not None)
    assert sorted(columns.index, key=columns.index.__getitem__) == expected
    assert columns.problem == ""


def test_header_marks_are_stripped() -> None:
    top = row(
        "Pseudocode",
        "Description",
        "Honoraires séance de groupe1",
        "Intervention AMI par patient2",
        None,
        spans={3: 2},
    )
    sub = row("AMB", None, None, "avec régime préférentiel", "sans régime préférentiel")
    columns, _ = detect_header(top, sub)  # type: ignore[misc]
    assert columns.marks == ("1", "2") and columns.group_session


def test_one_regime_only_is_an_unclear_header() -> None:
    top = row("Pseudocode", "Description", "Honoraires", "Intervention AMI")
    sub = row("AMB", None, None, "bénéficiaire sans régime préférentiel")
    columns, _ = detect_header(top, sub)  # type: ignore[misc]
    assert columns.problem == "the reimbursement column of the preferential regime was not found"


def test_rows_are_not_headers() -> None:
    assert detect_header(row("726530", "-", "Honoraires", "89,59"), None) is None
    assert detect_header(row("Soins psychologiques", "de première ligne"), None) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [("1. Bénéficiaires à partir de 24 ans", "1."), ("1.2.1. Séance individuelle", "1.2.1."),
     ("2.3 Functie 3: behandeling", "2.3"), ("4. ADMINISTRATIEVE CODES", "4.")],
)  # fmt: skip
def test_numbered_headings(text: str, number: str) -> None:
    match = NUMBERED_HEADING.match(text)
    assert match and match.group("number") == number


@pytest.mark.parametrize(
    "text",
    [
        "1 Intervention AMI théorique par patient",
        "2 Theoretische tegemoetkoming ZIV per patiënt",
        "(1) Une intervention de groupe",
    ],
)
def test_footnote_lines(text: str) -> None:
    assert FOOTNOTE_LINE.match(text) and not NUMBERED_HEADING.match(text)


def test_sections_bands_and_footnotes_in_dutch() -> None:
    header_top = row(
        "Pseudocode",
        None,
        "Omschrijving",
        "Honorarium",
        "Tegemoetkoming",
        None,
        "Remgeld",
        None,
        spans={0: 2, 4: 2, 6: 2},
    )
    header_sub = row(
        "AMB",
        "HOS",
        None,
        None,
        "met voorkeurregeling",
        "zonder voorkeurregeling",
        "met voorkeurregeling",
        "zonder voorkeurregeling",
    )
    group_row = row(
        "726655",
        "-",
        "Eerstelijnsondersteuning - Psycholoog - 1 1",
        "238,90",
        "53,76",
        "53,76",
        "2,50",
        "2,50",
    )
    rows = (
        row("1. Rechthebbenden jonger dan 24 jaar op de datum van de verstrekking"),
        header_top,
        header_sub,
        row("1.1. Groepssessie"),
        group_row,
        row("1 Theoretische tegemoetkoming ZIV per patiënt"),
        row("2. Rechthebbenden vanaf 24 jaar"),
        group_row,
        row("1 Theoretische tegemoetkoming ZIV per patiënt"),
    )
    result = normalise(RawDocument(SHEET, "xlsx", rows, ""), INFO)
    young, adult = result.rows
    assert (young.age_min, young.age_max, adult.age_min, adult.age_max) == (None, 23, 24, None)
    assert young.section.endswith("> 1.1. Groepssessie") and young.group_session
    assert young.description == "Eerstelijnsondersteuning - Psycholoog - 1"
    assert young.footnotes == "(1) Theoretische tegemoetkoming ZIV per patiënt"


# "Séance 2" (issue 16): a trailing number is a footnote mark only when that footnote exists.
SESSION = {
    "fr": ("Soins psychologiques à partir du 1er janvier 2025", "Séance 2", "2 Par patient"),
    "nl": ("Psychologische zorg vanaf 1 januari 2025", "Sessie 2", "2 Per patiënt"),
}


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("footnote", [False, True], ids=["no-footnote", "footnote-2"])
def test_a_trailing_digit_is_kept_unless_a_footnote_defines_it(
    language: str, footnote: bool, tmp_path: Path
) -> None:
    from extractor.api import extract_file
    from tests.builders import FR_HEADER, NL_HEADER, header_rows, write_workbook

    title, described, note = SESSION[language]
    header, merges = header_rows(2, NL_HEADER if language == "nl" else FR_HEADER)
    lines = [[726530, "-", described, 89.59, 85.59, 78.59, 4, 11],
             [726552, "-", f"{described}0", 89.59, 85.59, 78.59, 4, 11]]  # fmt: skip
    rows = [[title], *header, *lines, *([[note]] if footnote else [])]
    [extraction] = extract_file(write_workbook(tmp_path / "x.xlsx", rows, merges=merges))
    assert extraction.info.language == language
    first, second = extraction.rows
    if footnote:  # "Séance 2" with a footnote 2 under the table: mark 2, the text attached
        assert (first.description, first.footnotes) == (described[:-2], f"(2) {note[2:]}")
    else:
        assert (first.description, first.footnotes) == (described, "")
    assert (second.description, second.footnotes) == (f"{described}0", "")  # 20: no mark
    assert not [i for i in extraction.issues if i.rule == "footnote-undefined"]
