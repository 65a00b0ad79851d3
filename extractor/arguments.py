"""The command line's grammar: its commands, options and how each option's text is read.

extractor/cli.py runs what this parser reads; a typed value that cannot be read, or a
missing or unknown argument, is refused here as a UsageError: one line naming the problem and
the command's --help, exit 2 (argparse's usage lines would bury it).
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NoReturn

from extractor import __version__
from extractor.errors import UsageError
from extractor.settings import (
    DEFAULT_FHIR_BASE,
    DEFAULT_SETTINGS,
    FORMATS,
    PDF_ENGINES,
    XLSX_ENGINES,
    ExportSettings,
)
from extractor.versions import SCOPES


def _date(text: str) -> date:
    from extractor.inputs import parse_date_input

    try:
        return parse_date_input(text)
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _circular(text: str) -> str:
    from extractor.inputs import parse_circular_input

    try:
        return parse_circular_input(text)
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


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


def _iso_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date and time in the form YYYY-MM-DDTHH:MM:SS: {text!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _folder(text: str) -> Path:
    """--out DIR; `-` (standard output) only where one file is written: `extract`."""
    return Path(text)


class Parser(argparse.ArgumentParser):
    """argparse, its errors as one line (a UsageError) that points to the command's --help;
    each command's parser is one too (add_subparsers makes them of the parent's class)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="inami-tariffs",
        description="Turn INAMI/RIZIV tariff circulars (PDF, XLSX; French and Dutch) into "
        "validated tariff tables and exports.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help="print the version and exit")  # fmt: skip
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show tracebacks on errors (also accepted after the command)")  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print nothing but errors and the answer asked for (also accepted "
                        "after the command)")  # fmt: skip
    common = Parser(add_help=False)
    # SUPPRESS: a -v after the command sets it; none there leaves the one before the command.
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks on errors")  # fmt: skip
    # The same for -q: after the command or before it, every command takes it.
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="print nothing but errors and the answer asked for: no summary, "
                        "warnings or progress (lookup, history and --json print their answer)")  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    store = Parser(add_help=False)
    store.add_argument("--store", type=Path, default=None, metavar="PATH",
                       help="the SQLite store of versions (default: output/tariffs.sqlite; "
                       "for run: DIR/tariffs.sqlite)")  # fmt: skip
    as_json = Parser(add_help=False)
    as_json.add_argument("--json", action="store_true",
                         help="print the answer as JSON on stdout (amounts as decimal text)")  # fmt: skip
    settings = Parser(add_help=False)
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

    exports = Parser(add_help=False)
    written = exports.add_argument_group("exports")
    written.add_argument("--formats", type=_formats, default=frozenset(FORMATS), metavar="LIST",
                         help=f"comma-separated exports to write, among {','.join(FORMATS)} "
                         "(default: all); issues.json is always written, datapackage.json "
                         "with any CSV")  # fmt: skip
    written.add_argument("--fhir-base", type=_fhir_base, default=DEFAULT_FHIR_BASE, metavar="URL",
                         help="canonical base of the ChargeItemDefinitions' urls "
                         f"(default: {DEFAULT_FHIR_BASE})")  # fmt: skip

    overrides = Parser(add_help=False)
    overrides.add_argument("--effective-from", type=_date, metavar="YYYY-MM-DD",
                           help="effective date, when the document does not say or says wrong "
                           "(DD/MM/YYYY also accepted)")  # fmt: skip
    overrides.add_argument("--circular", type=_circular, metavar="YYYY/NNN",
                           help="circular number, when the document does not print it")  # fmt: skip
    strict = Parser(add_help=False)
    strict.add_argument("--strict", action="store_true",
                        help="exit 1 when any source line was flagged (for CI)")  # fmt: skip
    reading = [common, settings, overrides]

    extract = commands.add_parser(
        "extract",
        parents=[*reading, exports, strict],
        help="read circulars and write tariffs.csv/.json/.xlsx, valorisations, FHIR, issues.json",
        description="Read circulars (PDF or XLSX, French or Dutch) and write the validated "
        "tariff table and its issues into DIR. With --out -, tariffs.csv goes to stdout "
        "(as csvkit does) and nothing else is written.",
    )
    extract.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                         help="circular files (PDF or XLSX)")  # fmt: skip
    extract.add_argument("--out", type=_folder, default=Path("output"), metavar="DIR",
                         help="where to write the exports (default: output); - for tariffs.csv "
                         "on stdout")  # fmt: skip

    run = commands.add_parser(
        "run",
        parents=[*reading, store, exports, strict],
        help="extract, store, compare with the previous version and write the change report",
        description="Extract and validate the circulars, store them (one transaction), compare "
        "each with the previous version of the same tariff set and write exports and "
        "changes.md/.html/.json into DIR/<effective_from>_<circular>/.",
    )
    run.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                     help="circular files (PDF or XLSX); a PDF and its XLSX annex are "
                     "cross-checked")  # fmt: skip
    run.add_argument("--out", type=_folder, default=Path("output"), metavar="DIR",
                     help="where report folders and, unless --store, the store go "
                     "(default: output)")  # fmt: skip
    run.add_argument("--github", action="store_true",
                     help="append changes.md to the GitHub job summary ($GITHUB_STEP_SUMMARY)")  # fmt: skip
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

    diff = commands.add_parser(
        "diff",
        parents=[common, settings, as_json],
        help="compare two circulars or tariffs.csv exports, without a store",
        description="Write changes.md/.html/.json comparing OLD with NEW (circular files or "
        "tariffs.csv exports).",
    )
    diff.add_argument("old", type=Path, metavar="OLD", help="the earlier circular or tariffs.csv")
    diff.add_argument("new", type=Path, metavar="NEW", help="the later circular or tariffs.csv")
    diff.add_argument("--out", type=_folder, default=Path("output"), metavar="DIR",
                      help="where to write changes.md/.html/.json (default: output)")  # fmt: skip
    diff.add_argument("--exit-code", action="store_true",
                      help="exit 1 when the versions differ, 0 when they do not (as git diff)")  # fmt: skip

    history = commands.add_parser(
        "history",
        parents=[common, store, as_json],
        help="every version of a code in the store",
        description="Every version of CODE in the store: languages, beneficiaries, when it was "
        "in force, the amounts and the circular. Exit 1 when the store has none.",
    )
    history.add_argument("code", metavar="CODE",
                         help="nomenclature code, six digits (726530 or 726-530)")  # fmt: skip
    history.add_argument("--as-known-on", type=_date, metavar="YYYY-MM-DD",
                         help="as the store knew it at the end of that day")  # fmt: skip

    retract = commands.add_parser(
        "retract",
        parents=[common, store],
        help="remove a stored circular (number or file name) and recompute what is in force",
        description="Remove every stored unit of CIRCULAR (its number, or the file name it was "
        "read from) and recompute which versions are in force.",
    )
    retract.add_argument("circular", metavar="CIRCULAR",
                         help="the circular number (2024/356) or the file name it was read from")  # fmt: skip

    lookup = commands.add_parser(
        "lookup",
        parents=[common, store, as_json],
        help="the fee, reimbursement and co-payment in force for a code on a date",
        description="Answer the billing question: for CODE on DATE, for a patient of this age "
        "with or without preferential regime, the fee, reimbursement and co-payment, the "
        "circular they come from and the place in its file.",
    )
    lookup.add_argument("code", metavar="CODE",
                        help="nomenclature code, six digits (726530 or 726-530)")  # fmt: skip
    lookup.add_argument("--date", type=_date, required=True, metavar="YYYY-MM-DD",
                        help="the day of the service (DD/MM/YYYY also accepted)")  # fmt: skip
    lookup.add_argument("--age", type=int, metavar="N",
                        help="the patient's age that day, where amounts depend on it")  # fmt: skip
    lookup.add_argument("--preferential", action="store_true",
                        help="the patient has the preferential regime (BIM / voorkeurregeling)")  # fmt: skip
    lookup.add_argument("--language", choices=["fr", "nl"],
                        help="answer from the French or the Dutch circular (where they differ)")  # fmt: skip
    lookup.add_argument("--condition", metavar="TEXT",
                        help="the tariff's condition as printed (e.g. 'MET GMD'); '' for the "
                        "general tariff")  # fmt: skip
    lookup.add_argument("--as-known-on", type=_date, metavar="YYYY-MM-DD",
                        help="answer as the store knew it at the end of that day (what an invoice "
                        "made then used), before later corrigenda")  # fmt: skip

    inspect = commands.add_parser(
        "inspect",
        parents=reading,
        help="draw what the PDF reader saw on a page (columns, rows, codes, flagged rows)",
        description="Write DIR/<file>-page<N>.png: header blocks in blue, column boundaries in "
        "green, row bands in grey with the code read, flagged rows in red with their rule.",
    )
    inspect.add_argument("input", type=Path, metavar="FILE.pdf", help="the PDF circular")
    inspect.add_argument("--page", type=int, required=True, metavar="N", help="page number, from 1")
    inspect.add_argument("--out", type=_folder, default=Path("output"), metavar="DIR",
                         help="where to write the PNG (default: output)")  # fmt: skip
    return parser
