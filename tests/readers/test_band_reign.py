"""How far an unnumbered age-band line rules: until a line naming another beneficiary group,
never into the table of a group it does not read a band for (French and Dutch, both engines of
each format, on files built here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.api import extract_file
from extractor.model import Extraction
from extractor.settings import PDF_ENGINES, XLSX_ENGINES, Options, ReadSettings
from tests.builders import FEE_AND_REIMBURSEMENTS_LABELS, write_workbook
from tests.pdf_builder import FR_LABELS, NL_LABELS, Grid, Header, Layout, Row, Text, write_pdf

LEAD = {
    "fr": "Les tarifs ci-dessous sont applicables à partir du 1er janvier 2025.",
    "nl": "De tarieven hieronder vermeld gelden vanaf 1/01/2025.",
}
BAND = {"fr": "Bénéficiaires de moins de 18 ans", "nl": "Rechthebbenden jonger dan 18 jaar"}
SUBHEADING = {"fr": "Séances à domicile", "nl": "Zittingen aan huis"}  # keeps the band
LABELS = FEE_AND_REIMBURSEMENTS_LABELS
# The second table's caption: a group narrower than everyone that sets no band (adults: from
# 18? no text we read says so), or every beneficiary.
GROUPS = {
    ("fr", "adults"): "Bénéficiaires adultes",
    ("fr", "everyone"): "Tarif pour tous les bénéficiaires",
    ("nl", "adults"): "Volwassen rechthebbenden",
    ("nl", "everyone"): "Voor alle rechthebbenden",
}


def _extract(path: Path, settings: ReadSettings) -> Extraction:
    [extraction] = extract_file(path, Options(settings=settings))
    return extraction


def _bands(extraction: Extraction) -> dict[str, tuple[int | None, int | None]]:
    return {row.code_amb: (row.age_min, row.age_max) for row in extraction.rows}


def _unread(extraction: Extraction) -> list[tuple[str, str]]:
    return [
        (str(i.location), i.message) for i in extraction.issues if i.rule == "age-heading-unread"
    ]


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize(("language", "group"), sorted(GROUPS))
def test_xlsx_a_caption_naming_another_group_ends_the_band(
    tmp_path: Path, language: str, group: str, engine: str
) -> None:
    caption, labels = GROUPS[language, group], list(LABELS[language])
    # Every beneficiary over a header of other columns: that table's caption (over the same
    # header again, a note or a caption? see test_xlsx_every_beneficiary_named_over_...).
    second = list(OTHER_LABELS[language]) if group == "everyone" else labels
    rows: list[list[object]] = [
        [LEAD[language]],
        [BAND[language]], labels, [SUBHEADING[language]], ["560011", "Séance", 29.06, 26.06, 22.06],
        [caption], second, ["560033", "Séance", 31.5, 28.5, 24.5],
    ]  # fmt: skip
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    # The sub-heading names no group: the band rules on; the caption ends it.
    assert _bands(extraction) == {"560011": (None, 17), "560033": (None, None)}
    unread = _unread(extraction)
    if group == "everyone":
        assert unread == []
    else:
        [(where, message)] = unread
        assert where == f"{language}.xlsx#Feuil1!A6"
        assert caption in message and f"the band of '{BAND[language]}' ends here" in message
    assert not [i for i in extraction.issues if i.severity == "error"]


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize(("language", "group"), sorted(GROUPS))
def test_pdf_a_caption_naming_another_group_ends_the_band(
    tmp_path: Path, language: str, group: str, engine: str
) -> None:
    # The first table runs over a page break, its header repeated at the top of page 2: that
    # header ends nothing; the second table's caption does, but for every beneficiary over the
    # same header again (a note or a caption?): the band holds, and that is said.
    header = Header(FR_LABELS if language == "fr" else NL_LABELS)
    first = [f"{n:05d}{n % 7}" for n in range(56001, 56071)]
    amounts = ("29,06", "26,06", "22,06", "3,00", "7,00")
    items: list[object] = [
        Text(LEAD[language]),
        Text(BAND[language], 9, bold=True),
        header,
        *(Row(code, "Séance", amounts) for code in first),
        Text(GROUPS[language, group], 9, bold=True),
        header,
        Row("560711", "Séance", amounts),
    ]
    path = write_pdf(tmp_path / f"{language}.pdf", items, Layout())
    extraction = _extract(path, ReadSettings(pdf_engine=engine))
    everyone = group == "everyone"
    second = (None, 17) if everyone else (None, None)
    assert _bands(extraction) == {**dict.fromkeys(first, (None, 17)), "560711": second}
    assert {r.source.page for r in extraction.rows} == {1, 2}
    unread = _unread(extraction)
    assert len(unread) == (not everyone)
    carried = [i.raw for i in extraction.issues if i.rule == "age-band-carried"]
    assert carried == ([(GROUPS[language, group],)] if everyone else [])  # not the page top
    assert not [i for i in extraction.issues if i.severity == "error"]


# A numbered heading naming a group it sets no band for ends an unnumbered band line's reign too.
NUMBERED = {
    "fr": ("1. Séances individuelles", "2. Séances pour adultes"),
    "nl": ("1. Individuele zittingen", "2. Zittingen voor volwassenen"),
}


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_xlsx_a_numbered_heading_naming_adults_ends_the_band(
    tmp_path: Path, language: str, engine: str
) -> None:
    first, second = NUMBERED[language]
    labels = list(LABELS[language])
    rows: list[list[object]] = [
        [LEAD[language]],
        [BAND[language]], [first], labels, ["560011", "Séance", 29.06, 26.06, 22.06],
        [second], labels, ["560033", "Séance", 31.5, 28.5, 24.5],
    ]  # fmt: skip
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    assert _bands(extraction) == {"560011": (None, 17), "560033": (None, None)}
    [(where, message)] = _unread(extraction)
    assert where == f"{language}.xlsx#Feuil1!A6" and second in message


# "Kinderen tot 18 jaar" (17 or 18?) after "Vanaf 18 jaar": reported as before, and its rows
# no longer keep the band of the line above (the warning said they carried none).
@pytest.mark.parametrize("engine", XLSX_ENGINES)
def test_xlsx_an_unread_age_heading_ends_the_band_above(tmp_path: Path, engine: str) -> None:
    labels = list(LABELS["nl"])
    rows: list[list[object]] = [
        [LEAD["nl"]],
        ["Rechthebbenden vanaf 18 jaar"], labels, ["560011", "Zitting", 29.06, 26.06, 22.06],
        ["Kinderen tot 18 jaar"], labels, ["560033", "Zitting", 31.5, 28.5, 24.5],
    ]  # fmt: skip
    path = write_workbook(tmp_path / "nl.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    assert _bands(extraction) == {"560011": (18, None), "560033": (None, None)}
    [(where, message)] = _unread(extraction)
    assert where == "nl.xlsx#Feuil1!A5" and "carry no age band" in message


# A title or caption right above a PDF header, larger than it and holding a header word
# ("Honoraires", "Tarif"): not the header's first line (its words were spread over the labels
# of the columns under it, and the table was lost: "no tariff table found").
TITLES = {"fr": "Honoraires des kinésithérapeutes", "nl": "Honoraria van de kinesitherapeuten"}


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_pdf_a_title_with_a_header_word_right_above_the_header(
    tmp_path: Path, language: str, engine: str
) -> None:
    amounts = ("29,06", "26,06", "22,06", "3,00", "7,00")
    items: list[object] = [
        Text(LEAD[language]),
        Text(TITLES[language], 11, bold=True),
        Header(FR_LABELS if language == "fr" else NL_LABELS),
        Row("560011", "Séance", amounts),
        Row("560033", "Séance", amounts),
    ]
    path = write_pdf(tmp_path / f"{language}.pdf", items, Layout())
    extraction = _extract(path, ReadSettings(pdf_engine=engine))
    assert [(r.code_amb, str(r.fee), str(r.copayment_standard)) for r in extraction.rows] == [
        ("560011", "29.06", "7.00"),
        ("560033", "29.06", "7.00"),
    ]
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


# A table of other columns after the rows of a band line's table, under a caption naming no age:
# its rows keep the band (a band line rules until another) and that is said; the same header
# again under a sub-heading (rw-tandarts) says nothing new.
OTHER_LABELS = {
    "fr": ("Code", "Libellé", "Honoraires", "Ticket modérateur avec régime préférentiel",
           "Ticket modérateur sans régime préférentiel"),
    "nl": ("Code", "Omschrijving", "Honorarium", "Remgeld met voorkeurregeling",
           "Remgeld zonder voorkeurregeling"),
}  # fmt: skip


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("other", [True, False], ids=["other-header", "same-header"])
def test_xlsx_a_new_table_under_a_caption_naming_no_age(
    tmp_path: Path, language: str, engine: str, other: bool
) -> None:
    labels = list(LABELS[language])
    second = list(OTHER_LABELS[language] if other else labels)
    rows: list[list[object]] = [
        [LEAD[language]],
        [BAND[language]], labels, ["560011", "Séance", 29.06, 26.06, 22.06],
        [SUBHEADING[language]], second, ["560033", "Séance", 31.5, 3, 7],
    ]  # fmt: skip
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    assert _bands(extraction) == {"560011": (None, 17), "560033": (None, 17)}
    carried = [
        (str(i.location), i.message) for i in extraction.issues if i.rule == "age-band-carried"
    ]
    if other:
        [(where, message)] = carried
        assert where == f"{language}.xlsx#Feuil1!6"
        assert SUBHEADING[language] in message and f"of '{BAND[language]}'" in message
    else:
        assert carried == []


PDF_LABELS = (
    ("Code", "Libellé", "Honoraires", "Intervention\nmajorée", "Intervention\nnormale"),
    ("Code", "Libellé", "Honoraires", "Ticket modérateur\nBIM", "Ticket modérateur\nnon BIM"),
)


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_pdf_a_new_table_under_a_caption_naming_no_age(tmp_path: Path, engine: str) -> None:
    edges = (40.0, 100.0, 300.0, 370.0, 460.0, 550.0)
    first, second = (
        (tuple((label, n, 1) for n, label in enumerate(labels)),) for labels in PDF_LABELS
    )
    items: list[object] = [
        Text(LEAD["fr"]),
        Text(BAND["fr"], 9, bold=True),
        Grid(edges, first, (("560011", "Séance", "29,06", "26,06", "22,06"),)),
        Text(SUBHEADING["fr"], 9, bold=True),
        Grid(edges, second, (("560033", "Séance", "31,50", "3,00", "7,00"),)),
    ]
    path = write_pdf(tmp_path / "fr.pdf", items)
    extraction = _extract(path, ReadSettings(pdf_engine=engine))
    assert _bands(extraction) == {"560011": (None, 17), "560033": (None, 17)}
    assert [i.rule for i in extraction.issues] == ["circular-number-missing", "age-band-carried"]


@pytest.mark.parametrize("engine", XLSX_ENGINES)
def test_xlsx_a_new_band_line_above_the_caption_says_whose_table_it_is(
    tmp_path: Path, engine: str
) -> None:
    rows: list[list[object]] = [
        [LEAD["fr"]],
        [BAND["fr"]], list(LABELS["fr"]), ["560011", "Séance", 29.06, 26.06, 22.06],
        ["Bénéficiaires de 18 ans et plus"], [SUBHEADING["fr"]], list(OTHER_LABELS["fr"]),
        ["560033", "Séance", 31.5, 3, 7],
    ]  # fmt: skip
    extraction = _extract(
        write_workbook(tmp_path / "fr.xlsx", rows), ReadSettings(xlsx_engine=engine)
    )
    assert _bands(extraction) == {"560011": (None, 17), "560033": (18, None)}
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


# A band line after one read as a group within a band above both: "Enfants de 3 ans et plus"
# under "moins de 18 ans" is 3 to 17 if it narrows that band, 3 and more if it stands beside
# it; no text says which. Its rows carry the band as printed, and that is said (they silently
# carried 3 and more).
NESTED = {
    "fr": ("Bénéficiaires de moins de 18 ans", "Enfants de moins de 3 ans",
           "Enfants de 3 ans et plus"),
    "nl": ("Tot 18de verjaardag", "Kinderen tot 3 jaar", "Kinderen vanaf 3 jaar"),
}  # fmt: skip


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_xlsx_a_band_line_after_a_group_within_a_band(
    tmp_path: Path, language: str, engine: str
) -> None:
    outer, young, older = NESTED[language]
    rows: list[list[object]] = [
        [LEAD[language]],
        [outer], list(LABELS[language]),
        [young], ["560011", "Séance", 29.06, 26.06, 22.06],
        [older], ["560033", "Séance", 31.5, 28.5, 24.5],
    ]  # fmt: skip
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    # "tot 3 jaar" (2 or 3?) is no band we read: reported, as before.
    young_band = (None, 2) if language == "fr" else (None, None)
    assert _bands(extraction) == {"560011": young_band, "560033": (3, None)}
    [(where, message)] = [
        (str(i.location), i.message) for i in extraction.issues if i.rule == "age-band-unclear"
    ]
    assert where == f"{language}.xlsx#Feuil1!A6"
    assert older in message and "3–17" in message and "as printed, 3+" in message


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_pdf_a_band_line_after_a_group_within_a_band(tmp_path: Path, engine: str) -> None:
    outer, young, older = NESTED["fr"]
    amounts = ("29,06", "26,06", "22,06", "3,00", "7,00")
    items: list[object] = [
        Text(LEAD["fr"]),
        Text(outer, 9, bold=True),
        Header(FR_LABELS),
        Text(young, 8, bold=True),
        Row("560011", "Séance", amounts),
        Text(older, 8, bold=True),
        Row("560033", "Séance", amounts),
    ]
    extraction = _extract(write_pdf(tmp_path / "fr.pdf", items), ReadSettings(pdf_engine=engine))
    assert _bands(extraction) == {"560011": (None, 2), "560033": (3, None)}
    assert [i.rule for i in extraction.issues] == ["circular-number-missing", "age-band-unclear"]


# A heading naming two ages, one outside the band its first words give ("jonger dan 18 jaar en
# ouder dan 65 jaar" read 18 and more; "à partir de 18 ans et jusqu'à 65 ans" read 18 and more,
# its end dropped): no band is guessed, the heading is reported age-heading-unread.
TWO_AGES = {
    "fr": ("Bénéficiaires de moins de 18 ans et de plus de 65 ans",
           "Bénéficiaires à partir de 18 ans et jusqu'à 65 ans"),
    "nl": ("Rechthebbenden jonger dan 18 jaar en ouder dan 65 jaar", "Vanaf 18 jaar tot 65 jaar"),
}  # fmt: skip


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_xlsx_a_heading_naming_two_ages_sets_no_band(
    tmp_path: Path, language: str, engine: str
) -> None:
    first, second = TWO_AGES[language]
    labels = list(LABELS[language])
    rows: list[list[object]] = [
        [LEAD[language]],
        [first], labels, ["560011", "Séance", 29.06, 26.06, 22.06],
        [second], labels, ["560033", "Séance", 31.5, 28.5, 24.5],
    ]  # fmt: skip
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    assert _bands(extraction) == {"560011": (None, None), "560033": (None, None)}
    assert [where for where, _ in _unread(extraction)] == [
        f"{language}.xlsx#Feuil1!A2",
        f"{language}.xlsx#Feuil1!A5",
    ]


# A band line or a group caption right above a PDF header, in about the header's size (6.5 and
# 7.5 points over labels of 6.5): a caption, not the header's first line. Read as one, its
# words were spread over the labels under it: the band line's table was lost (pdfium at 6.5,
# both engines at 7.5) and the adults' caption let the band above run on, silently.
@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("size", [6.5, 7.5])
def test_pdf_a_caption_in_the_size_of_the_header_under_it(
    tmp_path: Path, language: str, engine: str, size: float
) -> None:
    header = Header(FR_LABELS if language == "fr" else NL_LABELS)
    amounts = ("29,06", "26,06", "22,06", "3,00", "7,00")
    items: list[object] = [
        Text(LEAD[language]),
        Text(BAND[language], size, bold=True),
        header,
        Row("560011", "Séance", amounts),
        Text(GROUPS[language, "adults"], size, bold=True),
        header,
        Row("560033", "Séance", amounts),
    ]
    path = write_pdf(tmp_path / f"{language}.pdf", items, Layout())
    extraction = _extract(path, ReadSettings(pdf_engine=engine))
    assert _bands(extraction) == {"560011": (None, 17), "560033": (None, None)}
    assert [i.rule for i in extraction.issues] == ["circular-number-missing", "age-heading-unread"]


# A line naming every beneficiary among a band's rows, no header after it: a note that is a
# sentence leaves the band as it is (it silently ended it); one that is no sentence may be a
# sub-heading or a note: the band ends, and that is said.
AMONG = {
    "fr": ("Le ticket modérateur est identique pour tous les bénéficiaires.",
           "Tarif pour tous les bénéficiaires"),
    "nl": ("Het remgeld is hetzelfde voor alle rechthebbenden.", "Voor alle rechthebbenden"),
}  # fmt: skip


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("sentence", [True, False], ids=["note", "no-sentence"])
def test_xlsx_every_beneficiary_named_among_a_bands_rows(
    tmp_path: Path, language: str, engine: str, sentence: bool
) -> None:
    line = AMONG[language][0 if sentence else 1]
    rows: list[list[object]] = [
        [LEAD[language]],
        [BAND[language]], list(LABELS[language]), ["560011", "Séance", 29.06, 26.06, 22.06],
        [line], ["560033", "Séance", 31.5, 28.5, 24.5],
    ]  # fmt: skip
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    if sentence:
        assert _bands(extraction) == {"560011": (None, 17), "560033": (None, 17)}
        assert _unread(extraction) == []
    else:
        assert _bands(extraction) == {"560011": (None, 17), "560033": (None, None)}
        [(where, message)] = _unread(extraction)
        assert where == f"{language}.xlsx#Feuil1!A5" and line in message


# A line naming every beneficiary between a band's rows and the same header again (a note at
# the foot of a page, the header repeated at the top of the next): not the caption of a new
# table. Its rows keep the band, and that is said (they silently lost it); with or without a
# final period.
FOOT = {
    "fr": ("Tarif identique pour tous les bénéficiaires", "Tarif pour tous les bénéficiaires."),
    "nl": ("Zelfde tarief voor alle rechthebbenden", "Tarief voor alle rechthebbenden."),
}


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("sentence", [False, True], ids=["no-period", "period"])
def test_xlsx_every_beneficiary_named_over_the_same_header_again(
    tmp_path: Path, language: str, engine: str, sentence: bool
) -> None:
    line, labels = FOOT[language][sentence], list(LABELS[language])
    rows: list[list[object]] = [
        [LEAD[language]],
        [BAND[language]], labels, ["560011", "Séance", 29.06, 26.06, 22.06],
        [line], labels, ["560033", "Séance", 31.5, 28.5, 24.5],
    ]  # fmt: skip
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    assert _bands(extraction) == {"560011": (None, 17), "560033": (None, 17)}
    [(where, message)] = [
        (str(i.location), i.message) for i in extraction.issues if i.rule == "age-band-carried"
    ]
    assert where == f"{language}.xlsx#Feuil1!A5" and line in message and "≤17" in message
    assert _unread(extraction) == []


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_pdf_every_beneficiary_named_at_a_pages_foot(
    tmp_path: Path, language: str, engine: str
) -> None:
    header = Header(FR_LABELS if language == "fr" else NL_LABELS)
    codes = [f"{n:05d}{n % 7}" for n in range(56001, 56071)]
    amounts = ("29,06", "26,06", "22,06", "3,00", "7,00")

    def build(note_after: str | None) -> Extraction:
        items: list[object] = [Text(LEAD[language]), Text(BAND[language], 9, bold=True), header]
        for code in codes:
            items.append(Row(code, "Séance", amounts))
            if code == note_after:
                items.append(Text(FOOT[language][0], 7.5))
        path = write_pdf(tmp_path / f"{language}.pdf", items, Layout())
        return _extract(path, ReadSettings(pdf_engine=engine))

    last = [r.code_amb for r in build(None).rows if r.source.page == 1][-1]
    # The note after the row before the last of page 1: it is the page's last line.
    extraction = build(codes[codes.index(last) - 1])
    assert {r.source.page for r in extraction.rows} == {1, 2}
    assert _bands(extraction) == dict.fromkeys(codes, (None, 17))
    assert [i.rule for i in extraction.issues] == ["circular-number-missing", "age-band-carried"]


# A line naming every beneficiary, then a line naming a group that ends the band (a caption
# or a numbered heading), then rows: the group line ends the band, reported; the line naming
# every beneficiary waits for nothing more (an internal error, StopIteration).
THEN_ADULTS = {
    "fr": ("Tarif pour tous les bénéficiaires", "Bénéficiaires adultes", "2. Séances pour adultes"),
    "nl": ("Voor alle rechthebbenden", "Volwassen rechthebbenden", "2. Zittingen voor volwassenen"),
}  # fmt: skip


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("numbered", [False, True], ids=["caption", "numbered"])
def test_xlsx_every_beneficiary_then_a_group_ending_the_band(
    tmp_path: Path, language: str, engine: str, numbered: bool
) -> None:
    everyone, group = THEN_ADULTS[language][0], THEN_ADULTS[language][1 + numbered]
    first = [[NUMBERED[language][0]]] if numbered else []  # rows under numbered headings only
    rows: list[list[object]] = [
        [LEAD[language]],
        [BAND[language]], *first, list(LABELS[language]), ["560011", "Séance", 29.06, 26.06, 22.06],
        [everyone], [group], ["560033", "Séance", 31.5, 28.5, 24.5],
    ]  # fmt: skip
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    assert _bands(extraction) == {"560011": (None, 17), "560033": (None, None)}
    [(where, message)] = _unread(extraction)
    assert where == f"{language}.xlsx#Feuil1!A{6 + numbered}" and group in message


# Three sibling group lines within a band line, or the first repeated before the second: the
# last is judged against the outer band too (it silently carried 7 and more, 3 and more).
SIBLINGS = {
    ("fr", "three"): ("Enfants de moins de 3 ans", "Enfants de 3 à 6 ans",
                      "Enfants de 7 ans et plus", "7–17", "7+"),
    ("fr", "repeat"): ("Enfants de moins de 3 ans", "Enfants de moins de 3 ans (suite)",
                       "Enfants de 3 ans et plus", "3–17", "3+"),
    ("nl", "three"): ("Kinderen jonger dan 3 jaar", "Kinderen van 3 tot 6 jaar",
                      "Kinderen vanaf 6 jaar", "6–17", "6+"),
    ("nl", "repeat"): ("Kinderen jonger dan 3 jaar", "Kinderen jonger dan 3 jaar (vervolg)",
                       "Kinderen vanaf 3 jaar", "3–17", "3+"),
}  # fmt: skip


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize(("language", "kind"), sorted(SIBLINGS))
def test_xlsx_a_third_group_line_within_a_band(
    tmp_path: Path, language: str, kind: str, engine: str
) -> None:
    first, second, third, nested, printed = SIBLINGS[language, kind]
    rows: list[list[object]] = [
        [LEAD[language]],
        [BAND[language]], list(LABELS[language]),
        [first], ["560011", "Séance", 29.06, 26.06, 22.06],
        [second], ["560022", "Séance", 30.5, 27.5, 23.5],
        [third], ["560033", "Séance", 31.5, 28.5, 24.5],
    ]  # fmt: skip
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    assert _bands(extraction)["560033"] == (int(printed[:-1]), None)
    [(where, message)] = [
        (str(i.location), i.message) for i in extraction.issues if i.rule == "age-band-unclear"
    ]
    assert where == f"{language}.xlsx#Feuil1!A8"
    assert third in message and nested in message and f"as printed, {printed}" in message


# A line naming a group the band above may be (children, minors under a band ending by 18;
# adults under one from 18): a heading within the band, not the end of it (the rows lost a
# correct band, reported). A group it may not be still ends it.
FITTING = {
    ("fr", "caption"): ("Bénéficiaires de moins de 18 ans", "Prestations pour enfants"),
    ("fr", "among"): ("Bénéficiaires de moins de 18 ans", "Séances pour enfants et adolescents"),
    ("fr", "adults"): ("Bénéficiaires de 18 ans et plus", "Séances pour adultes"),
    ("nl", "caption"): ("Rechthebbenden jonger dan 18 jaar", "Verstrekkingen voor kinderen"),
    ("nl", "among"): ("Rechthebbenden jonger dan 18 jaar", "Zittingen voor minderjarigen"),
    ("nl", "adults"): ("Rechthebbenden vanaf 18 jaar", "Zittingen voor volwassenen"),
}  # fmt: skip


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize(("language", "kind"), sorted(FITTING))
def test_xlsx_a_group_the_band_may_be_keeps_it(
    tmp_path: Path, language: str, kind: str, engine: str
) -> None:
    band_line, group = FITTING[language, kind]
    labels = list(LABELS[language])
    first: list[list[object]] = [[group], labels] if kind == "caption" else [labels]
    then: list[list[object]] = [] if kind == "caption" else [[group]]
    rows: list[list[object]] = [
        [LEAD[language]], [band_line], *first, ["560011", "Séance", 29.06, 26.06, 22.06],
        *then, ["560033", "Séance", 31.5, 28.5, 24.5],
    ]  # fmt: skip
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    band = (18, None) if kind == "adults" else (None, 17)
    assert _bands(extraction) == {"560011": band, "560033": band}
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_xlsx_a_group_the_band_may_not_be_ends_it(
    tmp_path: Path, language: str, engine: str
) -> None:
    group = {"fr": "Séances pour enfants et adultes", "nl": "Zittingen voor jongeren"}[language]
    rows: list[list[object]] = [
        [LEAD[language]], [BAND[language]], list(LABELS[language]),
        ["560011", "Séance", 29.06, 26.06, 22.06], [group], ["560033", "Séance", 31.5, 28.5, 24.5],
    ]  # fmt: skip
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    assert _bands(extraction) == {"560011": (None, 17), "560033": (None, None)}
    [(where, message)] = _unread(extraction)
    assert (
        where == f"{language}.xlsx#Feuil1!A5" and f"the band of '{BAND[language]}' ends" in message
    )


# A numbered heading naming a group, no band above: its warning says band lines under it may
# give its rows one (it said they carried none, while the lines under it gave bands).
@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_xlsx_a_numbered_group_heading_over_band_lines(
    tmp_path: Path, language: str, engine: str
) -> None:
    young, _, older, _, _ = SIBLINGS[language, "repeat"]
    section = {"fr": "2. Prestations pour enfants", "nl": "2. Verstrekkingen voor kinderen"}
    rows: list[list[object]] = [
        [LEAD[language]], [section[language]], [young], list(LABELS[language]),
        ["560011", "Séance", 29.06, 26.06, 22.06], [older], ["560033", "Séance", 31.5, 28.5, 24.5],
    ]  # fmt: skip
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    assert _bands(extraction) == {"560011": (None, 2), "560033": (3, None)}
    [(where, message)] = _unread(extraction)
    assert where == f"{language}.xlsx#Feuil1!A2"
    assert "no age band, unless a band line under it sets one" in message


# A band a line naming none ended frames the band lines after it only until a table of its
# own (a caption over a header) or a new section: 'Enfants de 3 ans et plus' after the adults'
# table is no group within the band of the first table (it was reported age-band-unclear).
AFTER_ADULTS = {
    "fr": ("Bénéficiaires adultes", "Enfants de 3 ans et plus"),
    "nl": ("Volwassen rechthebbenden", "Kinderen vanaf 3 jaar"),
}


@pytest.mark.parametrize("engine", XLSX_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("numbered", [False, True], ids=["caption", "section"])
def test_xlsx_a_band_ended_a_table_before_frames_no_band_line(
    tmp_path: Path, language: str, engine: str, numbered: bool
) -> None:
    adults, children = AFTER_ADULTS[language]
    labels = list(LABELS[language])
    first, second = NUMBERED[language]
    if numbered:  # the adults' heading, then its table under the same header, then a section
        middle: list[list[object]] = [[first], labels, ["560011", "Séance", 29.06, 26.06, 22.06],
                                      [second], labels, ["560022", "Séance", 30.5, 27.5, 23.5],
                                      ["3. Autres séances"]]  # fmt: skip
    else:
        middle = [labels, ["560011", "Séance", 29.06, 26.06, 22.06],
                  [adults], labels, ["560022", "Séance", 30.5, 27.5, 23.5]]  # fmt: skip
    rows: list[list[object]] = [
        [LEAD[language]], [BAND[language]], *middle,
        [children], labels, ["560033", "Séance", 31.5, 28.5, 24.5],
    ]  # fmt: skip
    path = write_workbook(tmp_path / f"{language}.xlsx", rows)
    extraction = _extract(path, ReadSettings(xlsx_engine=engine))
    assert _bands(extraction) == {"560011": (None, 17), "560022": (None, None), "560033": (3, None)}
    assert [i.rule for i in extraction.issues] == ["circular-number-missing", "age-heading-unread"]
