"""The store at archive scale: twenty years of every domain, from generated circulars.

    .venv/bin/python benchmarks/archive.py [ROWS]     # default 2,000,000 (BENCH_ARCHIVE_ROWS)
    BENCH_ARCHIVE_STORE=PATH .venv/bin/python benchmarks/archive.py [ROWS]

Fills a store, in the order they take effect, with FR and NL units of 25 domains: each year a
full circular (every tariff, indexed) and a partial one (a few tariffs); times every ingestion
(one transaction each, as `run` stores). Prints, per tenth of the fill, the time to ingest a
full circular per row of that circular and a partial (100-row) circular whole, wall and CPU,
which stay flat when the cost follows the circular and not the store; then what one full
recomputation of every row's validity (what every ingestion did before) costs at that size;
then lookup and history on the filled store.

BENCH_ARCHIVE_STORE=PATH keeps the filled store at PATH; when PATH already holds a store, it is
not filled again (ROWS is then ignored) and only lookup and history are measured on it, so that
they can be measured again, old code against new, without a fill of many minutes; everything is
measured when it is filled (the recomputation of every row's validity with it). A store kept
by an older version is upgraded in place when opened (schema version 6 adds each unit's tariff
set), after which the older code refuses it: keep a copy to measure old code against new.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor import api  # noqa: E402
from extractor.location import Location  # noqa: E402
from extractor.model import CircularInfo, Extraction, TariffRow  # noqa: E402
from extractor.store import Store  # noqa: E402

DOMAINS = 25
YEARS = int(os.environ.get("BENCH_ARCHIVE_YEARS", 20))
PARTIAL = 50  # tariffs a mid-year partial circular changes
BANDS = ((None, 17), (18, None))


def _codes(domain: int, count: int) -> list[str]:
    firsts = range(10000 + domain * 3000, 10000 + domain * 3000 + count)
    return [f"{first}{first % 7}" for first in firsts]


def _unit(
    domain: int, language: str, day: date, scope: str, codes: list[str], cents: dict[str, int]
) -> Extraction:
    number = f"{day.year}/{domain * 10 + (1 if day.month == 1 else 2):03d}"
    name = f"{number.replace('/', '-')} {language}.xlsx"
    info = CircularInfo(
        number, language, day, f"Domaine {domain}", (name,), "xlsx",  # type: ignore[arg-type]
        domain=f"{'Domaine' if language == 'fr' else 'Domein'} {domain}", scope=scope,
    )  # fmt: skip
    rows = []
    for line, code in enumerate(codes, start=1):
        for band in BANDS:
            fee = Decimal(cents[code]).scaleb(-2)
            rows.append(
                TariffRow(
                    number,
                    language,
                    day,
                    code,
                    None,
                    band[0],
                    band[1],
                    None,
                    None,
                    fee,
                    fee - 4,
                    fee - 11,
                    Decimal("4.00"),
                    Decimal("11.00"),
                    "Séance",
                    "",
                    "1.",
                    Location(name, "S", line=line, column="A"),
                )
            )
    return Extraction(info, rows, [])


def circulars(total_rows: int) -> Iterator[Extraction]:
    """In the order they take effect: per year, every domain's full then partial circular."""
    per_domain = max(PARTIAL, total_rows // (DOMAINS * YEARS * 2 * len(BANDS)))
    rng = random.Random(2_000_000)
    codes = {d: _codes(d, per_domain) for d in range(DOMAINS)}
    cents = {d: {c: rng.randint(2000, 40000) for c in codes[d]} for d in range(DOMAINS)}
    for year in range(2005, 2005 + YEARS):
        for domain in range(DOMAINS):
            cents[domain] = {c: v * 102 // 100 for c, v in cents[domain].items()}
            for language in ("fr", "nl"):
                yield _unit(domain, language, date(year, 1, 1), "full", codes[domain],
                            cents[domain])  # fmt: skip
        for domain in range(DOMAINS):
            changed = rng.sample(codes[domain], PARTIAL)
            cents[domain].update({c: cents[domain][c] + 100 for c in changed})
            for language in ("fr", "nl"):
                yield _unit(domain, language, date(year, 7, 1), "partial", changed,
                            cents[domain])  # fmt: skip


# Per ingestion: rows in the store before, rows of the unit, seconds to ingest (wall, CPU),
# seconds to commit, scope.
Timing = tuple[int, int, float, float, float, str]


def fill(path: Path, total_rows: int) -> list[Timing]:
    """The timing of every ingestion; the commit (the disk's sync) is the same at any size."""
    timings = []
    stored = 0
    with Store(path) as store:
        for number, extraction in enumerate(circulars(total_rows)):
            with store.transaction():
                started, used = time.perf_counter(), time.process_time()
                store.ingest(extraction, f"sha-{number}", recorded_at="2025-01-01T00:00:00+00:00")
                ingested, cpu = time.perf_counter(), time.process_time() - used
            committed = time.perf_counter()
            timings.append((stored, len(extraction.rows), ingested - started, cpu,
                            committed - ingested, extraction.info.scope))  # fmt: skip
            stored += len(extraction.rows)
    return timings


def report_fill(timings: list[Timing], filled: float) -> int:
    """Print the fill per tenth of the store's size, wall (CPU) medians; the rows stored."""
    stored = timings[-1][0] + timings[-1][1]
    print(f"archive: {stored:,} rows in {len(timings):,} units, filled in {filled:.0f} s")
    print()
    rows_full = timings[0][1]
    print(f"| store size before (rows) | full circulars ({rows_full:,} rows): µs per row, wall"
          f" (CPU) | partial circulars ({2 * PARTIAL} rows): ms each, wall (CPU) |"
          " commit (disk sync): ms |")  # fmt: skip
    print("|---:|---:|---:|---:|")
    for tenth in range(10):
        low, high = stored * tenth // 10, stored * (tenth + 1) // 10
        part = [t for t in timings if low <= t[0] < high]
        full = [t for t in part if t[5] == "full"]
        partial = [t for t in part if t[5] == "partial"]

        def median(values: list[float]) -> float:
            return statistics.median(values or [0.0])

        print(f"| {low:,}–{high:,} | {median([t[2] / t[1] * 1e6 for t in full]):.1f}"
              f" ({median([t[3] / t[1] * 1e6 for t in full]):.1f}) |"
              f" {median([t[2] * 1e3 for t in partial]):.1f}"
              f" ({median([t[3] * 1e3 for t in partial]):.1f}) |"
              f" {median([t[4] * 1e3 for t in part]):.1f} |")  # fmt: skip
    return stored


def _timed(call: Callable[[], object], wall: list[float], cpu: list[float]) -> None:
    begun, used = time.perf_counter(), time.process_time()
    call()
    cpu.append(time.process_time() - used)
    wall.append(time.perf_counter() - begun)


def measure(path: Path, recompute: bool) -> None:
    """Lookup and history on a filled store (and one full recomputation, when asked): wall
    and CPU time of each call, median and best (the CPU time moves less with the load)."""
    names = ("in_force", "history", "lookup")
    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    with Store(path) as store:
        stored = store.connection.execute("SELECT count(*) FROM tariffs").fetchone()[0]
        code = store.connection.execute(
            "SELECT code_amb FROM tariffs ORDER BY id DESC LIMIT 1"
        ).fetchone()[0]
        on = date(2015, 3, 1)
        versions = len(store.history(code))
        for _ in range(200):
            _timed(lambda: store.in_force(code, on), wall["in_force"], cpu["in_force"])
            _timed(lambda: store.history(code), wall["history"], cpu["history"])
        recomputed = None
        if recompute:
            begun = time.perf_counter()
            with store.transaction():
                store.update_effective_to()
            recomputed = time.perf_counter() - begun
    for _ in range(50):
        _timed(lambda: api.lookup(code, on, age=30, store=path), wall["lookup"], cpu["lookup"])
    print()
    print(f"| on the filled store ({stored:,} rows) | wall ms, median (best) | CPU ms, median (best) |")  # fmt: skip
    print("|---|---:|---:|")
    load = os.getloadavg()[0]
    labels = ("store.in_force(code, day), 200 calls",
              f"store.history(code) ({versions} stored rows), 200 calls",
              "api.lookup incl. opening the store, 50 calls")  # fmt: skip
    for name, label in zip(names, labels, strict=True):
        print(f"| {label} | {statistics.median(wall[name]) * 1e3:.3f} ({min(wall[name]) * 1e3:.3f})"
              f" | {statistics.median(cpu[name]) * 1e3:.3f} ({min(cpu[name]) * 1e3:.3f}) |")  # fmt: skip
    if recomputed is not None:
        print(f"| one full recomputation of every row's validity (each ingestion before) | {recomputed * 1e3:,.0f} | |")  # fmt: skip
    print(f"| load average at the end (2 cores) | {load:.1f} | |")


def main() -> None:
    total = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BENCH_ARCHIVE_ROWS", 2e6))
    kept = os.environ.get("BENCH_ARCHIVE_STORE")
    if kept and Path(kept).exists():
        print(f"archive: the store at {kept}, filled before (not filled again)")
        measure(Path(kept), recompute=False)
        return
    with tempfile.TemporaryDirectory() as folder:
        # A kept store is filled beside its place and moved there once whole: an interrupted
        # fill is never taken for a filled store.
        filling = Path(f"{kept}.filling") if kept else Path(folder) / "archive.sqlite"
        filling.unlink(missing_ok=True)
        started = time.perf_counter()
        timings = fill(filling, total)
        report_fill(timings, time.perf_counter() - started)
        path = filling.replace(kept) if kept else filling
        measure(path, recompute=True)


if __name__ == "__main__":
    main()
