"""How long each exported row is in force, as the store knows it after a run.

The one place the exports ask the store about validity: `extract` has no store (every row is
open-ended there), `run` asks after all its circulars are ingested. The answer comes from the
store's versions of the run's codes and dates (Store.versions_of: one per key and date,
superseded rows left out, read by index, not every stored row), the validity lookup answers
from: a version is in force for its key in every language. A row whose
amounts are not its version's (a corrigendum superseded it) is in force on no day: the
valorisations and FHIR exports leave it out, tariffs.csv keeps it as printed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from extractor.columns import AMOUNT_COLUMNS, Key, row_key
from extractor.model import TariffRow
from extractor.store import Store
from extractor.stored import to_store

# (key, effective_from) → (last day in force, None while no later version ends it; the
# version's amounts).
Validity = dict[tuple[Key, date], tuple[date | None, tuple[Decimal | None, ...]]]


def validity_in_store(store: Store, rows: Iterable[TariffRow]) -> Validity:
    """The end and the amounts of the version each row belongs to, from the store's versions
    of these rows' codes and dates (read by index)."""
    rows = list(rows)
    wanted = {(row_key(row), row.effective_from) for row in rows}
    versions: Validity = {}
    codes = {to_store("code_amb", row.code_amb) for row in rows}
    for version in store.versions_of(codes, {day for _, day in wanted}):
        slot = (row_key(version.row), version.valid_from)
        if slot in wanted:
            versions[slot] = (version.valid_to, _amounts(version.row))
    return versions


def version_end(
    validity: Validity | None, key: Key, start: date, amounts: tuple[Decimal | None, ...]
) -> tuple[bool, date | None]:
    """For a row of this key, date and amounts: whether it is in force at all (not when the
    store's version of its key and date carries other amounts: a corrigendum superseded it),
    and its last day in force (valid_to)."""
    found = None if validity is None else validity.get((key, start))
    if found is None:
        return True, None
    return found[1] == amounts, found[0]


def _amounts(row: TariffRow) -> tuple[Decimal | None, ...]:
    return tuple(getattr(row, name) for name in AMOUNT_COLUMNS)
