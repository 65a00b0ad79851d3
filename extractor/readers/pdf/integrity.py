"""Is the file whole? A damaged PDF must fail with its cause, never pass for a shorter table.

Every "the PDF is damaged" message is worded here, by `damaged`.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from types import TracebackType
from typing import Any

from extractor.errors import EncryptedInputError, ExtractorError, UnreadableInputError

TRUNCATED = "the PDF is truncated or damaged"


def damaged(path: Path, cause: str, loss: str = "") -> UnreadableInputError:
    """The PDF is damaged: what was lost, when known, and the cause."""
    lost = f": {loss}" if loss else ""
    return UnreadableInputError(f"the PDF is damaged{lost} ({cause})", path)


def encrypted(path: Path) -> EncryptedInputError:
    return EncryptedInputError("the PDF is encrypted / password protected", path)


def check_complete(path: Path) -> None:
    """A download cut short may still open, with its last pages gone: refused up front."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if b"%%EOF" not in tail:
        raise UnreadableInputError(f"{TRUNCATED} (no end-of-file marker); download it again", path)


def open_error(error: Exception, path: Path) -> ExtractorError:
    """pdfminer's reason (as pdfplumber passes it on) in our words."""
    cause = repr(error.args[0]) if error.args else repr(error)
    if "Password" in cause or "Encrypt" in cause:
        return encrypted(path)
    if "EOF" in cause:
        return UnreadableInputError(TRUNCATED, path)
    return damaged(path, cause)


class DamageLog(logging.Handler):
    """pdfminer logs, rather than raises, when a stream cannot be fully decoded: a page whose
    content was partly lost must not pass for a page with fewer rows. Listens while open."""

    _DAMAGE = re.compile(r"data-loss|corrupt|decompress|unexpected eof|truncated", re.IGNORECASE)

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if self._DAMAGE.search(message):
            self.messages.append(message.splitlines()[0][:80])

    def __enter__(self) -> DamageLog:
        logging.getLogger("pdfminer").addHandler(self)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        logging.getLogger("pdfminer").removeHandler(self)


def _decode(stream: Any, damage: DamageLog) -> None:
    """Decode a stream; a deflate stream broken before its end is damage too, although
    pdfminer says nothing of it then (it hands back no data at all)."""
    import zlib

    from pdfminer.pdftypes import LITERALS_FLATE_DECODE

    raw = stream.rawdata
    if stream.get_data() or not raw:
        return
    if any(name in LITERALS_FLATE_DECODE for name, _ in stream.get_filters()):
        try:
            zlib.decompress(raw)
        except zlib.error:
            damage.messages.append("a compressed stream breaks off before its end")


def check_content_streams(path: Path) -> None:
    """Decode every page's content stream, font and resource with pdfminer before reading.

    pdfium renders what it can of a damaged stream without a word, and a page's layout only
    touches what the page draws; decoding everything, pdfminer says when data was lost.
    Decoding alone (no layout) is cheap: about 1 ms a page.
    """
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFObjectNotFound, PDFStream, resolve1

    try:
        with DamageLog() as damage, path.open("rb") as stream:
            document = PDFDocument(PDFParser(stream))
            for number, page in enumerate(PDFPage.create_pages(document), 1):
                contents = page.contents if isinstance(page.contents, list) else [page.contents]
                for content in contents:
                    data = resolve1(content)
                    if isinstance(data, PDFStream):
                        _decode(data, damage)
                if damage.messages:
                    raise damaged(path, damage.messages[0], f"page {number} lost content")
            # Fonts and their character maps too: a damaged one turns codes into other codes.
            for xref in document.xrefs:
                for object_id in xref.get_objids():
                    try:
                        candidate = document.getobj(object_id)
                    except PDFObjectNotFound:
                        continue
                    if isinstance(candidate, PDFStream):
                        _decode(candidate, damage)
            if damage.messages:
                raise damaged(path, damage.messages[0], "a font or resource lost data")
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise encrypted(path) from None
    except ExtractorError:
        raise
    except Exception as error:
        raise damaged(path, type(error).__name__) from None
