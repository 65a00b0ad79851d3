"""The PDF integrity messages word for word: a user acts on the cause, so the cause and the file
name must both be there, whichever engine read the file and whatever pdfminer raised."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from extractor.api import extract_file
from extractor.errors import EncryptedInputError, ExtractorError, UnreadableInputError
from extractor.readers.pdf.integrity import DamageLog, damaged, open_error
from extractor.settings import PDF_ENGINES, Options, ReadSettings


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_encrypted_pdf_is_named_with_its_cause(engine: str, tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(tmp_path / "secret.pdf"), encrypt=StandardEncryption("user", "owner"))
    canvas.drawString(100, 700, "Circulaire OA no 2024/356")
    canvas.save()
    with pytest.raises(EncryptedInputError) as raised:
        extract_file(tmp_path / "secret.pdf", Options(settings=ReadSettings(pdf_engine=engine)))
    assert str(raised.value) == "secret.pdf: the PDF is encrypted / password protected"


def test_damaged_says_what_was_lost_only_when_known() -> None:
    assert str(damaged(Path("c.pdf"), "KeyError")) == "c.pdf: the PDF is damaged (KeyError)"
    assert (
        str(damaged(Path("c.pdf"), "zlib error", "page 3 lost content"))
        == "c.pdf: the PDF is damaged: page 3 lost content (zlib error)"
    )


def _pdfminer_error(name: str, *args: object) -> Exception:
    """What pdfplumber raises: pdfminer's own exception wrapped in PdfminerException."""
    from pdfminer import pdfdocument, pdfparser, psparser
    from pdfplumber.utils.exceptions import PdfminerException

    for module in (pdfdocument, pdfparser, psparser):
        if hasattr(module, name):
            return PdfminerException(getattr(module, name)(*args))
    raise AssertionError(name)


@pytest.mark.parametrize(
    ("error", "kind", "message"),
    [
        (
            _pdfminer_error("PDFPasswordIncorrect"),
            EncryptedInputError,
            "the PDF is encrypted / password protected",
        ),
        (
            _pdfminer_error("PDFEncryptionError", "Unknown algorithm: param={'V': 9}"),
            EncryptedInputError,
            "the PDF is encrypted / password protected",
        ),
        (
            _pdfminer_error("PSEOF", "Unexpected EOF"),
            UnreadableInputError,
            "the PDF is truncated or damaged",
        ),
        (
            _pdfminer_error("PDFSyntaxError", "No /Root object! - Is this really a PDF?"),
            UnreadableInputError,
            "the PDF is damaged (PDFSyntaxError('No /Root object! - Is this really a PDF?'))",
        ),
        (ValueError(), UnreadableInputError, "the PDF is damaged (ValueError())"),
    ],
)
def test_pdfminer_errors_in_our_words(
    error: Exception, kind: type[ExtractorError], message: str
) -> None:
    translated = open_error(error, Path("c.pdf"))
    assert type(translated) is kind
    assert str(translated) == f"c.pdf: {message}"


def test_damage_log_keeps_the_first_line_of_damage_warnings() -> None:
    pdfminer = logging.getLogger("pdfminer")
    long = "Data-loss while decompressing corrupted data " + "x" * 100
    with DamageLog() as damage:
        pdfminer.warning("Could not get font width, using default")  # not damage
        pdfminer.info("decompress: info, not a warning")  # below WARNING
        pdfminer.warning("%s\nsecond line", long)
    assert damage.messages == [long[:80]]
    pdfminer.warning("Data-loss after the check")  # no longer listening
    assert damage.messages == [long[:80]]


def _with_marker_at(tmp_path: Path, bytes_after: int) -> Path:
    """A whole PDF whose "%%EOF" is followed by `bytes_after` bytes of padding."""
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "cut.pdf"
    canvas = Canvas(str(path), invariant=1)
    canvas.drawString(100, 700, "Circulaire OA no 2024/356")
    canvas.save()
    data = path.read_bytes().rstrip()
    assert data.endswith(b"%%EOF")
    path.write_bytes(data + b" " * bytes_after)
    return path


def test_the_end_of_file_marker_is_looked_for_in_the_last_2048_bytes(tmp_path: Path) -> None:
    """A download cut short keeps an earlier revision's marker far from its end: only the
    last 2048 bytes count. The marker whole within them is found; one byte earlier it is not,
    and the refusal names the file and says what to do."""
    from extractor.readers.pdf.integrity import check_complete

    check_complete(_with_marker_at(tmp_path, 2048 - 5))
    with pytest.raises(UnreadableInputError) as raised:
        check_complete(_with_marker_at(tmp_path, 2048 - 4))
    assert str(raised.value) == (
        "cut.pdf: the PDF is truncated or damaged (no end-of-file marker); download it again"
    )


