"""Reports a run changes without reading their circulars again: storing an older version of a
domain changes what the later circulars of that domain are compared with, so their change
reports are written again from the store (rows and flagged lines kept there)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from extractor.baseline import in_force_before
from extractor.diff import compare_languages, diff_versions
from extractor.folders import folder_name
from extractor.report import ChangeReport, LanguageReport, Version
from extractor.store import Store, StoredCircular


def later_reports(
    store: Store, stored_now: list[StoredCircular], out_dir: Path, written: set[Path]
) -> list[tuple[Path, ChangeReport]]:
    """The reports of circulars already stored, later in effect in the domain of a circular
    stored now, whose folder exists in out_dir and was not written by this run."""
    now = {unit.id for unit in stored_now}
    affected: dict[tuple[date, str, bool], dict[int, StoredCircular]] = {}
    for unit in stored_now:
        for other in store.domain_units(unit):
            if other.id not in now and other.effective_from > unit.effective_from:
                key = (other.effective_from, other.circular, other.scope == "corrigendum")
                affected.setdefault(key, {})[other.id] = other
    reports = []
    for (effective, number, corrigendum), by_id in sorted(affected.items()):
        units = sorted(by_id.values(), key=lambda u: (u.language, u.id))
        first_file = units[0].source_file.split(" + ")[0]
        folder = out_dir / folder_name(effective, number, first_file, corrigendum)
        if folder in written or not folder.is_dir():
            continue
        parts = []
        for unit in units:
            rows = store.rows_of(unit.id)
            issues = store.issues_of(unit.id)
            old_rows, previous = in_force_before(store, unit, rows)
            flagged = {issue.code for issue in issues}
            parts.append(
                LanguageReport(
                    unit.language,
                    Version(number, effective, unit.source_file),
                    previous,
                    diff_versions(old_rows, rows, unit.language, flagged),
                    rows,
                    issues,
                )
            )
        french = [row for part in parts if part.language == "fr" for row in part.rows]
        dutch = [row for part in parts if part.language == "nl" for row in part.rows]
        mismatches = compare_languages(french, dutch) if french and dutch else []
        reports.append((folder, ChangeReport(number, effective, parts, mismatches)))
    return reports
