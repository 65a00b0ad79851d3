"""The PDF reader on small PDFs drawn here: one layout trait per test, so a failure names it."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extractor.api import extract_file
from extractor.errors import EncryptedInputError, ScannedInputError, UnreadableInputError
from extractor.model import Extraction
from extractor.settings import PDF_ENGINES, LimitExceededError, Options, ReadSettings
from tests.conftest import SAMPLES
from tests.pdf_builder import NL_LABELS, Footnote, Header, Layout, Row, Text, cover, write_pdf

LONG = "Soutien 1ère ligne - lieu d'accroche – bénéficiaire avec entourage/entourage seul et une description qui continue"
ROWS = [
    Row(
        "726530",
        "Soutien 1ère ligne - cabinet – bénéficiaire seul",
        ("89,59", "85,59", "78,59", "4,00", "11,00"),
    ),
    Row("726596", LONG, ("89,59", "85,59", "78,59", "4,00", "11,00")),
    Row(
        "726611",
        "Soutien 1ère ligne - chez le bénéficiaire",
        ("89,59", "85,59", "78,59", "4,00", "11,00"),
    ),
]


def _table(rows: list[Row] = ROWS, header: Header | None = None) -> list[object]:
    return [
        *cover(),
        Text("Soins psychologiques à partir du 1er janvier 2025", 11, bold=True),
        Text("1. Bénéficiaires à partir de l'âge de 24 ans", 10, bold=True),
        header or Header(),
        Text("1.1. Séance individuelle", 7.5, bold=True),
        *rows,
    ]


@pytest.fixture(autouse=True, params=PDF_ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every trait is read by both text layers: pdfium (default) and pdfplumber (reference)."""
    global SETTINGS
    SETTINGS = ReadSettings(pdf_engine=request.param)
    yield
    SETTINGS = ReadSettings()


SETTINGS = ReadSettings()


def _extract(path: Path) -> Extraction:
    [extraction] = extract_file(path, Options(settings=SETTINGS))
    return extraction


def _assert_rows(extraction: Extraction, rows: list[Row] = ROWS) -> None:
    assert [r.code_amb for r in extraction.rows] == [r.code for r in rows]
    for got, want in zip(extraction.rows, rows, strict=True):
        assert got.description == want.description
        assert got.fee == Decimal(want.amounts[0].replace(",", "."))
        assert got.copayment_standard == Decimal(want.amounts[4].replace(",", "."))
        assert (got.age_min, got.age_max) == (24, None)
    assert not [issue for issue in extraction.issues if issue.severity == "error"]


@pytest.mark.parametrize("ruling", ["full", "horizontal", "none"])
def test_rulings(tmp_path: Path, ruling: str) -> None:
    path = write_pdf(tmp_path / "circ.pdf", _table(), Layout(ruling=ruling))
    extraction = _extract(path)
    _assert_rows(extraction)
    assert extraction.info.circular == "2024/356"
    assert str(extraction.info.effective_from) == "2025-01-01"
    assert (
        extraction.rows[0].section
        == "1. Bénéficiaires à partir de l'âge de 24 ans > 1.1. Séance individuelle"
    )
    assert str(extraction.rows[0].source).startswith("circ.pdf#page=1&line=")


@pytest.mark.parametrize("ruling", ["full", "none"])
def test_descriptions_wrapped_with_amounts_centred(tmp_path: Path, ruling: str) -> None:
    rows = [*ROWS, Row("726633", LONG + " " + LONG, ("89,59", "85,59", "78,59", "4,00", "11,00"))]
    extraction = _extract(
        write_pdf(tmp_path / "c.pdf", _table(rows), Layout(ruling=ruling, align="middle"))
    )
    _assert_rows(extraction, rows)


@pytest.mark.parametrize(
    ("font", "bold"), [("Times-Roman", "Times-Bold"), ("Courier", "Courier-Bold")]
)
def test_other_fonts(tmp_path: Path, font: str, bold: str) -> None:
    layout = Layout(font=font, bold_font=bold, size=7)
    _assert_rows(_extract(write_pdf(tmp_path / "c.pdf", _table(), layout)))


def test_landscape_with_other_column_widths(tmp_path: Path) -> None:
    layout = Layout(landscape=True, size=8.5, edges=(30, 75, 105, 505, 557, 621, 685, 749, 813))
    _assert_rows(_extract(write_pdf(tmp_path / "c.pdf", _table(), layout)))


@pytest.mark.parametrize("repeat_header", [True, False])
def test_table_across_pages(tmp_path: Path, repeat_header: bool) -> None:
    codes = [f"{n}{n % 7}" for n in range(72650, 72650 + 60)]
    rows = [
        Row(code, f"Séance {i} – {LONG}", ("89,59", "85,59", "78,59", "4,00", "11,00"))
        for i, code in enumerate(codes)
    ]
    layout = Layout(repeat_header=repeat_header, page_lines=["01-01-2025", "page {page}/{pages}"])
    path = write_pdf(tmp_path / "c.pdf", _table(rows), layout)
    extraction = _extract(path)
    _assert_rows(extraction, rows)
    assert {r.source.page for r in extraction.rows} >= {1, 2}


