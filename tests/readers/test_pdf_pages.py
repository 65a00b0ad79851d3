"""Lost pages: a PDF whose printed page numbers ("page N/M") do not add up is an error, on both
text layers, also when a single number is left; never a shorter table."""

from __future__ import annotations

import gc
import io
import weakref
from pathlib import Path

import pytest

from extractor.api import extract_file
from extractor.cli import main
from extractor.errors import LimitExceededError, NoTariffTableError, UnreadableInputError
from extractor.readers import read
from extractor.readers.pdf import FURNITURE_SAMPLE
from extractor.readers.pdf.furniture import (
    check_page_numbers,
    is_furniture,
    printed_page_number,
    repeated_lines,
)
from extractor.readers.pdf.geometry import Line, Word
from extractor.settings import PDF_ENGINES, Options, ReadSettings
from tests.pdf_builder import Header as TableHeader
from tests.pdf_builder import Layout, Row, Text, cover, write_pdf

AMOUNTS = ("89,59", "85,59", "78,59", "4,00", "11,00")


@pytest.fixture(scope="module")
def five_pages(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A circular of five pages, each printing "page N/5", rows on every page."""
    rows = [
        Row(f"{n}{n % 7}", f"Séance {i} – soutien de première ligne au cabinet", AMOUNTS)
        for i, n in enumerate(range(72650, 72650 + 120))
    ]
    items = [
        *cover(),
        Text("Soins psychologiques à partir du 1er janvier 2025", 11, bold=True),
        Text("1. Bénéficiaires à partir de l'âge de 24 ans", 10, bold=True),
        TableHeader(),
        *rows,
    ]
    path = write_pdf(
        tmp_path_factory.mktemp("pages") / "c.pdf",
        items,
        Layout(page_lines=["page {page}/{pages}"]),
    )
    import pypdfium2

    assert len(pypdfium2.PdfDocument(path.read_bytes())) == 5
    return path.read_bytes()


def _keep(data: bytes, pages: list[int]) -> bytes:
    """The same PDF with only the given pages (1-based) left."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    for index in reversed(range(len(document))):
        if index + 1 not in pages:
            document.del_page(index)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _extract(
    path: Path, engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str]]:
    code = main(
        ["extract", str(path), "--out", str(tmp_path / "out"), "-q", "--pdf-engine", engine]
    )
    return code, capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize(
    ("kept", "cause"),
    [
        ([5], "the only printed page number is 5 of 5, in a file of 1 page"),
        ([2], "the only printed page number is 2 of 5, in a file of 1 page"),
        ([1], "the only printed page number is 1 of 5, in a file of 1 page"),
        ([4, 5], "the printed page numbers run 4, 5 of 5"),
        ([3, 4, 5], "the printed page numbers run 3, 4, 5 of 5"),
        ([1, 2], "the printed page numbers run 1, 2 of 5"),
        ([1, 2, 4, 5], "the printed page numbers run 1, 2, 4, 5 of 5"),
    ],
)
def test_lost_pages_are_an_error(
    five_pages: bytes,
    kept: list[int],
    cause: str,
    engine: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "circulaire 01-01-2025.pdf"
    path.write_bytes(_keep(five_pages, kept))
    code, err = _extract(path, engine, tmp_path, capsys)
    assert code == 2
    assert len(err) == 1, err
    assert err[0].endswith(f"{path.name}: pages are missing or out of order: {cause}"), err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_the_whole_file_is_read(
    five_pages: bytes, engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.pdf"
    path.write_bytes(five_pages)
    code, err = _extract(path, engine, tmp_path, capsys)
    assert code == 0, err
    assert (tmp_path / "out" / "tariffs.csv").read_text(encoding="utf-8").count("\n") == 121


@pytest.mark.parametrize(
    "numbers",
    [
        [],  # no page numbers printed at all
        [None, None],
        [(1, 1)],
        [None, (2, 2)],  # the cover page does not print its number
        [None, None, (1, 3), (2, 3), (3, 3)],  # numbering starts on the annex
        [None, (2, 3), (3, 3)],
        [None, None, None, None, (5, 5)],
        [(1, 3), None, None],  # one number only, the other pages are there
    ],
)
def test_complete_numbering_is_accepted(numbers: list[tuple[int, int] | None]) -> None:
    check_page_numbers(Path("c.pdf"), numbers)


@pytest.mark.parametrize(
    "numbers",
    [
        [(5, 5)],
        [None, (5, 5)],
        [(2, 3), (3, 3)],
        [(1, 3), (2, 3)],
        [(1, 3), (3, 3), (2, 3)],  # out of order
        [(1, 3), None, (3, 3)],  # a page without the number all others print
        [(1, 3), (2, 3), (3, 4)],  # two totals
        [(1, 3)],
        [(1, 3), None],
        [(4, 3), None, None, None],
        [None, None, (1, 5)],  # two cover pages and page 1 of 5: four pages lost after it
    ],
)
def test_incomplete_numbering_is_refused(numbers: list[tuple[int, int] | None]) -> None:
    with pytest.raises(UnreadableInputError, match=r"^c\.pdf: pages are missing or out of order"):
        check_page_numbers(Path("c.pdf"), numbers)


@pytest.mark.parametrize(
    ("numbers", "cause"),
    [
        ([None, (5, 5)], "the only printed page number is 5 of 5, in a file of 2 pages"),
        ([(2, 3)], "the only printed page number is 2 of 3, in a file of 1 page"),
        ([(1, 3), None, (3, 3)], "the printed page numbers run 1, ?, 3 of 3"),
    ],
)
def test_the_refusal_says_which_page_numbers_were_found(
    numbers: list[tuple[int, int] | None], cause: str
) -> None:
    """The message lets a user check the file: the numbers as printed, "?" for a page that
    prints none, and the file's page count, in words ("1 page", "2 pages")."""
    with pytest.raises(UnreadableInputError) as raised:
        check_page_numbers(Path("c.pdf"), numbers)
    assert str(raised.value) == f"c.pdf: pages are missing or out of order: {cause}"


def _damaged_page_2(path: Path, items: list[object]) -> Path:
    """The PDF with page 2's compressed content stream damaged in place: 20 bytes in its
    middle overwritten, the length kept, so the file still opens and a renderer draws what it
    can of the page."""
    import re

    from reportlab import rl_config

    wrapped, rl_config.useA85 = rl_config.useA85, 0  # raw deflate streams, no ASCII85
    try:
        write_pdf(path, items)
    finally:
        rl_config.useA85 = wrapped
    data = bytearray(path.read_bytes())
    flate = rb"/Filter \[ /FlateDecode \] /Length (\d+)\s*>>\s*stream\r?\n"
    streams = list(re.finditer(flate, data))
    assert len(streams) == 3  # one content stream per page
    start, length = streams[1].end(), int(streams[1].group(1))
    data[start + length // 2 : start + length // 2 + 20] = b"\xff" * 20
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_a_page_whose_content_breaks_off_is_an_error_not_fewer_rows(
    engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No page numbers printed to give the loss away: pdfminer hands back nothing for a
    deflate stream broken in its middle and says nothing, pdfium draws the page's first part;
    both read 120 rows as 75 or 95 with exit 0 unless the stream itself is checked."""
    rows = [Row(f"{n}{n % 7}", f"Séance {i} – soutien", AMOUNTS)
            for i, n in enumerate(range(72650, 72650 + 120))]  # fmt: skip
    items = [*cover(), Text("1. Bénéficiaires à partir de l'âge de 24 ans"), TableHeader(), *rows]
    path = _damaged_page_2(tmp_path / "circulaire 01-01-2025.pdf", items)
    code, err = _extract(path, engine, tmp_path, capsys)
    assert code == 2
    assert err == [
        f"inami-tariffs: error: {path.name}: the PDF is damaged: page 2 lost content (a"
        " compressed stream breaks off before its end)"
    ]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_each_page_is_told_to_the_progress_display_as_it_is_read(
    five_pages: bytes, engine: str, tmp_path: Path
) -> None:
    """The CLI's progress bar shows "pages read of pages": 0 of 5 before the first, 4 of 5
    before the last, never a page twice or a count without its total."""
    path = tmp_path / "c.pdf"
    path.write_bytes(five_pages)
    steps: list[tuple[int, int | None]] = []
    settings = ReadSettings(
        pdf_engine=engine, on_step=lambda done, total: steps.append((done, total))
    )
    extract_file(path, Options(settings=settings))
    assert steps == [(0, 5), (1, 5), (2, 5), (3, 5), (4, 5)]


@pytest.mark.parametrize(
    ("engine", "parallel_min_pages"),
    [("pdfium", 2), ("pdfium", 2000), ("pdfplumber", 2000)],  # pdfium: in a second process, here
)
def test_a_page_is_let_go_once_its_rows_are_made(
    tmp_path: Path, engine: str, parallel_min_pages: int
) -> None:
    """Memory follows the rows, not the pages: when the next page is asked for, nothing of the
    pages laid out before it (its lines, their words) is alive any more, the pages held to learn
    the running headers and footers included; after reading, nothing at all."""
    rows = [
        Row(f"{n}{n % 7}", f"Séance {i} – soutien de première ligne au cabinet", AMOUNTS)
        for i, n in enumerate(range(72650, 72650 + 240))
    ]
    path = write_pdf(
        tmp_path / "c.pdf",
        [*cover(), Text("Soins psychologiques", 11, bold=True), TableHeader(), *rows],
        Layout(page_lines=["page {page}/{pages}"]),
    )
    seen: dict[int, tuple[weakref.ref[Line | Word], int]] = {}  # by id: the page object, step
    stale: list[int] = []  # per step, the lines and words of earlier steps still alive

    def step(done: int, total: int | None) -> None:
        for item in gc.get_objects():
            if isinstance(item, Line | Word):
                known = seen.get(id(item))
                if known is None or known[0]() is not item:  # new, or an id used again
                    seen[id(item)] = (weakref.ref(item), done)
        stale.append(sum(1 for ref, first in seen.values() if first < done and ref() is not None))

    settings = ReadSettings(pdf_engine=engine, parallel_min_pages=parallel_min_pages, on_step=step)
    [document] = read(path, settings)
    assert len(stale) > 8 and len(document.rows) > 240  # pages after the sample were read
    assert stale[FURNITURE_SAMPLE:] == [0] * (len(stale) - FURNITURE_SAMPLE)
    assert not [item for item in gc.get_objects() if isinstance(item, Line | Word)]


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_page_count_at_the_limit_is_read_and_one_over_is_refused(
    five_pages: bytes, engine: str, tmp_path: Path
) -> None:
    path = tmp_path / "c.pdf"
    path.write_bytes(five_pages)
    (extraction,) = extract_file(
        path, Options(settings=ReadSettings(pdf_engine=engine, max_pages=5))
    )
    assert len(extraction.rows) == 120
    with pytest.raises(LimitExceededError) as raised:
        extract_file(path, Options(settings=ReadSettings(pdf_engine=engine, max_pages=4)))
    assert str(raised.value) == "c.pdf: the PDF has 5 pages (limit 4, --max-pages)"


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_a_page_as_long_as_the_limit_is_read_and_a_longer_one_refused(
    engine: str, tmp_path: Path
) -> None:
    """A page of 720 pt is 25.4 cm (10 inches, exact in binary too): at a limit of 25.4 cm it
    is read (here: no table on it), at 25.39 cm it is refused, naming the page and its length."""
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "long.pdf"
    canvas = Canvas(str(path), pagesize=(500, 720), invariant=1)
    canvas.drawString(100, 600, "Circulaire OA no 2024/356")
    canvas.save()
    with pytest.raises(NoTariffTableError):
        extract_file(path, Options(settings=ReadSettings(pdf_engine=engine, max_page_side_cm=25.4)))
    with pytest.raises(LimitExceededError) as raised:
        extract_file(
            path, Options(settings=ReadSettings(pdf_engine=engine, max_page_side_cm=25.39))
        )
    assert str(raised.value) == "long.pdf: page 1 is 25 cm long: not a circular page"


def _box_pdf(path: Path) -> Path:
    """A one-page PDF whose /MediaBox has two numbers: pdfminer fails on it, pdfium falls back
    to US Letter."""
    import re

    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), invariant=1)
    canvas.drawString(100, 700, "Circulaire OA no 2024/356")
    canvas.save()
    data = path.read_bytes()
    box = re.search(rb"/MediaBox \[[^\]]*\]", data)
    assert box is not None
    path.write_bytes(data.replace(box.group(), b"/MediaBox [ 0 0 ]".ljust(len(box.group()))))
    return path


def test_a_page_box_the_text_layer_cannot_read_is_damage_with_its_cause(tmp_path: Path) -> None:
    """The failure inside the text layer is one line naming the file and the cause, not a
    traceback."""
    import re

    path = _box_pdf(tmp_path / "box.pdf")
    with pytest.raises(UnreadableInputError) as raised:
        extract_file(path, Options(settings=ReadSettings(pdf_engine="pdfplumber")))
    assert re.fullmatch(r"box\.pdf: the PDF is damaged \([A-Za-z]+Error\)", str(raised.value))


def test_the_engine_asked_for_is_the_one_that_reads(tmp_path: Path) -> None:
    """--pdf-engine chooses the text layer: the page box only pdfium can read tells them apart
    (pdfium reads the page and finds no table; pdfplumber cannot read it). Reading every PDF
    with pdfplumber, or pdfium never, would pass every other test, only slower."""
    path = _box_pdf(tmp_path / "box.pdf")
    with pytest.raises(NoTariffTableError):
        extract_file(path, Options(settings=ReadSettings(pdf_engine="pdfium")))
    with pytest.raises(UnreadableInputError):
        extract_file(path, Options(settings=ReadSettings(pdf_engine="pdfplumber")))


HEIGHT = 1000.0  # a page 1000 pt high: its margins are the top and bottom 60 pt (6 %)


def _line(text: str, top: float, height: float = 10.0) -> Line:
    """One line of words, 8 pt apart, `top` to `top + height` down the page."""
    words, x = [], 50.0
    for word in text.split():
        words.append(Word(word, x, x + 6 * len(word), top, top + height, height))
        x += 6 * len(word) + 8
    return Line(words)


@pytest.mark.parametrize(
    "text",
    [
        "page 2 sur 5",
        "Pagina 2 van 5",
        "Page 2 of 5",
        "p. 2/5",
        "Circulaire OA 2024/356 – page 2 / 5 – INAMI",
        "2/5",
        "2 / 5",
        "- 2 -",
        "2",
        "01/01/2025",
        "1-1-2025",
        "31.12.2024",
    ],
)
def test_page_numbers_and_dates_in_either_margin_are_furniture(text: str) -> None:
    """Never a row: "page 2 sur 5" at the foot of a page, "01/01/2025" at its head."""
    assert is_furniture(_line(text, HEIGHT - 30), set(), HEIGHT)  # bottom margin
    assert is_furniture(_line(text, 20), set(), HEIGHT)  # top margin
    assert not is_furniture(_line(text, 500), set(), HEIGHT)  # mid-page: content


@pytest.mark.parametrize(
    "text",
    [
        "726530",  # a code: a table row that reached the margin, however short
        "726530 page 2 sur 5",
        "Honoraires page 2 sur 5",  # header words
        "Soins psychologiques",  # text, not repeated on other pages
        "page 2",  # no total: could be a row's text
        "2 séances / 5",
        "1/1/25",  # a date has a four-digit year
    ],
)
def test_a_margin_line_that_is_not_a_page_number_or_date_is_kept(text: str) -> None:
    assert not is_furniture(_line(text, HEIGHT - 30), set(), HEIGHT)


def test_the_margins_end_at_six_percent_of_the_page() -> None:
    """A line ending exactly 60 pt from the top, or starting exactly 60 pt from the foot, is
    on the page, not in its margin."""
    assert is_furniture(_line("2/5", 49.9), set(), HEIGHT)
    assert not is_furniture(_line("2/5", 50), set(), HEIGHT)  # bottom edge at 60 pt
    assert is_furniture(_line("2/5", 940.1), set(), HEIGHT)
    assert not is_furniture(_line("2/5", 940), set(), HEIGHT)


def _pages(lines_by_page: list[list[tuple[str, float]]]) -> list[list[Line]]:
    return [[_line(text, top) for text, top in page] for page in lines_by_page]


def test_a_running_footer_is_learnt_from_most_pages_digits_aside() -> None:
    """The same text at the same height on most pages is a running header or footer, whatever
    numbers it holds ("Annexe 1", "Annexe 2"); a text on too few pages is content."""
    footer = [("Annexe 1 – soins psychologiques", 960.0), ("Séance 726530", 300.0)]
    pages = _pages([footer, [("Annexe 2 – soins psychologiques", 961.0)], footer])
    repeated = repeated_lines(pages)
    assert repeated == {("Annexe # – soins psychologiques", 240)}
    assert is_furniture(_line("Annexe 7 – soins psychologiques", 959), repeated, HEIGHT)
    # Mid-page, the same words are content even if they repeat.
    assert not is_furniture(_line("Annexe 7 – soins psychologiques", 500), repeated, HEIGHT)


@pytest.mark.parametrize(
    ("pages", "on", "repeated"),
    [
        (2, 2, False),  # two pages cannot tell a footer from a row
        (3, 3, True),
        (3, 2, False),  # at least three pages
        (6, 4, True),  # of six pages, more than half
        (6, 3, False),
        (5, 3, True),
    ],
)
def test_a_running_line_must_be_on_at_least_three_pages_and_more_than_half(
    pages: int, on: int, repeated: bool
) -> None:
    sample = _pages(
        [[("Circulaire OA", 20.0)] if page < on else [("autre", 20.0)] for page in range(pages)]
    )
    assert (("Circulaire OA", 5) in repeated_lines(sample)) is repeated


def test_a_footer_a_point_lower_is_the_same_footer_four_points_lower_is_not() -> None:
    sample = _pages(
        [[("pied de page", 960.0)], [("pied de page", 961.0)], [("pied de page", 961.4)]]
    )
    assert repeated_lines(sample) == {("pied de page", 240)}
    moved = _pages(
        [[("pied de page", 960.0)], [("pied de page", 961.0)], [("pied de page", 964.0)]]
    )
    assert repeated_lines(moved) == set()


@pytest.mark.parametrize(
    ("texts", "number"),
    [
        (["Soins psychologiques", "page 2 sur 5"], (2, 5)),
        (["Pagina 12 van 30"], (12, 30)),
        (["Blz. 3/4"], (3, 4)),
        (["blz 3 / 4"], (3, 4)),
        (["P. 1 of 2"], (1, 2)),
        (["page 1 sur 2", "page 3 sur 4"], (1, 2)),  # the first on the page
        (["2/5"], None),  # a bare fraction is furniture, not a page number to count on
        (["Séance 2 sur 5"], None),
        (["page 12345 sur 5"], None),
    ],
)
def test_printed_page_numbers_in_french_and_dutch(
    texts: list[str], number: tuple[int, int] | None
) -> None:
    assert printed_page_number([_line(text, 960.0) for text in texts]) == number
