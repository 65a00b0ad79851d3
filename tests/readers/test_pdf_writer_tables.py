"""Tables typeset by a word processor (LibreOffice Writer) and exported to PDF, French and
Dutch, both text layers: Writer spaces the lines of a wrapped cell wider than a circular does,
centres cells vertically, and breaks words with no hyphen in narrow columns. Nothing may be
lost: every line ends in its row, or in issues.json naming its place."""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.api import extract_file
from extractor.model import Extraction
from extractor.readers.pdf.pages import pages
from extractor.readers.pdf.phrases import header_roles
from extractor.settings import PDF_ENGINES, Deadline, Options, ReadSettings
from extractor.values import looks_like_code
from tests.pdf_builder import Grid, Text, write_pdf
from tests.writer_builder import WHY_NOT, WRITER, Cell, Table, write_writer_pdfs

TITLE = {
    "fr": ("Tarifs des kinésithérapeutes - Applicable à partir du 1er janvier 2025",),
    "nl": ("Tarieven van de kinesitherapeuten - Van toepassing vanaf 1 januari 2025",),
}
HEADER = {
    "fr": ("Code", "Libellé", "Honoraires", "Intervention", "Ticket modérateur",
           "avec régime préférentiel", "sans régime préférentiel"),
    "nl": ("Code", "Omschrijving", "Honorarium", "Tegemoetkoming", "Remgeld",
           "met voorkeurregeling", "zonder voorkeurregeling"),
}  # fmt: skip
SHORT = {"fr": ("Séance courte", "Séance à domicile"), "nl": ("Korte zitting", "Zitting aan huis")}
# Numbers in the lines set apart ("30 minutes") are text of the description, not amounts.
LONG = {
    "fr": "Séance individuelle de kinésithérapie au cabinet pour un bénéficiaire atteint d'une"
    " pathologie lourde, d'une durée minimale de 30 minutes",
    "nl": "Individuele zitting kinesitherapie in de praktijk voor een rechthebbende met een zware"
    " aandoening, met een minimale duur van 30 minuten",
}
# The same without the number: in an unruled table a number at the end of a description line
# close to the fee column is read in the fee column (flagged `amount-unparseable`, not lost).
PLAIN = {
    "fr": "Séance individuelle de kinésithérapie au cabinet pour un bénéficiaire atteint d'une"
    " pathologie lourde, d'une durée minimale de trente minutes",
    "nl": "Individuele zitting kinesitherapie in de praktijk voor een rechthebbende met een zware"
    " aandoening, met een minimale duur van dertig minuten",
}
AMOUNTS = {
    "560011": ("29,96", "26,96", "22,47", "3,00", "7,49"),
    "560151": ("34,52", "31,52", "26,52", "3,00", "8,00"),
    "560033": ("29,96", "26,96", "22,47", "3,00", "7,49"),
}
KEY_HEADER = {
    "fr": ("Code", "Lettre-clé", "Coefficient", "Valeur", "Libellé", "Honoraires",
           "Intervention BIM", "Intervention non BIM"),
    "nl": ("Code", "Sleutelletter", "Coëfficiënt", "Waarde", "Omschrijving", "Honorarium",
           "Tegemoetkoming VT", "Tegemoetkoming niet-VT"),
}  # fmt: skip
KEY_LABEL = {
    "fr": "Consultation au cabinet par un médecin spécialiste en cardiologie, accrédité",
    "nl": "Raadpleging in de spreekkamer door een geneesheer-specialist in de cardiologie",
}


def _centred_table(
    language: str, widths: tuple[float, ...], ruled: bool, font: str, long: str = ""
) -> Table:
    """Three rows, every cell centred vertically; the middle one's description wraps over
    three lines, its code and amounts on the middle line."""
    code, label, fee, reimbursement, copayment, with_, without = HEADER[language]
    bold = [Cell(text, bold=True, valign="middle") for text in (code, label, fee)]
    header = (
        (*bold, Cell(reimbursement, 2, "center", bold=True), Cell(copayment, 2, "center", bold=True)),
        (Cell(""), Cell(""), Cell(""), *(Cell(t, bold=True) for t in (with_, without) * 2)),
    )  # fmt: skip
    labels = (SHORT[language][0], long or LONG[language], SHORT[language][1])
    rows = tuple(
        (
            Cell(code, valign="middle"),
            Cell(text, valign="middle"),
            *(Cell(amount, align="end", valign="middle") for amount in AMOUNTS[code]),
        )
        for code, text in zip(AMOUNTS, labels, strict=True)
    )
    return Table(widths, header, rows, ruled=ruled, font=font)