def test_superscript_marks_and_footnotes(tmp_path: Path) -> None:
    rows = [
        Row(
            "726655",
            "Soutien 1ère ligne - Psychologue/orthopédagogue - 1",
            ("238,90", "53,76", "53,76", "2,50", "2,50"),
            mark="1",
        ),
        Row(
            "727436",
            "Soutien Première ligne – Psychologue/orthopédagogue - 2",
            ("238,90", "0,00", "0,00", "0,00", "0,00"),
        ),
    ]
    items = [*_table(rows, Header(fee_mark="2")), Footnote("1", "Intervention AMI théorique par patient"),
             Footnote("2", "Honoraires par séance de groupe")]  # fmt: skip
    extraction = _extract(write_pdf(tmp_path / "c.pdf", items))
    first, second = extraction.rows
    assert first.description == "Soutien 1ère ligne - Psychologue/orthopédagogue - 1"
    assert (
        first.footnotes
        == "(1) Intervention AMI théorique par patient | (2) Honoraires par séance de groupe"
    )
    assert (
        second.description.endswith("- 2")
        and second.footnotes == "(2) Honoraires par séance de groupe"
    )


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_a_raised_mark_after_an_amount_attaches_its_footnote(tmp_path: Path, engine: str) -> None:
    """The mark is typography, not a digit of the amount: the amount as printed, the footnote
    on its row (it used to be read and dropped)."""
    amounts = ("238,90", "53,76", "53,76", "2,50", "2,50")
    rows = [
        Row("726655", "Soutien - cabinet", amounts, amount_marks=("", "1")),
        Row("727436", "Soutien - domicile", amounts),
    ]
    items = [*_table(rows), Footnote("1", "Intervention AMI théorique par patient")]
    path = write_pdf(tmp_path / "c.pdf", items)
    [extraction] = extract_file(path, Options(settings=ReadSettings(pdf_engine=engine)))
    first, second = extraction.rows
    assert (first.reimbursement_preferential, second.reimbursement_preferential) == (
        Decimal("53.76"),
        Decimal("53.76"),
    )
    assert (first.footnotes, second.footnotes) == ("(1) Intervention AMI théorique par patient", "")


def test_dutch_circular(tmp_path: Path) -> None:
    items = [
        *cover(dutch=True),
        Text("1. Rechthebbenden jonger dan 24 jaar", 10, bold=True),
        Header(NL_LABELS),
        Row(
            "726530",
            "Eerstelijnsondersteuning - praktijk – rechthebbende alleen",
            ("89,59", "89,59", "89,59", "0,00", "0,00"),
        ),
    ]
    extraction = _extract(write_pdf(tmp_path / "c.pdf", items))
    [row] = extraction.rows
    assert (extraction.info.language, extraction.info.circular) == ("nl", "2024/356")
    assert (row.age_min, row.age_max, row.reimbursement_preferential) == (
        None,
        23,
        Decimal("89.59"),
    )


def test_amount_without_decimals_and_fee_only_rows(tmp_path: Path) -> None:
    rows = [Row("792595", "Séance Ind. avant séance de groupe", ("75,00", "75,00", "75", "0,00", "0,00")),
            Row("726611", "Une ligne qui a perdu ses montants", ("89,59", "", "", "", "")),
            Text("3. MISSIONS DE SOUTIEN", 7.5, bold=True),
            Row("726950", "Conseil et partage de connaissance", ("89,59", "", "", "", ""))]  # fmt: skip
    extraction = _extract(write_pdf(tmp_path / "c.pdf", _table(rows)))
    first, fee_only = extraction.rows
    assert str(first.reimbursement_standard) == "75.00"
    assert fee_only.fee == Decimal("89.59") and fee_only.reimbursement_preferential is None
    # A fee-only row among complete rows lost its amounts: flagged, never filled in.
    [issue] = [i for i in extraction.issues if i.severity == "error"]
    assert (issue.code, issue.rule) == ("726611", "amount-missing")


def test_shifted_row_is_flagged_not_filled(tmp_path: Path) -> None:
    rows = [
        *ROWS[:1],
        Row("", "", ("", "726412", "-", "Intervention Communautaire", "238,90"), hos=""),
        *ROWS[2:],
    ]
    extraction = _extract(write_pdf(tmp_path / "c.pdf", _table(rows)))
    assert [r.code_amb for r in extraction.rows] == ["726530", "726611"]
    [issue] = [i for i in extraction.issues if i.severity == "error"]
    assert (issue.rule, issue.code) == ("row-shifted", "726412")
    assert (issue.location.file, issue.location.page) == ("c.pdf", 1)


def test_scanned_pdf(tmp_path: Path) -> None:
    from PIL import Image
    from reportlab.pdfgen.canvas import Canvas

    image = tmp_path / "scan.png"
    Image.new("L", (200, 280), 230).save(image)
    canvas = Canvas(str(tmp_path / "scan.pdf"))
    canvas.drawImage(str(image), 20, 20, 500, 700)
    canvas.save()
    with pytest.raises(ScannedInputError, match="no text layer"):
        extract_file(tmp_path / "scan.pdf", Options(settings=SETTINGS))


