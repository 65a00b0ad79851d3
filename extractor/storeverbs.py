"""The verbs that read or undo the store, re-exported by extractor.api: the billing question
(lookup), a code's history, every version with its validity (what exports of validity
periods read), and retracting a mistaken ingestion."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from extractor.errors import StoreError, UsageError
from extractor.inputs import parse_code_input, parse_date_input
from extractor.lookup import Tariff, answer
from extractor.store import Store, StoredCircular, StoredRow

STORE_NAME = "tariffs.sqlite"
DEFAULT_STORE = Path("output") / STORE_NAME


def versions(
    *,
    store: Path | str | None = None,
    store_path: Path | str | None = None,
    as_known_on: date | None = None,
) -> list[StoredRow]:
    """Every version of every tariff with valid_from and valid_to (None: still in force), one
    per key, date and language, superseded rows left out; `as_known_on` a past day."""
    with Store(_existing_store(store, store_path)) as opened:
        return opened.versions(as_known_on)


def retract(
    circular: str, *, store: Path | str | None = None, store_path: Path | str | None = None
) -> list[StoredCircular]:
    """Remove every stored unit of a circular (its number or its file name) and recompute."""
    with Store(_existing_store(store, store_path)) as opened, opened.transaction():
        removed = opened.retract(circular)
    if not removed:
        raise UsageError(f"the store holds no circular {circular!r} (number or file name)")
    return removed


def history(
    code: str,
    *,
    store: Path | str | None = None,
    store_path: Path | str | None = None,
    as_known_on: date | None = None,
) -> list[StoredRow]:
    """Every version of a code in the store: what was in force when, from which circular, when
    the store learnt it, and which rows a corrigendum superseded.

    `code` as typed (726530, 726-530); `store` is the SQLite file (`store_path`, its older
    name, is still accepted). None stored is an answer, not an error: an empty list.
    """
    code = parse_code_input(code)
    with Store(_existing_store(store, store_path)) as opened:
        rows = opened.history(code)
        return rows if as_known_on is None else opened.as_known_on(rows, as_known_on)


def lookup(
    code: str,
    on: date | str,
    *,
    age: int | None = None,
    preferential: bool = False,
    language: str | None = None,
    condition: str | None = None,
    store: Path | str | None = None,
    store_path: Path | str | None = None,
    as_known_on: date | None = None,
) -> Tariff:
    """The fee, reimbursement and co-payment in force for code C on date D for this patient.

    `code` as typed (726530, 726-530); `on` a date or its text (2025-03-01, 01/03/2025);
    `condition`: the tariff's condition as printed ("MET GMD"), "" for the general tariff;
    `store` the SQLite file (`store_path`, its older name, is still accepted); `as_known_on`:
    what the store knew at the end of that day (an invoice made then), before later corrigenda.
    """
    code = parse_code_input(code)
    on = parse_date_input(on)
    with Store(_existing_store(store, store_path)) as opened:
        rows = opened.in_force(code, on, as_known_on)
        flagged = [
            flag
            for flag in opened.flagged(code)
            if as_known_on is None or flag.recorded_at[:10] <= as_known_on.isoformat()
        ]
        earlier = None
        if language is not None or not rows:
            earlier = opened.history(code)
            if as_known_on is not None:
                earlier = opened.as_known_on(earlier, as_known_on)
    return answer(
        code,
        on,
        rows,
        age=age,
        preferential=preferential,
        language=language,
        condition=condition,
        flagged=flagged,
        earlier=earlier,
        known_on=as_known_on,
    )


def _existing_store(store: Path | str | None, store_path: Path | str | None) -> Path:
    """The store a read-only verb asks; it must exist and be one (never created or written by
    a question: an empty or foreign file is refused and left as it was)."""
    if store is not None and store_path is not None and Path(store) != Path(store_path):
        raise UsageError(f"two stores given: store={store} and store_path={store_path}")
    path = Path(store if store is not None else store_path or DEFAULT_STORE)
    if not path.is_file():
        raise UsageError(
            f"no tariff store at {path}; create one with run, or name the store",
            option="--store PATH",
        )
    with path.open("rb") as stream:
        header = stream.read(16)
    if header != b"SQLite format 3\x00":
        what = "the file is empty" if not header else "not an SQLite file"
        raise StoreError(f"not a tariff store ({what}); it was left as it is", path)
    return path
