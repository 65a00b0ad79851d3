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
from extractor.stored import Flag, StoredCircular, StoredRow, with_validity
from extractor.versions import Unit, VersionRow, domain_groups, validity


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

    def circulars(self) -> list[StoredCircular]:
        raise NotImplementedError

    def as_known_on(self, rows: list[StoredRow], known_on: date) -> list[StoredRow]:
        """These rows with the validity the store gave them at the end of `known_on`.

        Validity also sees one row of every full circular: a full circular that does not list
        a key ends it, and it would go unseen among the rows of one code (store_update.py)."""
        ids = [r.id for r in rows]
        by_id = dict(zip(ids, rows, strict=True))
        marks = ", ".join("?" for _ in ids)
        full_units = (
            "SELECT (SELECT MIN(id) FROM tariffs WHERE circular_id = c.id)"
            " FROM circulars c WHERE c.scope = 'full'"
        )
        computed = validity(
            [c.unit for c in self.circulars()],
            self.version_rows(f"t.id IN ({marks}) OR t.id IN ({full_units})", tuple(ids)),
            known_on,
        )
        return [with_validity(by_id[i], v) for i, v in computed.items() if i in by_id]

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
        """The stored units of the same tariff set as `unit` (which need not be stored)."""
        stored = self.circulars()
        probe = unit.unit if isinstance(unit, StoredCircular) else unit
        groups = domain_groups([*(c.unit for c in stored if c.id != probe.id), probe])
        return [c for c in stored if groups[c.id] == groups[probe.id]]

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
