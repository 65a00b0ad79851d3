"""Conditions and key letters on files the tests build, French and Dutch, with every engine.

A second reimbursement pair, a qualifier line under a code, one code under two headings and
key-letter columns (with continuation lines) each give what realworld/README.md defines.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from extractor import vocabulary
from extractor.cli import main
from tests.builders import write_workbook
from tests.pdf_builder import Line, Text, write_grid_pdf

EDGES = (30, 65, 125, 175, 215, 370, 420, 485, 550, 640, 730)
WORDS = {
    "fr": {
        "columns": ("Code", "Lettre-clé", "Coefficient", "Valeur", "Libellé", "Honoraires"),
        "group": "Intervention",
        "second": "Intervention (AR 26/11/06 - MB 15/12/06)",
        "regimes": ("avec régime préférentiel", "sans régime préférentiel"),
        "before": ("Circulaire OA no 2014/123", "Applicable à partir du 1er août 2014"),
        "heading": "2. Consultation au cabinet par un médecin spécialiste",
        "qualifier": "avec DMG",
    },
    "nl": {
        "columns": ("Code", "Sleutelletter", "Coëfficiënt", "Waarde", "Omschrijving", "Honorarium"),
        "group": "Tegemoetkoming",
        "second": "Tegemoetkoming (KB 26/11/06 - BS 15/12/06)",
        "regimes": ("met voorkeurregeling", "zonder voorkeurregeling"),
        "before": ("Omzendbrief VI nr 2014/123", "Van toepassing vanaf 1 augustus 2014"),
        "heading": "2. Raadpleging in de spreekkamer door een geneesheer-specialist",
        "qualifier": "MET GMD",
    },
}
CONDITION = {"fr": "AR 26/11/06 - MB 15/12/06", "nl": "KB 26/11/06 - BS 15/12/06"}
LINES = [
    ("102012", "N", "8", "2,572713", "Consultation", "20,58", "17,77", "12,35", "19,77", "17,35"),
    ("102535", "N", "8", "2,936106", "Consultation accréditée", "24,48", "21,67", "16,25", "23,67", "21,25"),
    ("", "Q", "30", "0,033039", "", "", "", "", "", ""),
    ("102233", "N", "50", "2,170314", "Evaluation gériatrique", "108,52", "97,67", "81,39", "", ""),
    ("102034", "N", "16", "2,302766", "Médecine interne", "36,85", "34,18", "24,27", "36,18", "29,27"),
]  # fmt: skip
# (code, condition, key letters, fee, reimbursement preferential, reimbursement standard)
EXPECTED = [
    ("102012", "", "N 8 2.572713", "20.58", "17.77", "12.35"),
    ("102012", "second", "N 8 2.572713", "20.58", "19.77", "17.35"),
    ("102034", "", "N 16 2.302766", "36.85", "34.18", "24.27"),
    ("102034", "second", "N 16 2.302766", "36.85", "36.18", "29.27"),
    ("102233", "", "N 50 2.170314", "108.52", "97.67", "81.39"),
    ("102535", "", "N 8 2.936106 + Q 30 0.033039", "24.48", "21.67", "16.25"),
    ("102535", "second", "N 8 2.936106 + Q 30 0.033039", "24.48", "23.67", "21.25"),
]


def _extract(path: Path, out: Path, *options: str) -> tuple[list[dict[str, str]], list[Any]]:
    assert main(["extract", str(path), "--out", str(out), "-q", *options]) == 0
    with (out / "tariffs.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    return rows, json.loads((out / "issues.json").read_text(encoding="utf-8"))


def _table(rows: list[dict[str, str]]) -> list[tuple[str, ...]]:
    names = ("code_amb", "condition", "key_letters", "fee", "reimbursement_preferential")
    return [(*(row[n] for n in names), row["reimbursement_standard"]) for row in rows]


def _expected(language: str) -> list[tuple[str, ...]]:
    return [(c, CONDITION[language] if s else "", *rest) for c, s, *rest in EXPECTED]


def _pdf(path: Path, language: str) -> Path:
    words = WORDS[language]
    top = tuple((label, 1) for label in words["columns"])
    header = (
        (*top, (words["group"], 2), (words["second"], 2)),
        (("", 6), *((regime, 1) for regime in words["regimes"] * 2)),
    )
    lines: list[Line | Text] = [Text(words["heading"])]
    lines += [Line(cells, joined=not cells[0]) for cells in LINES]
    return write_grid_pdf(path, EDGES, header, lines, before=words["before"])


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_second_pair_and_key_letters_in_a_pdf(language: str, engine: str, tmp_path: Path) -> None:
    pdf = _pdf(tmp_path / "annex.pdf", language)
    rows, issues = _extract(pdf, tmp_path / "out", "--pdf-engine", engine)
    assert _table(rows) == _expected(language)
    # 16 × 2.302766 = 36.84, not the printed 36.85: one warning for the line, its rows stay.
    assert [(i["rule"], i["code"]) for i in issues] == [("key-letters-sum", "102034")]
    assert "fee 36.85 but N 16 2.302766 gives 36.84" in issues[0]["message"]


def _workbook(path: Path, language: str, lines: list[Any], before: tuple[str, ...] = ()) -> Path:
    words = WORDS[language]
    top = [*words["columns"], words["group"], None, words["second"], None]
    sub = [None] * 6 + [*words["regimes"]] * 2
    return write_workbook(
        path,
        [[line] for line in before or words["before"]] + [top, sub, [words["heading"]], *lines],
        merges=("G3:H3", "I3:J3"),
    )


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_second_pair_and_key_letter_lines_in_a_workbook(
    language: str, engine: str, tmp_path: Path
) -> None:
    book = _workbook(tmp_path / "annex.xlsx", language, [list(line) for line in LINES])
    rows, issues = _extract(book, tmp_path / "out", "--xlsx-engine", engine)
    assert _table(rows) == _expected(language)
    assert [(i["rule"], i["code"]) for i in issues] == [("key-letters-sum", "102034")]


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_key_letters_that_do_not_pair_up_are_flagged(language: str, tmp_path: Path) -> None:
    lines = [list(LINES[0]), ["102535", "N", "8", "", "Consultation", *LINES[1][5:]]]
    book = _workbook(tmp_path / "annex.xlsx", language, lines)
    rows, issues = _extract(book, tmp_path / "out")
    assert [r["code_amb"] for r in rows] == ["102012", "102012"]
    assert [(i["rule"], i["code"]) for i in issues] == [("key-letters-unreadable", "102535")]


GP = {
    "fr": (["Code", "Prestation", "Honoraires", "Remboursement", None],
           [None, None, None, "avec régime préférentiel", "sans régime préférentiel"],
           "Applicable à partir du 1er janvier 2024", "avec DMG", "Circulaire OA no 2024/12"),
    "nl": (["Nomenclatuurcode", "Aard verstrekking", "Honoraria", "Terugbetaling", None],
           [None, None, None, "met voorkeurregeling", "zonder voorkeurregeling"],
           "Van toepassing vanaf 1 januari 2024", "MET GMD", "Omzendbrief VI nr 2024/12"),
}  # fmt: skip


def _gp_workbook(path: Path, language: str, lines: list[list[Any]]) -> Path:
    top, sub, date, _, number = GP[language]
    return write_workbook(path, [[number], [date], top, sub, *lines], merges=("D3:E3",))


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_qualifier_line_under_a_code_is_its_tariff_under_that_condition(
    language: str, engine: str, tmp_path: Path
) -> None:
    qualifier = GP[language][3]
    lines = [
        ["101010", "Médecin généraliste", "18,85", "17,35", "12,85"],
        [None, qualifier, "18,85", "17,85", "14,85"],
        ["101032", "Médecin généraliste agréé", "25,68", "24,18", "19,68"],
        [None, qualifier, None, "24,68", "21,68"],  # the fee is the code's
        ["101076", "Médecin accrédité", "31,81", "30,31", "25,81"],
        [None, "Supplément", "4,57", "4,57", "4,57"],  # not a qualifier: a line without code
        [None, qualifier, "31,81", "30,81", "27,81"],  # not right under a coded line
    ]
    book = _gp_workbook(tmp_path / "gp.xlsx", language, lines)
    rows, issues = _extract(book, tmp_path / "out", "--xlsx-engine", engine)
    assert _table(rows) == [
        ("101010", "", "", "18.85", "17.35", "12.85"),
        ("101010", qualifier, "", "18.85", "17.85", "14.85"),
        ("101032", "", "", "25.68", "24.18", "19.68"),
        ("101032", qualifier, "", "25.68", "24.68", "21.68"),
        ("101076", "", "", "31.81", "30.31", "25.81"),
    ]
    assert {r["description"] for r in rows if r["code_amb"] == "101010"} == {"Médecin généraliste"}
    assert [i["rule"] for i in issues if i["severity"] == "error"] == ["code-missing"] * 2


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_one_code_under_two_headings_gets_each_heading_as_condition(
    language: str, tmp_path: Path
) -> None:
    general, special = {
        "fr": ("Tarif A (tarif général)", "Tarif B (tarif spécial)"),
        "nl": ("Tarief A (algemeen tarief)", "Tarief B (buitengewoon tarief)"),
    }[language]
    lines = [
        ["1. Raadplegingen"],
        [general],
        ["101010", "Consultation", "18,85", "17,35", "12,85"],
        ["101032", "Consultation agréée", "25,68", "24,18", "19,68"],
        [special],
        ["101010", "Consultation", "20,85", "19,35", "14,85"],
        ["101032", "Consultation agréée", "25,68", "24,18", "19,68"],  # as printed, twice
    ]
    book = _gp_workbook(tmp_path / "ab.xlsx", language, lines)
    rows, issues = _extract(book, tmp_path / "out")
    assert _table(rows) == [
        ("101010", "", "", "18.85", "17.35", "12.85"),
        ("101010", special, "", "20.85", "19.35", "14.85"),
        ("101032", "", "", "25.68", "24.18", "19.68"),
        ("101032", special, "", "25.68", "24.18", "19.68"),
    ]
    assert issues == []


@pytest.mark.parametrize(
    "between",
    [
        [],
        # a note, then a footnote: the note is not the caption of the rows below
        [["Voir annexe 2"], ["1 Montant par séance"]],
        # prose is never a caption
        [["Ces montants s'appliquent aussi aux prestations effectuées en dehors des heures"
          " de consultation habituelles du médecin."]],
    ],
)  # fmt: skip
def test_two_tariffs_of_one_code_under_one_heading_stay_a_duplicate_key(
    between: list[list[str]], tmp_path: Path
) -> None:
    lines = [
        ["101010", "Consultation", "18,85", "17,35", "12,85"],
        *between,
        ["101010", "Consultation", "20,85", "19,35", "14,85"],
    ]
    rows, issues = _extract(_gp_workbook(tmp_path / "d.xlsx", "fr", lines), tmp_path / "out")
    assert rows == [] and [i["rule"] for i in issues] == ["duplicate-key"] * 2


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_lookup_asks_for_the_condition_and_answers_it(
    language: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    qualifier = GP[language][3]
    lines = [
        ["101010", "Médecin généraliste", "18,85", "17,35", "12,85"],
        [None, qualifier, "18,85", "17,85", "14,85"],
    ]
    book = _gp_workbook(tmp_path / "gp.xlsx", language, lines)
    store = str(tmp_path / "t.sqlite")
    assert main(["run", str(book), "--out", str(tmp_path / "o"), "--store", store, "-q"]) == 0
    capsys.readouterr()
    ask = ["lookup", "101010", "--date", "2024-03-01", "--store", store]
    assert main(ask) == 1
    err = capsys.readouterr().err
    assert "several tariffs" in err and qualifier in err and len(err.strip().splitlines()) == 1
    assert main([*ask, "--condition", qualifier]) == 0
    assert "14.85" in capsys.readouterr().out
    assert main([*ask, "--condition", ""]) == 0
    assert "12.85" in capsys.readouterr().out


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_conditions_and_key_letters_reach_exports_store_and_report(
    language: str, tmp_path: Path
) -> None:
    store, out = str(tmp_path / "t.sqlite"), tmp_path / "out"
    number, applicable = WORDS[language]["before"]
    for version, (date, amount) in enumerate((("1/08/2014", "19,77"), ("1/01/2015", "19,97"))):
        lines = [[*LINES[0][:8], amount, "17,35"], list(LINES[2])]
        dated = (number, f"{applicable.rsplit(' ', 3)[0]} {date}")
        book = _workbook(tmp_path / f"v{version}.xlsx", language, lines, dated)
        assert main(["run", str(book), "--out", str(out), "--store", store, "-q"]) == 0
    folder = next(p for p in sorted(out.iterdir()) if p.name.startswith("2015"))
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert "condition" in package["resources"][0]["schema"]["primaryKey"]
    rows = json.loads((folder / "tariffs.json").read_text(encoding="utf-8"))["rows"]
    assert {(r["condition"], r["key_letters"]) for r in rows} == {
        (None, "N 8 2.572713 + Q 30 0.033039"),
        (CONDITION[language], "N 8 2.572713 + Q 30 0.033039"),
    }
    changes = json.loads((folder / "changes.json").read_text(encoding="utf-8"))
    changed = [c for c in changes["changes"] if c["kind"] == "changed"]
    assert [(c["condition"], c["old"], c["new"]) for c in changed] == [
        (CONDITION[language], "19.77", "19.97")
    ]
    assert f"Consultation [{CONDITION[language]}]" in (folder / "changes.md").read_text("utf-8")


AGE_GROUPS = {
    "fr": (("moins de 10 ans", "de 10 à 74 ans", "75 ans et plus"),
           ["Code", "Prestation", "Honoraires", *["Remboursement", None] * 3],
           [None, None, None, *["avec régime préférentiel", "sans régime préférentiel"] * 3],
           ("Circulaire OA no 2024/12", "Applicable à partir du 1er janvier 2024")),
    "nl": (("jonger dan 10 jaar", "van 10 tot en met 74 jaar", "75 jaar en ouder"),
           ["Nomenclatuurcode", "Omschrijving", "Honoraria", *["Terugbetaling", None] * 3],
           [None, None, None, *["met voorkeurregeling", "zonder voorkeurregeling"] * 3],
           ("Omzendbrief VI nr 2024/12", "Van toepassing vanaf 1 januari 2024")),
}  # fmt: skip
VISITS = [
    ["103110", "Bezoek", "37,41", "35,41", "29,41", "33,80", "23,32", "33,80", "24,32"],
    ["103132", "Bezoek 2", "45,81", "43,81", "37,81", "42,25", "28,78", "42,25", "29,78"],
]


def _age_workbook(path: Path, language: str, groups: tuple[str, ...]) -> Path:
    _, top, sub, before = AGE_GROUPS[language]
    above = [None, None, None, groups[0], None, groups[1], None, groups[2], None]
    return write_workbook(
        path,
        [[line] for line in before] + [above, top, sub, *VISITS],
        merges=("D3:E3", "F3:G3", "H3:I3", "D4:E4", "F4:G4", "H4:I4"),
    )


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_age_groups_as_column_groups_give_a_row_per_band(
    language: str, engine: str, tmp_path: Path
) -> None:
    book = _age_workbook(tmp_path / "visits.xlsx", language, AGE_GROUPS[language][0])
    rows, issues = _extract(book, tmp_path / "out", "--xlsx-engine", engine)
    got = [
        (r["code_amb"], r["age_min"], r["age_max"], r["fee"], r["reimbursement_standard"])
        for r in rows
    ]
    assert got == [
        ("103110", "", "9", "37.41", "29.41"),
        ("103110", "10", "74", "37.41", "23.32"),
        ("103110", "75", "", "37.41", "24.32"),
        ("103132", "", "9", "45.81", "37.81"),
        ("103132", "10", "74", "45.81", "28.78"),
        ("103132", "75", "", "45.81", "29.78"),
    ]
    assert issues == []


@pytest.mark.parametrize(
    "groups",
    [
        ("– 10 jaar", "10-75 jaar", "+75 jaar en chronisch ziek"),  # not exact bands
        ("jonger dan 10 jaar", "van 5 tot en met 74 jaar", "75 jaar en ouder"),  # overlap
    ],
)
def test_ambiguous_age_column_groups_are_flagged(groups: tuple[str, ...], tmp_path: Path) -> None:
    book = _age_workbook(tmp_path / "visits.xlsx", "nl", groups)
    rows, issues = _extract(book, tmp_path / "out")
    assert rows == []
    assert [(i["rule"], i["code"]) for i in issues] == [
        ("header-unclear", "103110"),
        ("header-unclear", "103132"),
    ]


def test_inspect_shows_the_conditions_a_line_was_read_under(tmp_path: Path) -> None:
    from PIL import Image

    def coloured(image: Any) -> int:  # the purple of conditions, give or take the palette
        data = image.convert("RGB").tobytes()
        pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
        return sum(1 for r, g, b in pixels if r > 120 and g < 70 and b > 170)

    pdf = _pdf(tmp_path / "annex.pdf", "fr")
    assert main(["inspect", str(pdf), "--page", "1", "--out", str(tmp_path / "out")]) == 0
    assert coloured(Image.open(tmp_path / "out" / "annex-page1.png")) > 50
    plain = write_grid_pdf(
        tmp_path / "plain.pdf",
        EDGES,
        ((*((label, 1) for label in WORDS["fr"]["columns"]), ("Intervention", 2)),
         (("", 6), *((regime, 1) for regime in WORDS["fr"]["regimes"]))),
        [Line(cells[:8]) for cells in LINES[:2]],
        before=WORDS["fr"]["before"],
    )  # fmt: skip
    assert main(["inspect", str(plain), "--page", "1", "--out", str(tmp_path / "out")]) == 0
    assert coloured(Image.open(tmp_path / "out" / "plain-page1.png")) == 0


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_qualifier_line_in_a_pdf(language: str, engine: str, tmp_path: Path) -> None:
    top, sub, date, qualifier, number = GP[language]
    header = (
        ((top[0], 1), (top[1], 1), (top[2], 1), (top[3], 2)),
        (("", 3), (sub[3], 1), (sub[4], 1)),
    )
    lines: list[Line | Text] = [
        Line(("101010", "Médecin généraliste", "18,85", "17,35", "12,85")),
        Line(("", qualifier, "18,85", "17,85", "14,85")),
        Line(("101032", "Médecin agréé", "25,68", "24,18", "19,68")),
    ]
    edges = (40, 110, 330, 400, 500, 600)
    pdf = write_grid_pdf(tmp_path / "gp.pdf", edges, header, lines, before=(number, date))
    rows, issues = _extract(pdf, tmp_path / "out", "--pdf-engine", engine)
    assert _table(rows) == [
        ("101010", "", "", "18.85", "17.35", "12.85"),
        ("101010", qualifier, "", "18.85", "17.85", "14.85"),
        ("101032", "", "", "25.68", "24.18", "19.68"),
    ]
    assert issues == []


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (("Code", "Lettre-clé", "Coefficient", "Valeur lettre-clé", "Libellé", "Honoraires"),
         ["code_amb", "key_letter", "coefficient", "key_value", "description", "fee"]),
        (("Code", "Sleutelletter", "Coëfficiënt", "Waarde sleutelletter", "Omschrijving", "Honorarium"),
         ["code_amb", "key_letter", "coefficient", "key_value", "description", "fee"]),
        (("Code", "Libellé", "Honoraires", "Valeur de l'intervention"),
         ["code_amb", "description", "fee", "reimbursement"]),
    ],
)  # fmt: skip
def test_key_letter_headers_by_vocabulary(labels: tuple[str, ...], expected: list[str]) -> None:
    from extractor.header import _column_name

    assert [_column_name(label, "") or vocabulary.header_roles(label)[0] for label in labels] == (
        expected
    )


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_age_groups_as_column_groups_in_a_pdf(language: str, engine: str, tmp_path: Path) -> None:
    groups, top, sub, before = AGE_GROUPS[language]
    header = (
        (("", 3), *((group, 2) for group in groups)),
        ((top[0], 1), (top[1], 1), (top[2], 1), *((top[3], 2),) * 3),
        (("", 3), *((label, 1) for label in sub[3:])),
    )
    edges = (30, 110, 200, 250, 330, 410, 490, 570, 650, 730)
    lines: list[Line | Text] = [Line(tuple(visit)) for visit in VISITS]
    pdf = write_grid_pdf(tmp_path / "visits.pdf", edges, header, lines, before=before)
    rows, issues = _extract(pdf, tmp_path / "out", "--pdf-engine", engine)
    got = [
        (r["code_amb"], r["age_min"], r["age_max"], r["reimbursement_preferential"]) for r in rows
    ]
    assert got == [
        ("103110", "", "9", "35.41"),
        ("103110", "10", "74", "33.80"),
        ("103110", "75", "", "33.80"),
        ("103132", "", "9", "43.81"),
        ("103132", "10", "74", "42.25"),
        ("103132", "75", "", "42.25"),
    ]
    assert issues == []


# A second group set apart by a "not" alone ("Honoraires non conventionnés" after "Honoraires
# conventionnés"): its condition says not what, whatever the agreement of the words after it.
NEGATED = {
    "fr": (
        ("Code", "Libellé", "Honoraires conventionnés", "Intervention conventionnée",
         "Honoraires non conventionnés", "Intervention non conventionnée"),
        "non conventionnés",
    ),
    "nl": (
        ("Code", "Omschrijving", "Honorarium geconventioneerd", "Tegemoetkoming geconventioneerd",
         "Honorarium niet geconventioneerd", "Tegemoetkoming niet geconventioneerd"),
        "niet geconventioneerd",
    ),
}  # fmt: skip


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_second_group_set_apart_by_a_negation(language: str, engine: str, tmp_path: Path) -> None:
    labels, condition = NEGATED[language]
    regimes = WORDS[language]["regimes"]
    top = [*labels[:3], labels[3], None, labels[4], labels[5], None]
    sub = [None] * 3 + [*regimes, None, *regimes]
    book = write_workbook(
        tmp_path / "annex.xlsx",
        [["Kinésithérapie : tarifs applicables à partir du 1er janvier 2025"], top, sub,
         ["560011", "Séance", 29.06, 26.06, 22.06, 35, 19.5, 16.5]],
        merges=("D2:E2", "G2:H2"),
    )  # fmt: skip
    rows, issues = _extract(book, tmp_path / "out", "--xlsx-engine", engine)
    assert _table(rows) == [
        ("560011", "", "", "29.06", "26.06", "22.06"),
        ("560011", condition, "", "35.00", "19.50", "16.50"),
    ]
    assert [i["rule"] for i in issues] == ["circular-number-missing"]
