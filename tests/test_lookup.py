"""The billing answer: one tariff for the patient, or a refusal that says what to ask."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.errors import LookupFailedError
from extractor.location import Location
from extractor.lookup import answer
from extractor.model import TariffRow
from extractor.store import StoredRow

DAY = date(2024, 3, 1)
GENERAL = TariffRow(
    circular="", language="nl", effective_from=date(2024, 1, 1), code_amb="101010",
    code_hos=None, age_min=None, age_max=None, condition=None, key_letters=None,
    fee=Decimal("18.85"), reimbursement_preferential=Decimal("17.35"),
    reimbursement_standard=Decimal("12.85"), copayment_preferential=None,
    copayment_standard=None, description="Algemeen geneeskundige", footnotes="", section="",
    source=Location("huisarts.pdf", page=1, line=9),
)  # fmt: skip
WITH_GMD = replace(
    GENERAL,
    condition="MET GMD",
    reimbursement_preferential=Decimal("17.85"),
    reimbursement_standard=Decimal("14.85"),
    source=Location("huisarts.pdf", page=1, line=10),
)
IN_FORCE = [StoredRow(GENERAL, None, ""), StoredRow(WITH_GMD, None, "")]


def test_several_conditions_and_none_asked_is_refused_with_the_list() -> None:
    with pytest.raises(LookupFailedError, match=r"depending on a condition \(general, MET GMD\)"):
        answer("101010", DAY, IN_FORCE)


@pytest.mark.parametrize(
    ("condition", "reimbursement"), [("", "12.85"), ("MET GMD", "14.85"), ("met  gmd", "14.85")]
)
def test_the_condition_asked_for_is_answered(condition: str, reimbursement: str) -> None:
    tariff = answer("101010", DAY, IN_FORCE, condition=condition)
    assert tariff.reimbursement == Decimal(reimbursement)
    assert tariff.condition == ("MET GMD" if condition else None)


def test_an_unknown_condition_is_refused() -> None:
    with pytest.raises(LookupFailedError, match="no tariff under condition 'ZORGTRAJECT'"):
        answer("101010", DAY, IN_FORCE, condition="ZORGTRAJECT")


def test_one_tariff_needs_no_condition() -> None:
    assert answer("101010", DAY, IN_FORCE[:1]).reimbursement == Decimal("12.85")


def test_as_known_on_a_day_before_the_store_learnt_the_code_says_so(tmp_path: Path) -> None:
    """The store holds the tariff, learnt after the day asked: the refusal says what was known
    then, not that the store holds nothing (it does)."""
    from extractor import api
    from tests.conftest import SAMPLES

    annex = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"
    api.run([annex], out_dir=tmp_path, recorded_at=datetime(2025, 3, 1, tzinfo=UTC))
    with pytest.raises(LookupFailedError) as refused:
        api.lookup("726530", "2025-01-20", age=30, store=tmp_path / "tariffs.sqlite",
                   as_known_on=date(2025, 2, 1))  # fmt: skip
    message = str(refused.value)
    assert "as known on 2025-02-01" in message
    assert "the store holds no tariff under this code" not in message
    assert api.lookup("726530", "2025-01-20", age=30, store=tmp_path / "tariffs.sqlite").fee


def test_as_known_on_a_later_day_a_full_circular_still_ends_what_it_leaves_out(
    tmp_path: Path,
) -> None:
    """727112 is in the 2024 annex, not in the 2025 one (a full circular): as known on any day
    after both were stored, it ended on 2024-12-31, as without --as-known-on. (It answered
    the 2024 amounts as in force: the full circular that leaves it out was not looked at.)"""
    from extractor import api
    from tests.conftest import SAMPLES

    annexes = [SAMPLES / f"V1 - Soins psychologiques - 01-01-{year}-circ OA.xlsx" for year in (2024, 2025)]  # fmt: skip
    api.run(annexes, out_dir=tmp_path, recorded_at=datetime(2025, 1, 5, tzinfo=UTC))
    store = tmp_path / "tariffs.sqlite"
    for known_on in (None, date(2025, 2, 1)):
        with pytest.raises(LookupFailedError, match="its last tariff ended on 2024-12-31"):
            api.lookup("727112", "2025-03-01", store=store, as_known_on=known_on)
        [version] = api.history("727112", store=store, as_known_on=known_on)
        assert version.effective_to == date(2024, 12, 31)
    # before the store learnt the 2025 annex nothing ended it (same recorded time: none known)
    with pytest.raises(LookupFailedError, match="as known on 2025-01-04"):
        api.lookup("727112", "2025-03-01", store=store, as_known_on=date(2025, 1, 4))
