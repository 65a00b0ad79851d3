"""The SQLite store: effective dating in any ingestion order, idempotence, all-or-nothing."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extractor.api import extract_file
from extractor.model import Extraction, Issue
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
        assert again.new is False and again.note == "already in the store"
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
    with pytest.raises(StoreError) as raised:
        Store(tmp_path / "x.sqlite")
    assert str(raised.value) == "x.sqlite: not a usable tariff store (file is not a database)"


def test_another_programs_sqlite_file_is_refused_word_for_word(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "other.sqlite")
    connection.execute("CREATE TABLE other (x)")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError) as raised:
        Store(tmp_path / "other.sqlite")
    assert str(raised.value) == "other.sqlite: this SQLite file is not an inami-tariffs store"


def test_a_store_that_lost_its_schema_version_is_refused_word_for_word(tmp_path: Path) -> None:
    from extractor.store import SCHEMA_VERSION

    Store(tmp_path / "t.sqlite").close()
    connection = sqlite3.connect(tmp_path / "t.sqlite")
    connection.execute("DELETE FROM meta WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError) as raised:
        Store(tmp_path / "t.sqlite")
    assert str(raised.value) == (
        f"t.sqlite: store schema version none, this version of inami-tariffs knows versions up"
        f" to {SCHEMA_VERSION}: upgrade inami-tariffs"
    )


def test_a_store_is_made_in_a_folder_that_does_not_exist_yet(tmp_path: Path) -> None:
    Store(tmp_path / "a" / "b" / "t.sqlite").close()
    assert (tmp_path / "a" / "b" / "t.sqlite").is_file()


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


# --- Effective dating worked by hand (issue 16) ------------------------------------------------
def test_each_version_ends_the_day_before_the_next_one_starts() -> None:
    """Three versions of one key (2024, 2025, 2026) stored in the order 2024, 2026, 2025, and
    the 2024 one in Dutch too: each ends on the eve of the *next* version, never of a later one.
    Amounts are versioned across languages (extractor/versions.py), so the French 2025
    version ends the Dutch 2024 row as well."""
    from extractor.versions import Unit, VersionRow, validity

    key = ("726530", None, None, None, None)
    units = [
        Unit(1, "2023/412", "fr", "soins psychologiques", "full", date(2024, 1, 1), "2024-01-02"),
        Unit(2, "2023/412", "nl", "psychologische zorg", "full", date(2024, 1, 1), "2024-01-02"),
        Unit(3, "2025/300", "fr", "soins psychologiques", "full", date(2026, 1, 1), "2025-12-02"),
        # Partial: it ends only what it lists, so the Dutch row ends as the next version of
        # its key, not as a key a full circular left out.
        Unit(
            4, "2024/356", "fr", "soins psychologiques", "partial", date(2025, 1, 1), "2025-12-03"
        ),
    ]
    rows = [VersionRow(n, n, key, unit.effective_from, (str(n),)) for n, unit in
            enumerate(units, 1)]  # fmt: skip
    ends = {row: found.effective_to for row, found in validity(units, rows).items()}
    assert ends == {
        1: date(2024, 12, 31),  # not 2025-12-31, the eve of the latest version
        2: date(2024, 12, 31),  # the Dutch row: ended by the French 2025 version
        3: None,
        4: date(2025, 12, 31),
    }
    # Another key in the 2026 circular only: the 2025 row of the first key is not its concern.
    other = VersionRow(5, 3, ("726552", None, None, None, None), date(2026, 1, 1), ("5",))
    assert validity(units, [*rows, other])[4].effective_to == date(2025, 12, 31)


def _annex(folder: Path, year: int, fee: str, dutch: bool = False) -> Path:
    """A one-code annex effective 1 January `year`, in French or Dutch."""
    from tests.builders import NL_HEADER, header_rows, write_workbook

    header, merges = header_rows(3, NL_HEADER) if dutch else header_rows(3)
    title = (f"Psychologische zorg vanaf 1 januari {year}" if dutch
             else f"Soins psychologiques à partir du 1er janvier {year}")  # fmt: skip
    number = ("Omzendbrief VI nr" if dutch else "Circulaire OA no") + f" {year - 1}/100"
    amount = Decimal(fee)
    line = [726530, "-", "Ondersteuning" if dutch else "Soutien", float(amount),
            float(amount - 4), float(amount - 11), 4, 11]  # fmt: skip
    name = f"{'nl' if dutch else 'fr'}-{year}.xlsx"
    return write_workbook(folder / name, [[title], [number], *header, line], merges=merges)


def test_lookup_over_three_versions_answers_one_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stored 2024 (French and Dutch), 2026, then 2025: on any day one tariff answers, the one
    whose dates hold that day; history gives each version's last day by hand."""
    import json

    from extractor.cli import main

    store = str(tmp_path / "t.sqlite")
    batches = [[_annex(tmp_path, 2024, "80.00"), _annex(tmp_path, 2024, "80.00", dutch=True)],
               [_annex(tmp_path, 2026, "90.00")], [_annex(tmp_path, 2025, "85.00")]]  # fmt: skip
    for batch in batches:
        assert main(["run", *map(str, batch), "--out", str(tmp_path / "o"), "--store", store,
                     "-q"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["history", "726530", "--json", "--store", store]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [(v["language"], v["effective_from"], v["effective_to"], v["fee"]) for v in history] == [
        ("fr", "2024-01-01", "2024-12-31", "80.00"),
        ("fr", "2025-01-01", "2025-12-31", "85.00"),
        ("fr", "2026-01-01", None, "90.00"),
        ("nl", "2024-01-01", "2024-12-31", "80.00"),
    ]
    with Store(tmp_path / "t.sqlite") as opened:
        for day, fee in (("2024-12-31", "80.00"), ("2025-01-01", "85.00"),
                         ("2025-12-31", "85.00"), ("2026-01-01", "90.00")):  # fmt: skip
            answers = opened.in_force("726530", date.fromisoformat(day))
            assert [str(r.row.fee) for r in answers if r.row.language == "fr"] == [fee], day
    for language, description in (("fr", "Soutien"), ("nl", "Ondersteuning")):
        assert main(["lookup", "726530", "--date", "2025-06-01", "--language", language,
                     "--store", store]) == 0  # fmt: skip
        answer = capsys.readouterr().out
        assert "fee 85.00" in answer and description in answer, answer


def test_a_file_stored_again_with_other_facts_is_refused_then_replaced(
    tmp_path: Path, versions: tuple[Extraction, Extraction]
) -> None:
    """The same file stated otherwise: refused word for word, saying what differs and what to
    do; with replace, stored once as stated now, its rows not doubled."""
    from dataclasses import replace

    old, _ = versions
    restated = replace(old, info=replace(old.info, circular="2023/999", corrects="2023/1"))
    with Store(tmp_path / "t.sqlite") as store:
        with store.transaction():
            store.ingest(old, "a")
        with pytest.raises(StoreError) as raised, store.transaction():
            store.ingest(restated, "a")
        assert str(raised.value) == (
            "V1 - Soins psychologiques - 01-01-2024-circ OA.xlsx: already in the store with other"
            " facts (circular - stored, 2023/999 now; corrects - stored, 2023/1 now); pass"
            " --replace to store it again as stated now"
        )
        with store.transaction():
            assert store.ingest(restated, "a", replace=True).new
        circulars = store.connection.execute("SELECT circular FROM circulars").fetchall()
        [[rows]] = store.connection.execute("SELECT count(*) FROM tariffs").fetchall()
    assert circulars == [("2023/999",)]
    assert rows == len(old.rows)


@pytest.mark.parametrize("known_on", [None, date(2100, 1, 1)], ids=["now", "as-known-on"])
def test_in_force_on_the_first_and_the_last_day_of_a_version(
    tmp_path: Path, versions: tuple[Extraction, Extraction], known_on: date | None
) -> None:
    """727016 was 2024-01-01 to 2024-12-31 in the old circular, from 2025-01-01 in the new:
    both ends of a validity are in it, from the store as it is and as it was known."""
    old, new = versions
    with Store(tmp_path / "t.sqlite") as store:
        with store.transaction():
            store.ingest(old, "a")
            store.ingest(new, "b")
        for day, start in [
            (date(2024, 1, 1), date(2024, 1, 1)),
            (date(2024, 12, 31), date(2024, 1, 1)),
            (date(2025, 1, 1), date(2025, 1, 1)),
        ]:
            rows = store.in_force("727016", day, known_on)
            assert rows, day
            assert {r.row.effective_from for r in rows} == {start}, day
        assert store.in_force("727016", date(2023, 12, 31), known_on) == []


def test_replacing_or_retracting_a_version_recomputes_the_ends_of_the_others(
    tmp_path: Path, versions: tuple[Extraction, Extraction]
) -> None:
    """Replaced, the 2025 circular still ends the 2024 one on 2024-12-31; the 2024 one
    replaced, its rows end there again; the 2025 one retracted, the 2024 one is open again
    (every row's end recomputed, not only the new unit's)."""
    from dataclasses import replace

    old, new = versions
    with Store(tmp_path / "t.sqlite") as store:
        with store.transaction():
            store.ingest(old, "a")
            store.ingest(new, "b")
        restated = replace(new, info=replace(new.info, circular="2024/999"))
        with store.transaction():
            store.ingest(restated, "b", replace=True)
        replaced = _ends(store)
        with store.transaction():  # the older one replaced: its rows come back and end again
            store.ingest(
                replace(old, info=replace(old.info, circular="2023/998")), "a", replace=True
            )
        older_replaced = _ends(store)
        with store.transaction():
            assert [c.circular for c in store.retract("2024/999")] == ["2024/999"]
        retracted = _ends(store)
    assert replaced[("727016", "2024-01-01")] == "2024-12-31"
    assert replaced[("727016", "2025-01-01")] is None
    assert older_replaced == replaced
    assert retracted == {key: None for key in retracted}
    assert ("727016", "2024-01-01") in retracted


# --- Survivors of the mutation run of 2026-12-06 (benchmarks/mutation.md) ----------------------
def _unit(
    language: str,
    day: str,
    fee: str,
    *,
    file: str = "",
    codes: tuple[str, ...] = ("726530",),
    circular: str = "2024/1",
    scope: str = "full",
    sheet: str | None = "Feuil1",
    issued_on: date | None = None,
    issues: tuple[Issue, ...] = (),
    domain: str = "Soins psychologiques",
    corrects: str = "",
) -> Extraction:
    """A unit of one or a few tariffs (ages all, no condition) at one fee, in a workbook sheet
    (or, with sheet None, on a PDF page), built by hand."""
    from extractor.location import Location
    from extractor.model import CircularInfo, TariffRow

    effective = date.fromisoformat(day)
    name = file or f"{language}-{day}.xlsx"
    info = CircularInfo(
        circular,
        language,  # type: ignore[arg-type]
        effective,
        "Soins psychologiques",
        (name,),
        "xlsx" if sheet else "pdf",
        issued_on=issued_on,
        domain=domain,
        scope=scope,
        corrects=corrects,
    )
    no = None
    rows = [
        TariffRow(circular, language, effective, code, no, no, no, no, no, Decimal(fee), no, no,
                  no, no, "Séance", "", "", Location(name, sheet, None if sheet else 1, line))
        for line, code in enumerate(codes, 5)
    ]  # fmt: skip
    return Extraction(info, rows, list(issues))


def _history(store: Store, code: str = "726530") -> list[tuple[str, str, str | None, str]]:
    return [
        (r.row.language, str(r.row.effective_from), r.effective_to and str(r.effective_to),
         str(r.row.fee))
        for r in store.history(code)
    ]  # fmt: skip


def test_a_second_run_waits_ten_seconds_for_the_lock_by_default(tmp_path: Path) -> None:
    """README: two runs on one store, the second waits for the first (10 s), then fails."""
    with Store(tmp_path / "t.sqlite") as store:
        assert store.connection.execute("PRAGMA busy_timeout").fetchone() == (10_000,)


def test_french_and_dutch_amounts_that_disagree_need_an_authoritative_language(
    tmp_path: Path,
) -> None:
    """Stored without saying whose amounts are right, the Dutch 88.00 against the stored
    French 80.00 is refused word for word with nothing stored; with "nl", it is stored and
    its amounts are the ones in force (the French row is superseded, keeping its words)."""
    with Store(tmp_path / "t.sqlite") as store:
        with store.transaction():
            store.ingest(_unit("fr", "2025-01-01", "80.00"), "fr")
        with pytest.raises(StoreError) as raised, store.transaction():
            store.ingest(_unit("nl", "2025-01-01", "88.00"), "nl")
        assert str(raised.value) == (
            "nl-2025-01-01.xlsx: French and Dutch amounts disagree for 1 tariffs effective"
            " 2025-01-01: 726530: fee 80.00 in fr-2025-01-01.xlsx#Feuil1!5 vs 88.00 in"
            " nl-2025-01-01.xlsx#Feuil1!5; nothing stored: pass --authoritative fr or nl to say"
            " whose amounts are right"
        )
        assert [c.language for c in store.circulars()] == ["fr"]
        with store.transaction():
            store.ingest(_unit("nl", "2025-01-01", "88.00"), "nl", authoritative="nl")
        answers = store.in_force("726530", date(2025, 3, 1))
    assert [(r.row.language, str(r.row.fee), r.superseded) for r in answers] == [
        ("fr", "80.00", True),
        ("nl", "88.00", False),
    ]


def test_each_unit_keeps_its_own_digest_and_its_files(tmp_path: Path) -> None:
    """Two sheets of one workbook (same file, same language) are two units: each is stored,
    under the SHA-256 of "<file's SHA-256>#<sheet>"; a PDF's one unit under its file's SHA-256;
    every unit keeps its file's SHA-256 too."""
    import hashlib

    workbook, pdf = "ab" * 32, "cd" * 32
    with Store(tmp_path / "t.sqlite") as store:
        with store.transaction():
            store.ingest(_unit("fr", "2025-01-01", "80.00", codes=("726530",)), workbook)
            store.ingest(
                _unit("fr", "2025-01-01", "80.00", codes=("726552",), sheet="Feuil2"), workbook
            )
            store.ingest(
                _unit("fr", "2024-01-01", "75.00", file="c.pdf", circular="2023/1", sheet=None),
                pdf,
            )
        stored = store.connection.execute(
            "SELECT sheet, sha256, file_sha256 FROM circulars ORDER BY id"
        ).fetchall()
    assert stored == [
        ("Feuil1", hashlib.sha256(f"{workbook}#Feuil1".encode()).hexdigest(), workbook),
        ("Feuil2", hashlib.sha256(f"{workbook}#Feuil2".encode()).hexdigest(), workbook),
        ("", pdf, pdf),
    ]


def test_a_unit_keeps_its_issue_date_and_the_utc_time_the_store_learnt_it(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime, timedelta

    with Store(tmp_path / "t.sqlite") as store:
        with store.transaction():
            before = datetime.now(UTC).replace(microsecond=0)
            unit = store.ingest(_unit("fr", "2025-01-01", "80.00", issued_on=date(2024, 12, 11)),
                                "a").circular  # fmt: skip
            after = datetime.now(UTC)
        [issued_on] = store.connection.execute("SELECT issued_on FROM circulars").fetchone()
    assert issued_on == "2024-12-11"
    learnt = datetime.fromisoformat(unit.recorded_at)
    assert unit.recorded_at.endswith("+00:00") and learnt.utcoffset() == timedelta(0)
    assert before <= learnt <= after


def test_flagged_lines_come_back_from_the_store_as_they_were_reported(tmp_path: Path) -> None:
    """A line we could not read keeps its place and its raw cells in the store: the issues of
    the unit read back (for a report written again) equal those of the extraction."""
    from extractor.location import Location

    unreadable = Issue(
        "error",
        "row-unrecognised",
        "a tariff line whose amounts could not be read",
        Location("fr-2025-01-01.xlsx", "Feuil1", line=9, column="B"),
        ("726552", "Séance de groupe", "8O,OO"),
        "726552",
    )
    with Store(tmp_path / "t.sqlite") as store:
        with store.transaction():
            unit = store.ingest(_unit("fr", "2025-01-01", "80.00", issues=(unreadable,)),
                                "a").circular  # fmt: skip
        assert store.issues_of(unit.id) == [unreadable]
        [flag] = store.flagged("726552")
    assert str(flag.location) == "fr-2025-01-01.xlsx#Feuil1!B9"


def test_a_file_restated_to_another_date_moves_the_ends_of_the_other_versions(
    tmp_path: Path,
) -> None:
    """2025 (85.00) stored, then a file of 2024 (80.00): 2024 ends 2024-12-31, 2025 is open.
    That file restated as taking effect in 2026 (--replace): 2025 now ends 2025-12-31 (it had
    no end). Restated again to 2028: 2025 ends 2027-12-31, not where the file's 2026 date
    had ended it, although it was no longer in force on the eve of 2028."""
    from dataclasses import replace

    moved = _unit("fr", "2024-01-01", "80.00", file="moved.xlsx", circular="2023/1")

    def restated(day: str) -> Extraction:
        effective = date.fromisoformat(day)
        return replace(
            moved,
            info=replace(moved.info, effective_from=effective),
            rows=[replace(row, effective_from=effective) for row in moved.rows],
        )

    with Store(tmp_path / "t.sqlite") as store:
        with store.transaction():
            store.ingest(_unit("fr", "2025-01-01", "85.00"), "a")
            store.ingest(moved, "b")
        assert _history(store) == [
            ("fr", "2024-01-01", "2024-12-31", "80.00"),
            ("fr", "2025-01-01", None, "85.00"),
        ]
        with store.transaction():
            store.ingest(restated("2026-01-01"), "b", replace=True)
        assert _history(store) == [
            ("fr", "2025-01-01", "2025-12-31", "85.00"),
            ("fr", "2026-01-01", None, "80.00"),
        ]
        with store.transaction():
            store.ingest(restated("2028-01-01"), "b", replace=True)
        assert _history(store) == [
            ("fr", "2025-01-01", "2027-12-31", "85.00"),
            ("fr", "2028-01-01", None, "80.00"),
        ]
        assert [str(r.row.fee) for r in store.in_force("726530", date(2026, 6, 1))] == ["85.00"]


def test_a_retracted_corrigendum_gives_the_amounts_back_to_the_circular_it_corrected(
    tmp_path: Path,
) -> None:
    """A corrigendum of the same date (82.00) supersedes the circular's row (80.00); retracted,
    the circular's row is the one in force again: no longer superseded, its end unchanged."""
    with Store(tmp_path / "t.sqlite") as store:
        with store.transaction():
            store.ingest(_unit("fr", "2025-01-01", "80.00"), "o")
            store.ingest(
                _unit("fr", "2025-01-01", "82.00", file="c.xlsx", circular="2024/2",
                      scope="corrigendum"), "c",
            )  # fmt: skip
        on = date(2025, 3, 1)
        assert [(str(r.row.fee), r.superseded) for r in store.in_force("726530", on)] == [
            ("80.00", True),
            ("82.00", False),
        ]
        with store.transaction():
            store.retract("2024/2")
        assert [(str(r.row.fee), r.superseded, r.effective_to)
                for r in store.in_force("726530", on)] == [("80.00", False, None)]  # fmt: skip


# --- What the store admits (extractor/admission.py), as `run` asks it -------------------------
TEN = tuple(f"{726000 + 11 * n}" for n in range(10))  # ten codes of one domain


def _admit(
    store: Store, extraction: Extraction, digest: str, stored_scope: str | None = None, **how: Any
) -> None:
    """What run does with each unit: settle its scope, then store it, in one transaction."""
    from extractor.admission import settle_scope

    with store.transaction():
        settle_scope(store, extraction, stored_scope)
        store.ingest(extraction, digest, **how)


def _ten_in_force(path: Path, day: str = "2024-01-01") -> Store:
    """A store whose domain "Soins psychologiques" has ten tariffs from `day`."""
    store = Store(path)
    _admit(store, _unit("fr", day, "80.00", file="ten.xlsx", codes=TEN, circular="2023/1"), "t")
    return store


def test_a_circular_that_says_no_scope_is_full_when_it_lists_half_its_domain(
    tmp_path: Path,
) -> None:
    """Ten tariffs in force on the eve: a circular listing four, saying nothing of its scope,
    is refused word for word; listing five (half), it is a full circular and ends the others."""
    from extractor.errors import UsageError

    with _ten_in_force(tmp_path / "t.sqlite") as store:
        with pytest.raises(UsageError) as raised:
            _admit(store, _unit("fr", "2025-01-01", "85.00", codes=TEN[:4], scope=""), "four")
        assert str(raised.value) == (
            "fr-2025-01-01.xlsx: lists 4 tariffs where its domain 'Soins psychologiques' has 10"
            " in force on 2024-12-31: say what it is with --scope partial (the others stay in"
            " force), full (the others end) or corrigendum"
        )
        _admit(store, _unit("fr", "2025-01-01", "85.00", codes=TEN[:5], scope=""), "five")
        assert store.circulars()[-1].scope == "full"
        assert [str(r.effective_to) for r in store.history(TEN[9])] == ["2024-12-31"]


def test_what_is_in_force_on_the_eve_decides_even_what_took_effect_that_day(
    tmp_path: Path,
) -> None:
    """Ten tariffs from 2025-01-01: a two-tariff circular of 2025-01-02 meets them in force on
    its eve (refused without --scope); one of 2024-12-31 meets nothing (taken as full)."""
    from extractor.errors import UsageError

    with (
        _ten_in_force(tmp_path / "a.sqlite", "2025-01-01") as store,
        pytest.raises(UsageError, match="has 10 in force on 2025-01-01"),
    ):
        _admit(store, _unit("fr", "2025-01-02", "85.00", codes=TEN[:2], scope=""), "b")
    with _ten_in_force(tmp_path / "b.sqlite", "2025-01-01") as store:
        _admit(store, _unit("fr", "2024-12-31", "75.00", codes=TEN[:2], scope=""), "b")
        assert [(c.effective_from, c.scope) for c in store.circulars()] == [
            (date(2024, 12, 31), "full"),
            (date(2025, 1, 1), "full"),
        ]


def test_another_domains_tariffs_do_not_count_against_a_circular(tmp_path: Path) -> None:
    """The store's first unit is of another domain (ten dental tariffs): a one-tariff circular
    of psychological care without a scope meets nothing of its own domain, and is stored."""
    with Store(tmp_path / "t.sqlite") as store:
        _admit(store, _unit("fr", "2024-01-01", "30.00", file="d.xlsx", codes=TEN, circular="2023/9",
                            domain="Soins dentaires"), "d")  # fmt: skip
        _admit(store, _unit("fr", "2025-01-01", "85.00", codes=("727016",), scope=""), "p")
        assert [(c.domain, c.scope) for c in store.circulars()][-1] == (
            "Soins psychologiques",
            "full",
        )


@pytest.mark.parametrize(("domain", "named"), [("Psychologische zorg", "Psychologische zorg"),
                                              ("", "?")])  # fmt: skip
def test_the_dutch_twin_of_a_circular_counts_its_french_domains_tariffs(
    tmp_path: Path, domain: str, named: str
) -> None:
    """The Dutch version of 2024/356 (its domain a name the store has not seen, or none found)
    is linked to the French domain by its number and date: listing two of the ten French
    tariffs in force on its eve, without --scope, it is refused, not taken as full."""
    from extractor.errors import UsageError

    with _ten_in_force(tmp_path / "t.sqlite") as store:
        _admit(store, _unit("fr", "2025-01-01", "80.00", codes=TEN, circular="2024/356"), "f")
        dutch = _unit("nl", "2025-01-01", "80.00", codes=TEN[:2], circular="2024/356", scope="",
                      domain=domain)  # fmt: skip
        with pytest.raises(UsageError) as raised:
            _admit(store, dutch, "n")
    assert str(raised.value).startswith(
        f"nl-2025-01-01.xlsx: lists 2 tariffs where its domain '{named}' has 10 in force on"
        " 2024-12-31: say what it is with --scope"
    )


def test_a_partial_circular_stored_again_stays_partial(tmp_path: Path) -> None:
    """A partial circular (one of ten tariffs) stored with --scope partial, then the same file
    restated (another number, --replace) without --scope: it keeps the scope it was stored
    with, and the nine tariffs it does not list stay in force."""
    from dataclasses import replace

    with _ten_in_force(tmp_path / "t.sqlite") as store:
        partial = _unit("fr", "2025-01-01", "85.00", codes=TEN[:1], circular="2024/9",
                        scope="partial")  # fmt: skip
        _admit(store, partial, "p")
        again = replace(partial, info=replace(partial.info, circular="2024/10", scope=""))
        _admit(store, again, "p", stored_scope="partial", replace=True)
        assert [(c.circular, c.scope) for c in store.circulars()][-1] == ("2024/10", "partial")
        assert [r.effective_to for r in store.history(TEN[9])] == [None]


def test_a_corrigendum_that_names_nothing_corrects_the_circulars_of_its_date(
    tmp_path: Path,
) -> None:
    """Stored: 2023/5 (2024), 2024/1 and 2024/2 (2025, full, French; 2024/1 in Dutch too) and a
    corrigendum 2024/7 of 2025. A new corrigendum of 2025 that does not say what it corrects
    corrects the full circulars of its date: "2024/1, 2024/2" (not 2023/5, not 2024/7)."""
    with _ten_in_force(tmp_path / "t.sqlite") as store:
        for unit, digest in [
            (_unit("fr", "2024-01-01", "70.00", file="o.xlsx", codes=("727016",),
                   circular="2023/5"), "o"),
            (_unit("fr", "2025-01-01", "80.00", codes=TEN[:5], circular="2024/1"), "a"),
            (_unit("nl", "2025-01-01", "80.00", codes=TEN[:5], circular="2024/1",
                   domain="Psychologische zorg"), "n"),
            (_unit("fr", "2025-01-01", "80.00", file="b.xlsx", codes=TEN[5:], circular="2024/2"),
             "b"),
            (_unit("fr", "2025-01-01", "81.00", file="c7.xlsx", codes=TEN[:1], circular="2024/7",
                   scope="corrigendum", corrects="2024/1"), "c7"),
        ]:  # fmt: skip
            _admit(store, unit, digest)
        _admit(store, _unit("fr", "2025-01-01", "82.00", file="c8.xlsx", codes=TEN[1:2],
                            circular="2024/8", scope="corrigendum"), "c8")  # fmt: skip
        assert [(c.circular, c.scope, c.corrects) for c in store.circulars()][-1] == (
            "2024/8",
            "corrigendum",
            "2024/1, 2024/2",
        )


def test_a_refusal_names_three_rows_then_counts_the_others(tmp_path: Path) -> None:
    """French and Dutch disagree on three tariffs: all three are named; on five: three are
    named, then "and 2 more" (fee 80.00 stored in French, 88.00 in the Dutch file)."""

    def detail(n: int) -> str:
        return (f"{TEN[n]}: fee 80.00 in fr-2025-01-01.xlsx#Feuil1!{5 + n} vs 88.00 in"
                f" nl-2025-01-01.xlsx#Feuil1!{5 + n}")  # fmt: skip

    with Store(tmp_path / "t.sqlite") as store:
        _admit(store, _unit("fr", "2025-01-01", "80.00", codes=TEN[:5]), "f")
        for count, listed in ((3, "; ".join(map(detail, range(3)))),
                              (5, "; ".join(map(detail, range(3))) + " and 2 more")):  # fmt: skip
            with pytest.raises(StoreError) as raised:
                _admit(store, _unit("nl", "2025-01-01", "88.00", codes=TEN[:count]), f"n{count}")
            assert str(raised.value) == (
                f"nl-2025-01-01.xlsx: French and Dutch amounts disagree for {count} tariffs"
                f" effective 2025-01-01: {listed}; nothing stored: pass --authoritative fr or nl"
                " to say whose amounts are right"
            )


def test_a_refused_row_is_named_by_its_whole_key_and_every_amount_that_differs(
    tmp_path: Path,
) -> None:
    """The row of ages 24–64 with condition MET GMD disagrees on its fee and its standard
    reimbursement: the refusal names the code, the band and the condition, then each amount."""
    from dataclasses import replace

    def banded(language: str, fee: str, reimbursement: str) -> Extraction:
        unit = _unit(language, "2025-01-01", fee)
        rows = [replace(row, age_min=24, age_max=64, condition="MET GMD",
                        reimbursement_standard=Decimal(reimbursement)) for row in unit.rows]  # fmt: skip
        return replace(unit, rows=rows)

    with Store(tmp_path / "t.sqlite") as store:
        _admit(store, banded("fr", "80.00", "50.00"), "f")
        with pytest.raises(StoreError) as raised:
            _admit(store, banded("nl", "88.00", "55.00"), "n")
    assert str(raised.value) == (
        "nl-2025-01-01.xlsx: French and Dutch amounts disagree for 1 tariffs effective"
        " 2025-01-01: 726530 ages 24–64 MET GMD: fee 80.00 in fr-2025-01-01.xlsx#Feuil1!5 vs"
        " 88.00 in nl-2025-01-01.xlsx#Feuil1!5, reimbursement_standard 50.00 in"
        " fr-2025-01-01.xlsx#Feuil1!5 vs 55.00 in nl-2025-01-01.xlsx#Feuil1!5; nothing stored:"
        " pass --authoritative fr or nl to say whose amounts are right"
    )


def test_other_amounts_in_the_same_language_are_refused_naming_the_stored_file(
    tmp_path: Path,
) -> None:
    """A second French file of the same date with another fee: refused word for word, naming
    the file the stored amounts came from and what to do."""
    with Store(tmp_path / "t.sqlite") as store:
        _admit(store, _unit("fr", "2025-01-01", "80.00"), "f")
        with pytest.raises(StoreError) as raised:
            _admit(store, _unit("fr", "2025-01-01", "88.00", file="other.xlsx", circular="2024/2"),
                   "o")  # fmt: skip
    assert str(raised.value) == (
        "other.xlsx: the store already holds other fr tariffs effective 2025-01-01 for 1 of these"
        " tariffs (from fr-2025-01-01.xlsx: 726530: fee 80.00 in fr-2025-01-01.xlsx#Feuil1!5 vs"
        " 88.00 in other.xlsx#Feuil1!5); if this circular corrects them pass --scope"
        " corrigendum, if the stored one is wrong `retract` it"
    )


def test_a_row_that_agrees_does_not_end_the_comparison(tmp_path: Path) -> None:
    """Stored in French: 726530 for ages ≤23 and for 24+ at 80.00. Another French file of the
    same date lists both, one at 80.00 (it agrees) and the other at 88.00: whichever is compared
    first, the one that differs is found and the file refused, naming it."""
    from dataclasses import replace

    def bands(unit: Extraction, fees: dict[tuple[int | None, int | None], str]) -> Extraction:
        rows = [replace(unit.rows[0], age_min=low, age_max=high, fee=Decimal(fee),
                        source=unit.rows[0].source.at(n))
                for n, ((low, high), fee) in enumerate(fees.items(), 5)]  # fmt: skip
        return replace(unit, rows=rows)

    young, adult = (None, 23), (24, None)
    with Store(tmp_path / "t.sqlite") as store:
        _admit(store, bands(_unit("fr", "2025-01-01", "80.00"), {young: "80.00", adult: "80.00"}),
               "f")  # fmt: skip
        other = _unit("fr", "2025-01-01", "80.00", file="other.xlsx", circular="2024/2")
        for fees, shown in (({young: "80.00", adult: "88.00"}, "24+"),
                            ({young: "88.00", adult: "80.00"}, "≤23")):  # fmt: skip
            with pytest.raises(StoreError) as raised:
                _admit(store, bands(other, fees), "o")
            assert f"for 1 of these tariffs (from fr-2025-01-01.xlsx: 726530 ages {shown}: fee" in (
                str(raised.value)
            )
