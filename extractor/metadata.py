"""Circular number, language, subject and effective date, from text, file name or options."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from extractor import rules, vocabulary
from extractor.errors import MissingMetadataError
from extractor.model import CircularInfo, Issue, RawDocument
from extractor.settings import Overrides
from extractor.values import find_dates, parse_date
from extractor.vocabulary import Language, fold


def detect_language(text: str) -> Language | None:
    """Count French and Dutch function words; None when the text says too little."""
    words = re.findall(r"[a-z'-]+", fold(text))
    scores = {
        lang: sum(word in vocab for word in words)
        for lang, vocab in vocabulary.LANGUAGE_WORDS.items()
    }
    if max(scores.values()) < 3 or scores["fr"] == scores["nl"]:
        return None
    return "fr" if scores["fr"] > scores["nl"] else "nl"


def find_effective_date(text: str) -> date | None:
    """The first date introduced by an effective-date phrase ("à partir du", "vanaf" ...)."""
    folded = fold(text)
    for position, found in find_dates(text):
        if vocabulary.EFFECTIVE_DATE_LEAD.search(folded[max(0, position - 60) : position]):
            return found
    return None


def find_stated_effective_dates(text: str) -> list[date]:
    """The dates on lines that state one, at the start of the line (cover letters, the line
    above a table), in document order: the first is the document's; any other is a conflict."""
    lines = text.splitlines()
    stated: list[date] = []
    for index, line in enumerate(lines):
        if vocabulary.EFFECTIVE_DATE_STATEMENT.match(fold(line)):
            dates = find_dates(line) or find_dates(" ".join(lines[index + 1 : index + 2]))
            if dates:
                stated.append(dates[0][1])
    return stated


def find_circular_number(text: str) -> tuple[str, date | None] | None:
    match = vocabulary.CIRCULAR_NUMBER.search(fold(text))
    if not match:
        return None
    issued = parse_date(match.group("issued")) if match.group("issued") else None
    return f"{match.group('year')}/{match.group('serial')}", issued


def find_subject(text: str) -> str:
    for line in text.splitlines():
        if vocabulary.SUBJECT_LEAD.match(fold(line)):
            return line.strip()
    return ""


def find_domain(subject: str) -> str:
    """The tariff set a circular belongs to: its subject line without lead word and date.

    "Tarifs ; Soins psychologiques ... ; 01-01-2025." and a title "Soins psychologiques ...
    à partir du 1er janvier 2025" both give "Soins psychologiques ..."; compare with fold().
    """
    text = subject.strip()
    if vocabulary.SUBJECT_LEAD.match(fold(text)):
        parts = text.split(";")
        text = parts[1] if len(parts) > 1 else ""
    # Fold character by character so that a match in the folded text cuts the original.
    folded = "".join(fold(ch)[:1] or " " for ch in text)
    match = vocabulary.DOMAIN_END.search(folded)
    if match:
        text = text[: match.start()]
    return " ".join(text.split()).strip(" .,;:-")


def is_corrigendum(*texts: str) -> bool:
    return any(vocabulary.CORRIGENDUM.search(fold(text)) for text in texts)


HEAD_LINES = 400  # the cover letter and the first tables say all there is to say


def describe(document: RawDocument, overrides: Overrides) -> tuple[CircularInfo, list[Issue]]:
    """Everything a row needs to know about its circular; raises when the date is unknown.

    Only the head of the text is read: metadata stands on the cover letter and the title, and
    a 20,000-row annex must not be searched line by line for it.
    """
    issues: list[Issue] = []
    head = "\n".join(document.text.splitlines()[:HEAD_LINES])
    file_name = document.location.file
    stem = Path(file_name).stem

    language = overrides.language or detect_language(head)
    if language is None:
        raise MissingMetadataError("cannot tell whether the document is French or Dutch", file_name)

    found = find_circular_number(head)
    number_in_name = vocabulary.CIRCULAR_NUMBER_IN_FILENAME.search(fold(stem))
    circular = overrides.circular or (found[0] if found else "")
    if not circular and number_in_name:
        circular = f"{number_in_name.group('year')}/{number_in_name.group('serial')}"
    if not circular:
        issues.append(
            rules.CIRCULAR_NUMBER_MISSING.issue(
                document.location,
                "no circular number in the document or its file name; pass --circular",
            )
        )

    stated = find_stated_effective_dates(head)
    in_title = find_effective_date(document.title)
    in_document = stated[0] if stated else in_title
    name_dates = find_dates(stem)
    in_name = name_dates[-1][1] if name_dates else None
    effective_from = overrides.effective_from or in_document or in_name
    if effective_from is None:
        raise MissingMetadataError(
            "no effective date in the document or its file name; state it",
            file_name,
            option="--effective-from YYYY-MM-DD",
        )
    for where, other in (("document", in_document), ("file name", in_name)):
        if other is not None and other != effective_from:
            issues.append(
                rules.EFFECTIVE_DATE_CONFLICT.issue(
                    document.location,
                    f"the {where} gives {other.isoformat()}, using {effective_from.isoformat()}",
                )
            )
            break
    # One date per unit: a document stating two (a second table "applicable à partir du 1er
    # juillet") gives every row the one used, so the others are said, never dropped silently.
    others = sorted({*stated, *([in_title] if in_title else [])} - {in_document})
    if in_document is not None and others:
        issues.append(
            rules.EFFECTIVE_DATE_CONFLICT.issue(
                document.location,
                f"the document states {in_document.isoformat()} and also"
                f" {', '.join(d.isoformat() for d in others)}, using"
                f" {effective_from.isoformat()} for every row: check which rows apply from when",
            )
        )

    subject = find_subject(head) or document.title
    scope = overrides.scope or (
        "corrigendum" if is_corrigendum(subject, document.title, stem) else ""
    )
    info = CircularInfo(
        circular=circular,
        language=language,
        effective_from=effective_from,
        subject=subject,
        source_files=(file_name,),
        source_format=document.format,
        issued_on=found[1] if found else None,
        reader=document.reader,
        domain=overrides.domain or find_domain(subject),
        scope=scope,
        corrects=overrides.corrects or "",
    )
    return info, issues
