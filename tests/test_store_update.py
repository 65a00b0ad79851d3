"""Storing a unit recomputes the validity of the rows it can change only: after any sequence of
units, in any order, every row's end and supersession equal a recomputation of the whole store."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.baseline import in_force_before
from extractor.columns import row_key
from extractor.errors import StoreError
from extractor.folding import fold
from extractor.location import Location
from extractor.model import CircularInfo, Extraction, TariffRow
from extractor.report import Version
from extractor.store import Store, StoredCircular, StoredRow
from extractor.stored import amounts_once, with_validity
from extractor.versions import domain_groups, validity

CODES = ["101010", "101021", "202013", "303016", "404019", "505011"]
DAYS = [date(2020, 1, 1), date(2021, 1, 1), date(2021, 7, 1), date(2022, 1, 1), date(2023, 1, 1)]
DOMAINS = {"fr": ["Soins A", "Soins B"], "nl": ["Zorg A", "Zorg B"]}


def _unit(rng: random.Random, n: int) -> tuple[Extraction, str]:
    language = rng.choice(["fr", "nl"])
    day = rng.choice(DAYS)
    info = CircularInfo(
        circular=rng.choice(["2019/1", "2020/2", "2021/3", ""]),
        language=language,  # type: ignore[arg-type]
        effective_from=day,
        subject="s",
        source_files=(f"u{n}.xlsx",),
        source_format="xlsx",
        domain=rng.choice(DOMAINS[language]),
        scope=rng.choice(["full", "full", "partial", "corrigendum"]),
    )
    rows = []
    for code in rng.sample(CODES, rng.randint(1, len(CODES))):
        for band in rng.choice([[(None, None)], [(None, 17), (18, None)]]):
            fee = Decimal(rng.choice([1000, 1100, 1200])).scaleb(-2)
            rows.append(
                TariffRow(
                    info.circular,
                    language,
                    day,
                    code,
                    None,
                    band[0],
                    band[1],
                    rng.choice([None, None, "MET GMD"]),
                    None,
                    fee,
                    None,
                    None,
                    None,
                    None,
                    "d",
                    "",
                    "",
                    Location(f"u{n}.xlsx", "S", line=len(rows) + 1),
                )
            )
    unique = {(r.code_amb, r.age_min, r.age_max, r.condition): r for r in rows}
    return Extraction(info, list(unique.values()), []), f"sha{n}"


def _validity(store: Store) -> list[tuple[int, str | None, int]]:
    return store.connection.execute(
        "SELECT id, effective_to, superseded FROM tariffs ORDER BY id"
    ).fetchall()


@pytest.mark.parametrize("seed", range(12))
def test_ingesting_updates_exactly_what_a_full_recomputation_would(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    stored = 0
    with Store(tmp_path / "t.sqlite") as store:
        for n in range(25):
            extraction, digest = _unit(rng, n)
            recorded = f"2024-01-{rng.randint(1, 28):02d}T00:00:00+00:00"
            try:
                with store.transaction():
                    store.ingest(extraction, digest, recorded_at=recorded,
                                 authoritative=rng.choice(["", "fr", "nl"]))  # fmt: skip
            except StoreError:
                continue  # other amounts for the same tariffs and date: refused, as it should
            stored += 1
            incremental = _validity(store)
            with store.transaction():
                store.update_effective_to()
            assert _validity(store) == incremental, (seed, n)
    assert stored >= 8


@pytest.mark.parametrize("seed", range(12))
def test_as_known_on_after_every_recording_is_what_the_store_holds(
    tmp_path: Path, seed: int
) -> None:
    """`lookup --as-known-on` recomputes a code's validity from its rows: as known on a day after
    everything was recorded it must equal what the store holds (full circulars of the domain
    that leave a key out end it there too)."""
    rng = random.Random(seed)
    with Store(tmp_path / "t.sqlite") as store:
        for n in range(25):
            extraction, digest = _unit(rng, n)
            recorded = f"2024-01-{rng.randint(1, 28):02d}T00:00:00+00:00"
            try:
                with store.transaction():
                    store.ingest(extraction, digest, recorded_at=recorded,
                                 authoritative=rng.choice(["", "fr", "nl"]))  # fmt: skip
            except StoreError:
                continue
        for code in CODES:
            rows = store.history(code)
            held = {r.id: (r.effective_to, r.superseded) for r in rows}
            known = store.as_known_on(rows, date(2100, 1, 1))
            assert {r.id: (r.effective_to, r.superseded) for r in known} == held, (seed, code)


def _ingest_all(path: Path, units: list[tuple[int, Extraction, str, str, str]]) -> list[int]:
    """Store the units in order; the numbers of those the store took."""
    taken = []
    with Store(path) as store:
        for n, extraction, digest, recorded, authoritative in units:
            try:
                with store.transaction():
                    store.ingest(extraction, digest, recorded_at=recorded,
                                 authoritative=authoritative)  # fmt: skip
            except StoreError:
                continue
            taken.append(n)
    return taken


def _by_place(rows: list[StoredRow]) -> dict[tuple[object, ...], tuple[object, ...]]:
    """Validity by source place and version (row ids differ between two stores)."""
    return {
        (str(r.row.source), r.row.language, r.row.effective_from): (r.effective_to, r.superseded)
        for r in rows
    }


@pytest.mark.parametrize("seed", range(6))
def test_as_known_on_a_day_is_a_store_of_the_units_recorded_by_then(
    tmp_path: Path, seed: int
) -> None:
    """What `lookup --as-known-on K` answers is what a store holding only the units recorded by
    the end of K holds (the invoice made that day), for every code."""
    rng = random.Random(seed)
    units = []
    for n in range(25):
        extraction, digest = _unit(rng, n)
        recorded = f"2024-01-{rng.randint(1, 28):02d}T00:00:00+00:00"
        units.append((n, extraction, digest, recorded, rng.choice(["", "fr", "nl"])))
    taken = _ingest_all(tmp_path / "all.sqlite", units)
    for day in (date(2024, 1, 8), date(2024, 1, 20)):
        then = [u for u in units if u[0] in taken and u[3][:10] <= day.isoformat()]
        _ingest_all(tmp_path / f"{day}.sqlite", then)
        with Store(tmp_path / "all.sqlite") as store, Store(tmp_path / f"{day}.sqlite") as fresh:
            for code in CODES:
                known = _by_place(store.as_known_on(store.history(code), day))
                assert known == _by_place(fresh.history(code)), (seed, day, code)


def _one_code_unit(day: str, fee: str, codes: tuple[str, ...], n: int) -> Extraction:
    """A full French circular of the domain "Soins A" listing these codes at one fee."""
    info = CircularInfo(
        circular=f"{n}/1",
        language="fr",
        effective_from=date.fromisoformat(day),
        subject="s",
        source_files=(f"c{n}.xlsx",),
        source_format="xlsx",
        domain="Soins A",
        scope="full",
    )
    rows = [
        TariffRow(info.circular, "fr", info.effective_from, code, None, None, None, None, None,
                  Decimal(fee), None, None, None, None, "d", "", "",
                  Location(f"c{n}.xlsx", "S", line=line))
        for line, code in enumerate(codes, 1)
    ]  # fmt: skip
    return Extraction(info, rows, [])


@contextmanager
def _sqlite_steps(store: Store) -> Iterator[list[int]]:
    """SQLite's own count of the work it does inside the block (virtual-machine steps, per
    hundred): a measure of work that load cannot move, unlike a time."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    store.connection.set_progress_handler(count, 100)
    try:
        yield steps
    finally:
        store.connection.set_progress_handler(None, 100)


