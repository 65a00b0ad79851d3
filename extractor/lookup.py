"""The billing question: the amounts in force for one patient on one day, or why there are none.

Pure: takes the stored rows of a code in force that day and the patient, returns one Tariff
or raises LookupFailedError naming what is missing. Never picks one of several answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from extractor.columns import AMOUNT_COLUMNS, FEE, REGIMES
from extractor.errors import LookupFailedError
from extractor.folding import fold
from extractor.location import Location
from extractor.store import Flag, StoredRow
from extractor.stored import amounts_once
from extractor.values import format_age_band


@dataclass(frozen=True)
class Tariff:
    """What a billing system asks: the amounts in force for one beneficiary on one day."""

    code: str
    on: date
    age: int | None
    preferential: bool
    fee: Decimal | None
    reimbursement: Decimal | None
    copayment: Decimal | None
    circular: str
    effective_from: date
    effective_to: date | None
    description: str
    age_min: int | None
    age_max: int | None
    condition: str | None
    source: Location


def answer(
    code: str,
    on: date,
    in_force: list[StoredRow],
    *,
    age: int | None = None,
    preferential: bool = False,
    language: str | None = None,
    condition: str | None = None,
    flagged: list[Flag] | None = None,
    earlier: list[StoredRow] | None = None,
    known_on: date | None = None,
) -> Tariff:
    """The one row of `in_force` that applies to this patient, as a Tariff.

    `condition` names the tariff's condition as printed ("MET GMD"); "" asks for the general
    tariff (no condition); None leaves it open, which is an answer only when there is one.
    `flagged`: source lines naming the code that could not be read; when no row answers,
    the tariff is unreadable from that circular on, not absent. `earlier`: the code's
    history, for a description in the language asked when its version has none in it, and
    to say, when no row answers, whether its tariff ended before that day or starts after.
    `known_on`: the rows are what the store knew at the end of that day (a refusal says so).
    """
    rows = amounts_once(in_force, language, earlier)
    if not rows:
        _unreadable(code, on, in_force, flagged)
        known = f" as known on {known_on.isoformat()}" if known_on else ""
        raise LookupFailedError(
            f"no tariff for code {code} in force on {on.isoformat()} in the store{known}"
            + _outside(on, earlier, known_on)
        )
    if age is not None:
        rows = [
            r
            for r in rows
            if (r.row.age_min is None or r.row.age_min <= age)
            and (r.row.age_max is None or age <= r.row.age_max)
        ]
        if not rows:
            _unreadable(code, on, in_force, flagged)
            raise LookupFailedError(
                f"code {code} has no tariff for a patient aged {age} on {on.isoformat()}"
            )
    if condition is not None:
        wanted = fold(condition)
        matching = [r for r in rows if fold(r.row.condition or "") == wanted]
        if not matching:
            raise LookupFailedError(
                f"code {code} has no tariff under {_condition_name(condition)} on {on.isoformat()}"
                f" ({_conditions(rows)})"
            )
        rows = matching
    elif len({r.row.condition for r in rows}) > 1:
        raise LookupFailedError(
            f"code {code} has several tariffs on {on.isoformat()} depending on a condition"
            f' ({_conditions(rows)}); name the condition ("" for the general tariff)',
            option="--condition TEXT",
        )
    bands = sorted(
        {(r.row.age_min, r.row.age_max) for r in rows},
        key=lambda band: (-1 if band[0] is None else band[0], band[1] is None, band[1] or 0),
    )
    if len(bands) > 1:
        listed = ", ".join(format_age_band(*band) for band in bands)
        raise LookupFailedError(
            f"code {code} has several age bands on {on.isoformat()} ({listed}); give the"
            " patient's age",
            option="--age N",
        )
    amounts = {tuple(getattr(r.row, name) for name in AMOUNT_COLUMNS) for r in rows}
    if len(amounts) > 1:
        raise LookupFailedError(
            f"the French and Dutch versions of code {code} disagree on {on.isoformat()}; choose"
            " a language",
            option="--language fr|nl",
        )
    chosen = min(rows, key=lambda r: r.row.language)
    row = chosen.row
    _, reimbursement, copayment = next(
        regime
        for regime in REGIMES
        if regime[0] == ("preferential" if preferential else "standard")
    )
    return Tariff(
        code=code,
        on=on,
        age=age,
        preferential=preferential,
        fee=getattr(row, FEE),
        reimbursement=getattr(row, reimbursement),
        copayment=getattr(row, copayment),
        circular=chosen.circular,
        effective_from=row.effective_from,
        effective_to=chosen.effective_to,
        description=row.description,
        age_min=row.age_min,
        age_max=row.age_max,
        condition=row.condition,
        source=row.source,
    )


def _unreadable(code: str, on: date, in_force: list[StoredRow], flagged: list[Flag] | None) -> None:
    """A flagged line names the code, and no version of it took effect since: say so."""
    latest = max((r.row.effective_from for r in in_force), default=None)
    flags = [
        f
        for f in flagged or []
        if f.effective_from <= on and (latest is None or f.effective_from >= latest)
    ]
    if flags:
        flag = flags[-1]
        raise LookupFailedError(
            f"code {code} is unreadable in circular {flag.circular} from"
            f" {flag.effective_from.isoformat()} ({flag.location}: {flag.message});"
            " no amount can be given for it"
        )


def _outside(on: date, history: list[StoredRow] | None, known_on: date | None = None) -> str:
    """Why a known code has no tariff that day: it ended before, or starts after."""
    if history is None:
        return ""
    carrying = [r for r in history if not r.superseded]
    if not carrying:
        if known_on is not None:  # the store may hold it now: it learnt it later
            return ": the store had learnt no tariff under this code by then"
        return ": the store holds no tariff under this code"
    reasons = []
    ended = [r for r in carrying if r.effective_to is not None and r.effective_to < on]
    if ended:
        last = max(ended, key=lambda r: (r.effective_to or on, r.circular))
        reasons.append(
            f"its last tariff ended on {last.effective_to} (circular {last.circular or 'unknown'})"
        )
    later = [r for r in carrying if r.row.effective_from > on]
    if later:
        first = min(later, key=lambda r: (r.row.effective_from, r.circular))
        reasons.append(
            f"its first tariff after that day takes effect on {first.row.effective_from}"
            f" (circular {first.circular or 'unknown'})"
        )
    return ": " + "; ".join(reasons) if reasons else ""


def _condition_name(condition: str | None) -> str:
    return f"condition '{condition}'" if condition else "the general tariff (no condition)"


def _conditions(rows: list[StoredRow]) -> str:
    names = sorted({r.row.condition or "" for r in rows})
    return ", ".join(name or "general" for name in names)
