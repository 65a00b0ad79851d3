"""The one specification of the tariff table's columns.

The pandera schema, the store's SQL, the CSV and JSON writers and readers, the report's labels,
the diff's regimes and the row order are all derived from TABLE (tests/test_columns.py holds
them equal), so a new column is one line here, one field on TariffRow, and its vocabulary.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from extractor.location import Location

# version: which version of the tariffs a row belongs to; key: a tariff's identity within one
# version; amount: money, Decimal; text: what describes the row or tells where it came from.
Kind = Literal["version", "key", "amount", "text"]
ValueType = Literal["string", "integer", "number", "date"]  # Table Schema types
Part = Literal["fee", "reimbursement", "copayment"]
Regime = Literal["preferential", "standard"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    type: ValueType
    title_fr: str
    title_nl: str
    description: str
    label: str = ""  # short English heading in the change report
    nullable: bool = False
    rules: tuple[str, ...] = ()  # registry codes (extractor/rules.py) the schema checks here
    part: Part | None = None  # amounts: what the amount is
    regime: Regime | None = None  # amounts: which patients it is for
    open_end_last: bool = False  # keys: an empty value sorts after every value, not before
    parse: Callable[[str], Any] | None = None  # text → value, where not the type's own
    blank: bool = False  # text that may be empty (an XLSX has no circular number): not required

    @property
    def required(self) -> bool:
        """Every row has a value (Table Schema's `required`: an empty CSV cell is missing)."""
        return not self.nullable and not self.blank


_CODE_RULES = ("code-format", "code-check-digit")
_AMOUNT_RULES = ("amount-negative", "amount-precision")


def _amount(
    name: str, label: str, part: Part, regime: Regime | None, fr: str, nl: str, what: str
) -> Column:
    return Column(name, "amount", "number", fr, nl, what, label, True, _AMOUNT_RULES, part, regime)


TABLE: tuple[Column, ...] = (
    Column("circular", "text", "string", "Circulaire", "Omzendbrief",
           "circular number as printed, e.g. 2024/356; empty where neither the document nor"
           " its file name prints it", blank=True),
    Column("language", "version", "string", "Langue", "Taal", "language of the source: fr or nl"),
    Column("effective_from", "version", "date", "Date d'application", "Datum van toepassing",
           "first day the amounts apply", rules=("effective-date-format",)),
    Column("code_amb", "key", "string", "Pseudocode AMB", "Pseudocode AMB",
           "ambulatory nomenclature code, 6 digits", "code", rules=_CODE_RULES),
    Column("code_hos", "key", "string", "Pseudocode HOS", "Pseudocode HOS",
           "hospital code, 6 digits; empty where the circular prints '-'", "HOS", nullable=True,
           rules=_CODE_RULES),
    Column("age_min", "key", "integer", "Âge minimum", "Minimumleeftijd",
           "youngest age the row applies to (inclusive)", "age min", nullable=True),
    Column("age_max", "key", "integer", "Âge maximum", "Maximumleeftijd",
           "oldest age the row applies to (inclusive)", "age max", nullable=True,
           open_end_last=True),
    Column("condition", "key", "string", "Condition", "Voorwaarde",
           "what else the amounts depend on besides age and regime, as printed (a second"
           " reimbursement pair's heading, 'MET GMD', 'Tarif B ...'); empty for the general tariff",
           "condition", nullable=True),
    Column("key_letters", "text", "string", "Lettres-clés", "Sleutelletters",
           "how the fee is built: key letter, coefficient, key-letter value per term, joined with"
           " ' + ' ('N 8 2.572713 + Q 30 0.033039'); empty where none is printed", nullable=True),
    _amount("fee", "fee", "fee", None, "Honoraires", "Honorarium", "full fee in EUR"),
    _amount("reimbursement_preferential", "reimb. pref.", "reimbursement", "preferential",
            "Intervention AMI - avec régime préférentiel",
            "Tegemoetkoming ZIV - met voorkeurregeling",
            "paid by the insurance, patients with preferential regime, EUR"),
    _amount("reimbursement_standard", "reimb. std.", "reimbursement", "standard",
            "Intervention AMI - sans régime préférentiel",
            "Tegemoetkoming ZIV - zonder voorkeurregeling",
            "paid by the insurance, other patients, EUR"),
    _amount("copayment_preferential", "copay pref.", "copayment", "preferential",
            "Ticket modérateur - avec régime préférentiel", "Remgeld - met voorkeurregeling",
            "paid by the patient with preferential regime, EUR"),
    _amount("copayment_standard", "copay std.", "copayment", "standard",
            "Ticket modérateur - sans régime préférentiel", "Remgeld - zonder voorkeurregeling",
            "paid by other patients, EUR"),
    Column("description", "text", "string", "Description", "Omschrijving",
           "label as printed, footnote marks removed", rules=("description-missing",)),
    Column("footnotes", "text", "string", "Notes", "Voetnoten",
           "text of the footnotes that qualify the row, '(n) text | ...'; empty for none",
           blank=True),
    Column("section", "text", "string", "Section", "Afdeling",
           "heading path above the row, joined with ' > '; empty before any heading",
           blank=True),
    Column("source", "text", "string", "Source", "Bron",
           "file and place in it: file#sheet!cell or file#page=N&line=M",
           parse=Location.parse),
)  # fmt: skip

BY_NAME: dict[str, Column] = {column.name: column for column in TABLE}
COLUMNS: tuple[str, ...] = tuple(column.name for column in TABLE)
AMOUNT_COLUMNS: tuple[str, ...] = tuple(c.name for c in TABLE if c.kind == "amount")
KEY_COLUMNS: tuple[str, ...] = tuple(c.name for c in TABLE if c.kind == "key")
# A row's identity across versions: its language, its key, its effective date.
PRIMARY_KEY: tuple[str, ...] = ("language", *KEY_COLUMNS, "effective_from")
# Per regime, the amounts a patient of that regime gets: (regime, reimbursement, co-payment).
REGIMES: tuple[tuple[Regime, str, str], ...] = tuple(
    (
        regime,
        next(c.name for c in TABLE if c.part == "reimbursement" and c.regime == regime),
        next(c.name for c in TABLE if c.part == "copayment" and c.regime == regime),
    )
    for regime in ("preferential", "standard")
)
FEE = next(c.name for c in TABLE if c.part == "fee")

Key = tuple[Any, ...]


_KEY_OF = operator.attrgetter(*KEY_COLUMNS)  # one C call per row (the diff asks 200,000 times)


def row_key(row: Any) -> Key:
    """A tariff's identity within one version and language (code pair, age band ...)."""
    key: Key = _KEY_OF(row)
    return key


def _ordered(column: Column, value: Any) -> tuple[int, Any]:
    """Sort position of one key value: an empty value before (or after) every value."""
    if value is None or value == "":
        return (2 if column.open_end_last else 0, 0 if column.type == "integer" else "")
    return (1, value)


_EMPTY_KEY_VALUE = {name: _ordered(BY_NAME[name], None) for name in KEY_COLUMNS}


_EMPTY_KEY_VALUES = tuple(_EMPTY_KEY_VALUE[name] for name in KEY_COLUMNS)


def key_order(key: Key) -> tuple[tuple[int, Any], ...]:
    # A list, not a generator: every export sorts its rows by this (20,000 calls a table).
    return tuple(
        [
            empty if value is None or value == "" else (1, value)
            for empty, value in zip(_EMPTY_KEY_VALUES, key, strict=True)
        ]
    )


def sort_key(row: Any) -> tuple[Any, ...]:
    """The order of rows everywhere: language, key (open ends first or last), effective date."""
    return (row.language, key_order(row_key(row)), row.effective_from)


def sql_order(alias: str = "") -> str:
    """The same order as sort_key, as an SQL ORDER BY list."""
    prefix = f"{alias}." if alias else ""
    terms = []
    for name in PRIMARY_KEY:
        column = BY_NAME[name]
        if column.kind == "key" and column.nullable and column.type == "integer":
            empty_first = "IS NULL" if column.open_end_last else "IS NOT NULL"
            terms.append(f"{prefix}{name} {empty_first}")
        terms.append(f"{prefix}{name}")
    return ", ".join(terms)


def _amount_text(value: Any) -> str | None:
    return None if value is None else f"{value:f}"


def _date_text(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


def _string_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _integer_text(value: Any) -> int | None:
    return value  # type: ignore[no-any-return]


_TEXT_OF_TYPE: dict[ValueType, Callable[[Any], str | int | None]] = {
    "number": _amount_text,
    "date": _date_text,
    "string": _string_text,
    "integer": _integer_text,
}
# Per column, its value → export text: the exports call these directly, once per cell.
TEXT_OF: dict[str, Callable[[Any], str | int | None]] = {
    column.name: _TEXT_OF_TYPE[column.type] for column in TABLE
}


Texts = list[str | int | None]


def _string_texts(values: list[Any]) -> Texts:
    return [value if type(value) is str or value is None else str(value) for value in values]


def _amount_texts(values: list[Any]) -> Texts:
    return [None if value is None else f"{value:f}" for value in values]


def _date_texts(values: list[Any]) -> Texts:
    if set(map(type, values)) <= _DATE_OR_NONE:  # a table has few dates: each written once
        texts = {value: None if value is None else value.isoformat() for value in set(values)}
        return list(map(texts.__getitem__, values))
    return [None if value is None else value.isoformat() for value in values]


_DATE_OR_NONE = frozenset({date, type(None)})


def _integer_texts(values: list[Any]) -> Texts:
    return values


_TEXTS_OF_TYPE: dict[ValueType, Callable[[list[Any]], Texts]] = {
    "number": _amount_texts,
    "date": _date_texts,
    "string": _string_texts,
    "integer": _integer_texts,
}
# Per column, TEXT_OF over a whole column at once (tests/exports hold them equal value for
# value): the tables written row by row from columns (tariffs.csv, tariffs.json).
TEXTS_OF: dict[str, Callable[[list[Any]], Texts]] = {
    column.name: _TEXTS_OF_TYPE[column.type] for column in TABLE
}


def to_text(name: str, value: Any) -> str | int | None:
    """A value as exported: amounts as decimal text ("89.59"), dates ISO, None for none."""
    return TEXT_OF[name](value)


_PARSERS: dict[ValueType, Callable[[str], Any]] = {
    "string": str,
    "integer": int,
    "number": Decimal,
    "date": date.fromisoformat,
}


def from_text(name: str, text: str | None) -> Any:
    """The inverse of to_text, for exports and stored rows read back; raises ValueError."""
    column = BY_NAME[name]
    if text is None or (text == "" and (column.nullable or column.type != "string")):
        return None
    value = (column.parse or _PARSERS[column.type])(text)
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    return value
