"""The SQLite store of every ingested circular and its rows, with effective dating.

Amounts are stored as decimal text, never REAL. A row is in force from its effective_from
to its effective_to: the day before the next version of its tariff set takes effect (the
next circular of the same language, later in effect, sharing codes with it). effective_to
is recomputed from all versions after every ingestion, so the order of ingestion does not
matter.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from extractor.columns import AMOUNT_COLUMNS, COLUMNS, TABLE, from_text, row_key, sql_order, to_text
from extractor.errors import StoreError
from extractor.model import Extraction, TariffRow

# Each migration brings the schema from its position in this list to the next version; a store
# is upgraded in place, in one transaction, when it is opened. Never edit a released migration:
# append one. Version 1 is the first released schema.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE circulars (
            id INTEGER PRIMARY KEY,
            circular TEXT NOT NULL,
            language TEXT NOT NULL,
            subject TEXT NOT NULL,
            effective_from TEXT NOT NULL,
            issued_on TEXT,
            source_file TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            ingested_at TEXT NOT NULL,
            UNIQUE (sha256, language)
        )""",
        """CREATE TABLE tariffs (
            id INTEGER PRIMARY KEY,
            circular_id INTEGER NOT NULL REFERENCES circulars (id),
            language TEXT NOT NULL,
            code_amb TEXT NOT NULL,
            code_hos TEXT NOT NULL,
            age_min INTEGER,
            age_max INTEGER,
            effective_from TEXT NOT NULL,
            effective_to TEXT,
            fee TEXT,
            reimbursement_preferential TEXT,
            reimbursement_standard TEXT,
            copayment_preferential TEXT,
            copayment_standard TEXT,
            description TEXT NOT NULL,
            footnotes TEXT NOT NULL,
            section TEXT NOT NULL,
            source TEXT NOT NULL,
            group_session INTEGER NOT NULL
        )""",
        """CREATE UNIQUE INDEX tariffs_key ON tariffs (
            language, code_amb, code_hos, IFNULL(age_min, -1), IFNULL(age_max, -1), effective_from
        )""",
        "CREATE INDEX tariffs_code ON tariffs (code_amb, effective_from)",
        "CREATE INDEX tariffs_hospital_code ON tariffs (code_hos, effective_from)",
        "CREATE INDEX tariffs_circular ON tariffs (circular_id)",
    ),
    (  # 2: a condition in the key (MET GMD, a second reimbursement pair), key letters
        "ALTER TABLE tariffs ADD COLUMN condition TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE tariffs ADD COLUMN key_letters TEXT",
        "DROP INDEX tariffs_key",
        """CREATE UNIQUE INDEX tariffs_key ON tariffs (
            language, code_amb, code_hos, IFNULL(age_min, -1), IFNULL(age_max, -1), condition,
            effective_from
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

# The tariff columns as kept in the tariffs table (the circular number lives on its circular);
# key columns of text are stored '' for none, so that the unique index sees them as equal.
_STORED = tuple(name for name in COLUMNS if name != "circular")
_EMPTY_AS_TEXT = {c.name for c in TABLE if c.kind == "key" and c.type == "string"}


def _to_store(name: str, value: Any) -> Any:
    stored = to_text(name, value)
    return "" if stored is None and name in _EMPTY_AS_TEXT else stored


def _from_store(name: str, value: Any) -> Any:
    return value if value is None or isinstance(value, int) else from_text(name, str(value))


@dataclass(frozen=True)
class StoredCircular:
    id: int
    circular: str
    language: str
    subject: str
    effective_from: date
    source_file: str


@dataclass(frozen=True)
class StoredRow:
    """A row as kept in the store: the tariff line with its validity and its circular."""

    row: TariffRow
    effective_to: date | None
    circular: str


@dataclass(frozen=True)
class Ingested:
    circular: StoredCircular
    new: bool
    note: str = ""


class Store:
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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_schema(self) -> None:
        """Create a new store, or upgrade an older one in place; refuse a newer one."""
        if self._version() == SCHEMA_VERSION:
            return
        with self.transaction():
            version = self._version()  # another run may have upgraded it while we waited
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    self.connection.execute(statement)
            self.connection.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )

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

    def ingest(self, extraction: Extraction, sha256: str) -> Ingested:
        """Store one circular's rows; the same file twice, or the same tariffs again, add nothing."""
        info = extraction.info
        existing = self.connection.execute(
            "SELECT id FROM circulars WHERE sha256 = ? AND language = ?", (sha256, info.language)
        ).fetchone()
        if existing:
            return Ingested(self.circular(existing[0]), False, "already in the store")
        codes = {row.code_amb for row in extraction.rows}
        for same_day in self._circulars(info.language, info.effective_from):
            if codes & self.codes_of(same_day.id):
                if _comparable(self.rows_of(same_day.id)) == _comparable(extraction.rows):
                    return Ingested(
                        same_day, False, f"same tariffs as {same_day.source_file}, already stored"
                    )
                raise StoreError(
                    f"the store already holds other {info.language} tariffs effective "
                    f"{info.effective_from.isoformat()} for these codes (from {same_day.source_file}); "
                    "a corrected circular needs a new effective date or a fresh store",
                    info.source_file,
                )
        cursor = self.connection.execute(
            "INSERT INTO circulars (circular, language, subject, effective_from, issued_on,"
            " source_file, sha256, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                info.circular,
                info.language,
                info.subject,
                info.effective_from.isoformat(),
                info.issued_on.isoformat() if info.issued_on else None,
                info.source_file,
                sha256,
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        )
        circular_id = cursor.lastrowid
        assert circular_id is not None
        self.connection.executemany(
            f"INSERT INTO tariffs (circular_id, group_session, {', '.join(_STORED)})"
            f" VALUES (?, ?, {', '.join('?' for _ in _STORED)})",
            [
                (
                    circular_id,
                    int(row.group_session),
                    *(_to_store(name, getattr(row, name)) for name in _STORED),
                )
                for row in extraction.rows
            ],
        )
        self.update_effective_to()
        return Ingested(self.circular(circular_id), True)

    def update_effective_to(self) -> None:
        """Each row ends the day before the next version of its tariff set takes effect."""
        circulars = self._circulars()
        codes = {c.id: self.codes_of(c.id) for c in circulars}
        for circular in circulars:
            following = self._next_version(circular, circulars, codes)
            end = (following.effective_from - timedelta(days=1)).isoformat() if following else None
            self.connection.execute(
                "UPDATE tariffs SET effective_to = ? WHERE circular_id = ?", (end, circular.id)
            )

    @staticmethod
    def _next_version(
        circular: StoredCircular, circulars: list[StoredCircular], codes: dict[int, set[str]]
    ) -> StoredCircular | None:
        later = [
            c
            for c in circulars
            if c.language == circular.language
            and c.effective_from > circular.effective_from
            and codes[c.id] & codes[circular.id]
        ]
        return min(later, key=lambda c: (c.effective_from, c.id), default=None)

    # --- Reading ---------------------------------------------------------------------

    def circular(self, circular_id: int) -> StoredCircular:
        row = self.connection.execute(
            "SELECT id, circular, language, subject, effective_from, source_file FROM circulars WHERE id = ?",
            (circular_id,),
        ).fetchone()
        return _stored_circular(row)

    def _circulars(
        self, language: str | None = None, effective_from: date | None = None
    ) -> list[StoredCircular]:
        query = "SELECT id, circular, language, subject, effective_from, source_file FROM circulars WHERE 1 = 1"
        parameters: list[str] = []
        if language is not None:
            query += " AND language = ?"
            parameters.append(language)
        if effective_from is not None:
            query += " AND effective_from = ?"
            parameters.append(effective_from.isoformat())
        rows = self.connection.execute(
            query + " ORDER BY effective_from, id", parameters
        ).fetchall()
        return [_stored_circular(row) for row in rows]

    def codes_of(self, circular_id: int) -> set[str]:
        rows = self.connection.execute(
            "SELECT DISTINCT code_amb FROM tariffs WHERE circular_id = ?", (circular_id,)
        )
        return {row[0] for row in rows}

    def rows_of(self, circular_id: int) -> list[TariffRow]:
        return [stored.row for stored in self._select("circular_id = ?", (circular_id,))]

    def previous_version(self, circular_id: int) -> StoredCircular | None:
        """The most recent earlier version of the same tariff set (same language, shared codes)."""
        current = self.circular(circular_id)
        codes = self.codes_of(circular_id)
        earlier = [
            c
            for c in self._circulars(current.language)
            if c.effective_from < current.effective_from and codes & self.codes_of(c.id)
        ]
        return max(earlier, key=lambda c: (c.effective_from, c.id), default=None)

    def history(self, code: str) -> list[StoredRow]:
        """Every stored version of a code, by language, age band and date."""
        return self._select(
            "t.id IN (SELECT id FROM tariffs WHERE code_amb = ? UNION ALL SELECT id FROM tariffs WHERE code_hos = ?)",
            (code, code),
        )

    def in_force(self, code: str, on: date) -> list[StoredRow]:
        """The rows of a code in force on a date (one per language and age band)."""
        day = on.isoformat()
        # Two indexed lookups rather than one OR, which SQLite would answer with a full scan.
        return self._select(
            "t.id IN (SELECT id FROM tariffs WHERE code_amb = ? AND effective_from <= ?"
            " UNION ALL SELECT id FROM tariffs WHERE code_hos = ? AND effective_from <= ?)"
            " AND (t.effective_to IS NULL OR t.effective_to >= ?)",
            (code, day, code, day, day),
        )

    def _select(self, where: str, parameters: tuple[object, ...]) -> list[StoredRow]:
        cursor = self.connection.execute(
            f"SELECT c.circular, t.group_session, t.effective_to,"
            f" {', '.join(f't.{name}' for name in _STORED)}"
            f" FROM tariffs t JOIN circulars c ON c.id = t.circular_id WHERE {where}"
            f" ORDER BY {sql_order('t')}",
            parameters,
        )
        names = [description[0] for description in cursor.description]
        return [_stored_row(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def _stored_circular(row: tuple[object, ...]) -> StoredCircular:
    identifier, circular, language, subject, effective_from, source_file = row
    return StoredCircular(
        int(str(identifier)),
        str(circular),
        str(language),
        str(subject),
        date.fromisoformat(str(effective_from)),
        str(source_file),
    )


def _stored_row(values: dict[str, Any]) -> StoredRow:
    tariff = TariffRow(
        circular=str(values["circular"]),
        group_session=bool(values["group_session"]),
        **{name: _from_store(name, values[name]) for name in _STORED},
    )
    end = None if values["effective_to"] is None else date.fromisoformat(values["effective_to"])
    return StoredRow(tariff, end, tariff.circular)


def _comparable(rows: list[TariffRow]) -> set[tuple[object, ...]]:
    return {(r.language, *row_key(r), *(getattr(r, n) for n in AMOUNT_COLUMNS)) for r in rows}