def _sqlite_work_of_storing_the_next_version(path: Path, size: int) -> int:
    """SQLite's own count of the work (virtual-machine steps, per hundred) it does to store a
    one-tariff full circular of 2100 over a history of `size` tariffs of its domain, ended in
    2001 by a full circular that kept only that one."""
    codes = tuple(f"{101010 + 11 * i}" for i in range(size))
    past = [_one_code_unit("2000-01-01", "10.00", codes, 0),
            _one_code_unit("2001-01-01", "11.00", codes[:1], 1)]  # fmt: skip
    with Store(path) as store:
        for n, unit in enumerate(past):
            with store.transaction():
                store.ingest(unit, f"sha{n}")
        with _sqlite_steps(store) as steps, store.transaction():
            store.ingest(_one_code_unit("2100-01-01", "12.00", codes[:1], 9999), "next")
        ends = [(str(r.row.effective_from), r.effective_to) for r in store.history(codes[0])]
    assert ends == [("2000-01-01", date(2000, 12, 31)), ("2001-01-01", date(2099, 12, 31)),
                    ("2100-01-01", None)]  # fmt: skip
    return steps[0]


def test_storing_a_circular_costs_the_same_in_a_store_ten_times_larger(tmp_path: Path) -> None:
    """The point of updating only what a unit can change: storing the next version of one
    tariff does the same SQLite work whether its domain holds 10 or 100 tariffs it ended long
    ago (the same statements over the same rows: a count, not a time, so load cannot move it).
    Each of those rows rechecked would be read: ten times the work."""
    small = _sqlite_work_of_storing_the_next_version(tmp_path / "small.sqlite", 10)
    large = _sqlite_work_of_storing_the_next_version(tmp_path / "large.sqlite", 100)
    assert large <= small + 2, (small, large)


