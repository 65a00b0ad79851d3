"""When each stored tariff is in force: versions by key across languages, domains and scopes.

Pure: the store hands over its units (one file + sheet + language each) and its rows, and gets
back, per row, the last day it is in force and whether another row of the same version carries
the amounts. The same function answers "as known on" a past day by leaving out the units the
store learnt later, so corrigenda supersede without deleting anything.

- A tariff's identity is its key (code pair, age band, condition), in every language: a
  version of a key starts on an effective date and holds one set of amounts; each language
  keeps its own description.
- Of several rows of one key and date, the amounts come from a corrigendum first, then from
  the language named authoritative, then from the one recorded last.
- A version is in force until the next version of its key takes effect, or until a full
  circular of its domain takes effect without listing it. Partial circulars and corrigenda
  end nothing they do not list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from extractor.folding import fold

SCOPES = ("full", "partial", "corrigendum")


@dataclass(frozen=True)
class Unit:
    """One stored unit: a file, a sheet of it, a language; what the store knows of it."""

    id: int
    circular: str
    language: str
    domain: str
    scope: str
    effective_from: date
    recorded_at: str  # ISO date and time the store learnt it
    authoritative: str = ""  # the language named authoritative when it was stored, or ""

    def known_on(self, day: date | None) -> bool:
        return day is None or self.recorded_at[:10] <= day.isoformat()


@dataclass(frozen=True)
class VersionRow:
    """What validity needs of a stored row: its identity, its unit, its date, its amounts."""

    id: int
    unit: int
    key: tuple[Any, ...]
    effective_from: date
    amounts: tuple[Any, ...]


@dataclass(frozen=True)
class Validity:
    effective_to: date | None
    superseded: bool  # another row of this key and date carries the amounts in force


# What domain_link computes, as a number: bump it when domain_link or the fold it uses changes.
# A store keeps each unit's link; one written under other rules is relinked when it is opened
# (extractor/store.py), or a new circular would not meet the units of its own domain.
DOMAIN_LINK_RULES = 1


def domain_link(unit: Unit) -> str:
    """What links units of one domain: its folded name (the unit alone when it has none)."""
    return fold(unit.domain) or f"#{unit.id}"


def domain_groups(units: Iterable[Unit]) -> dict[int, int]:
    """Units of one tariff set share a group: same domain (folded), or the French and Dutch
    versions of one circular (same number and effective date), which link two domain names.
    The store keeps each unit's group and its domain link (extractor/store_update.py), found
    by these two links."""
    units = list(units)
    parent: dict[int, int] = {u.id: u.id for u in units}

    def find(unit: int) -> int:
        while parent[unit] != unit:
            parent[unit] = parent[parent[unit]]
            unit = parent[unit]
        return unit

    first_of: dict[tuple[Any, ...], int] = {}
    for unit in units:
        links: list[tuple[Any, ...]] = [("domain", domain_link(unit))]
        if unit.circular:
            links.append(("circular", unit.circular, unit.effective_from))
        for link in links:
            other = first_of.setdefault(link, unit.id)
            parent[find(unit.id)] = find(other)
    return {unit.id: find(unit.id) for unit in units}


def winner_order(unit: Unit, declared: str) -> tuple[bool, bool, str, int]:
    """Which row of one key and date carries the amounts: the highest of these."""
    return (
        unit.scope == "corrigendum",
        bool(declared) and unit.language == declared,
        unit.recorded_at,
        unit.id,
    )


def validity(
    units: Sequence[Unit],
    rows: Iterable[VersionRow],
    known_on: date | None = None,
    groups: dict[int, int] | None = None,
) -> dict[int, Validity]:
    """Each row's last day in force and whether it is superseded; rows of units not yet known
    on `known_on` are left out of the answer. `groups`: each unit's domain group when known
    already (the tariff sets the store keeps: domain_groups over every unit it holds), else
    domain_groups over `units`."""
    known = {u.id: u for u in units if u.known_on(known_on)}
    if groups is None:
        groups = domain_groups(known.values())
    slots: dict[tuple[Any, ...], list[VersionRow]] = {}
    for row in rows:
        if row.unit in known:
            slots.setdefault((row.key, row.effective_from), []).append(row)

    dates: dict[tuple[Any, ...], list[date]] = {}
    for key, day in slots:
        dates.setdefault(key, []).append(day)
    for days in dates.values():
        days.sort()
    # Full circulars: per domain group and effective date, every key they list.
    full: dict[tuple[int, date], set[tuple[Any, ...]]] = {}
    for (key, day), slot in slots.items():
        for row in slot:
            unit = known[row.unit]
            if unit.scope == "full":
                full.setdefault((groups[unit.id], day), set()).add(key)
    full_by_group: dict[int, list[tuple[date, set[tuple[Any, ...]]]]] = {}
    for (group, day), keys in sorted(full.items(), key=lambda item: item[0][1]):
        full_by_group.setdefault(group, []).append((day, keys))

    result: dict[int, Validity] = {}
    for (key, day), slot in slots.items():
        later = [d for d in dates[key] if d > day]
        ends = [later[0]] if later else []
        for group in {groups[row.unit] for row in slot}:
            for when, keys in full_by_group.get(group, []):
                if when > day and key not in keys:
                    ends.append(when)
                    break
        end = min(ends) - timedelta(days=1) if ends else None
        declared = max(known[r.unit].authoritative for r in slot)
        winner = max(slot, key=lambda r: winner_order(known[r.unit], declared))
        for row in slot:
            result[row.id] = Validity(end, row.amounts != winner.amounts)
    return result
