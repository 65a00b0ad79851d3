"""Circular PDFs → raw rows, built on structure: header vocabulary, x-extents, codes, rulings.

The chain, one small step each: words → lines (superscripts attached) → header blocks →
columns → row blocks → cells. Nothing depends on the coordinates of a particular file:
columns come from where the header words stand, rows from codes, vertical gaps and rules.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from extractor.errors import ScannedInputError, UnreadableInputError
from extractor.location import Location
from extractor.model import RawDocument
from extractor.readers.pdf.drawing import draw_page
from extractor.readers.pdf.furniture import (
    check_page_numbers,
    is_furniture,
    printed_page_number,
    repeated_lines,
)
from extractor.readers.pdf.geometry import PageData, PageLayout
from extractor.readers.pdf.layout import PageReader
from extractor.readers.pdf.pages import pages
from extractor.settings import DEFAULT_SETTINGS, Deadline, ReadSettings

__all__ = ["PageLayout", "draw_page", "read_pdf", "read_pdf_with_layout"]

FURNITURE_SAMPLE = 6  # pages looked at, ahead of the rest, to learn running headers and footers


def read_pdf(
    path: Path, settings: ReadSettings = DEFAULT_SETTINGS, deadline: Deadline | None = None
) -> list[RawDocument]:
    document, _ = _read(path, settings, deadline, keep_layouts=False)
    return [document]


def read_pdf_with_layout(
    path: Path, settings: ReadSettings = DEFAULT_SETTINGS, deadline: Deadline | None = None
) -> tuple[RawDocument, list[PageLayout]]:
    """The whole PDF as one RawDocument (one circular), plus per-page layouts (for inspect)."""
    return _read(path, settings, deadline, keep_layouts=True)


def _read(
    path: Path, settings: ReadSettings, deadline: Deadline | None, *, keep_layouts: bool
) -> tuple[RawDocument, list[PageLayout]]:
    """Pages stream through: only the first few are held at once (to learn the running headers
    and footers), each released once laid out; of a page only its rows and text are kept (and
    its layout when asked for), so memory follows the rows, not the pages."""
    stream = pages(path, settings, deadline or Deadline(path, settings.time_limit_s))
    sample = deque(itertools.islice(stream, FURNITURE_SAMPLE))
    furniture = repeated_lines([page.lines for page in sample])
    reader = PageReader(path.name, keep_layouts=keep_layouts)
    page_numbers: list[tuple[int, int] | None] = []
    any_text = any_image = False
    for number, (lines, rules, images, (width, height)) in enumerate(
        itertools.chain(_drained(sample), stream), 1
    ):
        any_text, any_image = any_text or bool(lines), any_image or images > 0
        page_numbers.append(printed_page_number(lines))
        reader.add_page(
            number,
            [line for line in lines if not is_furniture(line, furniture, height)],
            rules,
            width,
            height,
        )
        reader.text.extend(line.text for line in lines)
    if not any_text:
        if any_image:
            raise ScannedInputError(
                "no text layer: this looks like a scanned document (OCR it first, or use the XLSX annex)",
                path,
            )
        raise UnreadableInputError("the PDF has no text on any page", path)
    check_page_numbers(path, page_numbers)
    text = "\n".join(reader.text)
    document = RawDocument(
        Location(path.name),
        "pdf",
        tuple(reader.rows),
        text,
        reader.title,
        stream.engine,  # the layer that read the pages, which may not be the one asked for
        tuple(reader.issues),
    )
    return document, reader.layouts


def _drained(sample: deque[PageData]) -> Iterator[PageData]:
    """The sample's pages, each let go as it is handed on."""
    while sample:
        yield sample.popleft()
