"""Command line: a thin layer over extractor.api; our errors become one line and exit 2."""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from extractor.columns import AMOUNT_COLUMNS
from extractor.errors import ExtractorError, UsageError
from extractor.settings import (
    DEFAULT_FHIR_BASE,
    DEFAULT_SETTINGS,
    FORMATS,
    PDF_ENGINES,
    XLSX_ENGINES,
    ExportSettings,
    Options,
    Overrides,
    ReadSettings,
)
from extractor.values import format_age_band
from extractor.versions import SCOPES


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def _iso_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date and time in the form YYYY-MM-DDTHH:MM:SS: {text!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _formats(text: str) -> frozenset[str]:
    names = frozenset(part.strip() for part in text.split(",") if part.strip())
    try:
        return ExportSettings(formats=names).formats
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _fhir_base(text: str) -> str:
    try:
        return ExportSettings(fhir_base=text).fhir_base
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inami-tariffs",
        description="Turn INAMI/RIZIV tariff circulars (PDF, XLSX; French and Dutch) into "
        "validated tariff tables and exports.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    store = argparse.ArgumentParser(add_help=False)
    store.add_argument("--store", type=Path, default=Path("output/tariffs.sqlite"), metavar="PATH",
                       help="the SQLite store of versions (default: output/tariffs.sqlite)")  # fmt: skip
    settings = argparse.ArgumentParser(add_help=False)
    group = settings.add_argument_group(
        "reading (engines, limits that refuse hostile or broken input)"
    )
    group.add_argument("--max-pages", type=int, default=DEFAULT_SETTINGS.max_pages, metavar="N",
                       help=f"most PDF pages read (default {DEFAULT_SETTINGS.max_pages})")  # fmt: skip
    group.add_argument("--max-unzipped-mb", type=int, default=DEFAULT_SETTINGS.max_unzipped_mb, metavar="MB",
                       help=f"most an XLSX may unpack to (default {DEFAULT_SETTINGS.max_unzipped_mb})")  # fmt: skip
    group.add_argument("--pdf-engine", choices=PDF_ENGINES, default=DEFAULT_SETTINGS.pdf_engine,
                       help="text layer for PDFs: pdfium (fast, default) or pdfplumber (the reference)")  # fmt: skip
    group.add_argument("--xlsx-engine", choices=XLSX_ENGINES, default=DEFAULT_SETTINGS.xlsx_engine,
                       help="reader for XLSX: calamine (fast, default) or openpyxl (the reference)")  # fmt: skip
    group.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                       help="give up on an input file after this long (default: none)")  # fmt: skip

    exports = argparse.ArgumentParser(add_help=False)
    written = exports.add_argument_group("exports")
    written.add_argument("--formats", type=_formats, default=frozenset(FORMATS), metavar="LIST",
                         help=f"comma-separated exports to write, among {','.join(FORMATS)} "
                         "(default: all); issues.json is always written, datapackage.json "
                         "with any CSV")  # fmt: skip
    written.add_argument("--fhir-base", type=_fhir_base, default=DEFAULT_FHIR_BASE, metavar="URL",
                         help="canonical base of the ChargeItemDefinitions' urls "
                         f"(default: {DEFAULT_FHIR_BASE})")  # fmt: skip

    overrides = argparse.ArgumentParser(add_help=False)
    overrides.add_argument("--effective-from", type=_iso_date, metavar="YYYY-MM-DD",
                           help="effective date, when the document does not say or says wrong")  # fmt: skip
    overrides.add_argument("--circular", metavar="YYYY/NNN",
                           help="circular number, when the document does not print it")  # fmt: skip

    extract = commands.add_parser(
        "extract",
        parents=[settings, overrides, exports],
        help="read circulars and write tariffs.csv/.json/.xlsx, valorisations, FHIR, issues.json",
        description="Read circulars (PDF or XLSX, French or Dutch) and write the validated "
        "tariff table and its issues into DIR.",
    )
    extract.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="circular files")
    extract.add_argument("--out", type=Path, default=Path("output"), metavar="DIR",
                         help="where to write the exports (default: output)")  # fmt: skip
    extract.add_argument("--strict", action="store_true",
                         help="exit 1 when any row was flagged")  # fmt: skip
    extract.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")

    run = commands.add_parser(
        "run",
        parents=[settings, overrides, store, exports],
        help="extract, store, compare with the previous version and write the change report",
        description="Extract and validate the circulars, store them (one transaction), compare "
        "each with the previous version of the same tariff set and write exports and "
        "changes.md/.html/.json into DIR/<effective_from>_<circular>/.",
    )
    run.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="circular files")
    run.add_argument("--out", type=Path, default=Path("output"), metavar="DIR")
    versions = run.add_argument_group("versions (README: the store)")
    versions.add_argument("--domain", metavar="TEXT",
                          help="the tariff set the circulars belong to (default: their subject line)")  # fmt: skip
    versions.add_argument("--scope", choices=SCOPES,
                          help="full: every tariff of the domain not listed ends; partial: only the "
                          "listed ones change; corrigendum: corrects a circular of the same date")  # fmt: skip
    versions.add_argument("--corrects", metavar="CIRCULAR",
                          help="the circular a corrigendum corrects")  # fmt: skip
    versions.add_argument("--authoritative", choices=["fr", "nl"],
                          help="when French and Dutch amounts disagree, whose are right")  # fmt: skip
    versions.add_argument("--replace", action="store_true",
                          help="store a file already stored again, with the facts stated now")  # fmt: skip
    versions.add_argument("--recorded-at", type=_iso_datetime, metavar="YYYY-MM-DDTHH:MM:SS",
                          help="when the store learns these circulars (default: now)")  # fmt: skip
    run.add_argument("--github", action="store_true",
                     help="append changes.md to the GitHub job summary ($GITHUB_STEP_SUMMARY)")  # fmt: skip
    run.add_argument("-q", "--quiet", action="store_true")

    diff = commands.add_parser(
        "diff",
        parents=[settings],
        help="compare two circulars or tariffs.csv exports, without a store",
        description="Write changes.md/.html/.json comparing OLD with NEW (circular files or "
        "tariffs.csv exports).",
    )
    diff.add_argument("old", type=Path, metavar="OLD")
    diff.add_argument("new", type=Path, metavar="NEW")
    diff.add_argument("--out", type=Path, default=Path("output"), metavar="DIR")

    history = commands.add_parser(
        "history", parents=[store], help="every version of a code in the store"
    )
    history.add_argument("code", metavar="CODE")
    history.add_argument("--as-known-on", type=_iso_date, metavar="YYYY-MM-DD",
                         help="as the store knew it at the end of that day")  # fmt: skip

    retract = commands.add_parser(
        "retract",
        parents=[store],
        help="remove a stored circular (number or file name) and recompute what is in force",
    )
    retract.add_argument("circular", metavar="CIRCULAR")

    lookup = commands.add_parser(
        "lookup",
        parents=[store],
        help="the fee, reimbursement and co-payment in force for a code on a date",
        description="Answer the billing question: for CODE on DATE, for a patient of this age "
        "with or without preferential regime, the fee, reimbursement and co-payment, and the "
        "circular they come from.",
    )
    lookup.add_argument("code", metavar="CODE")
    lookup.add_argument("--date", type=_iso_date, required=True, metavar="YYYY-MM-DD")
    lookup.add_argument("--age", type=int, metavar="N")
    lookup.add_argument("--preferential", action="store_true",
                        help="the patient has the preferential regime (BIM / voorkeurregeling)")  # fmt: skip
    lookup.add_argument("--language", choices=["fr", "nl"])
    lookup.add_argument("--condition", metavar="TEXT",
                        help="the tariff's condition as printed (e.g. 'MET GMD'); '' for the "
                        "general tariff")  # fmt: skip
    lookup.add_argument("--as-known-on", type=_iso_date, metavar="YYYY-MM-DD",
                        help="answer as the store knew it at the end of that day (what an invoice "
                        "made then used), before later corrigenda")  # fmt: skip

    inspect = commands.add_parser(
        "inspect",
        parents=[settings, overrides],
        help="draw what the PDF reader saw on a page (columns, rows, codes, flagged rows)",
        description="Write DIR/<file>-page<N>.png: header blocks in blue, column boundaries in "
        "green, row bands in grey with the code read, flagged rows in red with their rule.",
    )
    inspect.add_argument("input", type=Path, metavar="FILE.pdf")
    inspect.add_argument("--page", type=int, required=True, metavar="N", help="page number, from 1")
    inspect.add_argument("--out", type=Path, default=Path("output"), metavar="DIR")
    return parser


