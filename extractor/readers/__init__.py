"""Readers turn a file into raw rows with provenance; the format is told by content."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from extractor.errors import UnreadableInputError
from extractor.model import RawDocument
from extractor.settings import DEFAULT_SETTINGS, Deadline, ReadSettings

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
    file_format = sniff_format(path)
    deadline = Deadline(path, settings.time_limit_s)
    if file_format == "xlsx":
        from extractor.readers import xlsx

        return xlsx.read_xlsx(path, settings, deadline)
    from extractor.readers import pdf

    return pdf.read_pdf(path, settings, deadline)
