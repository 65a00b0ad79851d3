"""What the command line prints: summaries and JSON on stdout; warnings, progress and errors on
stderr (so that `--json` and `--out -` output can be piped). The CLI decides when; this
module only says how."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from extractor.columns import AMOUNT_COLUMNS, BY_NAME
from extractor.lookup import Tariff
from extractor.model import Extraction
from extractor.store import StoredRow
from extractor.values import format_age_band

if TYPE_CHECKING:  # the diff and its report: not imported by lookup, history and --help
    from extractor.report import ChangeReport, LanguageReport

PROG = "inami-tariffs"
MOST_FLAGGED_SHOWN = 20  # per file; the rest are in issues.json


def money(value: object) -> str:
    return "-" if value is None else str(value)


def band(age_min: int | None, age_max: int | None) -> str:
    text = format_age_band(age_min, age_max)
    return f"ages {text}" if text else "all ages"


def emit_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def warn(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def warn_issues(extraction: Extraction, out: str) -> None:
    """Document-level warnings (a date conflict, no circular number) and flagged lines, on
    stderr: the README promises "a warning says so", and they must not vanish into a file.
    A line flagged as an error is not in the table: it says "left out", not "warning"."""
    shown = 0
    flagged = [issue for issue in extraction.issues if issue.raw]
    for issue in extraction.issues:
        if not issue.raw:
            warn(f"{issue.location}: {issue.message} ({issue.rule})")
        elif shown < MOST_FLAGGED_SHOWN:
            shown += 1
            if issue.severity == "error":
                print(f"{PROG}: left out: {issue.location}: {issue.rule}: {issue.message}",
                      file=sys.stderr)  # fmt: skip
            else:
                warn(f"{issue.location}: {issue.rule}: {issue.message}")
    if len(flagged) > shown:
        warn(f"{extraction.info.source_file}: {len(flagged) - shown} more flagged lines in {out}")


# --- lookup and history -----------------------------------------------------------------------


def tariff_record(tariff: Tariff) -> dict[str, Any]:
    """A lookup's answer as JSON: amounts as decimal text, dates ISO, the source place."""
    return {
        "code": tariff.code,
        "on": tariff.on.isoformat(),
        "age": tariff.age,
        "preferential": tariff.preferential,
        "fee": _text(tariff.fee),
        "reimbursement": _text(tariff.reimbursement),
        "copayment": _text(tariff.copayment),
        "circular": tariff.circular,
        "effective_from": tariff.effective_from.isoformat(),
        "effective_to": tariff.effective_to.isoformat() if tariff.effective_to else None,
        "description": tariff.description,
        "age_min": tariff.age_min,
        "age_max": tariff.age_max,
        "condition": tariff.condition,
        "source": str(tariff.source),
    }


def print_tariff(tariff: Tariff) -> None:
    regime = "preferential" if tariff.preferential else "standard"
    regime += f" regime, {tariff.condition}" if tariff.condition else " regime"
    until = tariff.effective_to.isoformat() if tariff.effective_to else "in force"
    print(f"{tariff.code} on {tariff.on} ({regime}, {band(tariff.age_min, tariff.age_max)}): "
          f"fee {money(tariff.fee)}, reimbursement {money(tariff.reimbursement)}, "
          f"co-payment {money(tariff.copayment)}")  # fmt: skip
    print(
        f"circular {tariff.circular or '?'}, in force {tariff.effective_from} .. {until}; "
        f"{tariff.description}"
    )
    print(f"source: {tariff.source}")


def history_record(stored: StoredRow) -> dict[str, Any]:
    row = stored.row
    return {
        "language": row.language,
        "code_amb": row.code_amb,
        "code_hos": row.code_hos,
        "age_min": row.age_min,
        "age_max": row.age_max,
        "condition": row.condition,
        "effective_from": row.effective_from.isoformat(),
        "effective_to": stored.effective_to.isoformat() if stored.effective_to else None,
        **{name: _text(getattr(row, name)) for name in AMOUNT_COLUMNS},
        "circular": stored.circular,
        "scope": stored.scope,
        "recorded_at": stored.recorded_at,
        "superseded": stored.superseded,
        "description": row.description,
        "source": str(row.source),
    }


