"""Command line: a thin layer over extractor.api; our errors become one line and exit 2.

Conventions users know from csvkit, sqlite-utils and git: `--version`, `-v` anywhere,
`--json` for what a script reads, `diff --exit-code`, `--out -` for standard output (extract),
messages on stderr, input typed the Belgian way normalised (extractor/inputs.py).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from extractor.arguments import build_parser
from extractor.errors import ExtractorError, LookupFailedError, UsageError
from extractor.settings import (
    DEFAULT_FHIR_BASE,
    FORMATS,
    ExportSettings,
    Options,
    Overrides,
    ReadSettings,
)

__all__ = ["build_parser", "main"]

STDOUT = Path("-")


def _options(arguments: argparse.Namespace, on_step: Callable[..., None] | None = None) -> Options:
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
            on_step=on_step,
        ),
        ExportSettings(
            formats=getattr(arguments, "formats", frozenset(FORMATS)),
            fhir_base=getattr(arguments, "fhir_base", DEFAULT_FHIR_BASE),
        ),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = argparse.Namespace(verbose=False)
    try:
        arguments = parser.parse_args(argv)  # a wrong argument: a UsageError, one line
        with _fewer_collections():
            return _run(arguments)
    except ExtractorError as error:
        if arguments.verbose:
            import traceback  # only for -v: every command starts without it

            traceback.print_exc()
        hint = f" (pass {error.option})" if error.option else ""
        print(f"inami-tariffs: error: {error}{hint}", file=sys.stderr)
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


def _refuse_stdout(arguments: argparse.Namespace) -> None:
    if getattr(arguments, "out", None) == STDOUT and arguments.command != "extract":
        raise UsageError(
            f"{arguments.command} writes several files into a folder: --out - (stdout) is only"
            " for extract; name a folder"
        )


def _run(arguments: argparse.Namespace) -> int:
    # The store verbs import the store alone: lookup starts without the readers and exports.
    from extractor import console, storeverbs

    _refuse_stdout(arguments)
    if arguments.command == "inspect":
        from extractor import api

        print(api.inspect_pdf(arguments.input, arguments.page, arguments.out, _options(arguments)))
        return 0
    if arguments.command in ("run", "extract"):
        from extractor.commands import extract_command, run_command

        verb = run_command if arguments.command == "run" else extract_command
        with console.progress(not arguments.quiet) as reading:
            return verb(arguments, _options(arguments, reading.step), reading)
    if arguments.command == "diff":
        from extractor import api

        report = api.diff_files(arguments.old, arguments.new, arguments.out, _options(arguments))
        if arguments.json:
            console.emit_json(
                {
                    "old": str(arguments.old),
                    "new": str(arguments.new),
                    "languages": [console.diff_counts(part) for part in report.languages],
                    "differ": console.differs(report),
                    "written": [str(arguments.out / name) for name in api.REPORT_FILES],
                }
            )
        elif not arguments.quiet:
            for part in report.languages:
                print(console.diff_summary(part))
            print(f"wrote {arguments.out}/changes.md, changes.html, changes.json")
        return 1 if arguments.exit_code and console.differs(report) else 0
    if arguments.command == "history":
        from extractor.inputs import parse_code_input

        versions = storeverbs.history(
            arguments.code, store=arguments.store, as_known_on=arguments.as_known_on
        )
        if not versions:
            raise LookupFailedError(
                f"code {parse_code_input(arguments.code)} is not in the store {_store(arguments)}"
            )
        if arguments.json:
            console.emit_json([console.history_record(stored) for stored in versions])
        else:
            console.print_history(versions)
        return 0
    if arguments.command == "retract":
        for unit in storeverbs.retract(arguments.circular, store=arguments.store):
            if not arguments.quiet:
                print(
                    f"retracted {unit.source_file} ({unit.language}), circular {unit.circular or '?'}"
                    f" effective {unit.effective_from}"
                )
        return 0
    if arguments.command != "lookup":  # pragma: no cover - argparse enforces the choices
        raise UsageError(f"unknown command {arguments.command}")
    tariff = storeverbs.lookup(
        arguments.code,
        arguments.date,
        age=arguments.age,
        preferential=arguments.preferential,
        language=arguments.language,
        condition=arguments.condition,
        store=arguments.store,
        as_known_on=arguments.as_known_on,
    )
    if arguments.json:
        console.emit_json(console.tariff_record(tariff))
    else:
        console.print_tariff(tariff)
    return 0


def _store(arguments: argparse.Namespace) -> Any:
    from extractor.storeverbs import DEFAULT_STORE

    return arguments.store or DEFAULT_STORE
