"""The public verbs a billing system imports; the one place that wires the stages together.

Every verb takes an `Options` (what the documents leave unsaid, how to read files) and passes
it through unchanged; the CLI is a thin layer over these verbs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from extractor import readers
from extractor.admission import settle_scope
from extractor.baseline import in_force_before
from extractor.crosscheck import cross_check
from extractor.diff import compare_languages, diff_versions
from extractor.errors import (
    ExtractorError,
    MissingMetadataError,
    NoTariffTableError,
    UsageError,
)
from extractor.export import write_atomic, write_exports
from extractor.exports.validity import validity_in_store
from extractor.folders import report_folder
from extractor.hidden_sheets import attach, no_visible_table, report_hidden_sheets
from extractor.location import Location
from extractor.lookup import Tariff
from extractor.metadata import describe
from extractor.model import CircularInfo, Extraction, RawDocument, TariffRow
from extractor.normalise import normalise
from extractor.report import ChangeReport, LanguageReport, Version
from extractor.settings import ExportSettings, Options, Overrides, ReadSettings
from extractor.store import Store, StoredCircular, StoredRow
from extractor.storeverbs import DEFAULT_STORE as DEFAULT_STORE
from extractor.storeverbs import STORE_NAME, history, lookup, retract, versions
from extractor.twins import flag_language_mismatches, language_mismatches, share_circular_numbers
from extractor.validate import validate_rows

__all__ = [
    "DEFAULT_STORE",
    "REPORT_FILES",
    "ChangeReport",
    "ExportSettings",
    "Extraction",
    "Options",
    "Overrides",
    "ReadSettings",
    "RunOutput",
    "StoredCircular",
    "StoredRow",
    "Tariff",
    "check_inputs",
    "diff_files",
    "export",
    "export_csv",
    "extract",
    "extract_file",
    "history",
    "inspect_pdf",
    "lookup",
    "retract",
    "run",
    "versions",
    "write_report",
]

Progress = Callable[[Path], None]


def __dir__() -> list[str]:
    """The public surface only: what `__all__` lists, not the modules this facade wires."""
    return sorted(__all__)


def extract_file(path: Path | str, options: Options | None = None) -> list[Extraction]:
    """Read → normalise → validate one circular file; one Extraction per table unit (sheet)."""
    options = options or Options()
    path = Path(path)
    extractions = []
    try:
        documents, hidden_lines = report_hidden_sheets(readers.read(path, options.settings))
        for document in documents:
            try:
                extraction = _extract_document(document, options.overrides)
            except MissingMetadataError:
                tables = _tables(document)
                if not tables.tables:
                    continue  # no table there: asking for its date would send the user astray
                _refuse_when_all_refused([tables], path)
                raise
            if extraction.tables:
                extractions.append(extraction)
    except ExtractorError:
        raise
    except (Exception, RecursionError) as error:  # our bug, still one clear line for the user
        raise ExtractorError(
            f"could not be processed (internal error {type(error).__name__}: {error}); please report it with the file",
            path,
        ) from error
    if not extractions:
        raise NoTariffTableError(no_visible_table(hidden_lines), path)
    attach(extractions, hidden_lines)
    if not any(extraction.rows or extraction.issues for extraction in extractions):
        raise NoTariffTableError("a table header but no tariff line under it", path)
    _refuse_when_all_refused(extractions, path)
    return extractions


def _tables(document: RawDocument) -> Extraction:
    """The tables of a document, whatever its metadata (a placeholder date)."""
    placeholder = CircularInfo("", "fr", date.min, "", (document.location.file,), document.format)
    return normalise(document, placeholder)


def _refuse_when_all_refused(extractions: list[Extraction], path: Path) -> None:
    """Every table was refused as a whole (two dates) and no row read: one line says why."""
    if all(not e.rows and len(e.refused) == e.tables for e in extractions):
        raise NoTariffTableError(extractions[0].refused[0], path)


def _extract_document(document: RawDocument, overrides: Overrides) -> Extraction:
    info, issues = describe(document, overrides)
    extraction = normalise(document, info)
    kept, rejected = validate_rows(extraction.rows)
    extraction.rows = kept
    extraction.issues = [*issues, *extraction.issues, *rejected]
    extraction.issues.sort(key=lambda issue: issue.location.order)
    return extraction


def extract(
    paths: Iterable[Path | str],
    options: Options | None = None,
    *,
    progress: Progress | None = None,
) -> list[Extraction]:
    """Extract several inputs; stops at the first unreadable one (nothing half-written).

    A PDF given with the XLSX annex of the same circular is cross-checked against it, and the
    French and Dutch versions of one circular against each other.
    """
    extractions = []
    for path in check_inputs(paths):
        if progress is not None:
            progress(path)
        extractions.extend(extract_file(path, options))
    extractions = cross_check(extractions)
    flag_language_mismatches(extractions)
    return extractions


def export(
    extractions: list[Extraction],
    out_dir: Path | str,
    options: Options | None = None,
    *,
    sources: Iterable[Path | str] = (),
) -> list[Path]:
    """Write the exports chosen in options.exports (default: all) and issues.json; without a
    store every row is open-ended. `sources`: the files read, whose SHA-256 the workbook lists."""
    options = options or Options()
    digests = {Path(path).name: _sha256(Path(path)) for path in sources}
    return write_exports(extractions, Path(out_dir), options.exports, digests=digests)


def export_csv(extractions: list[Extraction]) -> str:
    """tariffs.csv as text, the same bytes `export` writes (`extract --out -` prints it)."""
    from extractor.columns import sort_key
    from extractor.crosscheck import refuse_tariffs_given_twice
    from extractor.export import tariffs_csv

    refuse_tariffs_given_twice(extractions)
    return tariffs_csv(sorted((row for e in extractions for row in e.rows), key=sort_key))


def check_inputs(paths: Iterable[Path | str], *, exports: bool = False) -> list[Path]:
    """Every input exists, is readable and is a PDF or an XLSX (or, with `exports`, a
    tariffs.csv), checked before the first is read: a typo in the last of three files is
    told at once, not after a minute of reading."""
    from extractor.export import is_tariffs_csv

    files = [Path(path) for path in paths]
    for path in files:
        if not (exports and is_tariffs_csv(path, refuse_other_csv=True)):
            readers.sniff_format(path)
    return files


def inspect_pdf(
    path: Path | str, page: int, out_dir: Path | str, options: Options | None = None
) -> Path:
    """Draw what the PDF reader saw on one page (columns, rows, codes, flagged rows) as a PNG."""
    from extractor.readers import pdf

    options = options or Options()
    path = Path(path)
    document, layouts = readers.read_layout(path, options.settings)
    if not 1 <= page <= len(layouts):
        raise UsageError(f"there is no page {page}: the PDF has {len(layouts)} pages", path)
    flagged: dict[Location, str] = {}
    extraction = _extract_document(document, options.overrides)
    for issue in extraction.issues:
        if issue.raw:
            flagged.setdefault(issue.location, issue.rule)
    conditions: dict[Location, list[str]] = {}
    for row in extraction.rows:
        if row.condition:
            conditions.setdefault(row.source, []).append(row.condition)
    out = Path(out_dir) / f"{path.stem}-page{page}.png"
    named = {location: " | ".join(sorted(set(names))) for location, names in conditions.items()}
    return pdf.draw_page(path, layouts[page - 1], flagged, out, named)


# --- Versions, diffs and reports -------------------------------------------------------------


@dataclass
class RunOutput:
    """One report folder: the circular (both languages if given) and what changed."""

    directory: Path
    report: ChangeReport
    extractions: list[Extraction]
    notes: list[str]
    new: bool = True  # a circular of it was stored by this run (not already in the store)


def run(
    paths: Iterable[Path | str],
    options: Options | None = None,
    *,
    store: Path | str | None = None,
    out_dir: Path | str = Path("output"),
    progress: Progress | None = None,
    store_path: Path | str | None = None,
    recorded_at: datetime | None = None,
) -> list[RunOutput]:
    """Extract, validate, store (one transaction), compare with what was in force, report.

    Writes DIR/<effective_from>_<circular>/ with the exports and changes.md/.html/.json, and
    DIR/run.json listing those folders. The store is DIR/tariffs.sqlite unless `store` names
    another (`store_path`: its older name). `recorded_at`: when the store learns these
    circulars (default now); give it for reproducible stores.
    """
    if store is not None and store_path is not None and Path(store) != Path(store_path):
        raise UsageError(f"two stores given: store={store} and store_path={store_path}")
    store_file = Path(store or store_path or Path(out_dir) / STORE_NAME)
    files = [Path(p) for p in paths]
    extractions = extract(files, options, progress=progress)
    share_circular_numbers(extractions)
    digests = {path.name: _sha256(path) for path in files}
    # A folder per circular (languages, formats together); its corrigendum apart, after it.
    groups: dict[tuple[date, str, bool], list[Extraction]] = {}
    for extraction in extractions:
        info = extraction.info
        key = (info.effective_from, info.circular, info.scope == "corrigendum")
        groups.setdefault(key, []).append(extraction)

    options = options or Options()
    overrides = options.overrides
    recorded = (recorded_at or datetime.now(UTC)).isoformat(timespec="seconds")
    outputs = []
    stored_now: list[StoredCircular] = []
    with Store.for_run(store_file) as opened, opened.transaction():
        for (effective, number, _), members in sorted(groups.items()):
            parts, notes, new = [], [], False
            for extraction in members:
                stored = opened.stored_unit(_digest_of(extraction, digests), extraction)
                settle_scope(opened, extraction, stored.scope if stored else None)
            for extraction in sorted(members, key=lambda e: e.info.language):
                ingested = opened.ingest(
                    extraction,
                    _digest_of(extraction, digests),
                    recorded_at=recorded,
                    replace=overrides.replace,
                    authoritative=overrides.authoritative or "",
                )
                new = new or ingested.new
                if ingested.new:
                    stored_now.append(ingested.circular)
                if ingested.note:
                    notes.append(
                        f"{extraction.info.source_file} ({extraction.info.language}): {ingested.note}"
                    )
                old_rows, previous = in_force_before(opened, ingested.circular, extraction.rows)
                parts.append(
                    LanguageReport(
                        extraction.info.language,
                        Version(number, effective, extraction.info.source_file),
                        previous,
                        diff_versions(
                            old_rows,
                            extraction.rows,
                            extraction.info.language,
                            {issue.code for issue in extraction.issues if issue.raw},
                        ),
                        extraction.rows,
                        extraction.issues,
                    )
                )
            report = ChangeReport(number, effective, parts, language_mismatches(members))
            outputs.append(
                RunOutput(
                    Path(out_dir) / report_folder(effective, number, members),
                    report,
                    members,
                    notes,
                    new,
                )
            )
        # Written while the store lock is held: two runs never write the same folder at once.
        validity = validity_in_store(
            opened, (row for output in outputs for e in output.extractions for row in e.rows)
        )
        for output in outputs:
            write_exports(
                output.extractions,
                output.directory,
                options.exports,
                report=output.report,
                validity=validity,
                digests=digests,
            )
            write_report(output.report, output.directory)
        from extractor.regenerate import later_reports

        regenerated = later_reports(
            opened, stored_now, Path(out_dir), {output.directory for output in outputs}
        )
        for directory, report in regenerated:
            write_report(report, directory)
        listing = {
            "folders": sorted({output.directory.name for output in outputs}),
            "new": sorted({output.directory.name for output in outputs if output.new}),
            "regenerated": [directory.name for directory, _ in regenerated],
        }
        write_atomic(
            Path(out_dir) / "run.json", json.dumps(listing, ensure_ascii=False, indent=2) + "\n"
        )
    return outputs


def diff_files(
    old: Path | str, new: Path | str, out_dir: Path | str, options: Options | None = None
) -> ChangeReport:
    """Compare two circular files or tariffs.csv exports, without any store."""
    check_inputs([old, new], exports=True)
    old_rows, old_version = _rows_and_version(Path(old), options)
    new_rows, new_version = _rows_and_version(Path(new), options)
    languages = sorted({r.language for r in new_rows} | {r.language for r in old_rows})
    parts = [
        LanguageReport(
            language,
            new_version,
            old_version,
            diff_versions(old_rows, new_rows, language),
            [r for r in new_rows if r.language == language],
        )
        for language in languages
    ]
    french = [r for r in new_rows if r.language == "fr"]
    dutch = [r for r in new_rows if r.language == "nl"]
    mismatches = compare_languages(french, dutch) if french and dutch else []
    report = ChangeReport(new_version.circular, new_version.effective_from, parts, mismatches)
    write_report(report, Path(out_dir))
    return report


REPORT_FILES = ("changes.md", "changes.html", "changes.json")


def write_report(report: ChangeReport, directory: Path) -> list[Path]:
    """changes.md, changes.html and changes.json into the directory."""
    from extractor.report import changes_json, render

    outputs = {
        "changes.md": render(report, "changes.md.j2"),
        "changes.html": render(report, "changes.html.j2"),
        "changes.json": changes_json(report),
    }
    for name, content in outputs.items():
        write_atomic(directory / name, content)
    return [directory / name for name in outputs]


def _rows_and_version(path: Path, options: Options | None) -> tuple[list[TariffRow], Version]:
    from extractor.export import is_tariffs_csv, read_tariffs_csv

    if is_tariffs_csv(path):
        rows = read_tariffs_csv(path)
        if not rows:
            raise NoTariffTableError("tariffs.csv holds no rows", path)
        first = rows[0]
        return rows, Version(first.circular, first.effective_from, path.name)
    extractions = extract([path], options)
    rows = [row for e in extractions for row in e.rows]
    info = extractions[0].info
    return rows, Version(info.circular, info.effective_from, info.source_file)


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _digest_of(extraction: Extraction, digests: dict[str, str]) -> str:
    """A merged PDF + XLSX extraction is identified by both files together."""
    parts = [digests[name] for name in extraction.info.source_files]
    return parts[0] if len(parts) == 1 else hashlib.sha256("".join(parts).encode()).hexdigest()
