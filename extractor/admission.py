"""What the store admits: a circular's scope when it does not say, and no two sets of amounts
for one tariff and date unless a corrigendum or an authoritative language settles which wins.

Codes are never ended silently: a circular that lists far fewer tariffs than its domain has
in force, and says nothing of its scope, is refused with a message asking for --scope.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from extractor.columns import AMOUNT_COLUMNS, row_key
from extractor.errors import StoreError, UsageError
from extractor.model import Extraction, TariffRow
from extractor.stored import to_store
from extractor.values import tariff_name
from extractor.versions import Unit

if TYPE_CHECKING:
    from extractor.store import Store

LANGUAGE_NAMES = {"fr": "French", "nl": "Dutch"}
SHOWN = 3  # rows named in one error message


def settle_scope(store: Store, extraction: Extraction, stored_scope: str | None) -> None:
    """Give the extraction its scope (and what a corrigendum corrects), or refuse it."""
    info = extraction.info
    probe = Unit(-1, info.circular, info.language, info.domain, "full", info.effective_from, "")
    domain = store.domain_units(probe)
    scope = info.scope or stored_scope or ""
    if not scope:
        day = info.effective_from - timedelta(days=1)
        in_force = store.keys_in_force([unit.id for unit in domain], day)
        listed = {row_key(row) for row in extraction.rows}
        if len(listed) * 2 < len(in_force):
            raise UsageError(
                f"lists {len(listed)} tariffs where its domain '{info.domain or '?'}' has"
                f" {len(in_force)} in force on {day.isoformat()}: say what it is with --scope"
                " partial (the others stay in force), full (the others end) or corrigendum",
                info.source_file,
            )
        scope = "full"
    corrects = info.corrects
    if scope == "corrigendum" and not corrects:
        corrects = ", ".join(
            sorted(
                {
                    unit.name
                    for unit in domain
                    if unit.effective_from == info.effective_from and unit.scope != "corrigendum"
                }
            )
        )
    extraction.info = replace(info, scope=scope, corrects=corrects)


def check_same_date(store: Store, extraction: Extraction, authoritative: str) -> None:
    """Other amounts already stored for these tariffs on this date: refuse, naming rows."""
    info = extraction.info
    new = {row_key(row): row for row in extraction.rows}
    same_language: list[str] = []
    other_language: list[str] = []
    source = ""
    codes = {to_store("code_amb", row.code_amb) for row in extraction.rows}
    for stored in store.same_date_rows(info.effective_from, codes):
        row = new.get(row_key(stored))
        if row is None:
            continue
        detail = _difference(stored, row)
        if not detail:
            continue
        if stored.language == info.language:
            same_language.append(detail)
            source = source or str(stored.source.file)
        else:
            other_language.append(detail)
    if same_language:
        raise StoreError(
            f"the store already holds other {info.language} tariffs effective"
            f" {info.effective_from.isoformat()} for {len(same_language)} of these tariffs"
            f" (from {source}: {_listed(same_language)}); if this circular corrects them pass"
            " --scope corrigendum, if the stored one is wrong `retract` it",
            info.source_file,
        )
    if other_language and not authoritative:
        raise StoreError(
            f"French and Dutch amounts disagree for {len(other_language)} tariffs effective"
            f" {info.effective_from.isoformat()}: {_listed(other_language)}; nothing stored:"
            " pass --authoritative fr or nl to say whose amounts are right",
            info.source_file,
        )


def _difference(old: TariffRow, new: TariffRow) -> str:
    differences = [
        f"{name} {getattr(old, name)} in {old.source} vs {getattr(new, name)} in {new.source}"
        for name in AMOUNT_COLUMNS
        if getattr(old, name) != getattr(new, name)
    ]
    if not differences:
        return ""
    return f"{tariff_name(new)}: {', '.join(differences)}"


def _listed(details: list[str]) -> str:
    more = f" and {len(details) - SHOWN} more" if len(details) > SHOWN else ""
    return "; ".join(details[:SHOWN]) + more
