"""Circular PDFs → raw rows, built on structure: header vocabulary, x-extents, codes, rulings.

The chain, one small step each: words → lines (superscripts attached) → header blocks →
columns → row blocks → cells. Nothing depends on the coordinates of a particular file:
columns come from where the header words stand, rows from codes, vertical gaps and rules.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import logging
import os
import re
import statistics
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor import vocabulary
from extractor.errors import (
    EncryptedInputError,
    ExtractorError,
    ScannedInputError,
    UnreadableInputError,
)
from extractor.location import Location
from extractor.model import RawCell, RawDocument, RawRow
from extractor.settings import DEFAULT_SETTINGS, Deadline, LimitExceededError, ReadSettings
from extractor.values import ValueParseError, clean_text, looks_like_code, parse_amount

# Tunables, in units of the font size of the words concerned (so they hold at any scale).
SUPERSCRIPT_RATIO = 0.85  # a mark is at most this size of the word it sticks to
STICK_GAP = 0.5  # a mark sticks to a word at most this far away
PHRASE_GAP = 1.8  # a gap this many word spaces wide separates two phrases (two cells)
ROW_GAP = 0.35  # a vertical gap larger than this between lines starts a new row block
MARGIN = 0.06  # of the page height: where page numbers and running dates live
HEADER_GAP = 1.2  # header lines follow each other closer than this

_PAGE_FURNITURE = re.compile(
    r"^(?:.*\b(?:page|pagina|p\.)\s*\d+\s*(?:/|sur|van|of)\s*\d+.*|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d+\s*/\s*\d+|-?\s*\d+\s*-?)$",
    re.IGNORECASE,
)


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    marks: list[str] = field(default_factory=list)  # superscript digits stuck after it
    suffix: str = ""  # superscript letters stuck after it ("1" + "er")
    lead_mark: str = ""  # a superscript digit stuck before it (footnote text "¹Une ...")

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def full_text(self) -> str:
        return f"{self.text}{self.suffix}"


@dataclass
class Line:
    """Words on one line. Its measures are read once the line is complete (after _lines)."""

    words: list[Word]

    @functools.cached_property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @functools.cached_property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @functools.cached_property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @functools.cached_property
    def size(self) -> float:
        return statistics.median(w.size for w in self.words)

    @functools.cached_property
    def text(self) -> str:
        """Read once the line is complete (after _lines has grouped it)."""
        parts = []
        for word in self.words:
            if word.lead_mark:
                parts.append(word.lead_mark)
            parts.append(word.full_text)
            parts.extend(word.marks)
        return clean_text(" ".join(parts))


@dataclass(frozen=True)
class Column:
    label: str
    x0: float
    x1: float
    marks: tuple[str, ...] = ()


@dataclass
class PageLayout:
    """What the reader saw on one page, for `inspect` to draw."""

    number: int
    width: float
    height: float
    columns: list[Column] = field(default_factory=list)
    boundaries: list[float] = field(default_factory=list)
    header_boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    rows: list[tuple[str, tuple[float, float, float, float], Location]] = field(
        default_factory=list
    )


def read_pdf(
    path: Path, settings: ReadSettings = DEFAULT_SETTINGS, deadline: Deadline | None = None
) -> list[RawDocument]:
    document, _ = read_pdf_with_layout(path, settings, deadline)
    return [document]


FURNITURE_SAMPLE = 6  # pages looked at, ahead of the rest, to learn running headers and footers


def read_pdf_with_layout(
    path: Path, settings: ReadSettings = DEFAULT_SETTINGS, deadline: Deadline | None = None
) -> tuple[RawDocument, list[PageLayout]]:
    """The whole PDF as one RawDocument (one circular), plus per-page layouts.

    Pages stream through: only the first few are held at once (to learn the running headers
    and footers); for every other page only its rows and its text are kept.
    """
    opener = _pdfium_pages if settings.pdf_engine == "pdfium" else _open_pages
    pages = opener(path, settings, deadline or Deadline(path, settings.time_limit_s))
    sample = [
        (lines, rules, images, size)
        for lines, rules, images, size in itertools.islice(pages, FURNITURE_SAMPLE)
    ]
    furniture = _repeated_lines([lines for lines, *_ in sample])
    rest = pages
    reader = _PageReader(path.name)
    page_numbers: list[tuple[int, int] | None] = []
    any_text = any_image = False
    for number, (lines, rules, images, (width, height)) in enumerate(
        itertools.chain(sample, rest), 1
    ):
        any_text, any_image = any_text or bool(lines), any_image or images > 0
        page_numbers.append(_printed_page_number(lines))
        reader.add_page(
            number,
            [line for line in lines if not _is_furniture(line, furniture, height)],
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
    _check_page_numbers(path, page_numbers)
    document = RawDocument(
        Location(path.name), "pdf", tuple(reader.rows), "\n".join(reader.text), reader.title
    )
    return document, reader.layouts


class _PageReader:
    """Turns page after page into rows; the current header's columns carry over page breaks."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.rows: list[RawRow] = []
        self.layouts: list[PageLayout] = []
        self.text: list[str] = []
        self.title = ""
        self.columns: list[Column] | None = None
        self.boundaries: list[float] = []
        self.refine = False

    def add_page(
        self, number: int, lines: list[Line], rules: Rules, width: float, height: float
    ) -> None:
        layout = PageLayout(number, width, height)
        self.layouts.append(layout)
        line_numbers = {id(line): n for n, line in enumerate(lines, 1)}
        index = 0
        while index < len(lines):
            header_end = _header_block_end(lines, index, rules)
            if header_end is not None:
                header_lines = lines[index:header_end]
                self.columns = _columns(header_lines)
                self.boundaries = _boundaries(self.columns, rules.vertical)
                self.refine = True
                if not self.title:
                    self.title = _title_before(lines[:index])
                layout.header_boxes.append(_box(header_lines))
                layout.columns, layout.boundaries = self.columns, self.boundaries
                self.rows.append(_header_row(self.columns, self.file_name, number, index + 1))
                index = header_end
                continue
            block_end = _next_header(lines, index, rules)
            region = lines[index:block_end]
            index = block_end
            if self.columns is None:
                self.rows.extend(
                    _text_row(line, self.file_name, number, line_numbers[id(line)])
                    for line in region
                )
                continue
            if self.refine:
                self.boundaries = _refined_boundaries(
                    self.columns, self.boundaries, region, rules.vertical
                )
                layout.boundaries, self.refine = self.boundaries, False
            if not layout.columns:
                layout.columns, layout.boundaries = self.columns, self.boundaries
            for block in _row_blocks(region, self.columns, self.boundaries, rules):
                first = line_numbers[id(block[0])]
                row = _block_row(
                    block, self.columns, self.boundaries, self.file_name, number, first
                )
                self.rows.append(row)
                code = next((c.text for c in row.cells if looks_like_code(c.value)), "")
                layout.rows.append((code, _box(block), row.location))


