"""Command line: a thin layer over extractor.api; our errors become one line and exit 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from extractor.errors import ExtractorError, UsageError


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inami-tariffs",
        description="Turn INAMI/RIZIV tariff circulars (PDF, XLSX; French and Dutch) into "
        "validated tariff tables and exports.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = commands.add_parser(
        "extract",
        help="read circulars and write tariffs.csv, tariffs.json, datapackage.json, issues.json",
        description="Read circulars (PDF or XLSX, French or Dutch) and write the validated "
        "tariff table and its issues into DIR.",
    )
    extract.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="circular files")
    extract.add_argument("--out", type=Path, default=Path("output"), metavar="DIR",
                         help="where to write the exports (default: output)")  # fmt: skip
    extract.add_argument("--strict", action="store_true",
                         help="exit 1 when any row was flagged")  # fmt: skip
    extract.add_argument("--effective-from", type=_iso_date, metavar="YYYY-MM-DD",
                         help="effective date, when the document does not say or says wrong")  # fmt: skip
    extract.add_argument("--circular", metavar="YYYY/NNN",
                         help="circular number, when the document does not print it")  # fmt: skip
    extract.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")

    inspect = commands.add_parser(
        "inspect",
        help="draw what the PDF reader saw on a page (columns, rows, codes, flagged rows)",
        description="Write DIR/<file>-page<N>.png: header blocks in blue, column boundaries in "
        "green, row bands in grey with the code read, flagged rows in red with their rule.",
    )
    inspect.add_argument("input", type=Path, metavar="FILE.pdf")
    inspect.add_argument("--page", type=int, required=True, metavar="N", help="page number, from 1")
    inspect.add_argument("--out", type=Path, default=Path("output"), metavar="DIR")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        return _run(arguments)
    except ExtractorError as error:
        if arguments.verbose:
            raise
        print(f"inami-tariffs: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("inami-tariffs: interrupted", file=sys.stderr)
        return 130


def _run(arguments: argparse.Namespace) -> int:
    from extractor import api

    if arguments.command == "inspect":
        print(api.inspect_pdf(arguments.input, arguments.page, arguments.out))
        return 0
    if arguments.command != "extract":  # pragma: no cover - argparse enforces the choices
        raise UsageError(f"unknown command {arguments.command}")

    def progress(path: Path) -> None:
        if not arguments.quiet:
            print(f"reading {path}", file=sys.stderr)

    extractions = api.extract(
        arguments.inputs,
        effective_from=arguments.effective_from,
        circular=arguments.circular,
        progress=progress,
    )
    api.export(extractions, arguments.out)
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
        print(f"wrote {arguments.out}/tariffs.csv, tariffs.json, datapackage.json, issues.json")
    return 1 if arguments.strict and flagged else 0
