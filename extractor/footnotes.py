"""Footnotes printed under a table → the rows they qualify; rows the table cannot vouch for.

A row waits (Pending) until the document is read: its footnote text may stand after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor import rules
from extractor.model import AMOUNT_COLUMNS, Issue, TariffRow


@dataclass
class Pending:
    """A parsed row waiting for the footnotes printed under its table.

    A typographic mark (a PDF superscript) is certain; a trailing number in XLSX text is
    only a candidate, taken for a mark when a footnote with that number exists.
    """

    row: TariffRow
    position: int
    description_mark: str | None
    mark_is_certain: bool
    unmarked_description: str
    header_marks: tuple[str, ...]
    under_numbered_heading: bool
    caption: str = ""  # the short unnumbered line above the rows ("Tarif B (tarif special)")
    stated_empty: bool = False  # some amount printed as "-" or "(*)": missing on purpose


def resolve_footnotes(
    pending_rows: list[Pending],
    footnotes: list[tuple[int, str, str]],
    issues: list[Issue],
    numbered_headings: bool,
) -> list[TariffRow]:
    """Attach footnote text: the first definition after the row, else the last one before."""

    def footnote_text(mark: str, position: int) -> str | None:
        after = [text for pos, m, text in footnotes if m == mark and pos > position]
        before = [text for pos, m, text in footnotes if m == mark and pos < position]
        return after[0] if after else (before[-1] if before else None)

    complete_sections = {p.row.section for p in pending_rows if not _fee_only(p.row)}
    rows = []
    for pending in pending_rows:
        row, texts = pending.row, []
        if _fee_only(row) and row.section in complete_sections and not pending.stated_empty:
            issues.append(
                rules.AMOUNT_MISSING.issue(
                    row.source,
                    "only a fee, while the other rows of its section have every amount;"
                    " nothing was filled in",
                    raw=row.raw,
                    code=row.code_amb,
                )
            )
            continue
        if numbered_headings and not pending.under_numbered_heading:
            issues.append(
                rules.SECTION_MISSING.issue(
                    row.source,
                    "the row stands before any heading while the document's tables sit under"
                    " numbered headings: a page may be missing, so the beneficiary group is unknown",
                    raw=row.raw,
                    code=row.code_amb,
                )
            )
            continue
        if pending.description_mark is not None:
            text = footnote_text(pending.description_mark, pending.position)
            if text is not None or pending.mark_is_certain:
                row.description = pending.unmarked_description
            if text is not None:
                texts.append(f"({pending.description_mark}) {text}")
            elif pending.mark_is_certain:
                issues.append(_undefined_mark(pending.description_mark, row))
        for mark in pending.header_marks:
            text = footnote_text(mark, pending.position)
            if text is None:
                issues.append(_undefined_mark(mark, row))
            else:
                texts.append(f"({mark}) {text}")
        row.footnotes = " | ".join(dict.fromkeys(texts))
        rows.append(row)
    return rows


def _fee_only(row: TariffRow) -> bool:
    return row.fee is not None and all(getattr(row, name) is None for name in AMOUNT_COLUMNS[1:])


def _undefined_mark(mark: str, row: TariffRow) -> Issue:
    return rules.FOOTNOTE_UNDEFINED.issue(
        row.source, f"footnote mark {mark} has no footnote text", raw=row.raw, code=row.code_amb
    )