def print_history(versions: list[StoredRow]) -> None:
    amounts = " ".join(f"{BY_NAME[name].label:>12}" for name in AMOUNT_COLUMNS)
    print(f"{'lang':4} {'code':6} {'beneficiaries':>13} {'in force':24} {amounts}  circular")
    for stored in versions:
        row = stored.row
        who = band(row.age_min, row.age_max) + (f", {row.condition}" if row.condition else "")
        until = stored.effective_to.isoformat() if stored.effective_to else "in force"
        span = f"{row.effective_from} .. {until}"
        values = " ".join(f"{money(getattr(row, name)):>12}" for name in AMOUNT_COLUMNS)
        scope = "" if stored.scope == "full" else f" ({stored.scope})"
        superseded = "; superseded by a corrigendum" if stored.superseded else ""
        print(f"{row.language:4} {row.code_amb:6} {who:>13} {span:24} {values}  "
              f"{stored.circular or '?'}{scope}, recorded {stored.recorded_at}{superseded}")  # fmt: skip


def _text(value: object) -> str | None:
    return None if value is None else f"{value:f}" if hasattr(value, "as_tuple") else str(value)


# --- diff -------------------------------------------------------------------------------------


def diff_counts(part: LanguageReport) -> dict[str, Any]:
    diff = part.diff
    return {
        "language": part.language,
        "added": len(diff.added),
        "removed": len(diff.removed),
        "changed": len(diff.changed),
        "beyond_indexation": len(diff.indexation.not_following),
        "indexation": None if diff.indexation.rate is None else f"{diff.indexation.rate:f}",
        "description_changed": len(diff.description_only)
        + sum(c.description_changed for c in diff.changed),
        "unchanged": diff.unchanged,
    }


def differs(report: ChangeReport) -> bool:
    """Whether two versions differ in anything a reviewer sees (for `diff --exit-code`)."""
    return any(
        count
        for part in report.languages
        for name, count in diff_counts(part).items()
        if name not in ("language", "indexation", "unchanged")
    )


def diff_summary(part: LanguageReport) -> str:
    counts = diff_counts(part)
    index = f", indexation {part.diff.indexation.percent}" if counts["indexation"] else ""
    return (
        f"{part.language}: {counts['added']} added, {counts['removed']} removed, "
        f"{counts['changed']} changed ({counts['beyond_indexation']} beyond indexation{index}), "
        f"{counts['description_changed']} description changed, {counts['unchanged']} unchanged"
    )


# --- progress ---------------------------------------------------------------------------------


class Reading:
    """Told when a file starts (`reading(path)`) and as its pages or rows go by (`step`)."""

    def __init__(self, stream: IO[str] | None) -> None:
        self.stream = stream  # None: silent
        self.bar: Any = None

    def __call__(self, path: Path) -> None:
        if self.stream is None:
            return
        from tqdm import tqdm

        self.close()
        self.bar = tqdm(desc=f"reading {path.name}", file=self.stream, leave=False, unit="")

    def step(self, done: int, total: int | None = None) -> None:
        """`done` pages (or rows) of `total` read so far in the current file."""
        if self.bar is not None:
            if total is not None and self.bar.total != total:
                self.bar.total = total
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@contextmanager
def progress(enabled: bool, stream: IO[str] | None = None) -> Iterator[Reading]:
    """A progress display on stderr while files are read, only when stderr is a terminal (a
    log or a pipe gets nothing); tqdm draws it and clears it at the end."""
    stream = stream or sys.stderr
    reading = Reading(stream if enabled and stream.isatty() else None)
    try:
        yield reading
    finally:
        reading.close()