# --- Opening --------------------------------------------------------------------------------

PageData = tuple[list["Line"], "Rules", int, tuple[float, float]]  # lines of one page


def _pdfium_pages(path: Path, settings: ReadSettings, deadline: Deadline) -> Iterator[PageData]:
    """The fast text layer: pdfium's characters with their boxes and font sizes, made into
    words the way pdfplumber makes them (split at spaces, size changes and gaps).

    On a large file a second process reads the characters while this one checks the
    streams and lays out the pages it has received: pages are independent until layout.
    """
    import pypdfium2

    _check_complete(path)
    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError:
        # Encrypted, no pages, or beyond pdfium: pdfminer tells which (pdfium's own error
        # code can be left over from an earlier file), and reads what it can the slow way.
        yield from _open_pages(path, settings, deadline)
        return
    count = len(document)
    document.close()
    if count > settings.max_pages:
        raise LimitExceededError(
            f"the PDF has {count} pages (limit {settings.max_pages}, --max-pages)", path
        )
    try:
        if count >= settings.parallel_min_pages and (os.cpu_count() or 1) > 1:
            yield from _pages_from_worker(path, settings, deadline, count)
        else:
            _check_content_streams(path)
            yield from _pages_in_process(path, settings, deadline, count)
    except ExtractorError:
        raise
    except Exception as error:
        raise UnreadableInputError(f"the PDF is damaged ({type(error).__name__})", path) from None


def _pdfium_page(document: Any, index: int, path: Path, max_side_cm: float) -> PageData:
    import ctypes

    import pypdfium2.raw as pdfium_c

    page = document[index]
    width, height = page.get_size()
    side = max(width, height) / 72 * 2.54
    if side > max_side_cm:
        raise LimitExceededError(
            f"page {index + 1} is {side:.0f} cm long: not a circular page", path
        )
    text = page.get_textpage()
    raw = text.raw
    char_box = pdfium_c.FPDFText_GetLooseCharBox
    font_size = pdfium_c.FPDFText_GetFontSize
    box = pdfium_c.FS_RECTF()
    box_pointer = ctypes.byref(box)
    words: list[Word] = []
    current: list[str] = []
    x0 = x1 = top = bottom = size = char_size = 0.0
    known_top = known_bottom = float("nan")  # the box whose font size char_size is
    count = text.count_chars()
    glyphs = text.get_text_range(0, count)
    if len(glyphs) != count:  # characters outside the BMP: ask one by one
        glyphs = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, c) or 32) for c in range(count))
    for char, glyph in enumerate(glyphs):
        if glyph.isspace() or glyph == "\x00":
            if current:
                words.append(Word(clean_text("".join(current)), x0, x1, top, bottom, size))
                current = []
            continue
        char_box(raw, char, box_pointer)
        left, right, box_top, box_bottom = box.left, box.right, box.top, box.bottom
        if box_top != known_top or box_bottom != known_bottom:
            # A loose box spans the font's ascent to descent: same box heights, same size.
            char_size = round(font_size(raw, char), 3)
            known_top, known_bottom = box_top, box_bottom
        char_top = height - box_top
        if current and (char_size != size or abs(char_top - top) > 3 or left - x1 > 3 or left < x0):
            words.append(Word(clean_text("".join(current)), x0, x1, top, bottom, size))
            current = []
        if current:
            if right > x1:
                x1 = right
        else:
            x0, x1, top, bottom, size = left, right, char_top, height - box_bottom, char_size
        current.append(glyph)
    if current:
        words.append(Word(clean_text("".join(current)), x0, x1, top, bottom, size))
    text.close()
    rules, images = _pdfium_objects(page, height)
    page.close()
    return _lines([w for w in words if w.text]), rules, images, (width, height)


