"""Every rule of the registry, triggered from a file the test builds (issue 16).

TRIGGERS is keyed by rule code and compared with the registry: a rule added without a trigger
fails the first test. Each trigger builds a small XLSX or PDF with one good row and one row
breaking the rule, and asserts the issue exactly (rule, severity, location, code) and which
rows the table keeps: an `error` row is left out, a `warning` row stays in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from extractor.api import extract
from extractor.rules import REGISTRY
from tests.builders import FR_HEADER, NL_HEADER, header_rows, write_workbook
from tests.pdf_builder import Header, Row, Text, cover, write_pdf

TITLE = "Soins psychologiques à partir du 1er janvier 2025"
OK = [89.59, 85.59, 78.59, 4, 11]  # fee = reimbursement + co-payment in both regimes
GOOD = [726530, "-", "Soutien", *OK]
PDF_AMOUNTS = ("89,59", "85,59", "78,59", "4,00", "11,00")


def _book(
    name: str,
    body: list[list[Any]],
    before: list[list[Any]] | None = None,
    header: tuple[list[Any], list[Any]] = FR_HEADER,
    title: str = TITLE,
    hidden_rows: tuple[int, ...] = (),
    hidden_columns: tuple[str, ...] = (),
    hidden_sheet: list[list[Any]] | None = None,
) -> Callable[[Path], list[Path]]:
    """A workbook: title row, `before` rows, the two-row header, then `body`; `hidden_sheet`:
    rows of a second sheet, "Cachée", that the workbook hides."""

    def build(folder: Path) -> list[Path]:
        lines = before or []
        head, merges = header_rows(2 + len(lines), header)
        rows = [[title], *lines, *head, *body]
        hidden = {"hidden_rows": hidden_rows, "hidden_columns": hidden_columns}
        if hidden_sheet is not None:
            extra = {"extra_sheets": {"Cachée": hidden_sheet}, "sheet_states": {"Cachée": "hidden"}}
            return [write_workbook(folder / name, rows, merges=merges, **hidden, **extra)]
        return [write_workbook(folder / name, rows, merges=merges, **hidden)]

    return build


def _key_letter_book(lines: list[list[Any]]) -> Callable[[Path], list[Path]]:
    """A workbook with key-letter columns (letter, coefficient, value) before the fee."""

    def build(folder: Path) -> list[Path]:
        top = ["Code", "Lettre-clé", "Coefficient", "Valeur", "Libellé", "Honoraires",
               "Intervention", None]  # fmt: skip
        sub = [None] * 6 + ["avec régime préférentiel", "sans régime préférentiel"]
        rows: list[list[Any]] = [["Circulaire OA no 2014/123"], ["Applicable à partir du 1er août 2014"], top, sub,
                ["2. Consultation au cabinet"], *lines]  # fmt: skip
        return [write_workbook(folder / "lettres.xlsx", rows, merges=("G3:H3",))]

    return build


def _pdf(name: str, rows: list[Row]) -> Callable[[Path], list[Path]]:
    def build(folder: Path) -> list[Path]:
        return [write_pdf(folder / name, [*cover(), Text("1. Bénéficiaires"), Header(), *rows])]

    return build


def _french_and_dutch(folder: Path) -> list[Path]:
    """The French and the Dutch annex of one circular, 726552's amounts differing by 1.00."""
    french = _book("x.xlsx", [GOOD, [726552, "-", "Soutien - lieu", *OK]])(folder)
    other = [90.59, 86.59, 79.59, 4, 11]  # still fee = reimbursement + co-payment
    dutch = _book("y.xlsx", [[726530, "-", "Steun", *OK], [726552, "-", "Steun - plaats", *other]],
                  header=NL_HEADER, title="Psychologische zorg vanaf 1 januari 2025")(folder)  # fmt: skip
    return [*french, *dutch]


def _pdf_and_annex(folder: Path) -> list[Path]:
    """A circular's PDF and its XLSX annex, one fee differing (726552: 89.59 vs 89.95)."""
    pdf = _pdf("Circulaire OA 2024-356.pdf", [
        Row("726530", "Soutien", PDF_AMOUNTS), Row("726552", "Soutien - lieu", PDF_AMOUNTS)])(
        folder
    )[0]  # fmt: skip
    xlsx = _book(
        "annexe 01-01-2025.xlsx",
        [GOOD, [726552, "-", "Soutien - lieu", 89.95, 85.59, 78.59, 4, 11]],
        before=[["1. Bénéficiaires"]],
    )(folder)[0]
    return [pdf, xlsx]


# Two reimbursement columns for the preferential regime: the header cannot be trusted.
UNCLEAR_HEADER = (FR_HEADER[0], [*FR_HEADER[1][:5], FR_HEADER[1][4], *FR_HEADER[1][6:]])


