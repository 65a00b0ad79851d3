"""chargeitemdefinitions.json: the valorisations as FHIR R4 ChargeItemDefinitions in a Bundle.

One ChargeItemDefinition per code (with its hospital code) and validity period; one
propertyGroup per applicability (age band × regime × condition) whose price components are the
fee (`base`) and, as `informational`, the reimbursement and the patient fee, named as MyCareNet's
eTariff guide names them (its addItem extensions `reimbursement` and `patientFee`).

Money values are JSON numbers written from their Decimal text by our own encoder, never
through a binary float.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from extractor import vocabulary
from extractor.columns import KEY_COLUMNS, Key
from extractor.exports.valorisations import CODE_COLUMNS, LANGUAGES, Valorisation

NOMENCLATURE = (
    "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/be-ns-nihdi-nomenclature"
)
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
FHIRPATH = "text/fhirpath"
# Codes of the informational price components: the names of eTariff's addItem extensions
# (be-ext-mycarenet-item-reimbursement, be-ext-mycarenet-item-patientfee).
REIMBURSEMENT, PATIENT_FEE = "reimbursement", "patientFee"
PRICE_CODE_DISPLAY = {REIMBURSEMENT: "Reimbursement", PATIENT_FEE: "Patient fee"}


def price_code_system(base: str) -> str:
    """Our code system for the informational components (eTariff defines none)."""
    return f"{base}/CodeSystem/price-component"


def describe(valorisation: Valorisation, language: str, conditional: bool) -> str:
    """Human text of an applicability: 'à partir de 24 ans, avec régime préférentiel'."""
    words = vocabulary.APPLICABILITY_PHRASES[language]
    low, high = valorisation.value("age_min"), valorisation.value("age_max")
    if low is not None and high is not None:
        band = words["between"]
    elif low is not None:
        band = words["from"]
    elif high is not None:
        band = words["until"]
    else:
        band = words["all"]
    parts = [band.format(low=low, high=high), words[valorisation.regime]]
    condition = valorisation.value("condition") or ""
    if condition:
        parts.append(words["condition"].format(condition=condition))
    elif conditional:
        parts.append(words["general"])
    return ", ".join(parts)


def expression(valorisation: Valorisation, conditional: bool) -> str:
    """FHIRPath over three context variables: %age (years on the day of service),
    %preferential (boolean) and %condition (the condition met, '' for none)."""
    low, high = valorisation.value("age_min"), valorisation.value("age_max")
    terms = []
    if low is not None:
        terms.append(f"%age >= {low}")
    if high is not None:
        terms.append(f"%age <= {high}")
    terms.append(f"%preferential = {'true' if valorisation.preferential else 'false'}")
    if conditional:
        condition = (
            (valorisation.value("condition") or "").replace("\\", "\\\\").replace("'", "\\'")
        )
        terms.append(f"%condition = '{condition}'")
    return " and ".join(terms)


# A Money value is held as this mark + its Decimal text until the JSON is written, where the
# mark and the quotes go: a number written from the text, never through a float.
_MARK = "\x00decimal:"
_MARKED = re.compile(r'"\\u0000decimal:(-?[0-9]+(?:\.[0-9]+)?)"')


def _number(marked: re.Match[str]) -> str:
    """A marked amount's text, unquoted (a function: re's template expansion costs more)."""
    return marked.group(1)


def _money(value: Decimal) -> dict[str, Any]:
    return {"value": f"{_MARK}{value:f}", "currency": "EUR"}


def _price_components(valorisation: Valorisation, base: str) -> list[dict[str, Any]]:
    """base = fee; informational reimbursement and patientFee; a missing amount is left out."""
    components: list[dict[str, Any]] = []
    if valorisation.fee is not None:
        components.append({"type": "base", "amount": _money(valorisation.fee)})
    for code, amount in ((REIMBURSEMENT, valorisation.reimbursement),
                         (PATIENT_FEE, valorisation.patient_share)):  # fmt: skip
        if amount is not None:
            coding = {"system": price_code_system(base), "code": code,
                      "display": PRICE_CODE_DISPLAY[code]}  # fmt: skip
            components.append(
                {"type": "informational", "code": {"coding": [coding]}, "amount": _money(amount)}
            )
    return components


def _translated(text: str, language: str) -> dict[str, Any]:
    return {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [
                    {"url": "lang", "valueCode": language},
                    {"url": "content", "valueString": text},
                ],
            }
        ]
    }


def resource_id(first: Valorisation) -> str:
    codes = [code for code in _codes(first.key) if code]
    return "-".join([*codes, _compact(first.valid_from)])


@functools.cache
def _compact(day: date) -> str:
    """20250101: a resource id's date (strftime is slow, and a table has few dates)."""
    return day.strftime("%Y%m%d")


