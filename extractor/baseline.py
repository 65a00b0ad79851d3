"""What a new circular is compared with: what was in force the day before in its domain (for a
corrigendum, on its own date as known before it), in its language, with the amounts in force."""

from __future__ import annotations

from datetime import date, timedelta

from extractor.columns import row_key
from extractor.model import TariffRow
from extractor.report import Version
from extractor.store import Store, StoredCircular
from extractor.stored import amounts_once, with_validity
from extractor.versions import validity


def in_force_before(
    store: Store, unit: StoredCircular, listed: list[TariffRow]
) -> tuple[list[TariffRow], Version | None]:
    """The rows to compare `unit` with, and the latest circular among them (None: nothing).

    A partial circular or a corrigendum is compared on the tariffs it lists only: the others
    stay in force and are neither removed nor unchanged.
    """
    domain = store.domain_units(unit)
    if unit.scope == "corrigendum":
        day: date = unit.effective_from
        known = [
            c
            for c in domain
            if c.scope != "corrigendum" or (c.recorded_at, c.id) < (unit.recorded_at, unit.id)
        ]
    else:
        day = unit.effective_from - timedelta(days=1)
        known = [c for c in domain if c.id != unit.id]
    ids = tuple(c.id for c in known)
    if not ids:
        return [], None
    marks = ", ".join("?" for _ in ids)
    rows = {r.id: r for r in store.select(f"t.circular_id IN ({marks})", ids)}
    computed = validity(
        [c.unit for c in known], store.version_rows(f"circular_id IN ({marks})", ids)
    )
    in_force = [
        with_validity(rows[i], v)
        for i, v in computed.items()
        if rows[i].row.effective_from <= day and (v.effective_to is None or day <= v.effective_to)
    ]
    chosen = [r for r in amounts_once(in_force, unit.language) if r.row.language == unit.language]
    if unit.scope != "full":
        keys = {row_key(row) for row in listed}
        chosen = [r for r in chosen if row_key(r.row) in keys]
    if not chosen:
        return [], None
    latest = max(chosen, key=lambda r: r.row.effective_from)
    source = next(
        (
            c
            for c in reversed(known)
            if c.circular == latest.circular
            and c.effective_from == latest.row.effective_from
            and c.language == unit.language
        ),
        None,
    )
    version = Version(
        latest.circular,
        latest.row.effective_from,
        source.source_file if source else latest.row.source.file,
    )
    return [r.row for r in chosen], version
