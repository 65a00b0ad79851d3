"""What the store hands out: stored units, stored rows with their validity, flagged lines;
and the conversions between rows and the store's columns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from extractor.columns import BY_NAME, COLUMNS, TABLE, from_text, row_key, to_text
from extractor.folding import fold
from extractor.location import Location
from extractor.model import Extraction, TariffRow
from extractor.versions import Unit, Validity

# The tariff columns as kept in the tariffs table (the circular number lives on its circular);
# key columns of text are stored '' for none, so that the unique index sees them as equal.
STORED = tuple(name for name in COLUMNS if name != "circular")
EMPTY_AS_TEXT = {c.name for c in TABLE if c.kind == "key" and c.type == "string"}


def to_store(name: str, value: Any) -> Any:
    stored = to_text(name, value)
    return "" if stored is None and name in EMPTY_AS_TEXT else stored


def from_store(name: str, value: Any) -> Any:
    return value if value is None or isinstance(value, int) else from_text(name, str(value))


def _reader(name: str) -> Callable[[Any], Any] | None:
    """from_store for one column, its common case (text as SQLite hands it back) first and
    anything else through from_store itself; None where the value is kept as it is (text that
    is never none: a TEXT column gives str, or None and int as from_store would keep them).
    A code's stored history is read in well under a millisecond (tests/test_stored.py holds
    this equal to from_store)."""
    column = BY_NAME[name]
    general = partial(from_store, name)
    parse: Callable[[str], Any] | None = None
    if column.parse is not None:
        parse = column.parse
    elif column.type == "number":  # one call: five amounts a row

        def amount(value: Any) -> Any:
            if type(value) is str and value:
                parsed = Decimal(value)
                if parsed.is_finite():
                    return parsed
            return general(value)

        return amount
    elif column.type == "date":
        parse = date.fromisoformat
    elif column.type == "integer":
        return lambda value: value if value is None or type(value) is int else general(value)
    elif column.nullable:  # text, where '' is none
        return lambda value: (value or None) if type(value) is str else general(value)
    else:
        return None
    parsed = parse
    return lambda value: parsed(value) if type(value) is str and value else general(value)


# (position in STORED, reader) of the columns whose stored value is not kept as it is.
READERS: tuple[tuple[int, Callable[[Any], Any]], ...] = tuple(
    (position, reader) for position, reader in enumerate(map(_reader, STORED)) if reader is not None
)


UNIT_COLUMNS = (
    "id, circular, language, subject, effective_from, source_file, domain, scope, corrects,"
    " ingested_at, sheet, authoritative"
)


@dataclass(frozen=True)
class StoredCircular:
    """One stored unit: a file, a sheet of it, a language."""

    id: int
    circular: str
    language: str
    subject: str
    effective_from: date
    source_file: str
    domain: str = ""  # as stated or found in the subject ("" in stores before version 3)
    scope: str = "full"
    corrects: str = ""
    recorded_at: str = ""
    sheet: str = ""
    authoritative: str = ""

    @property
    def unit(self) -> Unit:
        from extractor.metadata import find_domain

        return Unit(
            self.id,
            self.circular,
            self.language,
            self.domain or find_domain(self.subject),
            self.scope,
            self.effective_from,
            self.recorded_at,
            self.authoritative,
        )

    @property
    def name(self) -> str:
        """The circular number, or the file it came from when it prints none."""
        return self.circular or self.source_file


@dataclass(frozen=True)
class StoredRow:
    """A row as kept in the store: the tariff line with its validity and its circular.

    valid time: row.effective_from .. effective_to; recorded time: when the store learnt it.
    superseded: another row of the same key and date (a corrigendum, the authoritative
    language) carries the amounts in force; this one still gives its language's description.
    """

    row: TariffRow
    effective_to: date | None
    circular: str
    superseded: bool = False
    recorded_at: str = ""
    scope: str = "full"
    id: int = 0  # the stored row's id

    @property
    def valid_from(self) -> date:
        return self.row.effective_from

    @property
    def valid_to(self) -> date | None:
        return self.effective_to


@dataclass(frozen=True)
class Flag:
    """A source line we could not read, with the code it names: that tariff is unreadable
    from its circular's effective date, not removed."""

    code: str
    circular: str
    effective_from: date
    location: Location
    message: str
    recorded_at: str = ""