def charge_item_definition(
    members: list[Valorisation], base: str, shared: dict[tuple[Any, ...], Any] | None = None
) -> dict[str, Any]:
    """One code over one validity period, with a propertyGroup per applicability; `shared`
    keeps the applicabilities already built, for the next resources (read-only objects)."""
    shared = {} if shared is None else shared
    resource, slots = _resource_head(members, base)
    resource["propertyGroup"] = [
        {
            "applicability": _applicability(shared, v, slot),
            "priceComponent": _price_components(v, base),
        }
        for v, slot in zip(members, slots, strict=True)
    ]
    return resource


def _resource_head(
    members: list[Valorisation], base: str
) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """A resource but its propertyGroup (its last member), and each member's applicability
    slot: what its applicability depends on (age band, regime, condition, languages)."""
    first = members[0]
    labels = dict(first.labels)
    language = next(lang for lang in LANGUAGES if lang in labels)  # the circular's language
    other = next((lang for lang in LANGUAGES if lang != language and lang in labels), None)
    identifier = resource_id(first)
    conditional = any(v.value("condition") for v in members)
    resource: dict[str, Any] = {
        "resourceType": "ChargeItemDefinition",
        "id": identifier,
        "language": language,
        "url": f"{base}/ChargeItemDefinition/{identifier}",
        "version": first.valid_from.isoformat(),
        "title": labels[language],
    }
    if other is not None:
        resource["_title"] = _translated(labels[other], other)
    if first.circular:
        resource["derivedFromUri"] = [
            f"urn:inami-riziv:circular:{first.circular}:{lang}"
            for lang in LANGUAGES
            if any(lang in v.languages for v in members)
        ]
    resource["status"] = "retired" if first.valid_to is not None else "active"
    resource["code"] = {
        "coding": [
            {"system": NOMENCLATURE, "code": first.value(name)}
            for name in CODE_COLUMNS
            if first.value(name)
        ]
    }
    period = {"start": first.valid_from.isoformat()}
    if first.valid_to is not None:
        period["end"] = first.valid_to.isoformat()
    resource["effectivePeriod"] = period
    slots = [
        (v.value("age_min"), v.value("age_max"), v.value("condition"), v.regime, language, other,
         conditional)
        for v in members
    ]  # fmt: skip
    return resource, slots


def _applicability(
    shared: dict[tuple[Any, ...], Any], v: Valorisation, slot: tuple[Any, ...]
) -> Any:
    """An applicability depends on its slot only, and repeats over every code: built once
    per export (`shared`), then reused."""
    applicability = shared.get(slot)
    if applicability is None:
        _, _, _, _, language, other, conditional = slot
        applicability = shared[slot] = [
            {
                "description": describe(v, language, conditional),
                **(
                    {"_description": _translated(describe(v, other, conditional), other)}
                    if other
                    else {}
                ),
                "language": FHIRPATH,
                "expression": expression(v, conditional),
            }
        ]
    return applicability


def _groups(records: Iterable[Valorisation]) -> Iterable[list[Valorisation]]:
    """The valorisations of each resource (a code over one validity), in their order."""
    groups: dict[tuple[Any, ...], list[Valorisation]] = {}
    for v in records:
        identity = (_codes(v.key), v.valid_from, v.valid_to, v.circular)
        members = groups.get(identity)
        if members is None:
            groups[identity] = [v]
        else:
            members.append(v)
    return groups.values()


_CODE_PLACES = [KEY_COLUMNS.index(name) for name in CODE_COLUMNS]


