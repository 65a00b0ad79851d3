"""The SQLite store: effective dating in any ingestion order, idempotence, all-or-nothing."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from extractor.api import extract_file
from extractor.model import Extraction
from extractor.store import Store, StoreError
from tests.conftest import SAMPLES

OLD = SAMPLES / "V1 - Soins psychologiques - 01-01-2024-circ OA.xlsx"
NEW = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"


@pytest.fixture(scope="module")
def versions() -> tuple[Extraction, Extraction]:
    [old] = extract_file(OLD)
    [new] = extract_file(NEW)
    return old, new


def _ends(store: Store) -> dict[tuple[str, str], str | None]:
    rows = store.connection.execute(
        "SELECT code_amb, effective_from, effective_to FROM tariffs WHERE age_min IS NULL AND age_max IS NULL"
    )
    return {(code, start): end for code, start, end in rows}


@pytest.mark.parametrize("order", ["old-first", "new-first"])
def test_effective_dating_in_any_order(
    tmp_path: Path, versions: tuple[Extraction, Extraction], order: str
) -> None:
    old, new = versions
    with Store(tmp_path / "t.sqlite") as store, store.transaction():
        for extraction, digest in (
            [(old, "a"), (new, "b")] if order == "old-first" else [(new, "b"), (old, "a")]
        ):
            store.ingest(extraction, digest)
        ends = _ends(store)
    assert ends[("727016", "2024-01-01")] == "2024-12-31"
    assert ends[("727112", "2024-01-01")] == "2024-12-31"  # removed in 2025: ends all the same
    assert ends[("727016", "2025-01-01")] is None
    assert ends[("727532", "2025-01-01")] is None


def test_same_file_twice_changes_nothing(
    tmp_path: Path, versions: tuple[Extraction, Extraction]
) -> None:
    old, _ = versions
    with Store(tmp_path / "t.sqlite") as store:
        with store.transaction():
            assert store.ingest(old, "a").new
        with store.transaction():
            again = store.ingest(old, "a")
        assert not again.new and again.note == "already in the store"
        assert store.connection.execute("SELECT COUNT(*) FROM tariffs").fetchone()[0] == 75


def test_other_amounts_for_the_same_date_are_refused(
    tmp_path: Path, versions: tuple[Extraction, Extraction]
) -> None:
    old, new = versions
    from dataclasses import replace

    fake = Extraction(replace(new.info, effective_from=old.info.effective_from), new.rows, [])
    with Store(tmp_path / "t.sqlite") as store:
        with store.transaction():
            store.ingest(old, "a")
        with (
            pytest.raises(StoreError, match="already holds other fr tariffs effective 2024-01-01"),
            store.transaction(),
        ):
            store.ingest(fake, "b")


def test_a_failure_leaves_the_store_as_it_was(
    tmp_path: Path, versions: tuple[Extraction, Extraction]
) -> None:
    old, new = versions
    with Store(tmp_path / "t.sqlite") as store:
        with store.transaction():
            store.ingest(old, "a")
        with pytest.raises(RuntimeError), store.transaction():
            store.ingest(new, "b")
            raise RuntimeError("killed half-way")
        assert store.connection.execute("SELECT COUNT(*) FROM circulars").fetchone()[0] == 1
        assert _ends(store)[("727016", "2024-01-01")] is None


def test_schema_version_is_checked(tmp_path: Path) -> None:
    Store(tmp_path / "t.sqlite").close()
    connection = sqlite3.connect(tmp_path / "t.sqlite")
    connection.execute("UPDATE meta SET value = '99'")
    connection.commit()
    connection.close()
    from extractor.store import SCHEMA_VERSION

    with pytest.raises(
        StoreError,
        match=f"store schema version 99, this version of inami-tariffs knows versions up to {SCHEMA_VERSION}",
    ):
        Store(tmp_path / "t.sqlite")


def test_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "x.sqlite").write_bytes(b"not sqlite at all, just text" * 10)
    with pytest.raises(StoreError, match="not a usable tariff store"):
        Store(tmp_path / "x.sqlite")


def test_second_writer_fails_cleanly(tmp_path: Path) -> None:
    first = Store(tmp_path / "t.sqlite")
    second = Store(tmp_path / "t.sqlite", timeout=0.2)
    with (
        first.transaction(),
        pytest.raises(StoreError, match="the store is busy"),
        second.transaction(),
    ):
        pass
    with second.transaction():
        pass
    first.close()
    second.close()


def test_in_force_and_history(tmp_path: Path, versions: tuple[Extraction, Extraction]) -> None:
    old, new = versions
    with Store(tmp_path / "t.sqlite") as store:
        with store.transaction():
            store.ingest(old, "a")
            store.ingest(new, "b")
        assert [r.row.fee for r in store.in_force("727016", date(2024, 12, 31))] == [
            old.rows[0].fee.__class__("80.00")
        ]
        assert [str(r.row.fee) for r in store.in_force("727016", date(2025, 1, 1))] == ["89.59"]
        assert store.in_force("727112", date(2025, 1, 1)) == []
        assert [
            (str(r.row.effective_from), str(r.effective_to)) for r in store.history("727112")
        ] == [("2024-01-01", "2024-12-31")]


def test_a_store_of_the_first_schema_is_upgraded_in_place(tmp_path: Path) -> None:
    """tests/fixtures/store-v1.sqlite was written by the first released schema (version 1):
    the 2024 and 2025 French annexes of samples/."""
    from extractor.store import SCHEMA_VERSION

    path = tmp_path / "old.sqlite"
    path.write_bytes((Path(__file__).parent / "fixtures" / "store-v1.sqlite").read_bytes())
    with Store(path) as store:
        versions = store.history("727016")
        version = store.connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
    assert version == (str(SCHEMA_VERSION),)
    assert [(v.row.effective_from, v.effective_to, str(v.row.fee)) for v in versions] == [
        (date(2024, 1, 1), date(2024, 12, 31), "80.00"),
        (date(2025, 1, 1), None, "89.59"),
    ]
    with Store(path) as store, store.transaction():  # and it takes new circulars
        [dutch] = extract_file(
            SAMPLES / "V1 - Psychologische zorg - 01-01-2025-omzendbrief VI.xlsx"
        )
        assert store.ingest(dutch, "nl").new
