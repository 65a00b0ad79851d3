"""The reference text layer: pdfplumber's words and the edges of what the page draws."""

from __future__ import annotations

import contextlib
import statistics
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from extractor.readers.pdf.geometry import PageData, Rules, Word
from extractor.readers.pdf.integrity import DamageLog, damaged, open_error
from extractor.readers.pdf.lines import lines_of
from extractor.settings import ReadSettings
from extractor.values import clean_text


class PlumberLayer:
    """An open PDF read by pdfplumber, page by page, releasing each page's parsed objects
    before the next: memory stays flat."""

    engine = "pdfplumber"

    def __init__(self, path: Path) -> None:
        import pdfplumber

        self.path = path
        with _in_our_words(path):
            self.pdf = pdfplumber.open(path)
            try:
                self.page_count = len(self.pdf.pages)
            except BaseException:
                self.pdf.close()
                raise

    def read(self, settings: ReadSettings) -> Generator[PageData, None, None]:
        with DamageLog() as damage, _in_our_words(self.path):
            for page in self.pdf.pages:
                words = [
                    Word(clean_text(w["text"]), w["x0"], w["x1"], w["top"], w["bottom"], w["size"])
                    for w in page.extract_words(
                        extra_attrs=["size"], y_tolerance=_line_tolerance(page)
                    )
                    if clean_text(w["text"])
                ]
                result = PageData(
                    lines_of(words),
                    _rules(page),
                    len(page.images),
                    (float(page.width), float(page.height)),
                )
                page.close()
                if damage.messages:
                    loss = f"page {page.page_number} lost content"
                    raise damaged(self.path, damage.messages[0], loss)
                yield result

    def close(self) -> None:
        self.pdf.close()


@contextlib.contextmanager
def _in_our_words(path: Path) -> Iterator[None]:
    """pdfminer's errors, as pdfplumber wraps them, become ours."""
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        yield
    except PdfminerException as error:
        raise open_error(error, path) from None


def _line_tolerance(page: Any) -> float:
    """How far apart (in points) the tops of two characters of one line may be: pdfplumber's 3,
    but half the text size on pages set smaller than 6 points (a spreadsheet fitted to the
    page), where 3 points would merge the lines of a stacked header label letter by letter."""
    sizes = [float(char["size"]) for char in page.chars]
    return min(3.0, 0.5 * statistics.median(sizes)) if sizes else 3.0


def _rules(page: Any) -> Rules:
    """Ruling segments, from drawn lines and the edges of thin rectangles."""
    horizontal, vertical = set(), set()
    for edge in page.edges:
        length_x, length_y = edge["x1"] - edge["x0"], edge["bottom"] - edge["top"]
        if length_y < 1 and length_x > 20:
            horizontal.add((round(float(edge["top"]), 2), float(edge["x0"]), float(edge["x1"])))
        elif length_x < 1 and length_y > 5:
            vertical.add(round(float(edge["x0"]), 2))
    return Rules(tuple(sorted(horizontal)), tuple(sorted(vertical)))
