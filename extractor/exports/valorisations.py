"""Valorisations: what billing software stores per code (fee, reimbursement, patient share for one
kind of patient over one validity period), as practice software such as iCure's does.

One record per key × regime × validity. The French and Dutch rows of a key are one record with a
label in each language when they agree on every amount; when they disagree each language keeps
its own record, so no amount is ever chosen over another.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from extractor import vocabulary
from extractor.columns import (
    AMOUNT_COLUMNS,
    BY_NAME,
    FEE,
    KEY_COLUMNS,
    REGIMES,
    TEXTS_OF,
    Key,
    Regime,
    key_order,
    row_key,
)
from extractor.exports.validity import Validity, version_end
from extractor.model import TariffRow

LANGUAGES = ("fr", "nl")
# Key columns that are nomenclature codes name the record; the others say whom it applies to.
CODE_COLUMNS = tuple(name for name in KEY_COLUMNS if "code-format" in BY_NAME[name].rules)
APPLICABILITY_COLUMNS = tuple(name for name in KEY_COLUMNS if name not in CODE_COLUMNS)
_KEY_INDEX = {name: index for index, name in enumerate(KEY_COLUMNS)}


@dataclass(frozen=True, slots=True)
class Valorisation:
    """Fee, reimbursement and patient share of one key for one regime over one validity."""

    key: Key  # values of KEY_COLUMNS
    valid_from: date
    valid_to: date | None  # last day in force; None: no later version known
    regime: Regime
    fee: Decimal | None
    reimbursement: Decimal | None
    patient_share: Decimal | None
    circular: str
    labels: tuple[tuple[str, str], ...]  # (language, description), in LANGUAGES order
    sources: tuple[tuple[str, str], ...]  # (language, source location)

    def value(self, name: str) -> Any:
        """A key column's value by name (code_amb, age_min ...)."""
        return self.key[_KEY_INDEX[name]]

    @property
    def preferential(self) -> bool:
        return self.regime == "preferential"

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(language for language, _ in self.labels)


_AMOUNTS_OF = operator.attrgetter(*AMOUNT_COLUMNS)


def valorisations(
    rows: Iterable[TariffRow], validity: Validity | None = None
) -> list[Valorisation]:
    """Every row's amounts, per regime, with the row's validity (open-ended without a store);
    a row a corrigendum superseded is in force on no day and gives no record. The two records
    of a group share their key, dates, labels and sources (the same objects: the writers
    reuse what they made of them for the first)."""
    groups: dict[tuple[Any, ...], list[TariffRow]] = {}
    for row in rows:
        key, start, amounts = row_key(row), row.effective_from, _AMOUNTS_OF(row)
        in_force, end = version_end(validity, key, start, amounts)
        if not in_force:
            continue
        identity = (key, start, end, row.circular, amounts)
        members = groups.get(identity)
        if members is None:
            groups[identity] = [row]
        else:
            members.append(row)
    order = []
    for (key, start, end, circular, _), members in groups.items():
        if len(members) > 1:
            members.sort(key=lambda r: (LANGUAGES.index(r.language), r.source.order))
        languages = tuple(dict.fromkeys(r.language for r in members))
        order.append(((key_order(key), start, languages, end or date.max, circular), end, members))
    order.sort(key=operator.itemgetter(0))
    records = []
    for _, end, members in order:
        first = members[0]
        labels = _per_language((r.language, r.description) for r in members)
        sources = _per_language((r.language, str(r.source)) for r in members)
        key, start, circular = row_key(first), first.effective_from, first.circular
        fee = getattr(first, FEE)
        for regime, reimbursement, copayment in REGIMES:
            records.append(
                Valorisation(
                    key, start, end, regime, fee, getattr(first, reimbursement),
                    getattr(first, copayment), circular, labels, sources,
                )
            )  # fmt: skip
    return records


def _per_language(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """One text per language; two lines of one language (rare) are joined, never dropped."""
    texts: dict[str, list[str]] = {}
    for language, text in pairs:
        if text not in texts.setdefault(language, []):
            texts[language].append(text)
    return tuple((language, " | ".join(found)) for language, found in texts.items())


@dataclass(frozen=True)
class Field:
    """One column of valorisations.csv, for its header and its Table Schema."""

    name: str
    type: str  # Table Schema type
    title_fr: str
    title_nl: str
    description: str
    required: bool = True


def _from_table(name: str) -> Field:
    column = BY_NAME[name]
    return Field(
        name, column.type, column.title_fr, column.title_nl, column.description, not column.nullable
    )


def _own(name: str, type_: str, description: str, required: bool = True, **words: str) -> Field:
    """A column of our own, titled in French and Dutch by extractor/vocabulary.py."""
    french, dutch = vocabulary.VALORISATION_TITLES[name.partition("_")[0] if words else name]
    return Field(name, type_, french.format(**words), dutch.format(**words), description, required)


FIELDS: tuple[Field, ...] = (
    *(_from_table(name) for name in CODE_COLUMNS),
    _own("valid_from", "date", "first day in force"),
    _own("valid_to", "date",
         "last day in force, from the store; empty while no later version ends it", False),
    *(_from_table(name) for name in APPLICABILITY_COLUMNS),
    _own("preferential", "boolean",
         "true: patients with the preferential regime; false: other patients"),
    Field("fee", "number", BY_NAME[FEE].title_fr, BY_NAME[FEE].title_nl, "full fee in EUR", False),
    _own("reimbursement", "number", "paid by the insurance for this regime, EUR", False),
    _own("patient_share", "number", "paid by the patient of this regime, EUR", False),
    *(_own(f"label_{language}", "string", f"description as printed in the {language} circular",
           False, language=language)
      for language in LANGUAGES),
    Field("circular", "string", BY_NAME["circular"].title_fr, BY_NAME["circular"].title_nl,
          "circular number as printed; empty when unknown", False),
    *(_own(f"source_{language}", "string", f"place of the row in the {language} source file",
           False, language=language)
      for language in LANGUAGES),
)  # fmt: skip
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)


