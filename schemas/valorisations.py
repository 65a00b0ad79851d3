"""The valorisation table behind valorisations.csv (and valorisations.json, the same records
nested): one record per key × regime × validity. Its columns are the export's FIELDS
(extractor/exports/valorisations.py), so a new field cannot go unchecked."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import pandera.pandas as pa

from extractor.exports.valorisations import FIELDS, LANGUAGES

_AMOUNT = re.compile(r"\d+\.\d{2}")  # euros and cents as decimal text: "89.59", "0.00"
_CODE = re.compile(r"\d{6}")
# What the flat form holds per Table Schema type: dates and amounts as text, true/false as text.
_DTYPES: dict[str, Any] = {
    "string": str, "date": str, "number": str, "boolean": str, "integer": pd.Int64Dtype(),
}  # fmt: skip
# The identity of a record within one language: key, regime, first day.
_IDENTITY = ["code_amb", "code_hos", "age_min", "age_max", "condition", "preferential",
             "valid_from"]  # fmt: skip


def _iso_date(text: str) -> bool:
    try:
        return date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def _each_distinct(test: Callable[[str], object], name: str) -> pa.Check:
    """A check of every value, run once per distinct value: amounts and dates repeat. (A text
    column: its values are str, or NaN where empty; Python's set finds the distinct ones
    faster than pandas' unique over Python strings.)"""

    def check(series: pd.Series) -> pd.Series:
        distinct = set(series.tolist())
        failing = [value for value in distinct if isinstance(value, str) and not test(value)]
        return ~series.isin(failing) if failing else pd.Series(True, index=series.index)

    return pa.Check(check, name=name)


def _checks(name: str, type_: str) -> list[pa.Check]:
    if name.startswith("code_"):
        return [_each_distinct(_CODE.fullmatch, "nomenclature-code")]
    if type_ == "date":
        return [_each_distinct(_iso_date, "iso-date")]
    if type_ == "number":
        return [_each_distinct(_AMOUNT.fullmatch, "euros-and-cents")]
    if type_ == "boolean":
        return [pa.Check.isin(["true", "false"])]
    if type_ == "integer":
        return [pa.Check.ge(0)]
    return []


def _ends_after_start(frame: pd.DataFrame) -> pd.Series:
    return frame["valid_to"].isna() | (frame["valid_to"] >= frame["valid_from"])


def _labelled(frame: pd.DataFrame) -> pd.Series:
    """A record is some language's: it has that language's label and its source."""
    labels = [frame[f"label_{language}"].notna() for language in LANGUAGES]
    sources = [frame[f"source_{language}"].notna() for language in LANGUAGES]
    some = pd.concat(labels, axis=1).any(axis=1)
    for label, source in zip(labels, sources, strict=True):
        some &= label == source
    return some


def _once_per_language(frame: pd.DataFrame) -> bool:
    """No two records of one language for the same key, regime and first day."""
    for language in LANGUAGES:
        rows = frame.loc[frame[f"label_{language}"].notna(), _IDENTITY]
        if rows.duplicated().any():  # an empty cell equals an empty cell, as in astype(str)
            return False
    return True


VALORISATION_TABLE = pa.DataFrameSchema(
    {
        field.name: pa.Column(
            _DTYPES[field.type],
            checks=_checks(field.name, field.type),
            nullable=not field.required,
            description=field.description,
        )
        for field in FIELDS
    },
    # ignore_na=False: pandera would otherwise look at every cell of the table to forgive a
    # record whose every cell is empty, a record the required columns refuse already.
    checks=[
        pa.Check(_ends_after_start, name="valid-to-before-valid-from", ignore_na=False),
        pa.Check(_labelled, name="label-and-source-per-language", ignore_na=False),
        pa.Check(_once_per_language, name="one-record-per-key-regime-start-language"),
    ],
    name="valorisations",
    strict=True,
    ordered=True,
)