def _codes(key: Key) -> tuple[Any, ...]:
    """The key's nomenclature codes (what names a resource, with its validity)."""
    return tuple([key[place] for place in _CODE_PLACES])


def _entries(records: Iterable[Valorisation], base: str) -> Iterator[dict[str, Any]]:
    """The Bundle's entries one at a time, in the valorisations' order."""
    shared: dict[tuple[Any, ...], Any] = {}
    for members in _groups(records):
        resource = charge_item_definition(members, base, shared)
        yield {"fullUrl": resource["url"], "resource": resource}


def bundle(records: Iterable[Valorisation], base: str) -> dict[str, Any]:
    """A collection Bundle of ChargeItemDefinitions, in the valorisations' order."""
    return {"resourceType": "Bundle", "type": "collection", "entry": list(_entries(records, base))}


def bundle_json(records: Iterable[Valorisation], base: str) -> Iterator[str]:
    """The Bundle with one entry per line (readable in a pull-request diff, and a fifth of the
    size of an indented one: FHIR nests deep), in pieces for the writer: each entry is built
    and encoded when written, so a whole nomenclature's resources are never held at once.

    The text is what encoding `bundle()`'s entries gives (tests/exports hold them equal), but
    the parts that repeat are encoded once: each applicability, and a price component but
    its amount; the resource around them goes through the encoder."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    texts = _GroupTexts(base, encode)
    yield '{\n  "resourceType": "Bundle",\n  "type": "collection",\n  "entry": ['
    separator = "\n    "
    for members in _groups(records):
        resource, slots = _resource_head(members, base)
        head = _unmarked(encode(resource))
        groups = ", ".join(texts.group(v, slot) for v, slot in zip(members, slots, strict=True))
        yield (
            f'{separator}{{"fullUrl": {_unmarked(encode(resource["url"]))}, "resource": '
            f'{head[:-1]}, "propertyGroup": [{groups}]}}}}'
        )
        separator = ",\n    "
    yield "]\n}\n" if separator == "\n    " else "\n  ]\n}\n"


def _unmarked(text: str) -> str:
    """A marked amount's quotes gone (a text holding none is searched no further)."""
    return _MARKED.sub(_number, text) if "\\u0000" in text else text


_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


class _GroupTexts:
    """One export's propertyGroups as JSON text, each repeated part encoded once."""

    def __init__(self, base: str, encode: Any) -> None:
        self.encode = encode
        self.applicabilities: dict[tuple[Any, ...], str] = {}
        self.amounts: dict[str, str] = {}
        self.shared: dict[tuple[Any, ...], Any] = {}
        coding = {"system": price_code_system(base)}
        informational = {
            code: _unmarked(
                encode({"code": {"coding": [{**coding, "code": code, "display": display}]}})
            )[1:-1]
            for code, display in PRICE_CODE_DISPLAY.items()
        }
        # Each price component's text before its Money: base (the fee), then informational
        # reimbursement and patientFee (_price_components' order).
        self.components = (
            '{"type": "base", "amount": ',
            *(
                f'{{"type": "informational", {informational[code]}, "amount": '
                for code in (REIMBURSEMENT, PATIENT_FEE)
            ),
        )

    def amount(self, value: Decimal) -> str:
        """A Money object's text, made once per amount text (amounts repeat over codes)."""
        text = f"{value:f}"
        money = self.amounts.get(text)
        if money is None:
            number = text if _NUMBER.fullmatch(text) else self.encode(f"{_MARK}{text}")
            money = self.amounts[text] = f'{{"value": {number}, "currency": "EUR"}}'
        return money

    def group(self, v: Valorisation, slot: tuple[Any, ...]) -> str:
        applicability = self.applicabilities.get(slot)
        if applicability is None:
            built = _applicability(self.shared, v, slot)
            applicability = self.applicabilities[slot] = _unmarked(self.encode(built))
        components = ", ".join(
            [
                f"{start}{self.amount(amount)}}}"
                for start, amount in zip(
                    self.components, (v.fee, v.reimbursement, v.patient_share), strict=True
                )
                if amount is not None
            ]
        )
        return f'{{"applicability": {applicability}, "priceComponent": [{components}]}}'
