"""How long each exported row is in force, as the store knows it after a run.

The one place the exports ask the store about validity: `extract` has no store (every row is
open-ended there), `run` asks after all its circulars are ingested. The answer comes from the
store's versions (Store.versions(): one per key and date, superseded rows left out), the
validity lookup answers from: a version is in force for its key in every language, so a row a
corrigendum superseded ends when the version that carries its amounts ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from extractor.columns import Key, row_key
from extractor.model import TariffRow
from extractor.store import Store

# (key, effective_from) → last day in force, None while no later version ends it.
Validity = dict[tuple[Key, date], date | None]


def validity_in_store(store: Store, rows: Iterable[TariffRow]) -> Validity:
    """The end of the version each row belongs to, from the store's versions."""
    wanted = {(row_key(row), row.effective_from) for row in rows}
    ends: Validity = {}
    for version in store.versions():
        slot = (row_key(version.row), version.valid_from)
        if slot in wanted:
            ends[slot] = version.valid_to
    return ends


def valid_to(validity: Validity | None, row: TariffRow) -> date | None:
    if validity is None:
        return None
    return validity.get((row_key(row), row.effective_from))
