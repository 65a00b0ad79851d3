"""The public verbs a billing system imports; the one place that wires the stages together."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from extractor import readers
from extractor.crosscheck import cross_check
from extractor.errors import NoTariffTableError
from extractor.export import write_exports
from extractor.metadata import Overrides, describe
from extractor.model import Extraction, RawDocument
from extractor.normalise import normalise
from extractor.validate import validate_rows


def extract_file(
    path: Path | str,
    *,
    effective_from: date | None = None,
    circular: str | None = None,
) -> list[Extraction]:
    """Read → normalise → validate one circular file; one Extraction per table unit (sheet)."""
    path = Path(path)
    overrides = Overrides(effective_from=effective_from, circular=circular)
    extractions = []
    for document in readers.read(path):
        extraction = _extract_document(document, overrides)
        if extraction.tables:
            extractions.append(extraction)
    if not extractions:
        raise NoTariffTableError(
            "no tariff table found (no header naming code, description and amount columns)", path
        )
    if not any(extraction.rows or extraction.issues for extraction in extractions):
        raise NoTariffTableError("a table header but no tariff line under it", path)
    return extractions


def _extract_document(document: RawDocument, overrides: Overrides) -> Extraction:
    info, issues = describe(document, overrides)
    extraction = normalise(document, info)
    kept, rejected = validate_rows(extraction.rows)
    extraction.rows = kept
    extraction.issues = [*issues, *extraction.issues, *rejected]
    extraction.issues.sort(key=lambda issue: _location_order(issue.location))
    return extraction


def extract(
    paths: Iterable[Path | str],
    *,
    effective_from: date | None = None,
    circular: str | None = None,
    progress: Callable[[Path], None] | None = None,
) -> list[Extraction]:
    """Extract several inputs; stops at the first unreadable one (nothing half-written).

    A PDF given with the XLSX annex of the same circular is cross-checked against it.
    """
    extractions = []
    for path in paths:
        if progress is not None:
            progress(Path(path))
        extractions.extend(extract_file(path, effective_from=effective_from, circular=circular))
    return cross_check(extractions)


def export(extractions: list[Extraction], out_dir: Path | str) -> list[Path]:
    """Write tariffs.csv, tariffs.json, datapackage.json and issues.json."""
    return write_exports(extractions, Path(out_dir))


def inspect_pdf(path: Path | str, page: int, out_dir: Path | str) -> Path:
    """Draw what the PDF reader saw on one page (columns, rows, codes, flagged rows) as a PNG."""
    from extractor.errors import UsageError
    from extractor.readers import pdf

    path = Path(path)
    if readers.sniff_format(path) != "pdf":
        raise UsageError("inspect draws PDF pages; this is not a PDF", path)
    document, layouts = pdf.read_pdf_with_layout(path)
    if not 1 <= page <= len(layouts):
        raise UsageError(f"there is no page {page}: the PDF has {len(layouts)} pages", path)
    flagged: dict[str, str] = {}
    extraction = _extract_document(document, Overrides())
    for issue in extraction.issues:
        if issue.raw:
            flagged.setdefault(issue.location, issue.rule)
    out = Path(out_dir) / f"{path.stem}-page{page}.png"
    return pdf.draw_page(path, layouts[page - 1], flagged, out)


def _location_order(location: str) -> tuple[str, tuple[int, ...], str]:
    """Issues in source order: by file, then by the numbers in the place (page, line, row)."""
    file_name, _, place = location.partition("#")
    digits = re.findall(r"\d+", re.sub(r"![A-Z]+", "!", place))
    return (file_name, tuple(int(number) for number in digits), location)