def _pages_from_worker(
    path: Path, settings: ReadSettings, deadline: Deadline, count: int
) -> Iterator[PageData]:
    """Pages from a second process, in order; its failures become ours, named the same way.

    A plain child interpreter rather than multiprocessing: nothing of the caller's process
    (threads, pdfium state, an unguarded __main__) is inherited or re-run.
    """
    import pickle
    import subprocess

    root = str(Path(__file__).resolve().parents[2])  # where the extractor package lives
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    )
    command = [sys.executable, "-c", _WORKER, str(path), repr(settings.max_page_side_cm)]
    try:
        worker = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
    except OSError:
        yield from _pages_in_process(path, settings, deadline, count)
        return
    assert worker.stdout is not None
    try:
        _check_content_streams(path)  # meanwhile, here
        try:
            ready = pickle.load(worker.stdout)
        except EOFError:
            ready = None
        if ready != ("ready",):  # the worker could not start here: read in this process
            yield from _pages_in_process(path, settings, deadline, count)
            return
        for _ in range(count):
            deadline.check()
            try:
                message = pickle.load(worker.stdout)
            except EOFError:
                raise UnreadableInputError(
                    f"the PDF is damaged (its reader stopped, exit code {worker.wait()})", path
                ) from None
            if message[0] != "page":
                _, kind, reason = message
                raise _WORKER_ERRORS.get(kind, UnreadableInputError)(reason, path)
            lines, rules, images, size = message[1]
            yield (
                [Line([Word(*word) for word in line]) for line in lines],
                Rules(*rules),
                images,
                size,
            )
    finally:
        worker.kill()
        worker.wait()
        worker.stdout.close()


def _pages_in_process(
    path: Path, settings: ReadSettings, deadline: Deadline, count: int
) -> Iterator[PageData]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        for index in range(count):
            deadline.check()
            yield _pdfium_page(document, index, path, settings.max_page_side_cm)
    finally:
        document.close()


_WORKER = "from extractor.readers.pdf import pdfium_worker; pdfium_worker()"
_WORKER_ERRORS: dict[str, type[ExtractorError]] = {
    "LimitExceededError": LimitExceededError,
    "UnreadableInputError": UnreadableInputError,
}


def pdfium_worker() -> None:
    """The second process (argv: PDF path, largest page side in cm): every page's lines and
    rules to stdout, one pickle per page, as plain tuples (fast to pickle)."""
    import pickle

    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # nothing printed by a library can get into the channel
    path, max_side_cm = Path(sys.argv[1]), float(sys.argv[2])

    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, channel, protocol=pickle.HIGHEST_PROTOCOL)
        channel.flush()

    try:
        import pypdfium2

        send(("ready",))
        document = pypdfium2.PdfDocument(str(path))
        for index in range(len(document)):
            lines, rules, images, size = _pdfium_page(document, index, path, max_side_cm)
            plain = [
                [(w.text, w.x0, w.x1, w.top, w.bottom, w.size, w.marks, w.suffix, w.lead_mark)
                 for w in line.words]
                for line in lines
            ]  # fmt: skip
            send(("page", (plain, (rules.horizontal, rules.vertical), images, size)))
    except ExtractorError as error:
        send(("error", type(error).__name__, error.reason))
    except Exception as error:
        send(("error", "UnreadableInputError", f"the PDF is damaged ({type(error).__name__})"))
    finally:
        channel.close()


def _check_content_streams(path: Path) -> None:
    """Decode every page's content stream, font and resource with pdfminer before reading.

    pdfium renders what it can of a damaged stream without a word, and a page's layout only
    touches what the page draws; decoding everything, pdfminer says when data was lost.
    Decoding alone (no layout) is cheap: about 1 ms a page.
    """
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFObjectNotFound, PDFStream, resolve1

    damage = _DamageLog()
    pdfminer_log = logging.getLogger("pdfminer")
    pdfminer_log.addHandler(damage)
    try:
        with path.open("rb") as stream:
            document = PDFDocument(PDFParser(stream))
            for number, page in enumerate(PDFPage.create_pages(document), 1):
                contents = page.contents if isinstance(page.contents, list) else [page.contents]
                for content in contents:
                    data = resolve1(content)
                    if isinstance(data, PDFStream):
                        data.get_data()
                if damage.messages:
                    raise UnreadableInputError(
                        f"the PDF is damaged: page {number} lost content ({damage.messages[0]})",
                        path,
                    )
            # Fonts and their character maps too: a damaged one turns codes into other codes.
            for xref in document.xrefs:
                for object_id in xref.get_objids():
                    try:
                        candidate = document.getobj(object_id)
                    except PDFObjectNotFound:
                        continue
                    if isinstance(candidate, PDFStream):
                        candidate.get_data()
            if damage.messages:
                raise UnreadableInputError(
                    f"the PDF is damaged: a font or resource lost data ({damage.messages[0]})", path
                )
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise EncryptedInputError("the PDF is encrypted / password protected", path) from None
    except ExtractorError:
        raise
    except Exception as error:
        raise UnreadableInputError(f"the PDF is damaged ({type(error).__name__})", path) from None
    finally:
        pdfminer_log.removeHandler(damage)