def _key_table(language: str, widths: tuple[float, ...], layout: str) -> Table:
    """An accredited code's second key-letter line `Q 30 0,033039`: in a table row of its own
    under the code's row, or as a second line of the code's key-letter cells; the description
    wraps over three lines, every cell centred vertically."""
    header = (tuple(Cell(text, bold=True, valign="middle") for text in KEY_HEADER[language]),)

    def cells(*texts: str) -> tuple[Cell, ...]:
        return tuple(
            Cell(text, align="end" if n >= 5 else "start", valign="middle")
            for n, text in enumerate(texts)
        )

    if layout == "cell":
        accredited = (cells("102093", "N\nQ", "12\n30", "2,572713\n0,033039", KEY_LABEL[language],
                            "31,86", "28,86", "19,86"),)  # fmt: skip
    else:
        accredited = (
            cells("102093", "N", "12", "2,572713", KEY_LABEL[language], "31,86", "28,86", "19,86"),
            cells("", "Q", "30", "0,033039", "", "", "", ""),
        )
    label = {"fr": "Consultation", "nl": "Raadpleging"}[language]
    rows = (*accredited, cells("101010", "N", "8", "2,572713", label, "20,58", "19,08", "14,58"))
    return Table(widths, header, rows, ruled=layout != "unruled")


def _pair_table(language: str, widths: tuple[float, ...]) -> Table:
    """Both codes in one column, `Code amb. / hosp.` over `726530 / 726541`."""
    labels = {
        "fr": ("Libellé", "Honoraires", "Intervention BIM", "Intervention non BIM",
               "Séance individuelle", "Séance de groupe"),
        "nl": ("Omschrijving", "Honorarium", "Tegemoetkoming VT", "Tegemoetkoming niet-VT",
               "Individuele sessie", "Groepssessie"),
    }[language]  # fmt: skip
    header = (tuple(Cell(t, bold=True) for t in ("Code amb. / hosp.", *labels[:4])),)
    rows = (
        (Cell("726530 / 726541"), Cell(labels[4]),
         *(Cell(a, align="end") for a in ("89,59", "85,59", "78,59"))),
        (Cell("726552 / -"), Cell(labels[5]),
         *(Cell(a, align="end") for a in ("40,00", "38,00", "35,00"))),
    )  # fmt: skip
    return Table(widths, header, rows)


CENTRED = (1.5, 5.0, 2.2, 2.4, 2.4, 2.4, 2.4)
# Narrow columns: Writer breaks "Honorarium" and "voorkeurregeling" with no hyphen.
NARROW = (1.5, 6.0, 1.7, 1.8, 1.8, 1.8, 1.8)
KEYS = (1.4, 1.7, 2.0, 1.5, 4.5, 1.7, 2.6, 2.6)
# Narrow key-letter columns: "Lettre-" / "clé", "Coefficien" / "t", "Interventio" / "n".
NARROW_KEYS = (1.4, 1.2, 1.5, 1.5, 4.5, 1.7, 1.7, 1.7)


