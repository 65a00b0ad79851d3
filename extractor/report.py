"""The change report: one view of a run's diffs, rendered by jinja2 templates and as JSON."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from extractor.columns import AMOUNT_COLUMNS, BY_NAME, FEE, KEY_COLUMNS
from extractor.diff import Diff, LanguageMismatch, RowChange
from extractor.location import Location
from extractor.model import Issue, TariffRow
from extractor.values import format_age_band, format_amount

LANGUAGE_NAMES = {"fr": "French", "nl": "Dutch"}


@dataclass(frozen=True)
class Version:
    circular: str
    effective_from: date
    source_file: str


@dataclass
class LanguageReport:
    """What changed in one language, against the previous version (None: first version)."""

    language: str
    current: Version
    previous: Version | None
    diff: Diff
    rows: list[TariffRow]
    issues: list[Issue] = field(default_factory=list)


@dataclass
class ChangeReport:
    circular: str
    effective_from: date
    languages: list[LanguageReport]
    language_mismatches: list[LanguageMismatch] = field(default_factory=list)


def _amount(value: Decimal | None) -> str:
    return format_amount(value) if value is not None else "–"


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value * 100:+.2f} %"


SECTION_WIDTH = 48  # characters of the section's own heading shown in changes.md
MARKDOWN_LIMIT = 60_000  # characters; GitHub takes 65,536 in a pull-request description
ROW_LIMITS = (None, 400, 200, 100, 50, 20, 10, 5, 0)  # rows per table, tried in turn


def _short_section(section: str) -> str:
    """The row's own heading (the last of its path), cut to fit a table cell."""
    last = section.rsplit(" > ", 1)[-1]
    return last if len(last) <= SECTION_WIDTH else last[: SECTION_WIDTH - 1].rstrip() + "…"


def _href(place: Location) -> str:
    """A link to the source file, at its page for a PDF (the PDF open parameter); it opens
    where the circular is saved beside the report."""
    target = quote(place.file)
    return f"{target}#page={place.page}" if place.page is not None else target


def _place(place: Location) -> str:
    if place.sheet is not None:
        return f"{place.sheet}!{place.column or ''}{place.line or ''}"
    if place.page is not None:
        return f"p. {place.page}" + ("" if place.line is None else f", l. {place.line}")
    return place.file


def _row_view(row: TariffRow) -> dict[str, Any]:
    return {
        "code": row.code_amb,
        "hos": row.code_hos or "",
        "band": format_age_band(row.age_min, row.age_max),
        # A tariff under a condition is told from the code's general tariff beside its label.
        "description": f"{row.description} [{row.condition}]" if row.condition else row.description,
        "section": row.section,
        "section_number": _short_section(row.section),
        "source": row.source,
        "href": _href(row.source),
        "place": _place(row.source),
        "order": row.source.order,
        "amounts": [_amount(getattr(row, name)) for name in AMOUNT_COLUMNS],
    }


