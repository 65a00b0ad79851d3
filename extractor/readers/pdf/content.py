"""Columns no header names, found from what the rows hold.

Some annexes print header text over their amount columns only: the code, key-letter and
description columns to their left have none (the médecins' annex), and a last amount column
may have none either. Those columns are read from the coded lines under the header: a column
of valid codes, letters and numbers beside it, and text; each gets the label of what it holds,
so that the header's vocabulary places it, and a column of amounts nobody names gets no label
at all (its values are reported, never dropped).
"""

from __future__ import annotations

from extractor import vocabulary
from extractor.readers.pdf.geometry import Column, Line
from extractor.readers.pdf.phrases import header_roles, is_amount, span
from extractor.values import looks_like_code

SAMPLE = 12  # coded lines looked at
_AMOUNT_ROLES = {"fee", "reimbursement", "copayment"}


def names_amounts_only(text: str) -> bool:
    """Header text naming a fee and another amount, but no code column."""
    roles = header_roles(text)
    return "code" not in roles and "fee" in roles and len(roles & _AMOUNT_ROLES) >= 2


def codes_left_of(lines: list[Line], left: float) -> bool:
    """The first line holding a code, among the next few, has it left of the header."""
    for line in lines[:6]:
        codes = [w for w in line.words if looks_like_code(w.text)]
        if codes:
            return codes[0].x1 <= left
    return False


def with_content_columns(columns: list[Column], region: list[Line]) -> list[Column]:
    """The header's columns, plus the columns its coded lines hold where no header text is."""
    if not columns or any("code" in header_roles(c.label) for c in columns):
        return columns
    coded = [ln for ln in region if ln.has_code][:SAMPLE]
    left, right = columns[0].x0, columns[-1].x1
    before: list[tuple[float, float, str]] = []
    after: list[tuple[float, float, str]] = []
    for line in coded:
        for phrase in line.phrases:
            x0, x1 = span(phrase)
            text = " ".join(w.text for w in phrase)
            if (x0 + x1) / 2 < left:
                before.append((x0, x1, text))
            elif x0 > right:
                after.append((x0, x1, text))
    found = [Column(label, x0, x1) for label, x0, x1 in _labelled(_clusters(before))]
    beyond = [Column("", x0, x1) for x0, x1, _ in _clusters(after)]
    return [*found, *columns, *beyond]


def _clusters(
    pieces: list[tuple[float, float, str]],
) -> list[tuple[float, float, list[str]]]:
    """Pieces overlapping across lines make one column, left to right."""
    clusters: list[tuple[float, float, list[str]]] = []
    for x0, x1, text in sorted(pieces):
        if clusters and x0 < clusters[-1][1]:
            c0, c1, texts = clusters[-1]
            clusters[-1] = (c0, max(c1, x1), [*texts, text])
        else:
            clusters.append((x0, x1, [text]))
    return clusters


def _labelled(clusters: list[tuple[float, float, list[str]]]) -> list[tuple[str, float, float]]:
    """Each column named by what most of its cells are: codes, a key letter and the two numbers
    after it (coefficient, key-letter value), text; other numbers get no name."""
    labels = vocabulary.CONTENT_LABELS
    labelled = []
    after_letter: int | None = None
    for x0, x1, texts in clusters:
        kind = _kind(texts)
        label = labels.get(kind, "")
        if kind == "key_letter":
            after_letter = 0
        elif kind == "number" and after_letter is not None:
            after_letter += 1
            label = {1: labels["coefficient"], 2: labels["key_value"]}.get(after_letter, "")
        labelled.append((label, x0, x1))
    return labelled


def _kind(texts: list[str]) -> str:
    counts = {"code": 0, "key_letter": 0, "number": 0, "description": 0}
    for text in texts:
        if looks_like_code(text):
            counts["code"] += 1
        elif text.isalpha() and text.isupper() and len(text) <= 3:
            counts["key_letter"] += 1
        elif is_amount(text):
            counts["number"] += 1
        else:
            counts["description"] += 1
    return max(counts, key=lambda k: counts[k])