@dataclass(frozen=True)
class Trigger:
    build: Callable[[Path], list[Path]]
    severity: str
    location: str  # as issues.json prints it
    code: str  # the code the issue names ("" when the line has none)
    kept: tuple[str, ...]  # the codes of the table's rows, in order
    also: tuple[str, ...] = ()  # other error rules the same file raises


X = "x.xlsx#Feuil1"  # the workbooks' first sheet
# fmt: off
TRIGGERS: dict[str, Trigger] = {
    "code-format": Trigger(
        _book("x.xlsx", [GOOD, ["72653X", "-", "Lettre", *OK]]), "error", f"{X}!A5", "",
        ("726530",)),
    "code-check-digit": Trigger(
        _book("x.xlsx", [GOOD, [726531, "-", "Contrôle", *OK]]), "error", f"{X}!A5", "726531",
        ("726530",)),
    "amount-negative": Trigger(
        _book("x.xlsx", [GOOD, [726552, "-", "Négatif", "-89,59", 85.59, 78.59, 4, 11]]), "error",
        f"{X}!A5", "726552", ("726530",)),
    "amount-precision": Trigger(
        _book("x.xlsx", [GOOD, [726552, "-", "Trois", "89,595", 85.59, 78.59, 4, 11]]), "error",
        f"{X}!A5", "726552", ("726530",)),
    "amount-unparseable": Trigger(
        _book("x.xlsx", [GOOD, [726552, "-", "Texte", "quatre-vingts", 85.59, 78.59, 4, 11]]),
        "error", f"{X}!D5", "726552", ("726530",)),
    "amount-missing": Trigger(
        _book("x.xlsx", [GOOD, [726552, "-", "Manque", 89.59, None, 78.59, 4, 11]]), "error",
        f"{X}!A5", "726552", ("726530",)),
    "row-shifted": Trigger(
        _book("x.xlsx", [GOOD, [None, None, None, None, 726412, "-", "Décalée", 238.9]]), "error",
        f"{X}!E5", "726412", ("726530",)),
    "code-missing": Trigger(
        _book("x.xlsx", [GOOD, [None, "-", "Sans code", *OK]]), "error", f"{X}!5", "",
        ("726530",)),
    "header-missing": Trigger(
        _book("x.xlsx", [GOOD], before=[[726552, "-", "Avant l'en-tête", *OK]]), "error",
        f"{X}!2", "", ("726530",)),
    "duplicate-key": Trigger(
        _book("x.xlsx", [GOOD, [726552, "-", "Deux fois", *OK], [726552, "-", "Deux fois", *OK]]),
        "error", f"{X}!A5", "726552", ("726530",)),  # and A6: see the test
    "age-band-order": Trigger(
        _book("x.xlsx", [["1. Bénéficiaires de 24 à 30 ans"], GOOD,
                         ["2. Bénéficiaires de 30 à 20 ans"], [726552, "-", "Âges", *OK]]),
        "error", f"{X}!A7", "726552", ("726530",)),
    "fee-not-sum": Trigger(
        _book("x.xlsx", [GOOD, [726552, "-", "Lieu", *OK],
                         [726574, "-", "Somme", 90.59, 85.59, 78.59, 4, 11]]),
        "warning", f"{X}!A6", "726574", ("726530", "726552", "726574")),
    "footnote-undefined": Trigger(
        _pdf("circ.pdf", [Row("726530", "Soutien", PDF_AMOUNTS),
                          Row("726552", "Soutien - lieu", PDF_AMOUNTS, mark="3")]),
        "warning", "circ.pdf#page=1&line=12", "726552", ("726530", "726552")),
    "row-unrecognised": Trigger(
        _book("x.xlsx", [GOOD, [None, None, "Texte", "autre texte"]]), "warning", f"{X}!5", "",
        ("726530",)),
    "section-missing": Trigger(
        _book("x.xlsx", [[726552, "-", "Avant", *OK], ["1. Bénéficiaires"], GOOD]), "error",
        f"{X}!A4", "726552", ("726530",)),
    "section-incomplete": Trigger(
        _book("x.xlsx", [["1. Bénéficiaires"], ["1.1. Séance individuelle"], GOOD,
                         ["2.2.1. Séance de groupe"], [726552, "-", "Orpheline", *OK]]),
        "error", f"{X}!A8", "726552", ("726530",)),
    "header-unclear": Trigger(
        _book("x.xlsx", [GOOD], header=UNCLEAR_HEADER), "error", f"{X}!4", "726530", ()),
    "code-outside-row": Trigger(
        _book("x.xlsx", [GOOD, ["Voir aussi le code 726552 ci-dessus"]]), "warning", f"{X}!A5",
        "726552", ("726530",)),
    "source-mismatch": Trigger(
        _pdf_and_annex, "error", "annexe 01-01-2025.xlsx#Feuil1!A6", "726552", ("726530",)),
    "language-mismatch": Trigger(
        _french_and_dutch, "warning", f"{X}!A5", "726552", ("726530", "726552") * 2),
    "circular-number-missing": Trigger(
        _book("x.xlsx", [GOOD]), "warning", X, "", ("726530",)),
    "effective-date-conflict": Trigger(
        _book("annexe 01-03-2025.xlsx", [GOOD]), "warning", "annexe 01-03-2025.xlsx#Feuil1", "",
        ("726530",)),
    "key-letters-unreadable": Trigger(
        _key_letter_book([["102012", "N", "8", "2,572713", "Consultation", "20,58", "17,77",
                           "12,35"],
                          ["102535", "N", "8", "", "Accréditée", "24,48", "21,67", "16,25"]]),
        "error", "lettres.xlsx#Feuil1!A7", "102535", ("102012",)),
    "key-letters-sum": Trigger(
        _key_letter_book([["102012", "N", "8", "2,572713", "Consultation", "20,58", "17,77",
                           "12,35"],
                          ["102034", "N", "16", "2,302766", "Interne", "36,85", "34,18",
                           "24,27"]]),
        "warning", "lettres.xlsx#Feuil1!A7", "102034", ("102012", "102034")),
    "column-unplaced": Trigger(
        _book("x.xlsx", [[*GOOD, 5.05]],
              header=([*FR_HEADER[0], "Supplément de nuit"], [*FR_HEADER[1], None])),
        "warning", f"{X}!I4", "726530", ("726530",)),
    "amount-by-reference": Trigger(
        _book("x.xlsx", [GOOD, [726552, "-", "Renvoi", 89.59, "(*)", 78.59, 4, 11],
                         ["(*) Voir la note"]]),
        "warning", f"{X}!E5", "726552", ("726530", "726552")),
    "formula-not-computed": Trigger(  # openpyxl writes formulas without computing them
        _book("x.xlsx", [GOOD, [726552, "-", "Formule", "=E5+G5", 85.59, 78.59, 4, 11]]),
        "error", f"{X}!D5", "726552", ("726530",)),
    "hidden-row": Trigger(
        _book("x.xlsx", [GOOD, [726552, "-", "Cachée", *OK]], hidden_rows=(5,)), "error",
        f"{X}!5", "726552", ("726530",)),
    "hidden-column": Trigger(
        _book("x.xlsx", [[*GOOD, 5.05]], header=([*FR_HEADER[0], "Note"], [*FR_HEADER[1], None]),
              hidden_columns=("I",)),
        "warning", f"{X}!I4", "726530", ("726530",)),
    "hidden-sheet": Trigger(
        _book("x.xlsx", [GOOD], hidden_sheet=[[TITLE], [726552, "-", "Cachée", *OK]]), "error",
        "x.xlsx#Cachée!2", "726552", ("726530",)),
    "age-unreadable": Trigger(
        _book("x.xlsx", [[*GOOD, "24 ans et plus"], [726552, "-", "Âge", *OK, "0-17"]],
              header=([*FR_HEADER[0], "Âge"], [*FR_HEADER[1], None])),
        "error", f"{X}!I5", "726552", ("726530",)),
    "age-heading-unread": Trigger(
        _book("x.xlsx", [GOOD, ["Bénéficiaires de plus de 65 ans"], [726552, "-", "Âgés", *OK]]),
        "warning", f"{X}!A5", "", ("726530", "726552")),
    "age-band-carried": Trigger(
        _book("x.xlsx", [GOOD, ["Séances à domicile"],
                         ["Pseudocode", None, "Description", "Honoraires", "Ticket modérateur avec"
                          " régime préférentiel", "Ticket modérateur sans régime préférentiel"],
                         [726552, None, "Domicile", 89.59, 4, 11]],
              before=[["Bénéficiaires de moins de 18 ans"]]),
        "warning", f"{X}!7", "", ("726530", "726552")),
    "age-band-unclear": Trigger(
        _book("x.xlsx", [["Enfants de moins de 3 ans"], GOOD, ["Enfants de 3 ans et plus"],
                         [726552, "-", "Enfants", *OK]],
              before=[["Bénéficiaires de moins de 18 ans"]]),
        "warning", f"{X}!A7", "", ("726530", "726552")),
    "description-missing": Trigger(
        _book("x.xlsx", [GOOD, [726552, "-", None, *OK]]), "error", f"{X}!A5", "726552",
        ("726530",)),
}
# fmt: on

