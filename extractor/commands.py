"""The two reading commands of the CLI, `extract` and `run`: call the API, then say what
happened (summary on stdout, warnings and flagged lines on stderr) and pick the exit code."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from extractor import api, console
from extractor.errors import UsageError
from extractor.export import flagged_rows
from extractor.settings import Options

STDOUT = Path("-")


def extract_command(
    arguments: argparse.Namespace, options: Options, reading: console.Reading
) -> int:
    extractions = api.extract(arguments.inputs, options, progress=reading)
    reading.close()
    to_stdout = arguments.out == STDOUT
    if to_stdout:  # csvkit's way: the table on stdout, everything else on stderr
        sys.stdout.write(api.export_csv(extractions))
    else:
        written = api.export(extractions, arguments.out, options, sources=arguments.inputs)
    summary = sys.stderr if to_stdout else sys.stdout
    flagged = 0
    for extraction in extractions:
        info = extraction.info
        count = flagged_rows(extraction)
        flagged += count
        if not arguments.quiet:
            print(
                f"{info.source_file}: circular {info.circular or '(unknown)'}, {info.language}, "
                f"effective {info.effective_from.isoformat()}: {len(extraction.rows)} rows, "
                f"{extraction.sections} sections, {count} flagged",
                file=summary,
            )
            console.warn_issues(extraction, "issues.json")
    if not arguments.quiet and not to_stdout:
        print(f"wrote {arguments.out}/{', '.join(path.name for path in written)}")
    return _strict_exit(arguments, flagged)


def run_command(arguments: argparse.Namespace, options: Options, reading: console.Reading) -> int:
    outputs = api.run(
        arguments.inputs,
        options,
        store=arguments.store,
        out_dir=arguments.out,
        progress=reading,
        recorded_at=arguments.recorded_at,
    )
    reading.close()
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    flagged = 0
    for output in outputs:
        flagged += sum(flagged_rows(extraction) for extraction in output.extractions)
        if not arguments.quiet:
            print(
                f"{output.directory}/: circular {output.report.circular or '(unknown)'}, "
                f"effective {output.report.effective_from}"
            )
            for note in output.notes:
                print(f"  {note}")
            for part in output.report.languages:
                first = " (first version of this tariff set)" if part.previous is None else ""
                print(f"  {console.diff_summary(part)}{first}")
            for extraction in output.extractions:
                console.warn_issues(extraction, f"{output.directory}/issues.json")
        if summary_file and (arguments.github or os.environ.get("GITHUB_ACTIONS")):
            with open(summary_file, "a", encoding="utf-8") as stream:
                stream.write((output.directory / "changes.md").read_text(encoding="utf-8") + "\n")
        elif arguments.github:
            raise UsageError(
                "--github needs the GITHUB_STEP_SUMMARY environment variable (set by GitHub Actions)"
            )
    if not arguments.quiet and outputs:
        print(f"open {outputs[-1].directory / 'changes.html'} to review the changes")
    return _strict_exit(arguments, flagged)


def _strict_exit(arguments: argparse.Namespace, flagged: int) -> int:
    if arguments.strict and flagged:
        print(
            f"inami-tariffs: {flagged} source lines flagged (--strict): see issues.json",
            file=sys.stderr,
        )
        return 1
    return 0
