"""After one unit is stored, recompute the validity of the rows it can change, and only those.

versions.validity stays the one definition of when a tariff is in force; it is handed the few
rows a new unit can change together with every row their answer depends on, instead of the
whole store, so that storing a circular costs time in proportion to it, not to the store.

A unit U taking effect on day d can change (d - 1 is "the eve"):
- the rows of its keys taking effect on d (which of them carries the amounts), or before d
  and in force on the eve (U becomes the next version of their key);
- when U is a full circular, the rows of its domain group taking effect before d and in force
  on the eve (U ends those it does not list);
- when U joins domain groups that were apart (a French and a Dutch name of one circular),
  any row of the joined group (every full circular of one part now ends rows of the other).
Rows taking effect after d, or ended before the eve, keep their validity. A row's validity
depends on the rows of its key from its own date on, and on which full circulars of its group
dated after it list its key: those rows, and one row of each of those full units, are what
validity sees, with the units of those rows and their groups.

Each unit's group (its tariff set: versions.domain_groups over every unit, named by its
smallest unit id) and domain link are kept in the circulars table, so that neither storing nor
retracting a unit reads the units of other sets: a new unit joins the sets its links name
(by index), and a retraction regroups the units left in its set.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from extractor.columns import AMOUNT_COLUMNS, KEY_COLUMNS
from extractor.versions import Unit, VersionRow, domain_groups, domain_link, validity

if TYPE_CHECKING:
    from extractor.store import Store

_KEYS = ", ".join(f"t.{name}" for name in KEY_COLUMNS)
_AMOUNTS = ", ".join(f"t.{name}" for name in AMOUNT_COLUMNS)
_TEMPORARY = (
    "CREATE TEMP TABLE IF NOT EXISTS wanted_units (id INTEGER PRIMARY KEY)",
    "CREATE TEMP TABLE IF NOT EXISTS wanted_codes (code_amb TEXT PRIMARY KEY, since TEXT)",
)


def update_after_ingest(store: Store, unit_id: int) -> None:
    """Bring effective_to and superseded up to date after unit `unit_id` was inserted."""
    connection = store.connection
    for statement in _TEMPORARY:
        connection.execute(statement)
    new = store.circular(unit_id).unit
    group, joined = _join_sets(store, new)
    day = new.effective_from.isoformat()
    eve = (new.effective_from - timedelta(days=1)).isoformat()

    targets: dict[int, tuple[Any, ...]] = {}
    own = _targets(connection, "", "t.circular_id = ?", (unit_id,))
    own_keys = {target[5:] for target in own}
    _fill(connection, "wanted_codes", [(code, None) for code in {key[0] for key in own_keys}])
    for target in _in_force_on_eve(connection, "wanted_codes w ON t.code_amb = w.code_amb", eve):
        if target[2] <= day and target[5:] in own_keys:
            targets[target[0]] = target
    if joined or new.scope == "full":
        _fill(connection, "wanted_units", [(i,) for i in group])
        on_group = "wanted_units w ON t.circular_id = w.id"
        found = (
            _targets(connection, on_group)
            if joined
            else _in_force_on_eve(connection, on_group, eve)
        )
        for target in found:
            if joined or target[2] < day:
                targets[target[0]] = target
    _recompute(store, targets)


def remove_units(store: Store, unit_ids: list[int]) -> None:
    """Delete these units and recompute the validity of the rows their going can change: the
    rows of their keys, and when one was a full circular or held its tariff set together, the
    rows of the units left in their sets (a set may split: each part is a set again)."""
    connection = store.connection
    for statement in _TEMPORARY:
        connection.execute(statement)
    _fill(connection, "wanted_units", [(i,) for i in unit_ids])
    removed = _targets(connection, "wanted_units w ON t.circular_id = w.id")
    keys = {target[5:] for target in removed}
    marks = ", ".join("?" for _ in unit_ids)
    sets = {
        found
        for (found,) in connection.execute(
            f"SELECT tariff_set FROM circulars WHERE id IN ({marks})", unit_ids
        )
    }
    full = connection.execute(
        f"SELECT 1 FROM circulars WHERE id IN ({marks}) AND scope = 'full'", unit_ids
    ).fetchone()
    for unit_id in unit_ids:
        for table in ("flagged", "tariffs"):
            connection.execute(f"DELETE FROM {table} WHERE circular_id = ?", (unit_id,))
        connection.execute("DELETE FROM circulars WHERE id = ?", (unit_id,))
    kept = [
        found
        for found in sets
        if connection.execute("SELECT 1 FROM circulars WHERE tariff_set = ?", (found,)).fetchone()
    ]
    left = [c.unit for c in store.units_of_sets(kept)]
    split = _assign_sets(connection, left) > len(kept)
    targets: dict[int, tuple[Any, ...]] = {}
    _fill(connection, "wanted_codes", [(code, None) for code in {key[0] for key in keys}])
    for target in _targets(connection, "wanted_codes w ON t.code_amb = w.code_amb"):
        if target[5:] in keys:
            targets[target[0]] = target
    if full or split:
        _fill(connection, "wanted_units", [(u.id,) for u in left])
        for target in _targets(connection, "wanted_units w ON t.circular_id = w.id"):
            targets[target[0]] = target
    _recompute(store, targets)


def fill_tariff_sets(store: Store) -> None:
    """Give every stored unit its domain link and tariff set (a store upgraded to version 6)."""
    units = [c.unit for c in store.circulars()]
    store.connection.executemany(
        "UPDATE circulars SET domain_link = ? WHERE id = ?",
        [(domain_link(u), u.id) for u in units],
    )
    _assign_sets(store.connection, units)


def _join_sets(store: Store, new: Unit) -> tuple[list[int], bool]:
    """Put a unit just inserted in its tariff set, joining the sets it links (a French and a
    Dutch name of one circular); the ids of the set's units, and whether it joined sets."""
    connection = store.connection
    linked = store.linked_sets(new)
    connection.execute(
        "UPDATE circulars SET domain_link = ? WHERE id = ?", (domain_link(new), new.id)
    )
    if len(linked) > 1:
        _assign_sets(connection, [*(c.unit for c in store.units_of_sets(linked)), new])
    else:  # a set of its own, or the one it links to (whose smallest id is older than it)
        connection.execute(
            "UPDATE circulars SET tariff_set = ? WHERE id = ?", (min({new.id, *linked}), new.id)
        )
    group = [
        unit
        for (unit,) in connection.execute(
            "SELECT id FROM circulars WHERE tariff_set = (SELECT tariff_set FROM circulars"
            " WHERE id = ?)",
            (new.id,),
        )
    ]
    return group, len(linked) > 1


