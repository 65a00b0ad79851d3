"""Validity worked by hand on units and rows (versions.py is pure): what is known on a day,
which row of one key and date carries the amounts, which circulars end which tariffs."""

from __future__ import annotations

from datetime import date

from extractor.versions import Unit, Validity, VersionRow, validity

FIRST = Unit(1, "2024/001", "fr", "kine", "full", date(2025, 1, 1), "2025-03-01T09:30:00+00:00")
NEXT = Unit(2, "2025/002", "fr", "kine", "full", date(2025, 7, 1), "2025-03-02T00:00:00+00:00")
KEY = ("726530", "", None, None, "")
ROWS = [
    VersionRow(10, 1, KEY, date(2025, 1, 1), ("89.59",)),
    VersionRow(20, 2, KEY, date(2025, 7, 1), ("91.00",)),
]


def test_a_unit_is_known_from_the_day_it_was_recorded() -> None:
    assert FIRST.known_on(date(2025, 3, 1))
    assert not FIRST.known_on(date(2025, 2, 28))
    assert FIRST.known_on(None)


def test_validity_as_known_on_a_day() -> None:
    assert validity([FIRST, NEXT], ROWS, known_on=date(2025, 2, 28)) == {}
    assert validity([FIRST, NEXT], ROWS, known_on=date(2025, 3, 1)) == {10: Validity(None, False)}
    assert validity([FIRST, NEXT], ROWS, known_on=date(2025, 3, 2)) == {
        10: Validity(date(2025, 6, 30), False),
        20: Validity(None, False),
    }


def _unit(
    id: int, language: str, scope: str, recorded: str, domain: str = "kine", **other: str
) -> Unit:
    return Unit(id, other.get("circular", f"c{id}"), language, domain, scope, date(2025, 1, 1),
                recorded, other.get("authoritative", ""))  # fmt: skip


def _same_day_rows(*units: Unit) -> list[VersionRow]:
    """One row per unit, all of KEY on 1 January 2025, with amounts told apart by unit."""
    return [VersionRow(u.id * 10, u.id, KEY, date(2025, 1, 1), (str(u.id),)) for u in units]


def _superseded(units: list[Unit]) -> dict[int, bool]:
    return {row: v.superseded for row, v in validity(units, _same_day_rows(*units)).items()}


def test_a_corrigendum_carries_the_amounts_even_when_recorded_first() -> None:
    units = [
        _unit(1, "fr", "corrigendum", "2025-01-05T00:00:00"),
        _unit(2, "fr", "full", "2025-01-10T00:00:00"),
    ]
    assert _superseded(units) == {10: False, 20: True}


def test_the_authoritative_language_carries_the_amounts() -> None:
    units = [
        _unit(1, "nl", "full", "2025-01-05T00:00:00", authoritative="nl"),
        _unit(2, "fr", "full", "2025-01-10T00:00:00"),
    ]
    assert _superseded(units) == {10: False, 20: True}


def test_otherwise_the_row_recorded_last_carries_the_amounts() -> None:
    units = [
        _unit(1, "nl", "full", "2025-01-05T00:00:00"),
        _unit(2, "fr", "full", "2025-01-10T00:00:00"),
    ]
    assert _superseded(units) == {10: True, 20: False}


OTHER = ("726552", "", None, None, "")


def test_a_full_circular_ends_only_its_own_domains_tariffs() -> None:
    """A full 'logo' circular of July that does not list KEY does not end the kine tariff."""
    units = [
        _unit(1, "fr", "full", "2025-01-05T00:00:00", domain="kine", circular="2024/1"),
        Unit(2, "2025/7", "fr", "logo", "full", date(2025, 7, 1), "2025-06-01T00:00:00"),
    ]
    rows = [
        VersionRow(10, 1, KEY, date(2025, 1, 1), ("89.59",)),
        VersionRow(20, 2, OTHER, date(2025, 7, 1), ("40.00",)),
    ]
    assert validity(units, rows)[10] == Validity(None, False)


def test_french_and_dutch_of_one_circular_are_one_domain() -> None:
    """The Dutch version names the domain otherwise; a later full French circular that does not
    list KEY ends the Dutch row too, the day before it takes effect."""
    units = [
        _unit(1, "fr", "full", "2025-01-05T00:00:00", domain="kine", circular="2024/1"),
        _unit(2, "nl", "full", "2025-01-05T00:00:00", domain="kinesitherapie", circular="2024/1"),
        Unit(3, "2025/7", "fr", "kine", "full", date(2025, 7, 1), "2025-06-01T00:00:00"),
    ]
    rows = [
        VersionRow(10, 1, KEY, date(2025, 1, 1), ("89.59",)),
        VersionRow(20, 2, KEY, date(2025, 1, 1), ("89.59",)),
        VersionRow(30, 3, OTHER, date(2025, 7, 1), ("40.00",)),
    ]
    result = validity(units, rows)
    assert result[10] == result[20] == Validity(date(2025, 6, 30), False)


def test_partial_circulars_end_nothing_they_do_not_list() -> None:
    units = [
        _unit(1, "fr", "partial", "2025-01-05T00:00:00"),
        Unit(2, "2025/7", "fr", "kine", "partial", date(2025, 7, 1), "2025-06-01T00:00:00"),
    ]
    rows = [
        VersionRow(10, 1, KEY, date(2025, 1, 1), ("89.59",)),
        VersionRow(20, 2, OTHER, date(2025, 7, 1), ("40.00",)),
    ]
    assert validity(units, rows) == {10: Validity(None, False), 20: Validity(None, False)}


def test_a_full_circular_of_the_same_day_does_not_end_a_row_of_that_day() -> None:
    """A partial circular and a full one take effect together; the full one does not list KEY.
    Ending KEY 'the day before' would give it a validity that ends before it starts."""
    units = [
        _unit(1, "fr", "partial", "2025-01-05T00:00:00"),
        _unit(2, "fr", "full", "2025-01-05T00:00:00"),
    ]
    rows = [
        VersionRow(10, 1, KEY, date(2025, 1, 1), ("89.59",)),
        VersionRow(20, 2, OTHER, date(2025, 1, 1), ("40.00",)),
    ]
    assert validity(units, rows)[10] == Validity(None, False)
