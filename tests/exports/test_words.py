"""The exports' French and Dutch words (workbook sheets and headings, FHIR applicability
phrases) come from extractor/vocabulary.py, the one place that knows French and Dutch."""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator

from extractor import vocabulary
from tests.conftest import ROOT


def _export_words() -> set[str]:
    words = {*vocabulary.WORKBOOK_SHEETS.values(), *vocabulary.CHANGE_KINDS.values()}
    words |= {vocabulary.YES, vocabulary.NO}
    for headings in vocabulary.WORKBOOK_HEADINGS.values():
        words |= {word for pair in headings.values() for word in pair}
    words |= {word for pair in vocabulary.VALORISATION_TITLES.values() for word in pair}
    for phrases in vocabulary.APPLICABILITY_PHRASES.values():
        words |= set(phrases.values())
    return words - {"Code"}  # the same in French, Dutch and English


def _literals(tree: ast.AST) -> Iterator[str]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.value


def test_no_export_module_spells_a_french_or_dutch_word_itself() -> None:
    words = _export_words()
    assert len(words) > 50
    for path in sorted((ROOT / "extractor" / "exports").glob("*.py")):
        spelled = set(_literals(ast.parse(path.read_text(encoding="utf-8")))) & words
        assert not spelled, (path.name, spelled)


def test_french_and_dutch_have_the_same_phrases_and_placeholders() -> None:
    def placeholders(text: str) -> set[str]:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field}

    french, dutch = (vocabulary.APPLICABILITY_PHRASES[lang] for lang in ("fr", "nl"))
    assert set(french) == set(dutch)
    for phrase in french:
        assert placeholders(french[phrase]) == placeholders(dutch[phrase]), phrase
    for name, (french_title, dutch_title) in vocabulary.VALORISATION_TITLES.items():
        assert placeholders(french_title) == placeholders(dutch_title), name
