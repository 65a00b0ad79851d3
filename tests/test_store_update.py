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