def _money(value: object) -> str:
    return "-" if value is None else str(value)


def _band(age_min: int | None, age_max: int | None) -> str:
    band = format_age_band(age_min, age_max)
    return f"ages {band}" if band else "all ages"


def _diff_summary(part: object) -> str:
    from extractor.report import LanguageReport

    assert isinstance(part, LanguageReport)
    diff = part.diff
    index = f", indexation {diff.indexation.percent}" if diff.indexation.rate is not None else ""
    return (
        f"{part.language}: {len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} "
        f"changed ({len(diff.indexation.not_following)} beyond indexation{index}), "
        f"{len(diff.description_only) + sum(c.description_changed for c in diff.changed)} "
        f"description changed, {diff.unchanged} unchanged"
    )


def _run_versions(arguments: argparse.Namespace) -> int:
    import os

    from extractor import api

    outputs = api.run(
        arguments.inputs,
        _options(arguments),
        store_path=arguments.store,
        out_dir=arguments.out,
        progress=_progress(arguments),
        recorded_at=arguments.recorded_at,
    )
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    for output in outputs:
        if not arguments.quiet:
            print(
                f"{output.directory}/: circular {output.report.circular or '(unknown)'}, effective {output.report.effective_from}"
            )
            for note in output.notes:
                print(f"  {note}")
            for part in output.report.languages:
                first = " (first version of this tariff set)" if part.previous is None else ""
                print(f"  {_diff_summary(part)}{first}")
        if summary_file and (arguments.github or os.environ.get("GITHUB_ACTIONS")):
            with open(summary_file, "a", encoding="utf-8") as stream:
                stream.write((output.directory / "changes.md").read_text(encoding="utf-8") + "\n")
        elif arguments.github:
            raise UsageError(
                "--github needs the GITHUB_STEP_SUMMARY environment variable (set by GitHub Actions)"
            )
    return 0


