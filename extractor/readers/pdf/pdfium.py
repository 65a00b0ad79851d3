"""The fast text layer: pdfium's characters with their boxes and font sizes, made into words
the way pdfplumber makes them (split at spaces, size changes and gaps); rules and images from
the page objects."""

from __future__ import annotations

import ctypes
import functools
import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from extractor.readers.pdf.geometry import PageData, Rules, Word
from extractor.readers.pdf.lines import lines_of
from extractor.readers.pdf.worker import Worker
from extractor.settings import ReadSettings
from extractor.values import clean_text


class PdfiumLayer:
    """An open PDF read by pdfium: in this process, or by a second one when it is long."""

    engine = "pdfium"

    def __init__(self, path: Path, page_count: int) -> None:
        self.path = path
        self.page_count = page_count
        self.worker: Worker | None = None

    @classmethod
    def open(cls, path: Path) -> PdfiumLayer | None:
        """None when pdfium cannot open the file (encrypted, no pages, beyond pdfium)."""
        import pypdfium2

        try:
            document = pypdfium2.PdfDocument(str(path))
        except pypdfium2.PdfiumError:
            return None
        count = len(document)
        document.close()
        return cls(path, count)

    def read(self, settings: ReadSettings) -> Generator[PageData, None, None]:
        """The pages in order. A second process starts reading at once on a large file, while
        this one checks the streams and lays out the pages it has received: pages are
        independent until layout."""
        if self.page_count >= settings.parallel_min_pages and (os.cpu_count() or 1) > 1:
            self.worker = Worker(self.path)
            return self.worker.pages(self.page_count, lambda: read_pages(self.path))
        return read_pages(self.path)

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()


def read_pages(path: Path) -> Generator[PageData, None, None]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            yield read_page(document, index)
    finally:
        document.close()


def read_page(document: Any, index: int) -> PageData:
    import pypdfium2.raw as pdfium_c

    page = document[index]
    width, height = page.get_size()
    text = page.get_textpage()
    raw = text.raw
    char_box = _loose_char_box()
    text_address = ctypes.cast(raw, ctypes.c_void_p).value
    font_size = pdfium_c.FPDFText_GetFontSize
    box = pdfium_c.FS_RECTF()
    box_address = ctypes.addressof(box)
    corners = memoryview(box).cast("B").cast("f")  # left, top, right, bottom, as C floats
    words: list[Word] = []
    start = -1  # where the word being read starts in glyphs (-1: none)
    x0 = x1 = top = bottom = size = char_size = 0.0
    known_top = known_bottom = float("nan")  # the box whose font size char_size is
    count = text.count_chars()
    glyphs = text.get_text_range(0, count)
    if len(glyphs) != count:  # characters outside the BMP: ask one by one
        glyphs = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, c) or 32) for c in range(count))
    if "\ufffe" in glyphs:  # pdfium's mark for a hyphen ending a line ("Hono-" / "rarium")
        glyphs = glyphs.replace("\ufffe", "-")
    for char, glyph in enumerate(glyphs):
        if glyph.isspace() or glyph == "\x00":
            if start >= 0:
                words.append(Word(clean_text(glyphs[start:char]), x0, x1, top, bottom, size))
                start = -1
            continue
        char_box(text_address, char, box_address)
        left, box_top, right, box_bottom = corners.tolist()
        if box_top != known_top or box_bottom != known_bottom:
            # A loose box spans the font's ascent to descent: same box heights, same size.
            char_size = round(font_size(raw, char), 3)
            known_top, known_bottom = box_top, box_bottom
        char_top = height - box_top
        if start >= 0 and (
            char_size != size or abs(char_top - top) > 3 or left - x1 > 3 or left < x0
        ):
            words.append(Word(clean_text(glyphs[start:char]), x0, x1, top, bottom, size))
            start = -1
        if start >= 0:
            if right > x1:
                x1 = right
        else:
            start, x0, x1 = char, left, right
            top, bottom, size = char_top, height - box_bottom, char_size
    if start >= 0:
        words.append(Word(clean_text(glyphs[start:]), x0, x1, top, bottom, size))
    text.close()
    rules, images = _objects(page, height)
    page.close()
    return PageData(lines_of([w for w in words if w.text]), rules, images, (width, height))


