"""How long each exported row is in force, as the store knows it after a run.

The one place the exports ask the store about validity: `extract` has no store (every row is
open-ended there), `run` asks after all its circulars are ingested.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from extractor.columns import Key, row_key
from extractor.model import TariffRow
from extractor.store import Store

# (language, key, effective_from) → last day in force, None while no later version ends it.
Validity = dict[tuple[str, Key, date], date | None]


def validity_in_store(store: Store, rows: Iterable[TariffRow]) -> Validity:
    """The end of each row's validity, from the stored versions of its code."""
    ends: Validity = {}
    for code in sorted({row.code_amb for row in rows}):
        for stored in store.history(code):
            row = stored.row
            ends[(row.language, row_key(row), row.effective_from)] = stored.effective_to
    return ends


def valid_to(validity: Validity | None, row: TariffRow) -> date | None:
    if validity is None:
        return None
    return validity.get((row.language, row_key(row), row.effective_from))
