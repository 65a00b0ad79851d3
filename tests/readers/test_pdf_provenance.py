"""Provenance names the text layer that really read a PDF: pdfium gives way to pdfminer
(pdfplumber) on a file it cannot open, and the rows then say pdfplumber, not pdfium."""

from __future__ import annotations

import re
from pathlib import Path

from extractor.api import extract_file
from extractor.settings import Options, ReadSettings
from tests.pdf_builder import Header, Row, Text, cover, write_pdf

AMOUNTS = ("89,59", "85,59", "78,59", "4,00", "11,00")


def _circular(path: Path) -> Path:
    return write_pdf(
        path, [*cover(), Text("1. Bénéficiaires"), Header(), Row("726530", "Soutien", AMOUNTS)]
    )


def _reader(path: Path, engine: str = "pdfium") -> tuple[str, list[str]]:
    [extraction] = extract_file(path, Options(settings=ReadSettings(pdf_engine=engine)))
    return extraction.info.reader, [row.code_amb for row in extraction.rows]


def test_rows_read_by_pdfminer_after_pdfium_failed_say_pdfplumber(tmp_path: Path) -> None:
    intact = _circular(tmp_path / "intact.pdf")
    # A trailer whose /Root names an object the file lacks: pdfium refuses the file, pdfminer
    # finds the catalog by itself and reads it.
    data, count = re.subn(rb"/Root \d+ 0 R", b"/Root 99 0 R", intact.read_bytes())
    assert count == 1
    broken = tmp_path / "broken-root.pdf"
    broken.write_bytes(data)
    assert _reader(intact) == ("pdfium", ["726530"])
    assert _reader(broken) == ("pdfplumber", ["726530"])
    assert _reader(broken, "pdfplumber") == ("pdfplumber", ["726530"])