def _documents() -> dict[str, tuple[tuple[str, ...], Table]]:
    """Every table of this module, by name: built once, typeset in one run of Writer."""
    documents: dict[str, tuple[tuple[str, ...], Table]] = {}
    for language in ("fr", "nl"):
        title = TITLE[language]
        documents[f"centred-{language}-ruled"] = (
            title,
            _centred_table(language, CENTRED, True, "Liberation Sans"),
        )
        documents[f"centred-{language}-unruled"] = (
            title,
            _centred_table(language, CENTRED, False, "DejaVu Serif"),
        )
        for layout in ("row", "cell", "unruled"):
            documents[f"keys-{language}-{layout}"] = (title, _key_table(language, KEYS, layout))
        for width in (3.2, 2.0):  # 2 cm: "726530 /" over "726541"
            widths = (width, 5.0, 2.2, 2.6, 2.6)
            documents[f"pair-{language}-{width}"] = (title, _pair_table(language, widths))
    for language in ("fr", "nl"):
        documents[f"first-{language}"] = (TITLE[language], _first_long(language))
    for ruled in (True, False):
        table = _centred_table("nl", NARROW, ruled, "Liberation Sans", PLAIN["nl"])
        documents[f"broken-nl-{'ruled' if ruled else 'unruled'}"] = (TITLE["nl"], table)
    documents["broken-fr-keys"] = (TITLE["fr"], _key_table("fr", NARROW_KEYS, "row"))
    for language in ("fr", "nl"):
        for variant in SPLIT_VARIANTS:
            documents[f"split-{language}-{variant}"] = (
                TITLE[language],
                _long_table(language, variant),
            )
    return documents


# A first row whose description opens with words a header is made of ("Séance", "de",
# "zitting", "van"), right under an unruled header: the description's, not the header's.
HEADERLIKE = {
    "fr": "Séance de groupe par session pour le bénéficiaire, au cabinet du kinésithérapeute,"
    " d'une durée minimale de trente minutes",
    "nl": "Zitting van de groep per sessie voor de rechthebbende, in de praktijk van de"
    " kinesitherapeut, met een minimale duur van dertig minuten",
}


def _first_long(language: str) -> Table:
    table = _centred_table(language, CENTRED, False, "Liberation Sans")
    first = (table.rows[0][0], Cell(HEADERLIKE[language], valign="middle"), *table.rows[0][2:])
    return Table(table.widths, table.header, (first, *table.rows[1:]), ruled=False)


SPLIT_ROWS = 60  # every other row of three or four lines: a page break splits one of them
SPLIT_VARIANTS = ("top-unruled", "middle-unruled", "middle-ruled-repeated", "bottom-ruled")


def _split_codes() -> list[str]:
    codes = []
    for n in range(SPLIT_ROWS):
        base = 56001 + 7 * n
        codes.append(f"{base}{base % 7}")
    return codes


def _split_label(language: str, n: int) -> str:
    return LONG[language] if n % 2 == 1 else f"{SHORT[language][0]} {n}"


def _long_table(language: str, variant: str) -> Table:
    """Rows enough to run over a page, every third with a three-line description: Writer
    splits a row at the page break (its last lines at the top of the next page)."""
    valign = variant.split("-")[0]
    table = _centred_table(language, CENTRED, "unruled" not in variant, "Liberation Sans")
    rows = tuple(
        (
            Cell(code, valign=valign),
            Cell(_split_label(language, n), valign=valign),
            *(Cell(a, align="end", valign=valign) for a in AMOUNTS["560011"]),
        )
        for n, code in enumerate(_split_codes())
    )
    return Table(table.widths, table.header, rows, table.ruled, repeat_header="repeated" in variant)