def test_a_damaged_font_is_refused_in_our_words(tmp_path: Path) -> None:
    """A font stream (not a page's content) that lost data: the loss, pdfminer's cause and
    the file name, word for word."""
    import re

    from extractor.readers.pdf.integrity import check_content_streams
    from tests.conftest import SAMPLES

    data = bytearray((SAMPLES / "Circulaire OA 2024-356.pdf").read_bytes())
    font = re.search(rb"\n9 0 obj\s*<<[^>]*/Length1 \d+\s*>>\s*stream\r?\n", data)
    assert font is not None
    middle = font.end() + 10_000
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    (tmp_path / "font.pdf").write_bytes(bytes(data))
    with pytest.raises(UnreadableInputError) as raised:
        check_content_streams(tmp_path / "font.pdf")
    assert str(raised.value) == (
        "font.pdf: the PDF is damaged: a font or resource lost data"
        " (Data-loss while decompressing corrupted data)"
    )


# --- A PDF written byte by byte: one damage at a time, where a drawing library puts none -------
def _pdf_bytes(bodies: list[bytes], misplaced: int | None = None) -> bytes:
    """A one-page PDF of these objects (numbered from 1), its cross-reference table written by
    hand; `misplaced`: that object's entry points at object 1 instead (a damaged table)."""
    data = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    if misplaced is not None:
        offsets[misplaced - 1] = offsets[0]
    table = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        table,
    )
    return bytes(data)


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), entries, data)


# Catalog, pages, a page drawing one word in Helvetica (its content not compressed), the font,
# an unused dictionary (object 6), then a resource stream said to be deflated that is not
# (object 7): pdfminer hands back no data for it, and says nothing.
_WHOLE_PAGE = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
    b" /Resources << /Font << /F1 5 0 R >> >> >>",
    _stream(b"BT /F1 12 Tf 72 720 Td (Circulaire) Tj ET"),
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Unused true >>",
    _stream(b"not deflate data at all", b"/Filter /FlateDecode "),
]


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_a_resource_whose_deflate_data_breaks_off_is_refused_with_that_cause(
    engine: str, tmp_path: Path
) -> None:
    """A resource stream (no page content) whose compressed data cannot be inflated at all:
    pdfminer returns nothing and logs nothing; the refusal says what was lost and why."""
    (tmp_path / "resource.pdf").write_bytes(_pdf_bytes(_WHOLE_PAGE))
    with pytest.raises(UnreadableInputError) as raised:
        extract_file(tmp_path / "resource.pdf", Options(settings=ReadSettings(pdf_engine=engine)))
    assert str(raised.value) == (
        "resource.pdf: the PDF is damaged: a font or resource lost data"
        " (a compressed stream breaks off before its end)"
    )


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_an_object_the_table_misplaces_does_not_hide_the_damage_after_it(
    engine: str, tmp_path: Path
) -> None:
    """The cross-reference entry of object 6 points at object 1 (pdfminer: object not found):
    the objects listed after it are decoded all the same, and the damaged stream 7 is found."""
    (tmp_path / "table.pdf").write_bytes(_pdf_bytes(_WHOLE_PAGE, misplaced=6))
    with pytest.raises(UnreadableInputError) as raised:
        extract_file(tmp_path / "table.pdf", Options(settings=ReadSettings(pdf_engine=engine)))
    assert str(raised.value) == (
        "table.pdf: the PDF is damaged: a font or resource lost data"
        " (a compressed stream breaks off before its end)"
    )


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_a_pdf_with_no_body_is_refused_naming_pdfminers_error(engine: str, tmp_path: Path) -> None:
    """A PDF header and an end-of-file marker with text between: neither engine opens it, and
    pdfminer's reading names why (its error's type), with the file name."""
    (tmp_path / "empty.pdf").write_bytes(b"%PDF-1.4\nnot a pdf body, only text\n%%EOF\n")
    with pytest.raises(UnreadableInputError) as raised:
        extract_file(tmp_path / "empty.pdf", Options(settings=ReadSettings(pdf_engine=engine)))
    assert str(raised.value) == "empty.pdf: the PDF is damaged (PDFSyntaxError)"