def _progress(arguments: argparse.Namespace) -> Callable[[Path], None]:
    def report(path: Path) -> None:
        if not arguments.quiet:
            print(f"reading {path}", file=sys.stderr)

    return report


def _options(arguments: argparse.Namespace) -> Options:
    """The reading settings and overrides of whichever command takes them."""
    return Options(
        Overrides(
            effective_from=getattr(arguments, "effective_from", None),
            circular=getattr(arguments, "circular", None),
            domain=getattr(arguments, "domain", None),
            scope=getattr(arguments, "scope", None),
            corrects=getattr(arguments, "corrects", None),
            authoritative=getattr(arguments, "authoritative", None),
            replace=getattr(arguments, "replace", False),
        ),
        ReadSettings(
            pdf_engine=arguments.pdf_engine,
            xlsx_engine=arguments.xlsx_engine,
            max_pages=arguments.max_pages,
            max_unzipped_mb=arguments.max_unzipped_mb,
            time_limit_s=arguments.time_limit,
        ),
        ExportSettings(
            formats=getattr(arguments, "formats", frozenset(FORMATS)),
            fhir_base=getattr(arguments, "fhir_base", DEFAULT_FHIR_BASE),
        ),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        with _fewer_collections():
            return _run(arguments)
    except ExtractorError as error:
        if arguments.verbose:
            raise
        print(f"inami-tariffs: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("inami-tariffs: interrupted", file=sys.stderr)
        return 130


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """A command makes hundreds of thousands of short-lived, acyclic objects (cells, rows) that
    reference counting frees; the cyclic collector scanning them costs about 15 % of an
    extract. Collect less often while the command runs; the caller's setting comes back after."""
    previous = gc.get_threshold()
    gc.set_threshold(20_000, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _run(arguments: argparse.Namespace) -> int:
    from extractor import api

    if arguments.command == "inspect":
        print(api.inspect_pdf(arguments.input, arguments.page, arguments.out, _options(arguments)))
        return 0
    if arguments.command == "run":
        return _run_versions(arguments)
    if arguments.command == "diff":
        report = api.diff_files(arguments.old, arguments.new, arguments.out, _options(arguments))
        for part in report.languages:
            print(_diff_summary(part))
        print(f"wrote {arguments.out}/changes.md, changes.html, changes.json")
        return 0
    if arguments.command == "history":
        rows = api.history(
            arguments.code, store_path=arguments.store, as_known_on=arguments.as_known_on
        )
        for stored in rows:
            row = stored.row
            band = _band(row.age_min, row.age_max)
            if row.condition:
                band += f", {row.condition}"
            until = stored.effective_to.isoformat() if stored.effective_to else "in force"
            amounts = " ".join(_money(getattr(row, name)) for name in AMOUNT_COLUMNS)
            scope = "" if stored.scope == "full" else f" ({stored.scope})"
            superseded = "; superseded by a corrigendum" if stored.superseded else ""
            print(
                f"{row.language} {row.code_amb} {band:>9} {row.effective_from} .. {until:10} {amounts}"
                f"  circular {stored.circular or '?'}{scope}, recorded {stored.recorded_at}{superseded}"
            )
        return 0
    if arguments.command == "retract":
        for unit in api.retract(arguments.circular, store_path=arguments.store):
            print(
                f"retracted {unit.source_file} ({unit.language}), circular {unit.circular or '?'}"
                f" effective {unit.effective_from}"
            )
        return 0
    if arguments.command == "lookup":
        tariff = api.lookup(
            arguments.code,
            arguments.date,
            age=arguments.age,
            preferential=arguments.preferential,
            language=arguments.language,
            condition=arguments.condition,
            store_path=arguments.store,
            as_known_on=arguments.as_known_on,
        )
        regime = "preferential" if tariff.preferential else "standard"
        if tariff.condition:
            regime += f" regime, {tariff.condition}"
        else:
            regime += " regime"
        until = tariff.effective_to.isoformat() if tariff.effective_to else "in force"
        print(f"{tariff.code} on {tariff.on} ({regime}, {_band(tariff.age_min, tariff.age_max)}): "
              f"fee {_money(tariff.fee)}, reimbursement {_money(tariff.reimbursement)}, "
              f"co-payment {_money(tariff.copayment)}")  # fmt: skip
        print(
            f"circular {tariff.circular or '?'}, in force {tariff.effective_from} .. {until}; {tariff.description}"
        )
        return 0
    if arguments.command != "extract":  # pragma: no cover - argparse enforces the choices
        raise UsageError(f"unknown command {arguments.command}")

    extractions = api.extract(arguments.inputs, _options(arguments), progress=_progress(arguments))
    written = api.export(extractions, arguments.out, _options(arguments), sources=arguments.inputs)
    flagged = 0
    for extraction in extractions:
        from extractor.export import flagged_rows

        info = extraction.info
        count = flagged_rows(extraction)
        flagged += count
        if not arguments.quiet:
            print(
                f"{info.source_file}: circular {info.circular or '(unknown)'}, {info.language}, "
                f"effective {info.effective_from.isoformat()}: {len(extraction.rows)} rows, "
                f"{extraction.sections} sections, {count} flagged"
            )
            for issue in extraction.issues:
                if issue.raw:
                    print(f"  {issue.severity}: {issue.rule} at {issue.location}: {issue.message}")
    if not arguments.quiet:
        print(f"wrote {arguments.out}/{', '.join(path.name for path in written)}")
    return 1 if arguments.strict and flagged else 0