# Rules on values we make ourselves, which no source file can break: checked on the schema.
NOT_FROM_A_FILE = {
    "effective-date-format": "effective_from is a date the reader built (from the document, the"
    " file name or --effective-from), always written YYYY-MM-DD",
}


def test_every_registered_rule_has_a_trigger() -> None:
    assert set(TRIGGERS).isdisjoint(NOT_FROM_A_FILE)
    assert sorted([*TRIGGERS, *NOT_FROM_A_FILE]) == sorted(REGISTRY)


@pytest.mark.parametrize("rule", sorted(TRIGGERS))
def test_a_built_file_triggers_the_rule(rule: str, tmp_path: Path) -> None:
    trigger = TRIGGERS[rule]
    assert trigger.severity == REGISTRY[rule].severity
    extractions = extract(trigger.build(tmp_path))
    issues = [issue for e in extractions for issue in e.issues]
    raised = [(i.severity, str(i.location), i.code) for i in issues if i.rule == rule]
    expected = (trigger.severity, trigger.location, trigger.code)
    if rule == "duplicate-key":  # both lines of the pair, each left out
        assert raised == [expected, ("error", f"{X}!A6", "726552")]
    elif rule == "language-mismatch":  # each language's line, each naming the other
        assert raised == [expected, ("warning", "y.xlsx#Feuil1!A5", "726552")]
    else:
        assert raised == [expected]
    others = {i.rule for i in issues if i.severity == "error" and i.rule != rule}
    assert others == set(trigger.also)
    kept = tuple(row.code_amb for e in extractions for row in e.rows)
    assert kept == trigger.kept
    if trigger.severity == "error" and trigger.code:
        assert trigger.code not in kept  # an error row is left out of the table