def test_encrypted_pdf(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(tmp_path / "secret.pdf"), encrypt=StandardEncryption("user", "owner"))
    canvas.drawString(100, 700, "Circulaire OA no 2024/356")
    canvas.save()
    with pytest.raises(EncryptedInputError, match="password protected"):
        extract_file(tmp_path / "secret.pdf", Options(settings=SETTINGS))
    # pdfium keeps its last error: a page-less file read next is not "encrypted" too.
    write_pdf(tmp_path / "blank.pdf", [])
    with pytest.raises(UnreadableInputError, match="no text on any page"):
        extract_file(tmp_path / "blank.pdf", Options(settings=SETTINGS))


def test_truncated_pdf(tmp_path: Path) -> None:
    data = write_pdf(tmp_path / "c.pdf", _table()).read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableInputError, match="truncated"):
        extract_file(tmp_path / "cut.pdf", Options(settings=SETTINGS))


def test_inspect_draws_the_flagged_row_in_red(tmp_path: Path) -> None:
    from PIL import Image

    from extractor.cli import main

    rows = [
        *ROWS[:1],
        Row("", "", ("", "726412", "-", "Intervention Communautaire", "238,90"), hos=""),
        *ROWS[2:],
    ]
    path = write_pdf(tmp_path / "c.pdf", _table(rows))
    assert main(["inspect", str(path), "--page", "1", "--out", str(tmp_path / "out")]) == 0
    assert _red_pixels(Image.open(tmp_path / "out" / "c-page1.png")) > 50
    clean = write_pdf(tmp_path / "ok.pdf", _table())
    assert main(["inspect", str(clean), "--page", "1", "--out", str(tmp_path / "out")]) == 0
    assert _red_pixels(Image.open(tmp_path / "out" / "ok-page1.png")) == 0


def _red_pixels(image: Any) -> int:
    data = image.convert("RGB").tobytes()
    return sum(
        1
        for i in range(0, len(data), 3)
        if data[i] > 200 and data[i + 1] < 120 and data[i + 2] < 120
    )


def test_inspect_page_out_of_range(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from extractor.cli import main

    path = write_pdf(tmp_path / "c.pdf", _table())
    assert main(["inspect", str(path), "--page", "9", "--out", str(tmp_path)]) == 2
    assert "there is no page 9: the PDF has 1 pages" in capsys.readouterr().err


def test_without_a_second_interpreter_the_pdf_is_read_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An embedded or frozen host may have no Python to start: reading still works."""
    path = write_pdf(tmp_path / "Circulaire OA 2025-999.pdf", _table())
    monkeypatch.setattr("sys.executable", "/bin/false")
    [extraction] = extract_file(path, Options(settings=ReadSettings(parallel_min_pages=1)))
    _assert_rows(extraction)


def _children() -> set[int]:
    """Processes (zombies too) whose parent is this test process."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if fields.get("PPid", "").strip() == str(os.getpid()):
            found.add(int(status.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_time_limit_stops_the_reading_process_too(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "Circulaire OA 2025-999.pdf", _table())
    before = _children()
    settings = replace(SETTINGS, parallel_min_pages=1, time_limit_s=0)
    with pytest.raises(LimitExceededError, match="time limit"):
        extract_file(path, Options(settings=settings))
    assert _children() <= before


def test_a_damaged_embedded_font_is_an_error_with_either_engine(tmp_path: Path) -> None:
    """A font that lost data turns codes into other codes: never read as a good table."""
    data = bytearray((SAMPLES / "Circulaire OA 2024-356.pdf").read_bytes())
    font = re.search(rb"\n9 0 obj\s*<<[^>]*/Length1 \d+\s*>>\s*stream\r?\n", data)
    assert font is not None
    middle = font.end() + 10_000
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    (tmp_path / "Circulaire OA 2024-356.pdf").write_bytes(bytes(data))
    with pytest.raises(UnreadableInputError, match="lost data"):
        extract_file(tmp_path / "Circulaire OA 2024-356.pdf", Options(settings=SETTINGS))


def test_limits_are_checked_once_around_either_text_layer(tmp_path: Path) -> None:
    """The page count is refused before any stream is decoded, and each page's size as it
    arrives, also from the second reading process: the same error from every engine."""
    data = bytearray((SAMPLES / "Circulaire OA 2024-356.pdf").read_bytes())
    start = data.index(b"stream", len(data) // 2) + 40
    data[start : start + 60] = b"!" * 60  # damaged too: the limit is named first
    (tmp_path / "damaged.pdf").write_bytes(bytes(data))
    with pytest.raises(LimitExceededError, match=r"has 5 pages \(limit 2"):
        extract_file(tmp_path / "damaged.pdf", Options(settings=replace(SETTINGS, max_pages=2)))
    two_processes = replace(SETTINGS, max_page_side_cm=20, parallel_min_pages=1)
    with pytest.raises(LimitExceededError, match="page 1 is 30 cm long: not a circular page"):
        extract_file(SAMPLES / "Circulaire OA 2024-356.pdf", Options(settings=two_processes))
