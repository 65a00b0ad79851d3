"""French and Dutch versions of one circular: they share a number and must agree."""

from __future__ import annotations

from dataclasses import replace

from extractor import rules
from extractor.diff import LanguageMismatch, compare_languages
from extractor.model import Extraction


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
