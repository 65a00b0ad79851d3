"""The pages of a PDF from either text layer, behind the checks every PDF passes once.

The cheap refusals come first (end-of-file marker, page count), then pdfminer decodes every
stream (while a second process already reads, on a large file); each page's size is checked
as it arrives. Whatever else goes wrong in a text layer is a damaged PDF, never a traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Protocol

from extractor.errors import ExtractorError
from extractor.readers.pdf.geometry import PageData
from extractor.readers.pdf.integrity import check_complete, check_content_streams, damaged
from extractor.readers.pdf.pdfium import PdfiumLayer
from extractor.readers.pdf.plumber import PlumberLayer
from extractor.settings import Deadline, LimitExceededError, ReadSettings


class TextLayer(Protocol):
    """An open PDF as one engine reads it."""

    page_count: int
    engine: str  # its name in ReadSettings.pdf_engine, for provenance

    def read(self, settings: ReadSettings) -> Generator[PageData, None, None]:
        """Every page, in order; reading may start before the first page is asked for."""
        ...

    def close(self) -> None: ...


class Pages(Iterator[PageData]):
    """The pages, in order, and the engine whose text layer read them: pdfium gives way to
    pdfminer (pdfplumber) on a file it cannot open, and the rows' provenance must say so."""

    def __init__(self, path: Path, settings: ReadSettings, deadline: Deadline) -> None:
        self.engine = settings.pdf_engine  # until a layer is open: the engine asked for
        self._stream = _pages(self, path, settings, deadline)

    def __next__(self) -> PageData:
        return next(self._stream)


def pages(path: Path, settings: ReadSettings, deadline: Deadline) -> Pages:
    return Pages(path, settings, deadline)


def _pages(
    reading: Pages, path: Path, settings: ReadSettings, deadline: Deadline
) -> Iterator[PageData]:
    check_complete(path)
    try:
        with contextlib.ExitStack() as cleanup:
            layer = _open(path, settings.pdf_engine)
            reading.engine = layer.engine
            cleanup.callback(layer.close)
            if layer.page_count > settings.max_pages:
                raise LimitExceededError(
                    f"the PDF has {layer.page_count} pages (limit {settings.max_pages}, --max-pages)",
                    path,
                )
            read = layer.read(settings)
            cleanup.callback(read.close)
            check_content_streams(path)
            for number in range(1, layer.page_count + 1):
                deadline.check(number - 1, layer.page_count)
                page = next(read)
                side = max(page.size) / 72 * 2.54
                if side > settings.max_page_side_cm:
                    raise LimitExceededError(
                        f"page {number} is {side:.0f} cm long: not a circular page", path
                    )
                yield page
    except ExtractorError:
        raise
    except Exception as error:
        raise damaged(path, type(error).__name__) from None


def _open(path: Path, engine: str) -> TextLayer:
    if engine == "pdfium":
        layer = PdfiumLayer.open(path)
        if layer is not None:
            return layer
        # Encrypted, no pages, or beyond pdfium: pdfminer tells which (pdfium's own error
        # code can be left over from an earlier file), and reads what it can the slow way.
    try:
        return PlumberLayer(path)
    except Exception:
        check_content_streams(path)  # pdfminer's own reading says best why it cannot open
        raise