def test_a_version_stored_between_two_adjacent_ones_ends_the_one_before_on_its_eve(
    tmp_path: Path,
) -> None:
    """80.00 from 2024-01-01 and 90.00 from 2025-01-02 stored: the first ends 2025-01-01. Then
    85.00 from 2025-01-01: the first now ends 2024-12-31 (it was in force on the new date
    itself, not only on its eve); 85.00 holds for that one day, 90.00 from the next."""
    with Store(tmp_path / "t.sqlite") as store:
        for n, (day, fee) in enumerate(
            [("2024-01-01", "80.00"), ("2025-01-02", "90.00"), ("2025-01-01", "85.00")]
        ):
            with store.transaction():
                store.ingest(_one_code_unit(day, fee, ("101010",), n), f"sha{n}")
        history = [(str(r.row.fee), r.effective_to) for r in store.history("101010")]
        on_new_year = [str(r.row.fee) for r in store.in_force("101010", date(2025, 1, 1))]
    assert history == [
        ("80.00", date(2024, 12, 31)),
        ("85.00", date(2025, 1, 1)),
        ("90.00", None),
    ]
    assert on_new_year == ["85.00"]


def _twin(rng: random.Random, extraction: Extraction, n: int) -> Extraction:
    """The other language's version of a unit: the same circular and date, so it links its
    domain name to the other language's (one tariff set), with its own domain and rows."""
    language = "nl" if extraction.info.language == "fr" else "fr"
    info = replace(
        extraction.info,
        language=language,  # type: ignore[arg-type]
        domain=rng.choice(DOMAINS[language]),
        source_files=(f"u{n}.xlsx",),
        scope=rng.choice(["full", "partial", extraction.info.scope]),
    )
    rows = [
        replace(row, language=language, source=Location(f"u{n}.xlsx", "S", line=line))
        for line, row in enumerate(extraction.rows, 1)
        if rng.random() < 0.8
    ]
    return Extraction(info, rows or extraction.rows[:1], [])


def _sets_held(store: Store) -> dict[int, int]:
    return dict(store.connection.execute("SELECT id, tariff_set FROM circulars").fetchall())


def _sets_recomputed(store: Store) -> dict[int, int]:
    """Each unit's tariff set by versions.domain_groups over every unit: its smallest id."""
    units = [c.unit for c in store.circulars()]
    groups = domain_groups(units)
    return {u.id: min(v.id for v in units if groups[v.id] == groups[u.id]) for u in units}


@pytest.mark.parametrize("seed", range(16))
def test_storing_replacing_and_retracting_keep_what_a_full_recomputation_gives(
    tmp_path: Path, seed: int
) -> None:
    """Each unit's tariff set, every row's validity and each unit's domain are those of a
    recomputation over every unit, after each ingestion, replacement or retraction, French
    and Dutch twins joining two domain names into one set and retractions splitting it."""
    rng = random.Random(100 + seed)
    stored: dict[int, tuple[Extraction, str]] = {}
    changes = 0
    with Store(tmp_path / "t.sqlite") as store:
        for n in range(30):
            draw = rng.random()
            recorded = f"2024-01-{rng.randint(1, 28):02d}T00:00:00+00:00"
            try:
                with store.transaction():
                    if draw < 0.15 and store.circulars():
                        unit = rng.choice(store.circulars())
                        store.retract(rng.choice([unit.circular or unit.source_file,
                                                  unit.source_file]))  # fmt: skip
                    elif draw < 0.25 and stored:
                        extraction, digest = stored[rng.choice(sorted(stored))]
                        language = extraction.info.language
                        other = replace(extraction.info, scope=rng.choice(["full", "partial"]),
                                        domain=rng.choice(DOMAINS[language]))  # fmt: skip
                        store.ingest(Extraction(other, extraction.rows, []), digest,
                                     recorded_at=recorded, replace=True)  # fmt: skip
                    else:
                        if draw < 0.55 and stored:
                            extraction = _twin(rng, stored[rng.choice(sorted(stored))][0], n)
                            digest = f"sha{n}"
                        else:
                            extraction, digest = _unit(rng, n)
                        store.ingest(extraction, digest, recorded_at=recorded,
                                     authoritative=rng.choice(["", "fr", "nl"]))  # fmt: skip
                        stored[n] = (extraction, digest)
            except StoreError:
                continue
            changes += 1
            incremental = _validity(store)
            assert _sets_held(store) == _sets_recomputed(store), (seed, n)
            units = store.circulars()
            groups = domain_groups([c.unit for c in units])
            for unit in units:
                assert store.domain_units(unit) == [
                    c for c in units if groups[c.id] == groups[unit.id]
                ], (seed, n)
            with store.transaction():
                store.update_effective_to()
            assert _validity(store) == incremental, (seed, n)
    assert changes >= 15