def _assign_sets(connection: Any, units: list[Unit]) -> int:
    """Write the tariff set of each of these units (whole sets, so domain_groups over them is
    their partition in the whole store): the smallest unit id of its group. How many groups
    they form."""
    groups = domain_groups(units)
    smallest: dict[int, int] = {}
    for unit in units:
        smallest[groups[unit.id]] = min(smallest.get(groups[unit.id], unit.id), unit.id)
    connection.executemany(
        "UPDATE circulars SET tariff_set = ? WHERE id = ? AND tariff_set IS NOT ?",
        [(smallest[groups[u.id]], u.id, smallest[groups[u.id]]) for u in units],
    )
    return len(smallest)


def _recompute(store: Store, targets: dict[int, tuple[Any, ...]]) -> None:
    """Write the validity of the targets' slots where it changed."""
    if not targets:
        return
    units, sets, rows, current = _dependencies(store, targets.values())
    # A version's rows of one key and date share their end: every row of a target's slot is one.
    slots = {(row.key, row.effective_from) for row in rows if row.id in targets}
    computed = validity(units, rows, groups=sets)
    changed = []
    for row in rows:
        if (row.key, row.effective_from) not in slots:
            continue
        now = computed[row.id]
        wanted = (
            None if now.effective_to is None else now.effective_to.isoformat(),
            now.superseded,
        )
        if current[row.id] != wanted:
            changed.append((wanted[0], int(wanted[1]), row.id))
    store.connection.executemany(
        "UPDATE tariffs SET effective_to = ?, superseded = ? WHERE id = ?", changed
    )


