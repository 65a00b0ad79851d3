"""Lost pages: a PDF whose printed page numbers ("page N/M") do not add up is an error, on both
text layers, also when a single number is left; never a shorter table."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.errors import UnreadableInputError
from extractor.readers.pdf.furniture import check_page_numbers
from extractor.settings import PDF_ENGINES
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
    ],
)
def test_incomplete_numbering_is_refused(numbers: list[tuple[int, int] | None]) -> None:
    with pytest.raises(UnreadableInputError, match=r"^c\.pdf: pages are missing or out of order"):
        check_page_numbers(Path("c.pdf"), numbers)


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
