"""French and Dutch versions of one circular: they share a number and must agree."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from extractor import rules
from extractor.columns import AMOUNT_COLUMNS, row_key
from extractor.diff import LanguageMismatch, compare_languages
from extractor.model import Extraction
from extractor.values import tariff_name


def share_circular_numbers(extractions: list[Extraction]) -> None:
    """A version with no printed number takes the one its other-language twin prints.

    The twin has the same effective date and the same codes: it is the same circular.
    """
    for extraction in extractions:
        if extraction.info.circular:
            continue
        codes = {row.code_amb for row in extraction.rows}
        twins = {
            other.info.circular
            for other in extractions
            if other.info.circular
            and other.info.effective_from == extraction.info.effective_from
            and other.info.language != extraction.info.language
            and codes == {row.code_amb for row in other.rows}
        }
        if len(twins) == 1:
            number = twins.pop()
            extraction.info = replace(extraction.info, circular=number)
            extraction.rows = [replace(row, circular=number) for row in extraction.rows]
            extraction.issues = [
                i for i in extraction.issues if i.rule != rules.CIRCULAR_NUMBER_MISSING.code
            ]


def language_mismatches(members: list[Extraction]) -> list[LanguageMismatch]:
    """Where the French and the Dutch versions given together disagree."""
    french = [row for e in members if e.info.language == "fr" for row in e.rows]
    dutch = [row for e in members if e.info.language == "nl" for row in e.rows]
    return compare_languages(french, dutch) if french and dutch else []


def flag_language_mismatches(extractions: list[Extraction]) -> None:
    """French and Dutch versions of one circular read together must agree: where they do not,
    each language's row is flagged `language-mismatch`, naming the other's place. The rows
    stay (nothing says which language is right; a store refuses differing amounts until
    --authoritative says).

    One circular: one effective date and one number (an unnumbered version goes with the one
    number of its date).
    """
    numbers: dict[date, set[str]] = {}
    for extraction in extractions:
        if extraction.info.circular:
            numbers.setdefault(extraction.info.effective_from, set()).add(extraction.info.circular)
    circulars: dict[tuple[date, str], list[Extraction]] = {}
    for extraction in extractions:
        info = extraction.info
        of_its_date = numbers.get(info.effective_from, set())
        number = info.circular or (min(of_its_date) if len(of_its_date) == 1 else "")
        circulars.setdefault((info.effective_from, number), []).append(extraction)
    for members in circulars.values():
        french = [e for e in members if e.info.language == "fr"]
        dutch = [e for e in members if e.info.language == "nl"]
        if french and dutch:
            _flag(french, dutch, "Dutch")
            _flag(dutch, french, "French")


def _flag(these: list[Extraction], others: list[Extraction], other_language: str) -> None:
    theirs = {row_key(row): row for e in others for row in e.rows}
    for extraction in these:
        flagged = []
        for row in extraction.rows:
            twin = theirs.get(row_key(row))
            if twin is None:
                files = " + ".join(e.info.source_file for e in others)
                message = f"{tariff_name(row)}: not in the {other_language} version ({files})"
            else:
                differences = [
                    f"{name} {getattr(row, name)} here, {getattr(twin, name)} there"
                    for name in AMOUNT_COLUMNS
                    if getattr(row, name) != getattr(twin, name)
                ]
                if not differences:
                    continue
                message = (
                    f"{tariff_name(row)}: the {other_language} version ({twin.source}) differs:"
                    f" {'; '.join(differences)}"
                )
            flagged.append(
                rules.LANGUAGE_MISMATCH.issue(row.source, message, raw=row.raw, code=row.code_amb)
            )
        if flagged:
            extraction.issues = sorted(
                [*extraction.issues, *flagged], key=lambda issue: issue.location.order
            )
