"""The store's questions about versions: what was in force when, as known on a day, for
exports (versions), flagged lines, the units of a domain, what a new circular meets."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import date

from extractor.columns import KEY_COLUMNS
from extractor.location import Location
from extractor.model import Issue, TariffRow
from extractor.stored import (
    UNIT_COLUMNS,
    Flag,
    StoredCircular,
    StoredRow,
    stored_circular,
    with_validity,
)
from extractor.versions import Unit, VersionRow, domain_link, validity


class VersionQueries:
    """Mixed into Store: reads only."""

    def issues_of(self, circular_id: int) -> list[Issue]:
        """The flagged source lines of a unit, in source order."""
        issues = [
            Issue(severity, rule, message, Location.parse(where), tuple(json.loads(raw)), code)
            for severity, rule, message, where, raw, code in self.connection.execute(
                "SELECT severity, rule, message, location, raw, code FROM flagged"
                " WHERE circular_id = ? ORDER BY id",
                (circular_id,),
            )
        ]
        return sorted(issues, key=lambda issue: issue.location.order)

    connection: sqlite3.Connection

    def select(self, where: str, parameters: tuple[object, ...]) -> list[StoredRow]:
        raise NotImplementedError

    def version_rows(
        self, where: str = "1 = 1", parameters: tuple[object, ...] = (), source: str = "tariffs t"
    ) -> list[VersionRow]:
        raise NotImplementedError

    def units_of_sets(self, sets: Iterable[int]) -> list[StoredCircular]:
        """The stored units of these tariff sets, by effective date and order of storing."""
        found = self.connection.execute(
            f"SELECT {UNIT_COLUMNS} FROM circulars WHERE tariff_set IN"
            " (SELECT value FROM json_each(?)) ORDER BY effective_from, id",
            (json.dumps(sorted(set(sets))),),
        )
        return [stored_circular(row) for row in found]

    def units_and_sets(self, ids: Iterable[int]) -> tuple[list[Unit], dict[int, int]]:
        """These units, and the tariff set of each."""
        units, sets = [], {}
        for *row, tariff_set in self.connection.execute(
            f"SELECT {UNIT_COLUMNS}, tariff_set FROM circulars WHERE id IN"
            " (SELECT value FROM json_each(?))",
            (json.dumps(sorted(ids)),),
        ):
            unit = stored_circular(tuple(row)).unit
            units.append(unit)
            sets[unit.id] = tariff_set
        return units, sets

    def linked_sets(self, unit: Unit) -> set[int]:
        """The tariff sets of the stored units `unit` links to (versions.domain_groups: the
        same domain link, or the same circular number and effective date), by index."""
        return {
            found
            for (found,) in self.connection.execute(
                "SELECT tariff_set FROM circulars WHERE domain_link = ? UNION SELECT tariff_set"
                " FROM circulars WHERE circular = ? AND circular != '' AND effective_from = ?",
                (domain_link(unit), unit.circular, unit.effective_from.isoformat()),
            )
            if found is not None  # a unit being stored has no set yet
        }

    def as_known_on(self, rows: list[StoredRow], known_on: date) -> list[StoredRow]:
        """These rows with the validity the store gave them at the end of `known_on`; `rows`
        holds every stored row of each key it holds (a code's history, or every row).

        Validity sees the units of the tariff sets of these rows (a set at a past day is part
        of one now) and one row of each of their full circulars: a full circular that does not
        list a key ends it, and it would go unseen among the rows of one code (store_update.py).
        """
        ids = [r.id for r in rows]
        by_id = dict(zip(ids, rows, strict=True))
        # One JSON parameter, not one SQL variable per row: a store holds millions of rows.
        sets = [
            found
            for (found,) in self.connection.execute(
                "SELECT DISTINCT c.tariff_set FROM circulars c WHERE c.id IN (SELECT DISTINCT"
                " t.circular_id FROM tariffs t WHERE t.id IN (SELECT value FROM json_each(?)))",
                (json.dumps(ids),),
            )
        ]
        units = self.units_of_sets(sets)
        full_units = [u.id for u in units if u.scope == "full"]
        computed = validity(
            [c.unit for c in units],
            self.version_rows(
                "t.id IN (SELECT value FROM json_each(?)) OR t.id IN (SELECT (SELECT MIN(id)"
                " FROM tariffs WHERE circular_id = w.value) FROM json_each(?) w)",
                (json.dumps(ids), json.dumps(full_units)),
            ),
            known_on,
        )
        return [with_validity(by_id[i], v) for i, v in computed.items() if i in by_id]

    def versions_of(self, codes: Iterable[str], days: Iterable[date]) -> list[StoredRow]:
        """versions() of the rows of these codes (code_amb as stored) taking effect on these
        days, in its order: what the exports of a run ask, read by index, not every row."""
        return [
            r
            for r in self.select(
                "t.code_amb IN (SELECT value FROM json_each(?))"
                " AND t.effective_from IN (SELECT value FROM json_each(?))",
                (
                    json.dumps(sorted(set(codes))),
                    json.dumps(sorted({day.isoformat() for day in days})),
                ),
            )
            if not r.superseded
        ]

    def versions(self, known_on: date | None = None) -> list[StoredRow]:
        """Every version of every tariff with its validity (valid_from .. valid_to, None: still
        in force), one row per key, date and language, without superseded rows; for exports."""
        rows = self.select("1 = 1", ())
        if known_on is not None:
            rows = self.as_known_on(rows, known_on)
        return [r for r in rows if not r.superseded]

    def flagged(self, code: str) -> list[Flag]:
        """Source lines naming this code that could not be read, oldest first."""
        return [
            Flag(
                code,
                circular or source,
                date.fromisoformat(day),
                Location.parse(where),
                message,
                recorded,
            )
            for circular, source, day, where, message, recorded in self.connection.execute(
                "SELECT c.circular, c.source_file, c.effective_from, f.location, f.message,"
                " c.ingested_at"
                " FROM flagged f JOIN circulars c ON c.id = f.circular_id WHERE f.code = ?"
                " ORDER BY c.effective_from, f.id",
                (code,),
            )
        ]

    def domain_units(self, unit: StoredCircular | Unit) -> list[StoredCircular]:
        """The stored units of the same tariff set as `unit` (which need not be stored): those
        of the sets it links to (a stored unit links to its own)."""
        return self.units_of_sets(
            self.linked_sets(unit.unit if isinstance(unit, StoredCircular) else unit)
        )

    def keys_in_force(self, unit_ids: list[int], day: date) -> set[tuple[object, ...]]:
        """The tariff keys of these units in force on a day (every language counted once)."""
        marks = ", ".join("?" for _ in unit_ids)
        return set(
            self.connection.execute(
                f"SELECT DISTINCT {', '.join(KEY_COLUMNS)} FROM tariffs WHERE superseded = 0"
                f" AND circular_id IN ({marks}) AND effective_from <= ?"
                " AND (effective_to IS NULL OR effective_to >= ?)",
                (*unit_ids, day.isoformat(), day.isoformat()),
            ).fetchall()
        )

    def same_date_rows(self, day: date, codes: Iterable[str]) -> list[TariffRow]:
        """The rows of these codes taking effect on a day, from units that are not corrigenda
        (one indexed range per code: the other domains' rows of that day are not read)."""
        return [
            stored.row
            for stored in self.select(
                "t.code_amb IN (SELECT value FROM json_each(?)) AND t.effective_from = ?"
                " AND c.scope != 'corrigendum'",
                (json.dumps(sorted(set(codes))), day.isoformat()),
            )
        ]
