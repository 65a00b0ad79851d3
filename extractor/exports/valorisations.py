"""Valorisations: what billing software stores per code (fee, reimbursement, patient share for one
kind of patient over one validity period), as practice software such as iCure's does.

One record per key × regime × validity. The French and Dutch rows of a key are one record with a
label in each language when they agree on every amount; when they disagree each language keeps
its own record, so no amount is ever chosen over another.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
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
    TEXT_OF,
    Key,
    Regime,
    key_order,
    row_key,
)
from extractor.exports.validity import Validity, superseded, valid_to
from extractor.model import TariffRow

LANGUAGES = ("fr", "nl")
# Key columns that are nomenclature codes name the record; the others say whom it applies to.
CODE_COLUMNS = tuple(name for name in KEY_COLUMNS if "code-format" in BY_NAME[name].rules)
APPLICABILITY_COLUMNS = tuple(name for name in KEY_COLUMNS if name not in CODE_COLUMNS)
_KEY_INDEX = {name: index for index, name in enumerate(KEY_COLUMNS)}


@dataclass(frozen=True)
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


def valorisations(
    rows: Iterable[TariffRow], validity: Validity | None = None
) -> list[Valorisation]:
    """Every row's amounts, per regime, with the row's validity (open-ended without a store);
    a row a corrigendum superseded is in force on no day and gives no record."""
    groups: dict[tuple[Any, ...], list[TariffRow]] = {}
    for row in rows:
        if superseded(validity, row):
            continue
        amounts = tuple(getattr(row, name) for name in AMOUNT_COLUMNS)
        identity = (
            row_key(row),
            row.effective_from,
            valid_to(validity, row),
            row.circular,
            amounts,
        )
        groups.setdefault(identity, []).append(row)
    order = []
    for (key, start, end, circular, _), members in groups.items():
        members.sort(key=lambda r: (LANGUAGES.index(r.language), r.source.order))
        languages = tuple(dict.fromkeys(r.language for r in members))
        order.append(((key_order(key), start, languages, end or date.max, circular), members))
    order.sort(key=lambda pair: pair[0])
    records = []
    for _, members in order:
        first = members[0]
        labels = _per_language((r.language, r.description) for r in members)
        sources = _per_language((r.language, str(r.source)) for r in members)
        for regime, reimbursement, copayment in REGIMES:
            records.append(
                Valorisation(
                    row_key(first),
                    first.effective_from,
                    valid_to(validity, first),
                    regime,
                    getattr(first, FEE),
                    getattr(first, reimbursement),
                    getattr(first, copayment),
                    first.circular,
                    labels,
                    sources,
                )
            )
    return records


def _per_language(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """One text per language; two lines of one language (rare) are joined, never dropped."""
    texts: dict[str, list[str]] = {}
    for language, text in pairs:
        if text not in texts.setdefault(language, []):
            texts[language].append(text)
    return tuple((language, " | ".join(found)) for language, found in texts.items())


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


# (name, place in the key, value → export text) of the code and the applicability columns.
_CODE_TEXTS = tuple((name, _KEY_INDEX[name], TEXT_OF[name]) for name in CODE_COLUMNS)
_APPLICABILITY_TEXTS = tuple(
    (name, _KEY_INDEX[name], TEXT_OF[name]) for name in APPLICABILITY_COLUMNS
)


def record(valorisation: Valorisation) -> dict[str, Any]:
    """One valorisation as JSON: amounts as decimal strings, dates ISO, None for none."""
    v = valorisation
    key = v.key
    labels, sources = dict(v.labels), dict(v.sources)
    data: dict[str, Any] = {name: text(key[index]) for name, index, text in _CODE_TEXTS}
    data["valid_from"] = v.valid_from.isoformat()
    data["valid_to"] = v.valid_to.isoformat() if v.valid_to else None
    applicability: dict[str, Any] = {
        name: text(key[index]) for name, index, text in _APPLICABILITY_TEXTS
    }
    applicability["preferential"] = v.regime == "preferential"
    data["applicability"] = applicability
    data["fee"] = None if v.fee is None else f"{v.fee:f}"
    data["reimbursement"] = None if v.reimbursement is None else f"{v.reimbursement:f}"
    data["patient_share"] = None if v.patient_share is None else f"{v.patient_share:f}"
    data["labels"] = {language: labels.get(language) for language in LANGUAGES}
    data["circular"] = v.circular
    data["source"] = {language: sources.get(language) for language in LANGUAGES}
    return data


def valorisations_json(records: list[Valorisation]) -> Iterator[str]:
    """valorisations.json, one record per line (readable in a pull-request diff)."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    yield '{\n  "valorisations": ['
    for index, valorisation in enumerate(records):
        yield ("\n    " if index == 0 else ",\n    ") + encode(record(valorisation))
    yield "\n  ]\n}\n" if records else "]\n}\n"


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


FlatLine = dict[str, str | int | None]


def flat(valorisation: Valorisation) -> FlatLine:
    """One valorisation as a CSV line's values, in FIELD_NAMES order: record() with its nested
    objects spread out, built directly (tests/exports hold the two equal)."""
    v = valorisation
    key = v.key
    labels, sources = dict(v.labels), dict(v.sources)
    line: FlatLine = {name: text(key[index]) for name, index, text in _CODE_TEXTS}
    line["valid_from"] = v.valid_from.isoformat()
    line["valid_to"] = v.valid_to.isoformat() if v.valid_to else None
    for name, index, text in _APPLICABILITY_TEXTS:
        line[name] = text(key[index])
    line["preferential"] = "true" if v.regime == "preferential" else "false"
    line["fee"] = None if v.fee is None else f"{v.fee:f}"
    line["reimbursement"] = None if v.reimbursement is None else f"{v.reimbursement:f}"
    line["patient_share"] = None if v.patient_share is None else f"{v.patient_share:f}"
    for language in LANGUAGES:
        line[f"label_{language}"] = labels.get(language)
    line["circular"] = v.circular
    for language in LANGUAGES:
        line[f"source_{language}"] = sources.get(language)
    return line


def valorisations_csv(records: list[Valorisation]) -> str:
    return csv_of_lines([flat(valorisation) for valorisation in records])


def csv_of_lines(lines: Iterable[FlatLine]) -> str:
    """valorisations.csv from the flat lines (the ones schemas/valorisations.py checks)."""
    from extractor.export import spreadsheet_safe

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELD_NAMES)
    writer.writerows(list(map(spreadsheet_safe, line.values())) for line in lines)
    return buffer.getvalue()