def _pdfium_objects(page: Any, height: float) -> tuple[Rules, int]:
    """Ruling segments from path objects (thin ones, and the sides of rectangles), and images."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    horizontal: set[tuple[float, float, float]] = set()
    vertical: set[float] = set()
    images = 0
    corners = [ctypes.c_float() for _ in range(4)]
    for item in _pdfium_page_objects(page):
        kind = pdfium_c.FPDFPageObj_GetType(item)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images += 1
            continue
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(item, *corners):
            raise RuntimeError("a drawing cannot be placed")
        left, bottom, right, top = (corner.value for corner in corners)
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


def _pdfium_page_objects(page: Any) -> Iterator[Any]:
    """Every object of a page, also inside forms (four levels), as raw handles: pypdfium2's
    wrappers cost more than the work done with them on pages of hundreds of ruled cells."""
    import pypdfium2.raw as pdfium_c

    def walk(count: int, get: Any, parent: Any, level: int) -> Iterator[Any]:
        for index in range(count):
            item = get(parent, index)
            if not item:
                raise RuntimeError("a page object is missing")
            yield item
            if level < 3 and pdfium_c.FPDFPageObj_GetType(item) == pdfium_c.FPDF_PAGEOBJ_FORM:
                yield from walk(
                    pdfium_c.FPDFFormObj_CountObjects(item),
                    pdfium_c.FPDFFormObj_GetObject,
                    item,
                    level + 1,
                )

    yield from walk(
        pdfium_c.FPDFPage_CountObjects(page.raw), pdfium_c.FPDFPage_GetObject, page.raw, 0
    )


def _open_pages(path: Path, settings: ReadSettings, deadline: Deadline) -> Iterator[PageData]:
    """Page by page, releasing each page's parsed objects before the next: memory stays flat."""
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    _check_complete(path)
    _check_content_streams(path)  # fonts and resources too, as for pdfium
    try:
        pdf = pdfplumber.open(path)
    except PdfminerException as error:
        raise _open_error(error, path) from None
    except Exception as error:
        raise UnreadableInputError(f"the PDF is damaged ({type(error).__name__})", path) from None
    damage = _DamageLog()
    pdfminer_log = logging.getLogger("pdfminer")
    pdfminer_log.addHandler(damage)
    with pdf:
        try:
            if len(pdf.pages) > settings.max_pages:
                raise LimitExceededError(
                    f"the PDF has {len(pdf.pages)} pages (limit {settings.max_pages}, --max-pages)",
                    path,
                )
            for page in pdf.pages:
                deadline.check()
                side = max(float(page.width), float(page.height)) / 72 * 2.54
                if side > settings.max_page_side_cm:
                    raise LimitExceededError(
                        f"page {page.page_number} is {side:.0f} cm long: not a circular page", path
                    )
                words = [
                    Word(clean_text(w["text"]), w["x0"], w["x1"], w["top"], w["bottom"], w["size"])
                    for w in page.extract_words(extra_attrs=["size"])
                    if clean_text(w["text"])
                ]
                result = (
                    _lines(words),
                    _rules(page),
                    len(page.images),
                    (float(page.width), float(page.height)),
                )
                page.close()
                if damage.messages:
                    raise UnreadableInputError(
                        f"the PDF is damaged: page {page.page_number} lost content ({damage.messages[0]})",
                        path,
                    )
                yield result
        except ExtractorError:
            raise
        except PdfminerException as error:
            raise _open_error(error, path) from None
        except Exception as error:
            raise UnreadableInputError(
                f"the PDF is damaged ({type(error).__name__})", path
            ) from None
        finally:
            pdfminer_log.removeHandler(damage)


class _DamageLog(logging.Handler):
    """pdfminer logs, rather than raises, when a stream cannot be fully decoded: a page whose
    content was partly lost must not pass for a page with fewer rows."""

    _DAMAGE = re.compile(r"data-loss|corrupt|decompress|unexpected eof|truncated", re.IGNORECASE)

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if self._DAMAGE.search(message):
            self.messages.append(message.splitlines()[0][:80])


def _check_complete(path: Path) -> None:
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if b"%%EOF" not in tail:
        raise UnreadableInputError(
            "the PDF is truncated or damaged (no end-of-file marker); download it again", path
        )


def _open_error(error: Exception, path: Path) -> Exception:
    cause = repr(error.args[0]) if error.args else repr(error)
    if "Password" in cause or "Encrypt" in cause:
        return EncryptedInputError("the PDF is encrypted / password protected", path)
    if "EOF" in cause:
        return UnreadableInputError("the PDF is truncated or damaged", path)
    return UnreadableInputError(f"the PDF is damaged ({cause})", path)


@dataclass(frozen=True)
class Rules:
    """Ruling segments of a page: horizontal ones as (y, x0, x1), vertical ones by x."""

    horizontal: tuple[tuple[float, float, float], ...] = ()
    vertical: tuple[float, ...] = ()

    def crossing(self, above: float, below: float, x0: float, x1: float) -> bool:
        """A horizontal rule between two heights that spans most of [x0, x1]."""
        width = max(x1 - x0, 1.0)
        return any(
            above - 1 <= y <= below + 1 and min(r1, x1) - max(r0, x0) >= 0.6 * width
            for y, r0, r1 in self.horizontal
        )


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