def test_effective_date_format_on_the_schema() -> None:
    """The one rule no file can break is still the schema's: a bad date is refused."""
    import pandera.pandas as pa

    from extractor.validate import to_frame
    from schemas import TARIFF_TABLE
    from tests.test_diff import tariff

    frame = to_frame([tariff("726530", "89.59")])
    columns = list(TARIFF_TABLE.columns)
    TARIFF_TABLE.validate(frame[columns])
    frame["effective_from"] = ["2025-02-30"]
    with pytest.raises(pa.errors.SchemaError) as refused:
        TARIFF_TABLE.validate(frame[columns])
    assert "effective-date-format" in str(refused.value)


ONE_REGIME = (
    ["Pseudocode", None, "Description", "Honoraires", "Intervention AMI", "Ticket modérateur",
     None],
    ["AMB", "HOS", None, None, "bénéficiaire avec régime préférentiel",
     "bénéficiaire avec régime préférentiel", "bénéficiaire sans régime préférentiel"],
)  # fmt: skip


@pytest.mark.parametrize(
    ("header", "merges", "problem"),
    [
        (UNCLEAR_HEADER, ("A2:B2", "E2:F2", "G2:H2", "C2:C3", "D2:D3"),
         "two columns read as reimbursement_preferential"),
        (ONE_REGIME, ("A2:B2", "F2:G2", "C2:C3", "D2:D3"),
         "the reimbursement column of the standard regime was not found"),
    ],
    ids=["two-columns-one-field", "one-regime-only"],
)  # fmt: skip
def test_rows_under_an_unclear_header_are_flagged_never_kept_half_empty(
    header: tuple[list[Any], list[Any]], merges: tuple[str, ...], problem: str, tmp_path: Path
) -> None:
    """Not a row with an empty reimbursement: every coded line under the header is an error."""
    width = len(header[0])
    body = [[726530, "-", "Soutien", *OK][:width], [726552, "-", "Lieu", *OK][:width]]
    path = write_workbook(tmp_path / "x.xlsx", [[TITLE], *header, *body], merges=merges)
    [extraction] = extract([path])
    assert extraction.rows == []
    flagged = [(i.severity, i.rule, str(i.location), i.code) for i in extraction.issues
               if i.severity == "error"]  # fmt: skip
    assert flagged == [
        ("error", "header-unclear", f"{X}!4", "726530"),
        ("error", "header-unclear", f"{X}!5", "726552"),
    ]
    assert all(problem in i.message for i in extraction.issues if i.rule == "header-unclear")


def test_age_band_order_on_the_schema_at_its_boundary() -> None:
    """A band of one year (24 to 24) is in order, 25 to 24 is not; a band open at one end
    has no order to keep."""
    import pandera.pandas as pa

    from extractor.validate import to_frame
    from schemas import TARIFF_TABLE
    from tests.test_diff import tariff

    columns = list(TARIFF_TABLE.columns)
    for low, high in [(24, 24), (24, None), (None, 23)]:
        TARIFF_TABLE.validate(
            to_frame([tariff("726530", "89.59", age_min=low, age_max=high)])[columns]
        )
    with pytest.raises(pa.errors.SchemaError) as refused:
        TARIFF_TABLE.validate(
            to_frame([tariff("726530", "89.59", age_min=25, age_max=24)])[columns]
        )
    assert "age-band-order" in str(refused.value)