def _in_document_order(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(views, key=lambda view: view["order"])


def _change_view(change: RowChange, indexed: str = "") -> dict[str, Any]:
    """`indexed`: the indexation's percentage, shown for a fee that follows it (its own ratio,
    rounded to the cent, may read +3.35 % for an indexation of +3.34 %)."""
    changed = {c.column: c for c in change.amounts}
    return {
        **_row_view(change.new),
        # One cell per amount column: "old → new" where it changed, empty where it did not.
        "amounts": [
            f"{_amount(changed[name].old)} → {_amount(changed[name].new)}"
            if name in changed
            else ""
            for name in AMOUNT_COLUMNS
        ],
        "columns": [
            {
                "column": c.column,
                "old": _amount(c.old),
                "new": _amount(c.new),
                "absolute": "" if c.absolute is None else f"{c.absolute:+f}",
                "relative": f"{indexed} (indexed)"
                if indexed and change.follows_indexation and c.column == FEE
                else _percent(c.relative),
            }
            for c in change.amounts
        ],
        "old_description": change.old.description,
        "description_changed": change.description_changed,
        "follows": change.follows_indexation,
    }


def _by_section(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Rows grouped by section, sections and rows in the order of the document."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for row in _in_document_order(rows):
        sections.setdefault(row["section"] or "(no section)", []).append(row)
    return list(sections.items())


MIN_BAR = 4  # a bar of one row is still seen (of 100)


def _fee_histogram(diff: Diff) -> list[dict[str, Any]]:
    """Relative fee changes for the chart: the fees that follow the indexation are one bar
    (rounding to the cent scatters them over +3.32, +3.34, +3.35 %), every other change is
    counted per value; a bar is never thinner than MIN_BAR."""
    counts: Counter[tuple[Decimal, str]] = Counter()
    for change in diff.changed:
        for column in change.amounts:
            if column.column != "fee" or column.relative is None:
                continue
            if change.follows_indexation and diff.indexation.rate is not None:
                counts[(diff.indexation.rate, f"{diff.indexation.percent} indexed")] += 1
            else:
                counts[
                    (column.relative.quantize(Decimal("0.0001")), _percent(column.relative))
                ] += 1
    most = max(counts.values(), default=1)
    return [
        {"label": label, "count": count, "height": max(MIN_BAR, round(100 * count / most))}
        for (_, label), count in sorted(counts.items())
    ]


def view(report: ChangeReport) -> dict[str, Any]:
    """Plain data for the templates; every choice of wording lives in the templates."""
    languages = []
    for part in report.languages:
        diff = part.diff
        warnings = [issue for issue in part.issues if issue.raw]
        languages.append(
            {
                "code": part.language,
                "name": LANGUAGE_NAMES.get(part.language, part.language),
                "current": part.current,
                "previous": part.previous,
                "first": part.previous is None,
                "rows": [_row_view(row) for row in part.rows],
                "row_sections": _by_section([_row_view(row) for row in part.rows]),
                "summary": {
                    "added": len(diff.added),
                    "removed": len(diff.removed),
                    "unreadable": len(diff.unreadable),
                    "changed": len(diff.changed),
                    "described": len(diff.description_only)
                    + sum(c.description_changed for c in diff.changed),
                    "unchanged": diff.unchanged,
                    "warnings": len(warnings),
                },
                "indexation": {
                    "percent": diff.indexation.percent,
                    "following": diff.indexation.following,
                    "changed": len(diff.changed),
                    "fees_changed": diff.indexation.fees_changed,
                    "copayment_percent": diff.indexation.copayment_percent,
                    "copayments_changed": diff.indexation.copayments_changed,
                },
                "review": _in_document_order(
                    [_change_view(c) for c in diff.changed if not c.follows_indexation]
                ),
                "following": _by_section(
                    [
                        _change_view(c, diff.indexation.percent)
                        for c in diff.changed
                        if c.follows_indexation
                    ]
                ),
                "added": _by_section([_row_view(row) for row in diff.added]),
                "removed": _by_section([_row_view(row) for row in diff.removed]),
                "unreadable": [_row_view(row) for row in diff.unreadable],
                "added_rows": _in_document_order([_row_view(row) for row in diff.added]),
                "removed_rows": _in_document_order([_row_view(row) for row in diff.removed]),
                "described": _in_document_order(
                    [_change_view(c) for c in diff.description_only]
                    + [_change_view(c) for c in diff.changed if c.description_changed]
                ),
                "warnings": warnings,
                "histogram": _fee_histogram(diff),
            }
        )
    return {
        "circular": report.circular or "(number unknown)",
        "effective_from": report.effective_from.isoformat(),
        "languages": languages,
        "compared_languages": len(report.languages) > 1,
        "mismatches": [
            {"key": ["" if value is None else value for value in m.key], "detail": m.detail}
            for m in report.language_mismatches
        ],
        "columns": [BY_NAME[name].label for name in AMOUNT_COLUMNS],
        "key_headings": [BY_NAME[name].label for name in KEY_COLUMNS],
        "summary_rows": [
            ("added", "added"),
            ("removed", "removed"),
            *(
                [("unreadable", "unreadable (flagged line)")]
                if any(part.diff.unreadable for part in report.languages)
                else []
            ),
            ("changed", "amounts changed"),
            ("described", "description changed"),
            ("unchanged", "unchanged"),
            ("warnings", "flagged source lines"),
        ],
    }


def render(report: ChangeReport, template: str) -> str:
    """Render changes.md or changes.html; HTML is autoescaped, Markdown cells are escaped.

    changes.md is a summary that must fit a pull-request description whatever the size of
    the circular: its tables are cut to fewer rows until it fits MARKDOWN_LIMIT, saying how
    many more rows changes.html holds. changes.html holds everything.
    """
    data = view(report)
    if not template.endswith(".md.j2"):
        return str(_environment(None).get_template(template).render(**data, limit=None))
    text = ""
    for limit in ROW_LIMITS:
        text = str(_environment(limit).get_template(template).render(**data, limit=limit))
        if len(text) <= MARKDOWN_LIMIT:
            break
    return text


def _environment(limit: int | None) -> Any:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("extractor", "templates"),
        autoescape=jinja2.select_autoescape(["html", "html.j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = _markdown_cell
    environment.filters["limited"] = lambda rows: list(rows)[:limit]
    return environment


def _markdown_cell(text: object) -> str:
    """Text safe inside a Markdown table cell: no pipes, no HTML, no line breaks."""
    value = str(text)
    for raw, safe in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("\n", " ")):
        value = value.replace(raw, safe)
    return value


def change_records(report: ChangeReport) -> list[dict[str, Any]]:
    """Every change, flat, keyed like the tariff table: the rows of changes.json."""
    records: list[dict[str, Any]] = []

    def record(row: TariffRow, kind: str, column: str, old: Any, new: Any, **extra: Any) -> None:
        records.append(
            {
                "language": row.language,
                **{name: getattr(row, name) for name in KEY_COLUMNS},
                "kind": kind,
                "column": column,
                "old": old,
                "new": new,
                "absolute": extra.get("absolute"),
                "relative": extra.get("relative"),
                "follows_indexation": extra.get("follows", False),
                "section": row.section,
                "source": str(row.source),
            }
        )

    for part in report.languages:
        for row in part.diff.added:
            record(row, "added", "", None, None)
        for row in part.diff.removed:
            record(row, "removed", "", None, None)
        for row in part.diff.unreadable:
            record(row, "unreadable", "", None, None)
        for change in part.diff.changed:
            for column in change.amounts:
                record(
                    change.new,
                    "changed",
                    column.column,
                    None if column.old is None else format_amount(column.old),
                    None if column.new is None else format_amount(column.new),
                    absolute=None if column.absolute is None else f"{column.absolute:f}",
                    relative=None if column.relative is None else f"{column.relative:f}",
                    follows=change.follows_indexation,
                )
        for change in [
            *part.diff.description_only,
            *(c for c in part.diff.changed if c.description_changed),
        ]:
            record(
                change.new,
                "description",
                "description",
                change.old.description,
                change.new.description,
            )
    return records


def changes_json(report: ChangeReport) -> str:
    """changes.json, its change table checked against schemas/changes.py first."""
    from extractor.validate import validate_changes

    records = change_records(report)
    validate_changes(records)
    document = {
        "circular": report.circular,
        "effective_from": report.effective_from.isoformat(),
        "languages": [
            {
                "language": part.language,
                "previous": None
                if part.previous is None
                else {
                    "circular": part.previous.circular,
                    "effective_from": part.previous.effective_from.isoformat(),
                    "source_file": part.previous.source_file,
                },
                "summary": {
                    "rows": len(part.rows),
                    "added": len(part.diff.added),
                    "removed": len(part.diff.removed),
                    "changed": len(part.diff.changed),
                    "description_changed": len(part.diff.description_only)
                    + sum(c.description_changed for c in part.diff.changed),
                    "unchanged": part.diff.unchanged,
                },
                "indexation": {
                    "rate": None
                    if part.diff.indexation.rate is None
                    else f"{part.diff.indexation.rate:f}",
                    "following": part.diff.indexation.following,
                    "not_following": len(part.diff.indexation.not_following),
                },
            }
            for part in report.languages
        ],
        "language_mismatches": [
            {**dict(zip(KEY_COLUMNS, m.key, strict=True)), "detail": m.detail}
            for m in report.language_mismatches
        ],
        "changes": records,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