@pytest.fixture(scope="module")
def writer_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every table of this module typeset in one run of LibreOffice Writer."""
    if not WRITER:
        pytest.skip(WHY_NOT)
    return write_writer_pdfs(tmp_path_factory.mktemp("writer"), _documents())


def _extract(path: Path, engine: str) -> Extraction:
    [extraction] = extract_file(path, Options(settings=ReadSettings(pdf_engine=engine)))
    return extraction


def _rows(extraction: Extraction) -> dict[str, tuple[object, ...]]:
    return {
        row.code_amb: (
            row.description,
            row.fee,
            row.reimbursement_preferential,
            row.reimbursement_standard,
            row.copayment_preferential,
            row.copayment_standard,
        )
        for row in extraction.rows
    }


def _want(language: str, long: str = "") -> dict[str, tuple[object, ...]]:
    labels = (SHORT[language][0], long or LONG[language], SHORT[language][1])
    return {
        code: (label, *(Decimal(a.replace(",", ".")) for a in AMOUNTS[code]))
        for code, label in zip(AMOUNTS, labels, strict=True)
    }


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("variant", ["ruled", "unruled"])
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_description_centred_over_three_lines_stays_whole(
    writer_pdfs: dict[str, Path], language: str, variant: str, engine: str
) -> None:
    """The code and amounts centred beside a three-line description: the first and last
    lines stand further from the code's line than rows stand apart in a circular, yet both
    are the row's (ruled: the band between two rules; unruled: the row clearly closer)."""
    extraction = _extract(writer_pdfs[f"centred-{language}-{variant}"], engine)
    assert _rows(extraction) == _want(language)
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("variant", ["ruled", "unruled"])
def test_dutch_header_words_broken_without_hyphen(
    writer_pdfs: dict[str, Path], variant: str, engine: str
) -> None:
    """Narrow columns: "Honorariu" / "m", "voorkeurregelin" / "g" (no hyphen) are read whole."""
    extraction = _extract(writer_pdfs[f"broken-nl-{variant}"], engine)
    assert _rows(extraction) == _want("nl", PLAIN["nl"])
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_french_key_letter_header_words_broken_in_narrow_columns(
    writer_pdfs: dict[str, Path], engine: str
) -> None:
    """ "Lettre-" / "clé" (a hyphenated word of ours, kept), "Coefficien" / "t",
    "Interventio" / "n BIM": every column placed, the Q line in its code's key letters."""
    extraction = _extract(writer_pdfs["broken-fr-keys"], engine)
    assert {row.code_amb: row.key_letters for row in extraction.rows} == {
        "102093": "N 12 2.572713 + Q 30 0.033039",
        "101010": "N 8 2.572713",
    }
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("layout", ["row", "cell", "unruled"])
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_accreditation_line_ends_in_its_codes_key_letters(
    writer_pdfs: dict[str, Path], language: str, layout: str, engine: str
) -> None:
    """`Q 30 0,033039` under a code whose description wraps over three lines, centred."""
    extraction = _extract(writer_pdfs[f"keys-{language}-{layout}"], engine)
    found = {row.code_amb: (row.key_letters, row.fee, row.description) for row in extraction.rows}
    label = {"fr": "Consultation", "nl": "Raadpleging"}[language]
    assert found == {
        "102093": ("N 12 2.572713 + Q 30 0.033039", Decimal("31.86"), KEY_LABEL[language]),
        "101010": ("N 8 2.572713", Decimal("20.58"), label),
    }
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("width", [3.2, 2.0])
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_ambulatory_and_hospital_codes_in_one_column(
    writer_pdfs: dict[str, Path], language: str, width: float, engine: str
) -> None:
    """`Code amb. / hosp.` over `726530 / 726541` (on one line, or broken after the slash):
    code_amb and code_hos; `726552 / -` has no hospital code."""
    extraction = _extract(writer_pdfs[f"pair-{language}-{width}"], engine)
    assert [(row.code_amb, row.code_hos, row.fee) for row in extraction.rows] == [
        ("726530", "726541", Decimal("89.59")),
        ("726552", None, Decimal("40.00")),
    ]
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


