"""Keyed comparison of two versions of a tariff set, and what an indexation explains. Pure."""

from __future__ import annotations

import itertools
import math
import operator
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from extractor.columns import AMOUNT_COLUMNS, REGIMES, Key, key_order, row_key
from extractor.model import TariffRow

CENT = Decimal("0.01")
_amounts_of = operator.attrgetter(*AMOUNT_COLUMNS)


@dataclass(frozen=True)
class ColumnChange:
    column: str
    old: Decimal | None
    new: Decimal | None

    @property
    def absolute(self) -> Decimal | None:
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def relative(self) -> Decimal | None:
        """new / old - 1, as a fraction rounded to 6 places; None from zero or nothing."""
        if self.old is None or self.new is None or self.old == 0:
            return None
        return (self.new / self.old - 1).quantize(Decimal("0.000001"), ROUND_HALF_UP)


@dataclass(frozen=True)
class RowChange:
    old: TariffRow
    new: TariffRow
    amounts: tuple[ColumnChange, ...]
    description_changed: bool
    follows_indexation: bool = False


@dataclass
class Indexation:
    """The dominant linear indexation of fees, and which changed rows it does not explain."""

    rate: Decimal | None = None  # e.g. Decimal("0.0334")
    fees_changed: int = 0
    copayment_rate: Decimal | None = None  # co-payments indexed too: a finding of its own
    copayments_changed: int = 0
    following: int = 0
    not_following: list[RowChange] = field(default_factory=list)

    @property
    def percent(self) -> str:
        return "" if self.rate is None else f"{self.rate * 100:+.2f} %"

    @property
    def copayment_percent(self) -> str:
        return "" if self.copayment_rate is None else f"{self.copayment_rate * 100:+.2f} %"


@dataclass
class Diff:
    language: str
    added: list[TariffRow] = field(default_factory=list)
    removed: list[TariffRow] = field(default_factory=list)
    unreadable: list[TariffRow] = field(default_factory=list)  # flagged in the new version
    changed: list[RowChange] = field(default_factory=list)
    description_only: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    indexation: Indexation = field(default_factory=Indexation)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.description_only)


def diff_versions(
    old: list[TariffRow], new: list[TariffRow], language: str, flagged: Collection[str] = ()
) -> Diff:
    """Compare two versions of the same rows in one language, key by key.

    `flagged`: codes the new version names on lines it could not read; a row of such a code
    missing from the new version is unreadable there, not removed.
    """
    old_rows = {row_key(row): row for row in old if row.language == language}
    new_rows = {row_key(row): row for row in new if row.language == language}
    result = Diff(language)
    # Only rows that end up in a list are sorted (by key, as every list is): most keys of two
    # versions are unchanged and only counted, so ordering all of them would cost the most.
    for key, before in old_rows.items():
        after = new_rows.get(key)
        if after is None:
            (result.unreadable if before.code_amb in flagged else result.removed).append(before)
        elif before is after or (
            _amounts_of(before) == _amounts_of(after) and before.description == after.description
        ):
            result.unchanged += 1
        else:
            amounts = tuple(
                ColumnChange(name, getattr(before, name), getattr(after, name))
                for name in AMOUNT_COLUMNS
                if getattr(before, name) != getattr(after, name)
            )
            described = before.description != after.description
            if amounts:
                result.changed.append(RowChange(before, after, amounts, described))
            else:
                result.description_only.append(RowChange(before, after, (), True))
    result.added = [row for key, row in new_rows.items() if key not in old_rows]
    for rows in (result.added, result.removed, result.unreadable):
        rows.sort(key=lambda row: key_order(row_key(row)))
    for changes in (result.changed, result.description_only):
        changes.sort(key=lambda change: key_order(row_key(change.old)))
    result.indexation, follows = analyse_indexation(result.changed)
    result.changed = [
        RowChange(c.old, c.new, c.amounts, c.description_changed, follow)
        for c, follow in zip(result.changed, follows, strict=True)
    ]
    return result


def indexed(amount: Decimal, rate: Decimal) -> Decimal:
    """An amount raised by a rate and rounded to the cent, as INAMI indexes fees."""
    return (amount * (1 + rate)).quantize(CENT, ROUND_HALF_UP)


def analyse_indexation(changes: list[RowChange]) -> tuple[Indexation, list[bool]]:
    """Find the rate (in hundredths of a percent) that explains most fee changes exactly.

    A rate is the indexation only when it explains at least three rows and most fee changes
    (one changed fee is a correction, not an indexation). A changed row follows it only when
    every amount column is explained: the fee is the old fee indexed and rounded to the cent;
    each co-payment is unchanged (fixed in euros) or indexed likewise; each reimbursement is
    indexed likewise or the new fee less the new co-payment. Co-payments indexed by a common
    rate are a finding of their own. The rest are listed.
    """
    fee_changes = [pair for c in changes if (pair := _fee(c)) is not None]
    copayments = [
        (getattr(c.old, name), getattr(c.new, name))
        for c in changes
        for _, _, name in REGIMES
        if getattr(c.old, name) is not None
        and getattr(c.new, name) is not None
        and getattr(c.old, name) != getattr(c.new, name)
    ]
    result = Indexation(fees_changed=len(fee_changes), copayments_changed=len(copayments))
    result.rate = _common_rate(fee_changes)
    result.copayment_rate = _common_rate(copayments, result.rate)
    if result.rate is None:
        result.not_following = list(changes)
        return result, [False] * len(changes)
    follows = [_follows(change, result.rate) for change in changes]
    result.following = sum(follows)
    result.not_following = [c for c, follow in zip(changes, follows, strict=True) if not follow]
    return result, follows


