"""The PDF and the XLSX annex of one circular, read together, must say the same thing."""

from __future__ import annotations

from dataclasses import replace

from extractor import rules
from extractor.columns import AMOUNT_COLUMNS, key_order, row_key
from extractor.errors import UsageError
from extractor.model import Extraction, Issue, TariffRow
from extractor.values import tariff_name


def cross_check(extractions: list[Extraction]) -> list[Extraction]:
    """Merge each PDF with the XLSX annex of the same language and effective date.

    Rows both sources agree on are kept once (from the workbook, whose numbers are
    machine-stored); a code or amount that differs, or a row only one source has, becomes an
    error naming both places, and the row is left out: we cannot tell which source is right.
    """
    merged: list[Extraction] = []
    used: set[int] = set()
    for index, pdf in enumerate(extractions):
        if pdf.info.source_format != "pdf" or index in used:
            continue
        partner = next(
            (
                n
                for n, other in enumerate(extractions)
                if n not in used
                and n != index
                and other.info.source_format == "xlsx"
                and (other.info.language, other.info.effective_from)
                == (pdf.info.language, pdf.info.effective_from)
            ),
            None,
        )
        if partner is None:
            continue
        used.update({index, partner})
        merged.append(_merge(pdf, extractions[partner]))
    return merged + [e for n, e in enumerate(extractions) if n not in used]


def _merge(pdf: Extraction, workbook: Extraction) -> Extraction:
    pdf_rows = {row_key(row): row for row in pdf.rows}
    xlsx_rows = {row_key(row): row for row in workbook.rows}
    rows: list[TariffRow] = []
    issues: list[Issue] = [*pdf.issues, *workbook.issues]
    for key in sorted(set(pdf_rows) | set(xlsx_rows), key=key_order):
        in_pdf, in_xlsx = pdf_rows.get(key), xlsx_rows.get(key)
        if in_pdf is None or in_xlsx is None:
            present = in_pdf or in_xlsx
            assert present is not None
            missing_from = workbook.info.source_file if in_xlsx is None else pdf.info.source_file
            issues.append(
                rules.SOURCE_MISMATCH.issue(
                    present.source,
                    f"row in {present.source} but not in {missing_from}; left out",
                    raw=present.raw,
                    code=present.code_amb,
                )
            )
            continue
        differences = [
            f"{name} {getattr(in_pdf, name)} in {in_pdf.source} vs {getattr(in_xlsx, name)} in {in_xlsx.source}"
            for name in AMOUNT_COLUMNS
            if getattr(in_pdf, name) != getattr(in_xlsx, name)
        ]
        if differences:
            issues.append(
                rules.SOURCE_MISMATCH.issue(
                    in_xlsx.source,
                    "PDF and XLSX differ: " + "; ".join(differences) + "; left out",
                    raw=in_xlsx.raw,
                    code=in_xlsx.code_amb,
                )
            )
            continue
        rows.append(in_xlsx)
    circular = workbook.info.circular or pdf.info.circular
    info = replace(
        workbook.info,
        circular=circular,
        source_files=(*pdf.info.source_files, *workbook.info.source_files),
        reader=f"{pdf.info.reader} + {workbook.info.reader}",
        subject=pdf.info.subject or workbook.info.subject,
        issued_on=pdf.info.issued_on or workbook.info.issued_on,
    )
    rows = [replace(row, circular=circular) for row in rows]
    if circular:
        issues = [issue for issue in issues if issue.rule != "circular-number-missing"]
    return Extraction(
        info,
        rows,
        issues,
        sections=len({row.section for row in rows}),
        tables=pdf.tables + workbook.tables,
    )


def refuse_tariffs_given_twice(extractions: list[Extraction]) -> None:
    """One table holds one row per language, tariff and effective date (its primary key).

    Two inputs giving the same tariff for the same day (one file twice, two editions of one
    annex) cannot both be written, and without a store nothing says which one is in force:
    refused before anything is written, naming the first two places.
    """
    first: dict[tuple[object, ...], TariffRow] = {}
    twice: list[tuple[TariffRow, TariffRow]] = []
    for extraction in extractions:
        for row in extraction.rows:
            seen = first.setdefault((row.language, row_key(row), row.effective_from), row)
            if seen is not row:
                twice.append((seen, row))
    if not twice:
        return
    seen, row = twice[0]
    raise UsageError(
        f"{len(twice)} {row.language} tariffs effective {row.effective_from.isoformat()} are"
        f" given twice, e.g. {tariff_name(row)} in {seen.source} and in {row.source}; a table holds one row"
        " per tariff and date: give these inputs one at a time",
        row.source.file,
    )
