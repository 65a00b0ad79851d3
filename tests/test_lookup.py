"""The billing answer: one tariff for the patient, or a refusal that says what to ask."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

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