def test_a_store_of_version_5_gets_its_tariff_sets_when_upgraded(tmp_path: Path) -> None:
    """tests/fixtures/store-v5.sqlite was written by schema version 5, before tariff sets were
    kept: 15 units of four domain names that French and Dutch twins join. Opened, each unit
    has its set, validity is untouched, and storing more keeps both right."""
    from extractor.store import SCHEMA_VERSION

    path = tmp_path / "old.sqlite"
    path.write_bytes((Path(__file__).parent / "fixtures" / "store-v5.sqlite").read_bytes())
    with sqlite3.connect(path) as old:
        held = old.execute(
            "SELECT id, effective_to, superseded FROM tariffs ORDER BY id"
        ).fetchall()
    rng = random.Random(6)
    with Store(path) as store:
        version = store.connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
        assert version == (str(SCHEMA_VERSION),)
        assert _validity(store) == held
        assert _sets_held(store) == _sets_recomputed(store)
        assert len(store.circulars()) == 15
        for n in range(100, 110):
            extraction, digest = _unit(rng, n)
            try:
                with store.transaction():
                    store.ingest(extraction, digest)
            except StoreError:
                continue
            assert _sets_held(store) == _sets_recomputed(store), n
            incremental = _validity(store)
            with store.transaction():
                store.update_effective_to()
            assert _validity(store) == incremental, n


def test_a_store_whose_domain_links_other_rules_computed_is_relinked_when_opened(
    tmp_path: Path,
) -> None:
    """Links are kept per unit: were fold or domain_link to change, a store written before would
    keep the old links, and a new circular would not meet its own domain's units. A store marked
    with other DOMAIN_LINK_RULES is relinked on opening and its validity recomputed."""
    rng = random.Random(7)
    path = tmp_path / "t.sqlite"
    with Store(path) as store:
        for n in range(40):
            extraction, digest = _unit(rng, n)
            try:
                with store.transaction():
                    store.ingest(extraction, digest)
            except StoreError:
                continue
        right = (_sets_held(store), _validity(store))
    with sqlite3.connect(path) as old:  # as other rules would have left it: each unit alone
        old.execute("UPDATE circulars SET domain_link = '#' || id, tariff_set = id")
        old.execute("UPDATE tariffs SET effective_to = NULL, superseded = 0")
        old.execute("INSERT OR REPLACE INTO meta VALUES ('domain_link_rules', '0')")
    with sqlite3.connect(path) as old:
        left = old.execute("SELECT id, effective_to, superseded FROM tariffs ORDER BY id")
        assert left.fetchall() != right[1]  # a full circular ends tariffs: it is a change
    with Store(path) as store:
        assert (_sets_held(store), _validity(store)) == right
        links = store.connection.execute("SELECT id, domain, domain_link FROM circulars")
        assert all(link == (fold(domain) or f"#{i}") for i, domain, link in links)


def _sqlite_work_beside_other_domains(path: Path, others: int) -> int:
    """SQLite's count of the work (virtual-machine steps, per hundred) it does to store a
    one-tariff circular of "Soins A", find its domain's units, answer its code as known on a
    day and retract it again, in a store that also holds `others` domains of two circulars."""
    with Store(path) as store:
        for n in range(others):
            for year in ("2000", "2001"):
                unit = _one_code_unit(f"{year}-01-01", "10.00", (f"{202013 + 11 * n}",), n)
                unit.info = replace(unit.info, circular=f"{year}/{n}", domain=f"Domaine {n}")
                with store.transaction():
                    store.ingest(unit, f"sha{year}{n}")
        with store.transaction():
            store.ingest(_one_code_unit("2000-01-01", "10.00", ("101010",), 9998), "first")
        with _sqlite_steps(store) as steps:
            with store.transaction():
                unit = _one_code_unit("2001-01-01", "11.00", ("101010",), 9999)
                stored = store.ingest(unit, "next")
            domain = [u.circular for u in store.domain_units(stored.circular)]
            known = store.as_known_on(store.history("101010"), date(2100, 1, 1))
            with store.transaction():
                store.retract("9999/1")
    assert domain == ["9998/1", "9999/1"]
    assert [r.effective_to for r in known] == [date(2000, 12, 31), None]
    return steps[0]


