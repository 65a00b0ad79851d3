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
from extractor.errors import ExtractorError, NoTariffTableError, UsageError
from extractor.export import write_atomic, write_exports
from extractor.exports.validity import validity_in_store
from extractor.folders import report_folder
from extractor.location import Location
from extractor.lookup import Tariff, answer
from extractor.metadata import describe
from extractor.model import Extraction, RawDocument, TariffRow
from extractor.normalise import normalise
from extractor.report import ChangeReport, LanguageReport, Version
from extractor.settings import ExportSettings, Options, Overrides, ReadSettings
from extractor.store import Store, StoredCircular, StoredRow
from extractor.twins import language_mismatches, share_circular_numbers
from extractor.validate import validate_rows

__all__ = [
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
    "diff_files",
    "export",
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

DEFAULT_STORE = Path("output/tariffs.sqlite")
Progress = Callable[[Path], None]


def extract_file(path: Path | str, options: Options | None = None) -> list[Extraction]:
    """Read → normalise → validate one circular file; one Extraction per table unit (sheet)."""
    options = options or Options()
    path = Path(path)
    extractions = []
    try:
        for document in readers.read(path, options.settings):
            extraction = _extract_document(document, options.overrides)
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
    extraction.issues.sort(key=lambda issue: issue.location.order)
    return extraction


def extract(
    paths: Iterable[Path | str],
    options: Options | None = None,
    *,
    progress: Progress | None = None,
) -> list[Extraction]:
    """Extract several inputs; stops at the first unreadable one (nothing half-written).

    A PDF given with the XLSX annex of the same circular is cross-checked against it.
    """
    extractions = []
    for path in paths:
        if progress is not None:
            progress(Path(path))
        extractions.extend(extract_file(path, options))
    return cross_check(extractions)


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
    store_path: Path | str = DEFAULT_STORE,
    out_dir: Path | str = Path("output"),
    progress: Progress | None = None,
    recorded_at: datetime | None = None,
) -> list[RunOutput]:
    """Extract, validate, store (one transaction), compare with what was in force, report.

    Writes DIR/<effective_from>_<circular>/ with the exports and changes.md/.html/.json, and
    DIR/run.json listing those folders. `recorded_at`: when the store learns these circulars
    (default now); give it for reproducible stores.
    """
    options = options or Options()
    overrides = options.overrides
    recorded = (recorded_at or datetime.now(UTC)).isoformat(timespec="seconds")
    files = [Path(p) for p in paths]
    extractions = extract(files, options, progress=progress)
    share_circular_numbers(extractions)
    digests = {path.name: _sha256(path) for path in files}
    groups: dict[tuple[date, str], list[Extraction]] = {}
    for extraction in extractions:
        groups.setdefault((extraction.info.effective_from, extraction.info.circular), []).append(
            extraction
        )

    options = options or Options()
    outputs = []
    with Store(store_path) as store, store.transaction():
        for (effective, number), members in sorted(groups.items()):
            parts, notes, new = [], [], False
            for extraction in members:
                stored = store.stored_unit(_digest_of(extraction, digests), extraction)
                settle_scope(store, extraction, stored.scope if stored else None)
            for extraction in sorted(members, key=lambda e: e.info.language):
                ingested = store.ingest(
                    extraction,
                    _digest_of(extraction, digests),
                    recorded_at=recorded,
                    replace=overrides.replace,
                    authoritative=overrides.authoritative or "",
                )
                new = new or ingested.new
                if ingested.note:
                    notes.append(
                        f"{extraction.info.source_file} ({extraction.info.language}): {ingested.note}"
                    )
                old_rows, previous = in_force_before(store, ingested.circular, extraction.rows)
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
        for output in outputs:
            rows = [row for extraction in output.extractions for row in extraction.rows]
            write_exports(
                output.extractions,
                output.directory,
                options.exports,
                report=output.report,
                validity=validity_in_store(store, rows),
                digests=digests,
            )
            write_report(output.report, output.directory)
        listing = {
            "folders": sorted({output.directory.name for output in outputs}),
            "new": sorted({output.directory.name for output in outputs if output.new}),
        }
        write_atomic(
            Path(out_dir) / "run.json", json.dumps(listing, ensure_ascii=False, indent=2) + "\n"
        )
    return outputs


def diff_files(
    old: Path | str, new: Path | str, out_dir: Path | str, options: Options | None = None
) -> ChangeReport:
    """Compare two circular files or tariffs.csv exports, without any store."""
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


def history(
    code: str, *, store_path: Path | str = DEFAULT_STORE, as_known_on: date | None = None
) -> list[StoredRow]:
    """Every version of a code in the store: what was in force when, from which circular, when
    the store learnt it, and which rows a corrigendum superseded."""
    _check_code(code)
    with Store(_existing_store(store_path)) as store:
        rows = store.history(code)
        return rows if as_known_on is None else store.as_known_on(rows, as_known_on)


def versions(
    *, store_path: Path | str = DEFAULT_STORE, as_known_on: date | None = None
) -> list[StoredRow]:
    """Every version of every tariff with valid_from and valid_to (None: still in force), one
    per key, date and language, superseded rows left out; `as_known_on` a past day."""
    with Store(_existing_store(store_path)) as store:
        return store.versions(as_known_on)


def retract(circular: str, *, store_path: Path | str = DEFAULT_STORE) -> list[StoredCircular]:
    """Remove every stored unit of a circular (its number or its file name) and recompute."""
    with Store(_existing_store(store_path)) as store, store.transaction():
        removed = store.retract(circular)
    if not removed:
        raise UsageError(f"the store holds no circular {circular!r} (number or file name)")
    return removed


def lookup(
    code: str,
    on: date,
    *,
    age: int | None = None,
    preferential: bool = False,
    language: str | None = None,
    condition: str | None = None,
    store_path: Path | str = DEFAULT_STORE,
    as_known_on: date | None = None,
) -> Tariff:
    """The fee, reimbursement and co-payment in force for code C on date D for this patient.

    `condition`: the tariff's condition as printed ("MET GMD"), "" for the general tariff.
    `as_known_on`: what the store knew at the end of that day (an invoice made then), before
    later corrigenda.
    """
    _check_code(code)
    with Store(_existing_store(store_path)) as store:
        rows = store.in_force(code, on, as_known_on)
        flagged = [
            flag
            for flag in store.flagged(code)
            if as_known_on is None or flag.recorded_at[:10] <= as_known_on.isoformat()
        ]
        earlier = store.history(code) if language is not None else None
    return answer(
        code,
        on,
        rows,
        age=age,
        preferential=preferential,
        language=language,
        condition=condition,
        flagged=flagged,
        earlier=earlier,
    )


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
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _digest_of(extraction: Extraction, digests: dict[str, str]) -> str:
    """A merged PDF + XLSX extraction is identified by both files together."""
    parts = [digests[name] for name in extraction.info.source_files]
    return parts[0] if len(parts) == 1 else hashlib.sha256("".join(parts).encode()).hexdigest()


def _check_code(code: str) -> None:
    from extractor.values import check_digit_ok

    if not check_digit_ok(code):
        raise UsageError(
            f"{code!r} is not a valid nomenclature code (six digits, check digit mod 7)"
        )


def _existing_store(path: Path | str) -> Path:
    if not Path(path).is_file():
        raise UsageError(
            f"no tariff store at {path}; run `inami-tariffs run` first or pass --store"
        )
    return Path(path)
