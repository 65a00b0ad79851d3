"""Storing a unit recomputes the validity of the rows it can change only: after any sequence of
units, in any order, every row's end and supersession equal a recomputation of the whole store."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.errors import StoreError
from extractor.location import Location
from extractor.model import CircularInfo, Extraction, TariffRow
from extractor.store import Store, StoredRow

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


def _sqlite_work_of_storing_the_next_version(path: Path, size: int) -> int:
    """SQLite's own count of the work (virtual-machine steps, per hundred) it does to store a
    one-tariff full circular of 2100 over a history of `size` tariffs of its domain, ended in
    2001 by a full circular that kept only that one."""
    codes = tuple(f"{101010 + 11 * i}" for i in range(size))
    past = [_one_code_unit("2000-01-01", "10.00", codes, 0),
            _one_code_unit("2001-01-01", "11.00", codes[:1], 1)]  # fmt: skip
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    with Store(path) as store:
        for n, unit in enumerate(past):
            with store.transaction():
                store.ingest(unit, f"sha{n}")
        store.connection.set_progress_handler(count, 100)
        with store.transaction():
            store.ingest(_one_code_unit("2100-01-01", "12.00", codes[:1], 9999), "next")
        store.connection.set_progress_handler(None, 100)
        ends = [(str(r.row.effective_from), r.effective_to) for r in store.history(codes[0])]
    assert ends == [("2000-01-01", date(2000, 12, 31)), ("2001-01-01", date(2099, 12, 31)),
                    ("2100-01-01", None)]  # fmt: skip
    return steps


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