def test_storing_a_circular_costs_the_same_beside_ten_times_more_domains(tmp_path: Path) -> None:
    """Storing a unit reads the units of its tariff set, not every stored unit: the same SQLite
    work beside 10 or 100 other domains (a count, not a time, so load cannot move it)."""
    small = _sqlite_work_beside_other_domains(tmp_path / "small.sqlite", 10)
    large = _sqlite_work_beside_other_domains(tmp_path / "large.sqlite", 100)
    assert large <= small + 2, (small, large)


def _in_force_before_from_every_row(
    store: Store, unit: StoredCircular, listed: list[TariffRow]
) -> tuple[list[TariffRow], Version | None]:
    """baseline.in_force_before as it was before it read by index: validity over every row of
    the units of the domain (the oracle its reading by index must equal)."""
    domain = store.domain_units(unit)
    if unit.scope == "corrigendum":
        day = unit.effective_from
        known = [c for c in domain
                 if c.scope != "corrigendum" or (c.recorded_at, c.id) < (unit.recorded_at, unit.id)]  # fmt: skip
    else:
        day = unit.effective_from - timedelta(days=1)
        known = [c for c in domain if c.id != unit.id]
    ids = tuple(c.id for c in known)
    if not ids:
        return [], None
    marks = ", ".join("?" for _ in ids)
    rows = {r.id: r for r in store.select(f"t.circular_id IN ({marks})", ids)}
    computed = validity([c.unit for c in known],
                        store.version_rows(f"circular_id IN ({marks})", ids))  # fmt: skip
    in_force = [with_validity(rows[i], v) for i, v in computed.items()
                if rows[i].row.effective_from <= day
                and (v.effective_to is None or day <= v.effective_to)]  # fmt: skip
    chosen = [r for r in amounts_once(in_force, unit.language) if r.row.language == unit.language]
    if unit.scope != "full":
        chosen = [r for r in chosen if row_key(r.row) in {row_key(row) for row in listed}]
    if not chosen:
        return [], None
    latest = max(chosen, key=lambda r: r.row.effective_from)
    source = next((c for c in reversed(known) if c.circular == latest.circular
                   and c.effective_from == latest.row.effective_from
                   and c.language == unit.language), None)  # fmt: skip
    return [r.row for r in chosen], Version(
        latest.circular,
        latest.row.effective_from,
        source.source_file if source else latest.row.source.file,
    )


@pytest.mark.parametrize("seed", range(12))
def test_what_a_circular_is_compared_with_is_read_from_every_row_alike(
    tmp_path: Path, seed: int
) -> None:
    """The rows a circular's change report compares it with (what was in force the day before
    in its domain, or on its day for a corrigendum) equal validity over every row of the
    domain's units, for each stored unit and each of its tariffs as a partial circular."""
    rng = random.Random(200 + seed)
    stored: list[Extraction] = []
    with Store(tmp_path / "t.sqlite") as store:
        for n in range(30):
            if stored and rng.random() < 0.4:
                extraction, digest = _twin(rng, rng.choice(stored), n), f"sha{n}"
            else:
                extraction, digest = _unit(rng, n)
            try:
                with store.transaction():
                    store.ingest(extraction, digest, authoritative=rng.choice(["", "fr", "nl"]),
                                 recorded_at=f"2024-01-{rng.randint(1, 28):02d}T00:00:00+00:00")  # fmt: skip
            except StoreError:
                continue
            stored.append(extraction)
        compared = 0
        for unit in store.circulars():
            listed = store.rows_of(unit.id)
            for asked in (unit, replace(unit, scope="partial")):
                subset = listed[: rng.randint(1, len(listed))]
                found = in_force_before(store, asked, subset)
                assert found == _in_force_before_from_every_row(store, asked, subset), (seed, unit)
                compared += bool(found[0])
    assert compared >= 10
