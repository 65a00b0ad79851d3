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
from decimal import Decimal
from pathlib import Path

from extractor.errors import ExtractorError
from extractor.model import AMOUNT_COLUMNS, Extraction, TariffRow

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE circulars (
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
);
CREATE TABLE tariffs (
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
);
CREATE UNIQUE INDEX tariffs_key ON tariffs (
    language, code_amb, code_hos, IFNULL(age_min, -1), IFNULL(age_max, -1), effective_from
);
CREATE INDEX tariffs_code ON tariffs (code_amb, effective_from);
CREATE INDEX tariffs_hospital_code ON tariffs (code_hos, effective_from);
CREATE INDEX tariffs_circular ON tariffs (circular_id);
"""


class StoreError(ExtractorError):
    """The store cannot be used as asked: wrong schema version, locked, conflicting data."""


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
        tables = {
            r[0]
            for r in self.connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if not tables:
            with self.transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self.connection.execute(statement)
                self.connection.execute(
                    "INSERT INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
                )
            return
        if "meta" not in tables:
            raise StoreError("this SQLite file is not an inami-tariffs store", self.path)
        row = self.connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
        found = row[0] if row else "none"
        if found != SCHEMA_VERSION:
            raise StoreError(
                f"store schema version {found}, this version of inami-tariffs needs {SCHEMA_VERSION}",
                self.path,
            )

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
            "INSERT INTO tariffs (circular_id, language, code_amb, code_hos, age_min, age_max,"
            " effective_from, fee, reimbursement_preferential, reimbursement_standard,"
            " copayment_preferential, copayment_standard, description, footnotes, section, source,"
            " group_session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    circular_id,
                    row.language,
                    row.code_amb,
                    row.code_hos or "",
                    row.age_min,
                    row.age_max,
                    row.effective_from.isoformat(),
                    *(
                        None if getattr(row, n) is None else str(getattr(row, n))
                        for n in AMOUNT_COLUMNS
                    ),
                    row.description,
                    row.footnotes,
                    row.section,
                    row.source,
                    int(row.group_session),
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
        rows = self.connection.execute(
            "SELECT c.circular, t.language, t.effective_from, t.code_amb, t.code_hos, t.age_min,"
            " t.age_max, t.fee, t.reimbursement_preferential, t.reimbursement_standard,"
            " t.copayment_preferential, t.copayment_standard, t.description, t.footnotes, t.section,"
            " t.source, t.group_session, t.effective_to"
            f" FROM tariffs t JOIN circulars c ON c.id = t.circular_id WHERE {where}"
            " ORDER BY t.language, t.code_amb, t.code_hos, IFNULL(t.age_min, -1), IFNULL(t.age_max, -1),"
            " t.effective_from",
            parameters,
        ).fetchall()
        return [_stored_row(row) for row in rows]


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


def _stored_row(row: tuple[object, ...]) -> StoredRow:
    (circular, language, effective_from, code_amb, code_hos, age_min, age_max, *amounts) = row[:12]
    description, footnotes, section, source, group_session, effective_to = row[12:]
    tariff = TariffRow(
        circular=str(circular),
        language=str(language),
        effective_from=date.fromisoformat(str(effective_from)),
        code_amb=str(code_amb),
        code_hos=str(code_hos) or None,
        age_min=None if age_min is None else int(str(age_min)),
        age_max=None if age_max is None else int(str(age_max)),
        fee=_decimal(amounts[0]),
        reimbursement_preferential=_decimal(amounts[1]),
        reimbursement_standard=_decimal(amounts[2]),
        copayment_preferential=_decimal(amounts[3]),
        copayment_standard=_decimal(amounts[4]),
        description=str(description),
        footnotes=str(footnotes),
        section=str(section),
        source=str(source),
        group_session=bool(group_session),
    )
    end = None if effective_to is None else date.fromisoformat(str(effective_to))
    return StoredRow(tariff, end, str(circular))


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _comparable(rows: list[TariffRow]) -> set[tuple[object, ...]]:
    return {
        (
            r.language,
            r.code_amb,
            r.code_hos,
            r.age_min,
            r.age_max,
            *(getattr(r, n) for n in AMOUNT_COLUMNS),
        )
        for r in rows
    }
