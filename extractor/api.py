"""The public verbs a billing system imports; the one place that wires the stages together."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from extractor import readers
from extractor.crosscheck import cross_check
from extractor.diff import LanguageMismatch, compare_languages, diff_versions
from extractor.errors import ExtractorError, NoTariffTableError
from extractor.export import write_exports
from extractor.metadata import Overrides, describe
from extractor.model import AMOUNT_COLUMNS, Extraction, RawDocument, TariffRow
from extractor.normalise import normalise
from extractor.report import ChangeReport, LanguageReport, Version
from extractor.settings import DEFAULT_SETTINGS, ReadSettings
from extractor.store import Store, StoredRow
from extractor.validate import validate_rows


def extract_file(
    path: Path | str,
    *,
    effective_from: date | None = None,
    circular: str | None = None,
    settings: ReadSettings = DEFAULT_SETTINGS,
) -> list[Extraction]:
    """Read → normalise → validate one circular file; one Extraction per table unit (sheet)."""
    path = Path(path)
    overrides = Overrides(effective_from=effective_from, circular=circular)
    extractions = []
    try:
        for document in readers.read(path, settings):
            extraction = _extract_document(document, overrides)
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
    extraction.issues.sort(key=lambda issue: _location_order(issue.location))
    return extraction


def extract(
    paths: Iterable[Path | str],
    *,
    effective_from: date | None = None,
    circular: str | None = None,
    progress: Callable[[Path], None] | None = None,
    settings: ReadSettings = DEFAULT_SETTINGS,
) -> list[Extraction]:
    """Extract several inputs; stops at the first unreadable one (nothing half-written).

    A PDF given with the XLSX annex of the same circular is cross-checked against it.
    """
    extractions = []
    for path in paths:
        if progress is not None:
            progress(Path(path))
        extractions.extend(
            extract_file(path, effective_from=effective_from, circular=circular, settings=settings)
        )
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


# --- Versions, diffs and reports -------------------------------------------------------------


@dataclass
class RunOutput:
    """One report folder: the circular (both languages if given) and what changed."""

    directory: Path
    report: ChangeReport
    extractions: list[Extraction]
    notes: list[str]


def run(
    paths: Iterable[Path | str],
    *,
    store_path: Path | str = Path("output/tariffs.sqlite"),
    out_dir: Path | str = Path("output"),
    effective_from: date | None = None,
    circular: str | None = None,
    progress: Callable[[Path], None] | None = None,
    settings: ReadSettings = DEFAULT_SETTINGS,
) -> list[RunOutput]:
    """Extract, validate, store (one transaction), diff against the previous version, report.

    Writes DIR/<effective_from>_<circular>/ with the exports and changes.md/.html/.json.
    """
    files = [Path(p) for p in paths]
    extractions = extract(
        files, effective_from=effective_from, circular=circular, progress=progress
    )
    share_circular_numbers(extractions)
    digests = {path.name: _sha256(path) for path in files}
    groups: dict[tuple[date, str], list[Extraction]] = {}
    for extraction in extractions:
        groups.setdefault((extraction.info.effective_from, extraction.info.circular), []).append(
            extraction
        )

    outputs = []
    with Store(store_path) as store, store.transaction():
        for (effective, number), members in sorted(groups.items()):
            parts, notes = [], []
            for extraction in sorted(members, key=lambda e: e.info.language):
                ingested = store.ingest(extraction, _digest_of(extraction, digests))
                if ingested.note:
                    notes.append(
                        f"{extraction.info.source_file} ({extraction.info.language}): {ingested.note}"
                    )
                previous = store.previous_version(ingested.circular.id)
                old_rows = store.rows_of(previous.id) if previous else []
                parts.append(
                    LanguageReport(
                        extraction.info.language,
                        Version(number, effective, extraction.info.source_file),
                        None
                        if previous is None
                        else Version(
                            previous.circular, previous.effective_from, previous.source_file
                        ),
                        diff_versions(old_rows, extraction.rows, extraction.info.language),
                        extraction.rows,
                        extraction.issues,
                    )
                )
            report = ChangeReport(number, effective, parts, _language_mismatches(members))
            outputs.append(
                RunOutput(
                    Path(out_dir) / report_folder(effective, number, members),
                    report,
                    members,
                    notes,
                )
            )
        # Written while the store lock is held: two runs never write the same folder at once.
        for output in outputs:
            write_exports(output.extractions, output.directory)
            write_report(output.report, output.directory)
    return outputs


def diff_files(old: Path | str, new: Path | str, out_dir: Path | str) -> ChangeReport:
    """Compare two circular files or tariffs.csv exports, without any store."""
    old_rows, old_version = _rows_and_version(Path(old))
    new_rows, new_version = _rows_and_version(Path(new))
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
    from extractor.export import write_atomic
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
    code: str, *, store_path: Path | str = Path("output/tariffs.sqlite")
) -> list[StoredRow]:
    """Every version of a code in the store: what was in force when, from which circular."""
    _check_code(code)
    with Store(_existing_store(store_path)) as store:
        return store.history(code)


@dataclass(frozen=True)
class Tariff:
    """What a billing system asks: the amounts in force for one beneficiary on one day."""

    code: str
    on: date
    age: int | None
    preferential: bool
    fee: Decimal | None
    reimbursement: Decimal | None
    copayment: Decimal | None
    circular: str
    effective_from: date
    effective_to: date | None
    description: str
    age_min: int | None
    age_max: int | None
    source: str


def lookup(
    code: str,
    on: date,
    *,
    age: int | None = None,
    preferential: bool = False,
    language: str | None = None,
    store_path: Path | str = Path("output/tariffs.sqlite"),
) -> Tariff:
    """The fee, reimbursement and co-payment in force for code C on date D for this patient."""
    _check_code(code)
    with Store(_existing_store(store_path)) as store:
        rows = store.in_force(code, on)
    if language is not None:
        rows = [r for r in rows if r.row.language == language]
    if not rows:
        raise LookupFailedError(
            f"no tariff for code {code} in force on {on.isoformat()} in the store"
        )
    if age is not None:
        rows = [
            r
            for r in rows
            if (r.row.age_min is None or r.row.age_min <= age)
            and (r.row.age_max is None or age <= r.row.age_max)
        ]
        if not rows:
            raise LookupFailedError(
                f"code {code} has no tariff for a patient aged {age} on {on.isoformat()}"
            )
    bands = {(r.row.age_min, r.row.age_max) for r in rows}
    if len(bands) > 1:
        listed = ", ".join(
            f"{lo if lo is not None else ''}..{hi if hi is not None else ''}"
            for lo, hi in sorted(bands, key=str)
        )
        raise LookupFailedError(
            f"code {code} has several age bands on {on.isoformat()} ({listed}); pass --age"
        )
    amounts = {tuple(getattr(r.row, n) for n in AMOUNT_COLUMNS) for r in rows}
    if len(amounts) > 1:
        raise LookupFailedError(
            f"the French and Dutch versions of code {code} disagree on {on.isoformat()}; pass --language"
        )
    chosen = sorted(rows, key=lambda r: r.row.language)[0]
    row = chosen.row
    return Tariff(
        code=code,
        on=on,
        age=age,
        preferential=preferential,
        fee=row.fee,
        reimbursement=row.reimbursement_preferential
        if preferential
        else row.reimbursement_standard,
        copayment=row.copayment_preferential if preferential else row.copayment_standard,
        circular=chosen.circular,
        effective_from=row.effective_from,
        effective_to=chosen.effective_to,
        description=row.description,
        age_min=row.age_min,
        age_max=row.age_max,
        source=row.source,
    )


class LookupFailedError(ExtractorError):
    """The store holds no single answer to the question asked."""

    exit_code = 1


def share_circular_numbers(extractions: list[Extraction]) -> None:
    """A version with no printed number takes the one its other-language twin prints.

    The twin has the same effective date and the same codes: it is the same circular.
    """
    for extraction in extractions:
        if extraction.info.circular:
            continue
        codes = {row.code_amb for row in extraction.rows}
        twins = {
            other.info.circular
            for other in extractions
            if other.info.circular
            and other.info.effective_from == extraction.info.effective_from
            and other.info.language != extraction.info.language
            and codes == {row.code_amb for row in other.rows}
        }
        if len(twins) == 1:
            number = twins.pop()
            extraction.info = replace(extraction.info, circular=number)
            extraction.rows = [replace(row, circular=number) for row in extraction.rows]
            extraction.issues = [
                i for i in extraction.issues if i.rule != "circular-number-missing"
            ]


def report_folder(effective: date, number: str, members: list[Extraction]) -> str:
    """<effective_from>_<circular with / as ->, reduced to characters safe in any file system."""
    label = number or Path(members[0].info.source_file.split(" + ")[0]).stem
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", label.replace("/", "-")).strip(".-") or "circular"
    return f"{effective.isoformat()}_{safe[:80]}"


def _language_mismatches(members: list[Extraction]) -> list[LanguageMismatch]:
    french = [row for e in members if e.info.language == "fr" for row in e.rows]
    dutch = [row for e in members if e.info.language == "nl" for row in e.rows]
    return compare_languages(french, dutch) if french and dutch else []


def _rows_and_version(path: Path) -> tuple[list[TariffRow], Version]:
    from extractor.export import is_tariffs_csv, read_tariffs_csv

    if is_tariffs_csv(path):
        rows = read_tariffs_csv(path)
        if not rows:
            raise NoTariffTableError("tariffs.csv holds no rows", path)
        first = rows[0]
        return rows, Version(first.circular, first.effective_from, path.name)
    extractions = extract([path])
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
    parts = [digests[name] for name in extraction.info.source_file.split(" + ")]
    return parts[0] if len(parts) == 1 else hashlib.sha256("".join(parts).encode()).hexdigest()


def _check_code(code: str) -> None:
    from extractor.errors import UsageError
    from extractor.values import check_digit_ok

    if not check_digit_ok(code):
        raise UsageError(
            f"{code!r} is not a valid nomenclature code (six digits, check digit mod 7)"
        )


def _existing_store(path: Path | str) -> Path:
    from extractor.errors import UsageError

    if not Path(path).is_file():
        raise UsageError(
            f"no tariff store at {path}; run `inami-tariffs run` first or pass --store"
        )
    return Path(path)