def _targets(
    connection: Any, join: str, where: str = "1 = 1", parameters: tuple[Any, ...] = ()
) -> list[tuple[Any, ...]]:
    """Rows as (id, unit, effective_from, effective_to, superseded, *key); `join`: a temporary
    table and how it names rows ("table w ON condition"), read first."""
    table, _, condition = join.partition(" ON ")
    source = f"{table} CROSS JOIN tariffs t ON {condition}" if join else "tariffs t"
    found: list[tuple[Any, ...]] = connection.execute(
        f"SELECT t.id, t.circular_id, t.effective_from, t.effective_to, t.superseded, {_KEYS}"
        f" FROM {source} WHERE {where}",
        parameters,
    ).fetchall()
    return found


def _fill(connection: Any, table: str, values: list[tuple[Any, ...]]) -> None:
    connection.execute(f"DELETE FROM {table}")
    if values:
        marks = ", ".join("?" for _ in values[0])
        connection.executemany(f"INSERT INTO {table} VALUES ({marks})", values)


def _in_force_on_eve(connection: Any, join: str, eve: str) -> list[tuple[Any, ...]]:
    """The rows `join` names that are in force on the eve or later (two index ranges)."""
    return _targets(connection, join, "t.effective_to IS NULL") + _targets(
        connection, join, "t.effective_to >= ?", (eve,)
    )


def _dependencies(
    store: Store, targets: Iterable[tuple[Any, ...]]
) -> tuple[list[Unit], dict[int, int], list[VersionRow], dict[int, tuple[str | None, bool]]]:
    """Every row the targets' validity depends on: the rows of their keys from their dates on,
    and one row of every later full unit of the tariff sets those rows belong to; the units of
    those rows and their sets; the validity each row has now."""
    since: dict[str, str] = {}
    keys: set[tuple[Any, ...]] = set()
    for target in targets:
        effective_from, key = target[2], tuple(target[5:])
        keys.add(key)
        since[key[0]] = min(since.get(key[0], effective_from), effective_from)
    _fill(store.connection, "wanted_codes", sorted(since.items()))
    rows: dict[int, VersionRow] = {}
    current: dict[int, tuple[str | None, bool]] = {}
    for found in store.connection.execute(
        f"SELECT t.id, t.circular_id, t.effective_from, t.effective_to, t.superseded, {_KEYS},"
        f" {_AMOUNTS} FROM wanted_codes w CROSS JOIN tariffs t"
        " ON t.code_amb = w.code_amb AND t.effective_from >= w.since"
    ):
        key = tuple(found[5 : 5 + len(KEY_COLUMNS)])
        if key in keys:
            amounts = tuple(found[5 + len(KEY_COLUMNS) :])
            rows[found[0]] = VersionRow(
                found[0], found[1], key, date.fromisoformat(found[2]), amounts
            )
            current[found[0]] = (found[3], bool(found[4]))
    # One row of each full unit of these rows' sets dated after the first target (one dated
    # before ends no target); the units of every row, with their sets.
    _fill(store.connection, "wanted_units", [(unit,) for unit in {r.unit for r in rows.values()}])
    full = store.connection.execute(
        "SELECT c.id FROM circulars c WHERE c.tariff_set IN (SELECT u.tariff_set FROM"
        " wanted_units w CROSS JOIN circulars u ON u.id = w.id) AND c.scope = 'full'"
        " AND c.effective_from > ?",
        (min(since.values(), default=""),),
    ).fetchall()
    _fill(store.connection, "wanted_units", full)
    for row in store.version_rows(
        "t.id IN (SELECT (SELECT MIN(id) FROM tariffs WHERE circular_id = w.id)"
        " FROM wanted_units w)"
    ):
        rows.setdefault(row.id, row)
    units, sets = store.units_and_sets({row.unit for row in rows.values()})
    return units, sets, list(rows.values()), current