@functools.cache
def _loose_char_box() -> Any:
    """FPDFText_GetLooseCharBox taking plain addresses: called for every character, and
    ctypes converts plain addresses faster than it checks pypdfium2's pointer types."""
    import pypdfium2.raw as pdfium_c

    prototype = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
    return ctypes.cast(pdfium_c.FPDFText_GetLooseCharBox, prototype)


def _objects(page: Any, height: float) -> tuple[Rules, int]:
    """Ruling segments from path objects (thin ones, and the sides of rectangles), and images."""
    import pypdfium2.raw as pdfium_c

    horizontal: set[tuple[float, float, float]] = set()
    vertical: set[float] = set()
    images = 0
    bounds = _plain_calls()[4]
    corners = (ctypes.c_float * 4)()
    corner_addresses = [ctypes.addressof(corners) + 4 * index for index in range(4)]
    values = memoryview(corners).cast("B").cast("f")
    for item, kind in _page_objects(page):
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images += 1
            continue
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not bounds(item, *corner_addresses):
            raise RuntimeError("a drawing cannot be placed")
        left, bottom, right, top = values.tolist()
        width, tall = right - left, top - bottom
        if tall < 1.5 and width > 20:
            horizontal.add((round(height - (top + bottom) / 2, 2), left, right))
        elif width < 1.5 and tall > 5:
            vertical.add(round((left + right) / 2, 2))
        elif width >= 1.5 and tall >= 1.5:
            if width > 20:
                horizontal.update(
                    {
                        (round(height - top, 2), left, right),
                        (round(height - bottom, 2), left, right),
                    }
                )
            if tall > 5:
                vertical.update({round(left, 2), round(right, 2)})
    return Rules(tuple(sorted(horizontal)), tuple(sorted(vertical))), images


def _page_objects(page: Any) -> Iterator[tuple[int, int]]:
    """Every object of a page, also inside forms (four levels), as an address and its type:
    pypdfium2's wrappers cost more than the work done with them on pages of hundreds of ruled
    cells."""
    import pypdfium2.raw as pdfium_c

    page_object, form_object, form_count, object_type, _ = _plain_calls()

    def walk(count: int, get: Any, parent: Any, level: int) -> Iterator[tuple[int, int]]:
        for index in range(count):
            item = get(parent, index)
            if not item:
                raise RuntimeError("a page object is missing")
            kind = object_type(item)
            yield item, kind
            if level < 3 and kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                yield from walk(form_count(item), form_object, item, level + 1)

    yield from walk(
        pdfium_c.FPDFPage_CountObjects(page.raw),
        page_object,
        ctypes.cast(page.raw, ctypes.c_void_p).value,
        0,
    )


@functools.cache
def _plain_calls() -> tuple[Any, Any, Any, Any, Any]:
    """pdfium's page-object calls taking and giving plain addresses (as _loose_char_box):
    the object of a page or form by index, a form's object count, an object's type and
    bounds."""
    import pypdfium2.raw as pdfium_c

    address, number = ctypes.c_void_p, ctypes.c_int

    def plain(function: Any, result: Any, *arguments: Any) -> Any:
        return ctypes.cast(function, ctypes.CFUNCTYPE(result, *arguments))

    return (
        plain(pdfium_c.FPDFPage_GetObject, address, address, number),
        plain(pdfium_c.FPDFFormObj_GetObject, address, address, ctypes.c_ulong),
        plain(pdfium_c.FPDFFormObj_CountObjects, number, address),
        plain(pdfium_c.FPDFPageObj_GetType, number, address),
        plain(pdfium_c.FPDFPageObj_GetBounds, number, address, *[address] * 4),
    )