# The valorisations as valorisations.csv's columns, in FIELD_NAMES order: each a list of
# one value per record (texts, ages as integers, None for empty).
FlatColumns = list[list[Any]]


def flat_columns(records: Sequence[Valorisation]) -> FlatColumns:
    """Each valorisation as a CSV line's values, a column at a time: line n of the columns is
    record n's JSON record with the nested objects spread out (tests/exports hold the two
    equal). Read by the schema check, valorisations.csv and valorisations.json."""
    keys = [v.key for v in records]
    made: dict[str, list[Any]] = {
        name: TEXTS_OF[name]([key[index] for key in keys])
        for name, index in _KEY_INDEX.items()
        if name in CODE_COLUMNS or name in APPLICABILITY_COLUMNS
    }
    made["valid_from"] = _dates([v.valid_from for v in records])
    made["valid_to"] = _dates([v.valid_to for v in records])
    made["preferential"] = ["true" if v.regime == "preferential" else "false" for v in records]
    made["fee"] = _amounts([v.fee for v in records])
    made["reimbursement"] = _amounts([v.reimbursement for v in records])
    made["patient_share"] = _amounts([v.patient_share for v in records])
    made["circular"] = [v.circular for v in records]
    for field, texts in (("label", [v.labels for v in records]),
                         ("source", [v.sources for v in records])):  # fmt: skip
        # Consecutive records share these tuples (a group's two regimes): each read once.
        by_language = {pairs: dict(pairs) for pairs in dict.fromkeys(texts)}
        for language in LANGUAGES:
            made[f"{field}_{language}"] = [by_language[pairs].get(language) for pairs in texts]
    return [made[name] for name in FIELD_NAMES]


_dates = TEXTS_OF["effective_from"]
_amounts = TEXTS_OF[FEE]


def _record_json() -> str:
    """A record of valorisations.json with %s where each value of its flat line goes, in
    FIELD_NAMES order (tests/exports hold it equal to the record encoded whole)."""
    mark = "\x00"
    shape = {
        **dict.fromkeys(CODE_COLUMNS, mark),
        "valid_from": mark,
        "valid_to": mark,
        "applicability": {**dict.fromkeys(APPLICABILITY_COLUMNS, mark), "preferential": mark},
        "fee": mark,
        "reimbursement": mark,
        "patient_share": mark,
        "labels": dict.fromkeys(LANGUAGES, mark),
        "circular": mark,
        "source": dict.fromkeys(LANGUAGES, mark),
    }
    encoded = json.JSONEncoder(ensure_ascii=False).encode(shape)
    return encoded.replace("%", "%%").replace('"\\u0000"', "%s")


_RECORD_JSON = _record_json()


def valorisations_json(columns: FlatColumns) -> Iterator[str]:
    """valorisations.json, one record per line (readable in a pull-request diff), in chunks
    of a thousand: each line's values as JSON put into _RECORD_JSON ("preferential" is a JSON
    boolean there, its text written bare)."""
    from extractor.export import json_column

    preferential = FIELD_NAMES.index("preferential")
    texts = [
        column if place == preferential else json_column(column)
        for place, column in enumerate(columns)
    ]
    count = len(columns[0]) if columns else 0
    separator = "\n    "
    yield '{\n  "valorisations": ['
    for start in range(0, count, 1000):
        chunk = [column[start : start + 1000] for column in texts]
        yield separator + ",\n    ".join([_RECORD_JSON % line for line in zip(*chunk, strict=True)])
        separator = ",\n    "
    yield "]\n}\n" if separator == "\n    " else "\n  ]\n}\n"


def valorisations_csv(records: list[Valorisation]) -> str:
    return "".join(csv_of_columns(flat_columns(records)))


def csv_of_columns(columns: FlatColumns) -> Iterator[str]:
    """valorisations.csv from the flat columns (the ones schemas/valorisations.py checks), in
    chunks of a thousand lines."""
    from extractor.export import csv_chunks

    return csv_chunks(FIELD_NAMES, columns)