# --- Words → lines ------------------------------------------------------------------------


def _lines(words: list[Word]) -> list[Line]:
    """Group words into lines by vertical centre; small raised digits become marks."""
    ordinary = _split_superscripts(words)
    lines: list[Line] = []
    for word in sorted(ordinary, key=lambda w: (w.middle, w.x0)):
        for line in reversed(lines[-3:]):
            anchor = line.words[0]
            if (
                anchor.top - 0.5 <= word.middle <= anchor.bottom + 0.5
                and abs(word.size - anchor.size) < 0.5 * anchor.size
            ):
                line.words.append(word)
                break
        else:
            lines.append(Line([word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return sorted(lines, key=lambda line: (line.top, line.x0))


def _split_superscripts(words: list[Word]) -> list[Word]:
    """A word much smaller than the word it touches, and raised, is a mark or an ordinal.

    Marks are attached to their host word and left out of the returned list.
    """
    ordinary: list[Word] = []
    by_position = sorted(words, key=lambda w: (w.x0, w.top))
    hosts = _Hosts(words)
    for word in by_position:
        host = hosts.of(word)
        if host is None:
            ordinary.append(word)
            continue
        if word.x0 >= host.x1 - 0.5:
            if word.text.isdigit():
                host.marks.append(word.text)
            else:
                host.suffix += word.text
        else:
            host.lead_mark = word.text
    return ordinary


class _Hosts:
    """Finds the word a small raised word sticks to, looking only at words that end just
    before it or start just after it (a page has thousands of words, a mark touches one)."""

    def __init__(self, words: list[Word]) -> None:
        self.words = words
        self.reach = STICK_GAP * max((w.size for w in words), default=0.0) + 0.5
        self.by_end = sorted(range(len(words)), key=lambda i: words[i].x1)
        self.ends = [words[i].x1 for i in self.by_end]
        self.by_start = sorted(range(len(words)), key=lambda i: words[i].x0)
        self.starts = [words[i].x0 for i in self.by_start]

    def of(self, word: Word) -> Word | None:
        if len(word.text) > 3:
            return None
        after = self.by_end[
            bisect.bisect_left(self.ends, word.x0 - self.reach) : bisect.bisect_right(
                self.ends, word.x0 + 0.5
            )
        ]
        before = self.by_start[
            bisect.bisect_left(self.starts, word.x1 - 0.5) : bisect.bisect_right(
                self.starts, word.x1 + self.reach
            )
        ]
        for index in sorted({*after, *before}):  # the first in page order, as before
            other = self.words[index]
            if other is word or word.size > other.size * SUPERSCRIPT_RATIO:
                continue
            touches_after = -0.5 <= word.x0 - other.x1 <= STICK_GAP * other.size
            touches_before = -0.5 <= other.x0 - word.x1 <= STICK_GAP * other.size
            raised = word.bottom < other.bottom - 0.1 * other.size and word.bottom > other.top
            if raised and (touches_after or (touches_before and word.text.isdigit())):
                return other
        return None


# --- Page furniture -----------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"\b(?:page|pagina|blz\.?|p\.)\s*(\d{1,4})\s*(?:/|sur|van|of)\s*(\d{1,4})\b", re.IGNORECASE
)


def _printed_page_number(lines: list[Line]) -> tuple[int, int] | None:
    found = (_PAGE_NUMBER.search(line.text) for line in lines)
    return next(((int(m.group(1)), int(m.group(2))) for m in found if m), None)


def _check_page_numbers(path: Path, numbers: list[tuple[int, int] | None]) -> None:
    """Printed page numbers ("page 2/5") must run 1..M in order: a gap means lost pages.

    A table continued on a missing page would hand its rows to the wrong heading. Pages
    without a printed number at the start (a cover letter) are allowed: numbering may start
    on the annex.
    """
    printed = [n for n in numbers if n is not None]
    if len(printed) < 2:
        return
    total = printed[0][1]
    first = next(index for index, n in enumerate(numbers) if n is not None)
    numbered = numbers[first:]
    expected = list(range(printed[0][0], printed[0][0] + len(numbered)))
    actual = [n[0] if n else None for n in numbered]
    complete = actual == expected  # a page without the number all others print is damaged too
    if not complete or expected[-1] != total or any(n[1] != total for n in printed):
        listed = ", ".join("?" if a is None else str(a) for a in actual)
        raise UnreadableInputError(
            f"pages are missing or out of order: the printed page numbers run {listed} of {total}",
            path,
        )


def _repeated_lines(pages: list[list[Line]]) -> set[tuple[str, int]]:
    """Running headers and footers: the same text (digits aside) at the same height on most
    of the sample pages."""
    if len(pages) < 3:
        return set()
    counts: dict[tuple[str, int], int] = {}
    for lines in pages:
        seen = {(re.sub(r"\d+", "#", line.text), round(line.top / 4)) for line in lines}
        for key in seen:
            counts[key] = counts.get(key, 0) + 1
    return {key for key, count in counts.items() if count >= max(3, len(pages) // 2 + 1)}


def _is_furniture(line: Line, repeated: set[tuple[str, int]], height: float) -> bool:
    """Page numbers, dates and running headers or footers in the top or bottom margin.

    Never a line with a code or header words: a table row that happens to repeat at the
    same height on every page is content, not furniture.
    """
    in_margin = line.bottom < MARGIN * height or line.top > (1 - MARGIN) * height
    if (
        not in_margin
        or any(looks_like_code(w.text) for w in line.words)
        or _header_roles(line.text)
    ):
        return False
    return (
        bool(_PAGE_FURNITURE.match(line.text))
        or (
            re.sub(r"\d+", "#", line.text),
            round(line.top / 4),
        )
        in repeated
    )


# --- Header blocks → columns --------------------------------------------------------------


def _header_roles(text: str) -> set[str]:
    return set(vocabulary.header_roles(text))


def _is_row_start(line: Line) -> bool:
    """A line that can only be table content: it holds a code, an amount or a heading number."""
    if any(looks_like_code(w.text) for w in line.words):
        return True
    if vocabulary.NUMBERED_HEADING.match(line.text):
        return True
    return sum(_is_amount(w.text) for w in line.words) >= 2


def _header_block_end(lines: list[Line], start: int, rules: Rules) -> int | None:
    """If a header block starts at `start`, the index after its last line.

    The block ends at a line that can only be content, at a wider vertical gap than header
    lines leave between them, or at a rule across the whole header.
    """
    first = lines[start]
    if _is_row_start(first) or not _header_roles(first.text):
        return None
    end = start + 1
    while end < len(lines):
        line = lines[end]
        block = lines[start:end]
        bottom = max(ln.bottom for ln in block)
        left, right = min(ln.x0 for ln in block), max(w.x1 for ln in block for w in ln.words)
        if (
            _is_row_start(line)
            or not _is_header_text(line)
            or line.top - bottom > HEADER_GAP * lines[end - 1].size
            or rules.crossing(bottom, line.top, left, right)
        ):
            break
        end += 1
    roles = _header_roles(" ".join(line.text for line in lines[start:end]))
    if len(roles) < 3 or "code" not in roles:
        return None
    return end


def _is_header_text(line: Line) -> bool:
    """At least half the words are header vocabulary (footnote marks aside)."""
    words = [vocabulary.fold(w.text).strip("()[]:;,.") for w in line.words]
    words = [w for w in words if w and not w.isdigit()]
    return bool(words) and 2 * sum(w in vocabulary.HEADER_TOKENS for w in words) >= len(words)


def _next_header(lines: list[Line], start: int, rules: Rules) -> int:
    for index in range(start + 1, len(lines)):
        if _header_block_end(lines, index, rules) is not None:
            return index
    return len(lines)


def _phrases(words: list[Word]) -> list[list[Word]]:
    """Runs of words on one line with small gaps; a code or an amount is always its own run.

    "Small" is measured against the line itself: the narrowest gap between two words of a
    line is its word space (wide in Courier, narrow in Helvetica), and a phrase breaks at
    gaps clearly wider than that.
    """
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.middle, w.x0)):
        if rows and abs(word.middle - rows[-1][0].middle) < 0.5 * rows[-1][0].size:
            rows[-1].append(word)
        else:
            rows.append([word])
    phrases: list[list[Word]] = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        size = statistics.median(w.size for w in row)
        gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(row) if b.x0 > a.x1]
        space = min(gaps) if gaps else 0.3 * size
        limit = min(max(PHRASE_GAP * space, 0.45 * size), 1.0 * size)
        for index, word in enumerate(row):
            last = row[index - 1] if index else None
            if (
                last is not None
                and word.x0 - last.x1 < limit
                and not (_is_atomic(word.text) or _is_atomic(last.text))
            ):
                phrases[-1].append(word)
            else:
                phrases.append([word])
    return phrases


@functools.lru_cache(maxsize=65536)  # amounts and codes recur on every page
def _is_atomic(text: str) -> bool:
    return looks_like_code(text) or _is_amount(text)


def _is_amount(text: str) -> bool:
    if not re.search(r"\d", text):
        return False
    try:
        return parse_amount(text) is not None
    except ValueParseError:
        return False


def _span(phrase: list[Word]) -> tuple[float, float]:
    return min(w.x0 for w in phrase), max(w.x1 for w in phrase)


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


def _columns(header_lines: list[Line]) -> list[Column]:
    """Leaf header cells stacked over one another make columns; a label over two is a group."""
    phrases = _phrases([w for line in header_lines for w in line.words])
    groups: list[list[Word]] = []
    leaves: list[list[Word]] = []
    for phrase in phrases:
        span, bottom = _span(phrase), max(w.bottom for w in phrase)
        below = [
            q
            for q in phrases
            if q is not phrase
            and min(w.top for w in q) >= bottom - 1
            and _overlap(span, _span(q)) > 0
        ]
        rows_below: dict[int, list[list[Word]]] = {}
        for q in below:
            rows_below.setdefault(round(q[0].middle), []).append(q)
        is_group = any(len(qs) >= 2 for qs in rows_below.values())
        (groups if is_group else leaves).append(phrase)

    stacks: list[list[list[Word]]] = []
    for phrase in sorted(leaves, key=lambda p: _span(p)[0]):
        for stack in stacks:
            if any(_overlap(_span(phrase), _span(other)) > 0 for other in stack):
                stack.append(phrase)
                break
        else:
            stacks.append([phrase])

    columns = []
    group_words: list[list[Word]] = []
    for stack in sorted(stacks, key=lambda s: min(_span(p)[0] for p in s)):
        x0, x1 = min(_span(p)[0] for p in stack), max(_span(p)[1] for p in stack)
        over = [
            w
            for g in sorted(groups, key=lambda p: p[0].top)
            if _overlap(_span(g), (x0, x1)) > 0
            for w in g
        ]
        leaf = [w for part in sorted(stack, key=lambda p: p[0].top) for w in part]
        if not over and group_words and _is_regime_only(leaf):
            # A short group label ("Remgeld") may stand over the first of its regime columns
            # only: the regime column beside it, with no label of its own, belongs to it too.
            over = group_words[-1]
        role_words = [
            w for part in stack if _header_roles(" ".join(w.text for w in part)) for w in part
        ]
        group_words.append(over or role_words)
        words = [*over, *leaf]
        label = clean_text(" ".join(w.full_text for w in words))
        marks = tuple(m for w in words for m in w.marks)
        columns.append(Column(label, x0, x1, marks))
    return columns


def _is_regime_only(words: list[Word]) -> bool:
    text = vocabulary.fold(" ".join(w.text for w in words))
    regime = vocabulary.STANDARD_REGIME.search(text) or vocabulary.PREFERENTIAL_REGIME.search(text)
    return bool(regime) and not _header_roles(text)


def _boundaries(columns: list[Column], vertical_rules: Iterable[float]) -> list[float]:
    """Where one column ends and the next starts: a rule in the gap if there is one, else its middle."""
    boundaries = []
    for left, right in itertools.pairwise(columns):
        in_gap = [x for x in vertical_rules if left.x1 - 1 <= x <= right.x0 + 1]
        middle = (left.x1 + right.x0) / 2
        boundaries.append(min(in_gap, key=lambda x: abs(x - middle)) if in_gap else middle)
    return boundaries


def _refined_boundaries(
    columns: list[Column],
    boundaries: list[float],
    region: list[Line],
    vertical_rules: Iterable[float],
) -> list[float]:
    """Move each unruled boundary into the gap the data leaves between two columns.

    Header words are often centred over a column while its content starts at the left, so
    the middle between header words can cut into a column; the medians of where the content
    of each column ends and starts say where the real gap is.
    """
    starts: list[list[float]] = [[] for _ in columns]
    ends: list[list[float]] = [[] for _ in columns]
    for line in region:
        if vocabulary.NUMBERED_HEADING.match(line.text) or vocabulary.FOOTNOTE_LINE.match(
            line.text
        ):
            continue
        for phrase in _phrases(line.words):
            x0, x1 = _span(phrase)
            column = _column_of((x0, x1), boundaries)
            starts[column].append(x0)
            ends[column].append(x1)
    refined = list(boundaries)
    rules = list(vertical_rules)
    for index, boundary in enumerate(boundaries):
        if boundary in rules or not ends[index] or not starts[index + 1]:
            continue
        left, right = statistics.median(ends[index]), statistics.median(starts[index + 1])
        if left < right:
            refined[index] = (left + right) / 2
    return refined


def _column_of(span: tuple[float, float], boundaries: list[float]) -> int:
    """The column a phrase overlaps most, given the boundaries between columns."""
    x0, x1 = span
    best, most = 0, float("-inf")
    left = float("-inf")
    for index, right in enumerate([*boundaries, float("inf")]):
        overlap = min(x1, right) - max(x0, left)
        if overlap > most:  # ties go to the leftmost column
            best, most = index, overlap
        left = right
    return best


# --- Table body → row blocks → cells ------------------------------------------------------


def _row_blocks(
    region: list[Line], columns: list[Column], boundaries: list[float], rules: Rules
) -> list[list[Line]]:
    """Lines that make one table row: split at vertical gaps and rules, then at codes."""
    description_left = _description_left(columns, boundaries)
    left, right = columns[0].x0, columns[-1].x1
    blocks: list[list[Line]] = []
    for line in region:
        if blocks:
            previous = blocks[-1][-1]
            gap = line.top - max(ln.bottom for ln in blocks[-1])
            ruled = rules.crossing(max(ln.bottom for ln in blocks[-1]), line.top, left, right)
            heading = _is_heading_line(line, description_left) or _is_heading_line(
                previous, description_left
            )
            if gap <= ROW_GAP * previous.size and not ruled and not heading:
                blocks[-1].append(line)
                continue
        blocks.append([line])
    return [part for block in blocks for part in _split_at_codes(block)]


def _description_left(columns: list[Column], boundaries: list[float]) -> float:
    for index, column in enumerate(columns):
        if vocabulary.DESCRIPTION_HEADER.search(vocabulary.fold(column.label)):
            return boundaries[index - 1] if index > 0 else column.x0
    return float("inf")


def _is_heading_line(line: Line, description_left: float) -> bool:
    return (
        line.x0 < description_left
        and bool(vocabulary.NUMBERED_HEADING.match(line.text))
        and not any(_is_amount(w.text) for w in line.words[1:])
    )


def _split_at_codes(block: list[Line]) -> list[list[Line]]:
    """Several coded lines in one block: each starts a row; lines above the first join it."""
    anchors = [
        i for i, line in enumerate(block) if any(looks_like_code(w.text) for w in line.words)
    ]
    if len(anchors) <= 1:
        return [block]
    parts = []
    for n, start in enumerate(anchors):
        begin = 0 if n == 0 else start
        end = anchors[n + 1] if n + 1 < len(anchors) else len(block)
        parts.append(block[begin:end])
    return parts


def _block_row(
    block: list[Line],
    columns: list[Column],
    boundaries: list[float],
    file_name: str,
    page: int,
    line_number: int,
) -> RawRow:
    location = Location(file_name, page=page, line=line_number)
    texts: list[list[str]] = [[] for _ in columns]
    marks: list[list[str]] = [[] for _ in columns]
    amounts_in_amount_columns = 0
    for line in block:
        for phrase in _phrases(line.words):
            column = _column_of(_span(phrase), boundaries)
            if _is_amount(phrase[0].text) and _header_roles(columns[column].label) & _AMOUNT_ROLES:
                amounts_in_amount_columns += 1
            for word in phrase:
                if word.lead_mark:
                    texts[column].append(word.lead_mark)
                texts[column].append(word.full_text)
                marks[column].extend(word.marks)
    has_code = any(looks_like_code(w.text) for line in block for w in line.words)
    first = block[0].text
    is_text = vocabulary.NUMBERED_HEADING.match(first) or vocabulary.FOOTNOTE_LINE.match(first)
    if not has_code and (is_text or amounts_in_amount_columns < 2):
        text = clean_text(" ".join(line.text for line in block))
        return RawRow((RawCell(text, location),), location)
    cells = tuple(
        RawCell(clean_text(" ".join(parts)) or None, location, marks=tuple(cell_marks))
        for parts, cell_marks in zip(texts, marks, strict=True)
    )
    return RawRow(cells, location)


_AMOUNT_ROLES = {"fee", "reimbursement", "copayment"}


def _text_row(line: Line, file_name: str, page: int, line_number: int) -> RawRow:
    location = Location(file_name, page=page, line=line_number)
    return RawRow((RawCell(line.text, location),), location)


def _header_row(columns: list[Column], file_name: str, page: int, line_number: int) -> RawRow:
    location = Location(file_name, page=page, line=line_number)
    return RawRow(tuple(RawCell(c.label, location, marks=c.marks) for c in columns), location)


def _title_before(lines: list[Line]) -> str:
    """The table title: the text lines just above the first header, headings aside."""
    title = [line.text for line in lines if not vocabulary.NUMBERED_HEADING.match(line.text)]
    return clean_text(" ".join(title[-3:]))


def _box(lines: list[Line]) -> tuple[float, float, float, float]:
    return (
        min(line.x0 for line in lines),
        min(line.top for line in lines),
        max(w.x1 for line in lines for w in line.words),
        max(line.bottom for line in lines),
    )


# --- Seeing what the reader saw -----------------------------------------------------------


def draw_page(path: Path, layout: PageLayout, flagged: dict[Location, str], out_path: Path) -> Path:
    """Draw header columns, row bands with their codes and flagged rows onto the page image.

    Blue: header blocks; green lines: column boundaries; grey bands: rows, with the code the
    reader found; red: rows behind an issue, with its rule. A tariff officer sees why.
    """
    import pdfplumber
    from PIL import ImageDraw

    resolution = 110
    scale = resolution / 72
    with pdfplumber.open(path) as pdf:
        image = pdf.pages[layout.number - 1].to_image(resolution=resolution)
        for box in layout.header_boxes:
            image.draw_rect(box, fill=(0, 90, 255, 40), stroke=(0, 90, 255, 200))
        for x in layout.boundaries:
            image.draw_vline(x, stroke=(0, 160, 0, 180), stroke_width=1)
        for _, box, location in layout.rows:
            rule = flagged.get(location)
            fill = (255, 0, 0, 60) if rule else (128, 128, 128, 30)
            image.draw_rect(box, fill=fill, stroke=(255, 0, 0, 220) if rule else (90, 90, 90, 120))
        draw = ImageDraw.Draw(image.annotated)

        def ascii(text: str) -> str:  # the default bitmap font has no accents
            return vocabulary.fold(text).encode("ascii", "replace").decode()

        for column, left in zip(layout.columns, [0.0, *layout.boundaries], strict=False):
            draw.text(((left + 2) * scale, 2), ascii(column.label)[:16], fill=(0, 90, 255))
        for code, box, location in layout.rows:
            label = ascii(f"{code} {flagged.get(location, '')}".strip())
            if label:
                draw.text(
                    (box[2] * scale + 2, box[1] * scale),
                    label,
                    fill=(200, 0, 0) if location in flagged else (0, 120, 0),
                )
        out_path.parent.mkdir(parents=True, exist_ok=True)
        image.save(out_path)
    return out_path