MIN_INDEXED = 3  # rows a rate must explain to be called an indexation


def _span(old: Decimal, new: Decimal) -> tuple[int, int] | None:
    """The rates, in hundredths of a percent, that index `old` to `new` (indexed()): every one
    from the first to the last, since a higher rate never gives a lower amount. None: none."""
    low = math.ceil(((new - CENT / 2) / old - 1) * 10000)
    high = math.floor(((new + CENT / 2) / old - 1) * 10000)
    if low <= high and indexed(old, Decimal(high) / 10000) != new:
        high -= 1  # exactly half a cent above `new`: rounded up, past it
    if low > high or indexed(old, Decimal(low) / 10000) != new:
        return None
    return low, high


def _roundest(low: int, high: int) -> int:
    """Of the rates low..high (hundredths of a percent), a whole percent if there is one, else
    a whole tenth, else any; of those, the nearest to zero."""
    if low <= 0 <= high:
        return 0
    for unit in (100, 10):
        nearest = -(-low // unit) * unit if low > 0 else high // unit * unit
        if low <= nearest <= high:
            return nearest
    return low if low > 0 else high


def _common_rate(
    pairs: list[tuple[Decimal, Decimal]], preferred: Decimal | None = None
) -> Decimal | None:
    """The rate that turns most old amounts into the new ones, if it explains at least
    MIN_INDEXED of them and more than half; of equals, `preferred` (the fees' rate), else the
    roundest (small amounts round alike at many rates), then the smallest."""
    spans = [span for old, new in pairs if old and (span := _span(old, new)) is not None]
    # Every rate explains the amounts whose span holds it: count them from span end to span
    # end, in order (a span's length does not matter: a tiny amount spans thousands of rates).
    steps: Counter[int] = Counter()
    for low, high in spans:
        steps[low] += 1
        steps[high + 1] -= 1
    best, explained = 0, 0
    stretches: list[tuple[int, int]] = []  # the rates, low..high, that explain `best` amounts
    for start, stop in itertools.pairwise(sorted(steps)):
        explained += steps[start]
        if explained > best:
            best, stretches = explained, []
        if explained == best:
            stretches.append((start, stop - 1))
    if best < MIN_INDEXED or best * 2 <= len(pairs):
        return None
    if preferred is not None:
        wanted = preferred * 10000  # the fees' rate, in hundredths of a percent
        if sum(low <= wanted <= high for low, high in spans) == best:
            return preferred
    rates = [_roundest(low, high) for low, high in stretches]
    roundest = min(rates, key=lambda r: (r % 100 != 0, r % 10 != 0, abs(r), r))
    return Decimal(roundest) / 10000


def _fee(change: RowChange) -> tuple[Decimal, Decimal] | None:
    old, new = change.old.fee, change.new.fee
    return (old, new) if old is not None and new is not None and old != new else None


def _follows(change: RowChange, rate: Decimal) -> bool:
    """Every amount column of the row explained by the indexation."""
    old, new = change.old, change.new
    if old.fee is None or new.fee is None or indexed(old.fee, rate) != new.fee:
        return False
    for _, reimbursement, copayment in REGIMES:
        old_r, new_r = getattr(old, reimbursement), getattr(new, reimbursement)
        old_c, new_c = getattr(old, copayment), getattr(new, copayment)
        if not (old_c == new_c or (old_c is not None and new_c == indexed(old_c, rate))):
            return False
        if old_r is None and new_r is None:
            continue
        if old_r is None or new_r is None:
            return False
        fee_less_copayment = new_c is not None and new_r == new.fee - new_c
        if not (indexed(old_r, rate) == new_r or fee_less_copayment):
            return False
    return True


@dataclass(frozen=True)
class LanguageMismatch:
    key: Key
    detail: str


def compare_languages(french: list[TariffRow], dutch: list[TariffRow]) -> list[LanguageMismatch]:
    """French and Dutch versions of one circular must have the same codes and amounts."""
    fr = {row_key(row): row for row in french}
    nl = {row_key(row): row for row in dutch}
    mismatches = []
    for key in sorted(set(fr) | set(nl), key=key_order):
        if key not in nl:
            mismatches.append(LanguageMismatch(key, f"only in French ({fr[key].source})"))
        elif key not in fr:
            mismatches.append(LanguageMismatch(key, f"only in Dutch ({nl[key].source})"))
        else:
            for name in AMOUNT_COLUMNS:
                a, b = getattr(fr[key], name), getattr(nl[key], name)
                if a != b:
                    mismatches.append(LanguageMismatch(key, f"{name}: {a} in French, {b} in Dutch"))
    return mismatches
