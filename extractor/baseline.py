"""What a new circular is compared with: what was in force the day before in its domain (for a
corrigendum, on its own date as known before it), in its language, with the amounts in force."""

from __future__ import annotations

import json
from datetime import date, timedelta

from extractor.columns import KEY_COLUMNS, row_key
from extractor.model import TariffRow
from extractor.report import Version
from extractor.store import Store, StoredCircular
from extractor.stored import amounts_once, to_store, with_validity
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
    if not known:
        return [], None
    ids = json.dumps([c.id for c in known])
    codes, parameters = "", [ids, day.isoformat()]
    if unit.scope != "full":  # only the tariffs it lists are compared
        codes = " AND code_amb IN (SELECT value FROM json_each(?))"
        parameters.append(json.dumps(sorted({to_store("code_amb", r.code_amb) for r in listed})))
    # The versions of a key before its latest one on the day are ended by it: per code, its
    # rows from the earliest of its keys' latest versions on, and one row of each full unit (a
    # full circular ends the keys it leaves out), are what the validity of the rows in force
    # on the day depends on; read by index, not the domain's whole history.
    since = store.connection.execute(
        "SELECT code_amb, MIN(latest) FROM (SELECT code_amb, MAX(effective_from) AS latest"
        " FROM tariffs WHERE circular_id IN (SELECT value FROM json_each(?))"
        f" AND effective_from <= ?{codes} GROUP BY {', '.join(KEY_COLUMNS)}) GROUP BY code_amb",
        parameters,
    ).fetchall()
    where = (
        "t.circular_id IN (SELECT value FROM json_each(?)) AND t.id IN (SELECT s.id FROM"
        " json_each(?) w CROSS JOIN tariffs s ON s.code_amb = w.key AND s.effective_from >="
        " w.value)"
    )
    read = (ids, json.dumps(dict(since)))
    rows = {r.id: r for r in store.select(where, read)}
    full = json.dumps([c.id for c in known if c.scope == "full"])
    # In the order of the units' rows, unit by unit (whatever index SQLite takes).
    version_rows = sorted(
        store.version_rows(
            f"({where}) OR t.id IN (SELECT (SELECT MIN(id) FROM tariffs"
            " WHERE circular_id = w.value) FROM json_each(?) w)",
            (*read, full),
        ),
        key=lambda r: (r.unit, r.id),
    )
    computed = validity([c.unit for c in known], version_rows)
    in_force = [
        with_validity(rows[i], v)
        for i, v in computed.items()
        if i in rows
        and rows[i].row.effective_from <= day
        and (v.effective_to is None or day <= v.effective_to)
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
