"""A line of age groups over a header's amount columns (`moins de 10 ans | de 10 à 74 ans |
75 ans et plus`, each over its reimbursement pair): a row whose cells stand over the columns
they group, so that normalise reads one row per band, or flags the table."""

from __future__ import annotations

import re

from extractor import vocabulary
from extractor.model import RawCell, RawRow
from extractor.readers.pdf.geometry import Column, Line, Word
from extractor.readers.pdf.rows import location
from extractor.values import clean_text

_GROUP_GAP = 1.5  # in font sizes: wider than any word space, narrower than between groups


def _groups(line: Line) -> list[list[Word]]:
    """The line's words in runs split at wide gaps (a number is not a cell of its own here)."""
    runs: list[list[Word]] = []
    for word in sorted(line.words, key=lambda w: w.x0):
        if runs and word.x0 - runs[-1][-1].x1 < _GROUP_GAP * word.size:
            runs[-1].append(word)
        else:
            runs.append([word])
    return runs


def _text(run: list[Word]) -> str:
    return clean_text(" ".join(w.text for w in run))


def is_age_line(line: Line) -> bool:
    """Two or more groups, each naming an age ("10-75 jaar", "moins de 10 ans")."""
    if vocabulary.NUMBERED_HEADING.match(line.text):
        return False  # "1. Bénéficiaires à partir de 24 ans": a heading, whatever its gaps
    runs = _groups(line)
    return len(runs) >= 2 and all(
        re.search(r"\d", _text(run))
        and vocabulary.AGE_GROUP_WORD.search(vocabulary.fold(_text(run)))
        for run in runs
    )


def age_row(
    line: Line, columns: list[Column], file_name: str, page: int, line_number: int
) -> RawRow:
    """Each group as one cell spanning the columns it stands over: the columns its words
    overlap, and the columns after them up to the next group's (a label set left over its
    first column); columns before the first group belong to none."""
    here = location(file_name, page, line_number)
    runs = _groups(line)
    owner: list[int | None] = [None] * len(columns)
    for group, run in enumerate(runs):
        x0, x1 = min(w.x0 for w in run), max(w.x1 for w in run)
        for n, column in enumerate(columns):
            if min(x1, column.x1) - max(x0, column.x0) > 0:
                owner[n] = group
    for n in range(1, len(columns)):
        if owner[n] is None:
            owner[n] = owner[n - 1]
    cells = [RawCell(None, here) for _ in columns]
    for group, run in enumerate(runs):
        covered = [n for n, g in enumerate(owner) if g == group]
        if covered:
            cells[covered[0]] = RawCell(_text(run), here, span=len(covered))
    return RawRow(tuple(cells), here)