# Without LibreOffice: the same traits drawn by reportlab, where one reading is impossible.
GRID_EDGES = (40.0, 80.0, 250.0, 300.0, 370.0, 440.0)
GRID_HEADER = {
    "fr": ("Code", "Libellé", "Honoraires", "Intervention\nBIM", "Intervention\nnon BIM"),
    "nl": ("Code", "Omschrijving", "Honorarium", "Tegemoetkoming\nVT", "Tegemoetkoming\nniet-VT"),
}


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_description_line_halfway_between_two_rows_is_reported(
    tmp_path: Path, language: str, engine: str
) -> None:
    """An unruled table whose description line stands exactly as far from the row above as
    from the row below: it could be either's, so it is in neither and issues.json says where."""
    line = {"fr": "au cabinet", "nl": "in de praktijk"}[language]
    rows = (
        ("560011", SHORT[language][0], "29,96", "26,96", "22,47"),
        ("", line, "", "", ""),
        ("560033", SHORT[language][1], "29,96", "26,96", "22,47"),
    )
    header = (tuple((text, n, 1) for n, text in enumerate(GRID_HEADER[language])),)
    grid = Grid(GRID_EDGES, header, rows, ruled=False)
    extraction = _extract(write_pdf(tmp_path / "t.pdf", [Text(TITLE[language][0]), grid]), engine)
    assert {row.code_amb: row.description for row in extraction.rows} == {
        "560011": SHORT[language][0],
        "560033": SHORT[language][1],
    }
    [issue] = [i for i in extraction.issues if i.rule == "row-unrecognised"]
    assert issue.raw == (line,) and "560011" in issue.message and "560033" in issue.message
    assert str(issue.location) == "t.pdf#page=1&line=5"  # title, two header lines, a row


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_key_letter_line_away_from_its_code_is_reported(
    tmp_path: Path, language: str, engine: str
) -> None:
    """`Q 30 0,033039` with a ruled row of text between it and its code: which code it adds
    to is unknown, so it is reported (key-letters-unreadable), never dropped."""
    note = {"fr": "Voir la note", "nl": "Zie de nota"}[language]
    header = (tuple((text, n, 1) for n, text in enumerate(KEY_HEADER[language][:6])),)
    rows = (
        ("102093", "N", "12", "2,572713", KEY_LABEL[language][:20], "31,86"),
        ("", "", "", "", note, ""),
        ("", "Q", "30", "0,033039", "", ""),
    )
    edges = (40.0, 80.0, 130.0, 180.0, 230.0, 400.0, 450.0)
    grid = Grid(edges, header, rows, long_rules=True)
    extraction = _extract(write_pdf(tmp_path / "t.pdf", [Text(TITLE[language][0]), grid]), engine)
    assert [row.key_letters for row in extraction.rows] == ["N 12 2.572713"]
    flagged = [i for i in extraction.issues if i.rule == "key-letters-unreadable"]
    assert [i.raw for i in flagged] == [("Q 30 0,033039",)]


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("variant", SPLIT_VARIANTS)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_row_the_page_break_splits_keeps_its_whole_description(
    writer_pdfs: dict[str, Path], language: str, variant: str, engine: str
) -> None:
    """The last lines of a description at the top of the next page (under the repeated header
    or not) end the row the page before ended on: not the next row's, not lost."""
    path = writer_pdfs[f"split-{language}-{variant}"]
    # The table does run over: its first line on page 2 under the header holds no code.
    page_two = next(itertools.islice(pages(path, ReadSettings(), Deadline(path, None)), 1, 2))
    first = next(line for line in page_two.lines if not header_roles(line.text) and (
        not line.text.startswith(("avec", "sans", "préf", "met", "zonder", "voork", "g "))
    ))  # fmt: skip
    assert not any(looks_like_code(w.text) for w in first.words), first.text
    extraction = _extract(path, engine)
    want = {code: _split_label(language, n) for n, code in enumerate(_split_codes())}
    found = {row.code_amb: row.description for row in extraction.rows}
    assert len({row.source.page for row in extraction.rows}) == 3
    if variant == "middle-unruled":
        # Unruled, every cell centred: lines above the first code of a page may end the row
        # the page before ended on, or start this one. Where nothing tells, they are in
        # neither row and reported there with both codes, never in a row they are not of.
        flagged = [i for i in extraction.issues if i.rule == "row-unrecognised"]
        # The lines ending a split row stand further from the next code than the lines of
        # one cell: only a break between two whole rows can leave it untold (here, at most one).
        assert len(flagged) <= 1
        for code in (c for c in want if found.get(c) != want[c]):
            [issue] = [i for i in flagged if code in i.message]
            assert found[code] in want[code] and issue.raw[0] in want[code]
        assert {i.rule for i in extraction.issues} <= {
            "circular-number-missing",
            "row-unrecognised",
        }
        return
    assert found == want
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_first_rows_description_is_not_read_into_the_header(
    writer_pdfs: dict[str, Path], language: str, engine: str
) -> None:
    """Unruled, cells centred: the first row's description starts right under the header with
    a line mostly made of header words; it stands under the description's label but not
    stacked under it, so it is the row's (before: part of the label, lost from the row)."""
    extraction = _extract(writer_pdfs[f"first-{language}"], engine)
    want = _want(language)
    want["560011"] = (HEADERLIKE[language], *want["560011"][1:])
    assert _rows(extraction) == want
    assert [i.rule for i in extraction.issues] == ["circular-number-missing"]
