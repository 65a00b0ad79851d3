"""The SQLite store of every ingested unit (file + sheet + language) and its rows.

Amounts are stored as decimal text, never REAL. Which version of a tariff is in force when
is decided by extractor/versions.py (by key across languages, per domain, by scope) from all
units, and kept in effective_to and superseded after every change, so the order of ingestion
does not matter. Each unit keeps the time the store learnt it (ingested_at, the recorded
time): lookups "as known on" a day recompute without the units learnt later.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from extractor.columns import AMOUNT_COLUMNS, KEY_COLUMNS, sql_order
from extractor.errors import StoreError
from extractor.model import Extraction, TariffRow
from extractor.store_schema import MIGRATIONS, SCHEMA_VERSION, TARIFF_SETS
from extractor.store_update import fill_tariff_sets, remove_units, update_after_ingest
from extractor.store_versions import VersionQueries
from extractor.stored import (
    STORED,
    UNIT_COLUMNS,
    Flag,
    Ingested,
    StoredCircular,
    StoredRow,
    restated,
    sheet_of,
    stored_circular,
    stored_rows_of,
    to_store,
)
from extractor.versions import DOMAIN_LINK_RULES, VersionRow, validity

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Flag",
    "Ingested",
    "Store",
    "StoreError",
    "StoredCircular",
    "StoredRow",
]


class Store(VersionQueries):
    """One connection; use `with store.transaction():` around every change."""

    def __init__(self, path: Path | str, timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.connection = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self.connection.execute("PRAGMA foreign_keys = ON")
            self._check_schema()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"not a usable tariff store ({error})", self.path) from None

    def close(self) -> None:
        self.connection.close()

    @classmethod
    @contextmanager
    def for_run(cls, path: Path | str) -> Iterator[Store]:
        """Open or create the store of a run; one this call created is removed again when the
        run fails before anything was stored, so a refused first run leaves no empty store."""
        path = Path(path)
        created = not path.exists()
        store = cls(path)
        try:
            yield store
        except BaseException:
            empty = not store.connection.execute("SELECT 1 FROM circulars LIMIT 1").fetchone()
            store.close()
            if created and empty:
                path.unlink(missing_ok=True)
            raise
        store.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_schema(self) -> None:
        """Create a new store, or upgrade an older one in place; refuse a newer one. A store
        whose domain links were computed by other rules is relinked, its validity recomputed."""
        if self._version() == SCHEMA_VERSION and self._link_rules() == DOMAIN_LINK_RULES:
            return
        with self.transaction():
            version = self._version()  # another run may have upgraded it while we waited
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    self.connection.execute(statement)
            if version < TARIFF_SETS:
                fill_tariff_sets(self)  # sets as the rules that stored the validity gave them
            elif self._link_rules() != DOMAIN_LINK_RULES:
                fill_tariff_sets(self)
                self.update_effective_to()  # other sets: other tariffs a full circular ends
            self.connection.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [
                    ("schema_version", str(SCHEMA_VERSION)),
                    ("domain_link_rules", str(DOMAIN_LINK_RULES)),
                ],
            )

    def _link_rules(self) -> int:
        """The DOMAIN_LINK_RULES the store's links were computed by (1: the first, which
        stores of schema 6 written before the number was kept used)."""
        row = self.connection.execute(
            "SELECT value FROM meta WHERE key = 'domain_link_rules'"
        ).fetchone()
        return int(row[0]) if row and row[0].isdigit() else 1

    def _version(self) -> int:
        tables = {
            r[0]
            for r in self.connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if not tables:
            return 0
        if "meta" not in tables:
            raise StoreError("this SQLite file is not an inami-tariffs store", self.path)
        row = self.connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
        found = row[0] if row else "none"
        if not found.isdigit() or int(found) > SCHEMA_VERSION:
            raise StoreError(
                f"store schema version {found}, this version of inami-tariffs knows versions up to"
                f" {SCHEMA_VERSION}: upgrade inami-tariffs",
                self.path,
            )
        return int(found)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; a second writer waits for the lock, then fails with a clear message."""
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StoreError(
                f"the store is busy: another run holds it ({error})", self.path
            ) from None
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    # --- Writing ---------------------------------------------------------------------

    def ingest(
        self,
        extraction: Extraction,
        sha256: str,
        *,
        recorded_at: str | None = None,
        replace: bool = False,
        authoritative: str = "",
    ) -> Ingested:
        """Store one unit; the same file again with the same facts adds nothing.

        A stored file stated otherwise (another date, number, domain or scope) is refused
        unless `replace`; other amounts for the same keys and date are refused unless this is
        a corrigendum, or (the other language) `authoritative` says whose amounts win.
        """
        info = extraction.info
        sheet = sheet_of(extraction)
        stored = self.stored_unit(sha256, extraction)
        if stored is not None:
            differences = restated(stored, extraction)
            if not differences:
                return Ingested(stored, False, "already in the store")
            if not replace:
                raise StoreError(
                    f"already in the store with other facts ({'; '.join(differences)});"
                    " pass --replace to store it again as stated now",
                    info.source_file,
                )
            remove_units(self, [stored.id])
        if info.scope != "corrigendum":
            from extractor.admission import check_same_date

            check_same_date(self, extraction, authoritative)
        import hashlib  # here: lookup and history start without OpenSSL's library

        unit_digest = hashlib.sha256(f"{sha256}#{sheet}".encode()).hexdigest() if sheet else sha256
        cursor = self.connection.execute(
            "INSERT INTO circulars (circular, language, subject, effective_from, issued_on,"
            " source_file, sha256, ingested_at, domain, scope, corrects, sheet, file_sha256,"
            " authoritative) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                info.circular,
                info.language,
                info.subject,
                info.effective_from.isoformat(),
                info.issued_on.isoformat() if info.issued_on else None,
                info.source_file,
                unit_digest,
                recorded_at or datetime.now(UTC).isoformat(timespec="seconds"),
                info.domain,
                info.scope or "full",
                info.corrects,
                sheet,
                sha256,
                authoritative,
            ),
        )
        circular_id = cursor.lastrowid
        assert circular_id is not None
        self.connection.executemany(
            f"INSERT INTO tariffs (circular_id, group_session, {', '.join(STORED)})"
            f" VALUES (?, ?, {', '.join('?' for _ in STORED)})",
            [
                (
                    circular_id,
                    int(row.group_session),
                    *(to_store(name, getattr(row, name)) for name in STORED),
                )
                for row in extraction.rows
            ],
        )
        self.connection.executemany(
            "INSERT INTO flagged (circular_id, code, location, message, rule, severity, raw)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    circular_id,
                    i.code,
                    str(i.location),
                    i.message,
                    i.rule,
                    i.severity,
                    json.dumps(i.raw),
                )
                for i in extraction.issues
                if i.raw
            ],
        )
        update_after_ingest(self, circular_id)
        return Ingested(self.circular(circular_id), True)

    def retract(self, circular: str) -> list[StoredCircular]:
        """Remove every unit of a circular (its number, or its file name) and recompute."""
        units = [
            stored_circular(row)
            for row in self.connection.execute(
                f"SELECT {UNIT_COLUMNS} FROM circulars WHERE id IN (SELECT id FROM circulars"
                " WHERE circular = ? UNION SELECT id FROM circulars WHERE source_file = ?)"
                " ORDER BY effective_from, id",
                (circular, circular),
            )
        ]
        remove_units(self, [unit.id for unit in units])
        return units

    def update_effective_to(self) -> None:
        """Recompute every row's end and whether it is superseded (extractor/versions.py)."""
        current = {
            row_id: (end, bool(superseded))
            for row_id, end, superseded in self.connection.execute(
                "SELECT id, effective_to, superseded FROM tariffs"
            )
        }
        computed = validity([c.unit for c in self.circulars()], self.version_rows())
        changed = [
            (None if v.effective_to is None else v.effective_to.isoformat(), int(v.superseded), i)
            for i, v in computed.items()
            if current[i]
            != (None if v.effective_to is None else v.effective_to.isoformat(), v.superseded)
        ]
        self.connection.executemany(
            "UPDATE tariffs SET effective_to = ?, superseded = ? WHERE id = ?", changed
        )

    def version_rows(
        self, where: str = "1 = 1", parameters: tuple[object, ...] = (), source: str = "tariffs t"
    ) -> list[VersionRow]:
        """What validity needs of the rows `where` names (in `source`, the rows being `t`)."""
        keys = ", ".join(f"t.{name}" for name in KEY_COLUMNS)
        amounts = ", ".join(f"t.{name}" for name in AMOUNT_COLUMNS)
        return [
            VersionRow(
                row[0],
                row[1],
                tuple(row[3 : 3 + len(KEY_COLUMNS)]),
                date.fromisoformat(row[2]),
                tuple(row[3 + len(KEY_COLUMNS) :]),
            )
            for row in self.connection.execute(
                f"SELECT t.id, t.circular_id, t.effective_from, {keys}, {amounts} FROM {source}"
                f" WHERE {where}",
                parameters,
            )
        ]

    # --- Reading ---------------------------------------------------------------------

    def circular(self, circular_id: int) -> StoredCircular:
        row = self.connection.execute(
            f"SELECT {UNIT_COLUMNS} FROM circulars WHERE id = ?", (circular_id,)
        ).fetchone()
        return stored_circular(row)

    def circulars(self) -> list[StoredCircular]:
        """Every stored unit, by effective date and order of storing."""
        rows = self.connection.execute(
            f"SELECT {UNIT_COLUMNS} FROM circulars ORDER BY effective_from, id"
        ).fetchall()
        return [stored_circular(row) for row in rows]

    def rows_of(self, circular_id: int) -> list[TariffRow]:
        return [stored.row for stored in self.select("circular_id = ?", (circular_id,))]

    def history(self, code: str) -> list[StoredRow]:
        """Every stored version of a code, by language, age band and date, superseded too."""
        return self.select(
            "t.id IN (SELECT id FROM tariffs WHERE code_amb = ? UNION ALL SELECT id FROM tariffs WHERE code_hos = ?)",
            (code, code),
        )

    def in_force(self, code: str, on: date, known_on: date | None = None) -> list[StoredRow]:
        """The rows of a code in force on a date (every language; superseded ones give their
        language's description); `known_on`: as the store knew it at the end of that day."""
        day = on.isoformat()
        if known_on is not None:
            return [
                r
                for r in self.as_known_on(self.history(code), known_on)
                if r.row.effective_from <= on and (r.effective_to is None or on <= r.effective_to)
            ]
        # Two indexed lookups rather than one OR, which SQLite would answer with a full scan.
        return self.select(
            "t.id IN (SELECT id FROM tariffs WHERE code_amb = ? AND effective_from <= ?"
            " UNION ALL SELECT id FROM tariffs WHERE code_hos = ? AND effective_from <= ?)"
            " AND (t.effective_to IS NULL OR t.effective_to >= ?)",
            (code, day, code, day, day),
        )

    def stored_unit(self, sha256: str, extraction: Extraction) -> StoredCircular | None:
        """The unit already stored from this file, sheet and language, if any."""
        found = self.connection.execute(
            "SELECT id FROM circulars WHERE file_sha256 = ? AND language = ? AND sheet IN (?, '')",
            (sha256, extraction.info.language, sheet_of(extraction)),
        ).fetchone()
        return None if found is None else self.circular(found[0])

    def select(self, where: str, parameters: tuple[object, ...]) -> list[StoredRow]:
        cursor = self.connection.execute(_SELECT + where + _ORDER, parameters)
        return stored_rows_of(cursor.fetchall())


# What Store.select reads (stored.SELECTED) and in which order, written once.
_SELECT = (
    "SELECT t.id AS row_id, c.circular, t.group_session, t.effective_to, t.superseded,"
    f" c.ingested_at, c.scope, {', '.join(f't.{name}' for name in STORED)}"
    " FROM tariffs t JOIN circulars c ON c.id = t.circular_id WHERE "
)
_ORDER = f" ORDER BY {sql_order('t')}, c.ingested_at, c.id"
