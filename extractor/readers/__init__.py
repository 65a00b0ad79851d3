"""Readers turn a file into raw rows with provenance; the format is told by content."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from extractor.errors import UnreadableInputError, UsageError
from extractor.model import RawDocument
from extractor.settings import DEFAULT_SETTINGS, Deadline, ReadSettings

if TYPE_CHECKING:
    from extractor.readers.pdf import PageLayout

Format = Literal["xlsx", "pdf"]


def sniff_format(path: Path) -> Format:
    """Tell PDF from XLSX by the first bytes, whatever the extension says."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except FileNotFoundError:
        raise UnreadableInputError("no such file", path) from None
    except IsADirectoryError:
        raise UnreadableInputError("is a directory, not a circular file", path) from None
    except OSError as error:
        raise UnreadableInputError(f"cannot be read ({error.strerror})", path) from None
    if not head:
        raise UnreadableInputError("the file is empty", path)
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableInputError(
            "an old binary Excel (.xls) or encrypted Office file; save it as .xlsx", path
        )
    raise UnreadableInputError("not an XLSX workbook or a PDF (unrecognised content)", path)


def read(path: Path, settings: ReadSettings = DEFAULT_SETTINGS) -> list[RawDocument]:
    """One RawDocument per independent table unit (a sheet, or a whole PDF)."""
    if sniff_format(path) == "xlsx":
        from extractor.readers import xlsx

        return xlsx.read_xlsx(
            path, settings, Deadline(path, settings.time_limit_s, on_step=settings.on_step)
        )
    return [read_layout(path, settings)[0]]


def read_layout(
    path: Path, settings: ReadSettings = DEFAULT_SETTINGS
) -> tuple[RawDocument, list[PageLayout]]:
    """A PDF with what the reader saw on each page (for `inspect`)."""
    from extractor.readers import pdf

    if sniff_format(path) != "pdf":
        raise UsageError("inspect draws PDF pages; this is not a PDF", path)
    return pdf.read_pdf_with_layout(
        path, settings, Deadline(path, settings.time_limit_s, on_step=settings.on_step)
    )
