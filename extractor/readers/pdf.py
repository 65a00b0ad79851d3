"""Circular PDFs → raw rows (placeholder until the PDF reader lands)."""

from __future__ import annotations

from pathlib import Path

from extractor.errors import UnreadableInputError
from extractor.model import RawDocument


def read_pdf(path: Path) -> list[RawDocument]:
    raise UnreadableInputError("PDF circulars are not supported yet; use the XLSX annex", path)