@dataclass(frozen=True)
class Ingested:
    circular: StoredCircular
    new: bool
    note: str = ""


def stored_circular(row: tuple[object, ...]) -> StoredCircular:
    identifier, circular, language, subject, effective_from, source_file, *rest = row
    domain, scope, corrects, recorded_at, sheet, authoritative = (str(v) for v in rest)
    return StoredCircular(
        int(str(identifier)),
        str(circular),
        str(language),
        str(subject),
        date.fromisoformat(str(effective_from)),
        str(source_file),
        domain,
        scope,
        corrects,
        recorded_at,
        sheet,
        authoritative,
    )


def stored_row(values: dict[str, Any]) -> StoredRow:
    return stored_row_of(tuple(values[name] for name in SELECTED))


# What Store.select reads per row, in this order: stored_row_of takes the values positionally.
SELECTED = ("row_id", "circular", "group_session", "effective_to", "superseded", "ingested_at",
            "scope", *STORED)  # fmt: skip


def _end(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def stored_row_of(values: tuple[Any, ...]) -> StoredRow:
    """A stored row from the values of SELECTED, in order."""
    identifier, circular, group_session, effective_to, superseded, ingested_at, scope = values[:7]
    cells = list(values[7:])
    for position, read in READERS:
        cells[position] = read(cells[position])
    tariff = TariffRow(str(circular), *cells)
    tariff.group_session = bool(group_session)
    return StoredRow(
        tariff,
        _end(effective_to),
        tariff.circular,
        bool(superseded),
        str(ingested_at),
        str(scope),
        int(identifier),
    )


# stored_rows_of builds rows a column at a time: TariffRow takes the circular, the stored
# columns and group_session positionally, and a StoredRow's fields are written into its dict.
assert tuple(f.name for f in fields(TariffRow)) == ("circular", *STORED, "group_session", "raw")
_STORED_ROW_FIELDS = ("row", "effective_to", "circular", "superseded", "recorded_at", "scope", "id")
assert tuple(f.name for f in fields(StoredRow)) == _STORED_ROW_FIELDS
CHUNK = 4096  # rows converted together: the distinct values of a chunk are read once
FEW = 8  # below this many rows, one by one is faster (a lookup's few rows in force)


def _read_each(values: tuple[Any, ...], read: Callable[[Any], Any]) -> Sequence[Any]:
    """read(value) for every value, each distinct value read once (a code's history repeats
    its dates, amounts, files and empty cells). SQLite hands back None, int, float, text or
    bytes: only an int and a float can be equal and read differently (1 and 1.0), so a column
    holding numbers is read value by value."""
    distinct = dict.fromkeys(values)
    kinds = set(map(type, distinct))
    if int in kinds or float in kinds:
        return list(map(read, values))
    known = {value: read(value) for value in distinct}
    return list(map(known.__getitem__, values))


def _texts(values: tuple[Any, ...]) -> Sequence[str]:
    """str(value) for every value: the values themselves when all are text already."""
    return values if set(map(type, values)) == {str} else list(map(str, values))


def _stored_rows(chunk: list[tuple[Any, ...]]) -> list[StoredRow]:
    identifiers, circulars, group_sessions, ends, superseded, ingested_at, scopes, *cells = zip(
        *chunk, strict=True
    )
    read: list[Sequence[Any]] = list(cells)
    for position, reader in READERS:
        read[position] = _read_each(cells[position], reader)
    numbers = _texts(circulars)
    tariffs = map(TariffRow, numbers, *read, map(bool, group_sessions))
    new = object.__new__
    built = []
    for tariff, end, number, replaced, recorded_at, scope, identifier in zip(
        tariffs,
        _read_each(ends, _end),
        numbers,
        map(bool, superseded),
        _texts(ingested_at),
        _texts(scopes),
        map(int, identifiers),
        strict=True,
    ):
        row = new(StoredRow)  # its fields written as StoredRow.__init__ would (checked above)
        attributes = row.__dict__
        attributes["row"] = tariff
        attributes["effective_to"] = end
        attributes["circular"] = number
        attributes["superseded"] = replaced
        attributes["recorded_at"] = recorded_at
        attributes["scope"] = scope
        attributes["id"] = identifier
        built.append(row)
    return built


def stored_rows_of(
    rows: list[tuple[Any, ...]], chunk_size: int = CHUNK, few: int = FEW
) -> list[StoredRow]:
    """[stored_row_of(values) for values in rows], a column at a time (tests/test_stored.py
    holds the two equal); fewer than `few` rows, or a chunk that cannot be read so, are read
    row by row (which raises what reading row by row raises)."""
    if len(rows) < few:
        return [stored_row_of(values) for values in rows]
    built: list[StoredRow] = []
    for start in range(0, len(rows), chunk_size):
        chunk = rows[start : start + chunk_size]
        try:
            built += _stored_rows(chunk)
        except Exception:
            built += [stored_row_of(values) for values in chunk]
    return built


def with_validity(row: StoredRow, valid: Validity) -> StoredRow:
    return replace(row, effective_to=valid.effective_to, superseded=valid.superseded)


def sheet_of(extraction: Extraction) -> str:
    """The sheet(s) a unit was read from ("" for a PDF)."""
    places = [row.source for row in extraction.rows] + [i.location for i in extraction.issues]
    return ",".join(sorted({place.sheet for place in places if place.sheet}))


def restated(stored: StoredCircular, extraction: Extraction) -> list[str]:
    """What the caller now states otherwise about a stored file."""
    info = extraction.info
    pairs = [
        ("effective date", stored.effective_from.isoformat(), info.effective_from.isoformat()),
        ("circular", stored.circular, info.circular),
        ("scope", stored.scope, info.scope or stored.scope),
        ("corrects", stored.corrects, info.corrects or stored.corrects),
    ]
    if info.domain and stored.domain and fold(info.domain) != fold(stored.domain):
        pairs.append(("domain", stored.domain, info.domain))
    return [
        f"{name} {old or '-'} stored, {new or '-'} now" for name, old, new in pairs if old != new
    ]


# What a row says in its own language: taken from that language's row when the amounts in force
# come from a version printed in the other language only.
LANGUAGE_WORDS = ("language", "description", "footnotes", "section")


def amounts_once(
    rows: list[StoredRow], language: str | None, earlier: list[StoredRow] | None = None
) -> list[StoredRow]:
    """One row per key: the amounts of the version in force, with the description of the
    language asked for where that language has one (amounts are versioned across languages):
    from the same version, else from the latest `earlier` row of that key and language."""
    slots: dict[tuple[object, ...], list[StoredRow]] = {}
    for stored in rows:
        slots.setdefault((row_key(stored.row), stored.row.effective_from), []).append(stored)
    chosen = []
    for slot in slots.values():
        carrying = [r for r in slot if not r.superseded] or slot
        in_language = [r for r in carrying if r.row.language == language]
        winner = min(in_language or carrying, key=lambda r: r.row.language)
        key, start = row_key(winner.row), winner.row.effective_from
        described = [r for r in slot if r.row.language == language] or sorted(
            (
                r
                for r in earlier or []
                if r.row.language == language
                and row_key(r.row) == key
                and r.row.effective_from <= start
            ),
            key=lambda r: r.row.effective_from,
            reverse=True,
        )
        if language is not None and not in_language and described:
            # The words of that language; the version itself (amounts, start day, source place)
            # stays the winner's: an earlier row's date or file would misdate the amounts.
            words = {name: getattr(described[0].row, name) for name in LANGUAGE_WORDS}
            winner = replace(winner, row=replace(winner.row, **words))
        chosen.append(winner)
    return chosen
