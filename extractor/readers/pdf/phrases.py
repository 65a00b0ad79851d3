"""Words side by side on a line → phrases (one cell's text each), and what a phrase is: header
words, an amount, a code. Header blocks and table rows are both cut into phrases this way."""

from __future__ import annotations

import functools
import itertools
import re
import statistics

from extractor import vocabulary
from extractor.readers.pdf.geometry import PHRASE_GAP, Word
from extractor.values import ValueParseError, looks_like_code, parse_amount

# What recurs (header labels, amounts, common words) is asked again within a page or two; a
# larger cache would fill with lines and codes met once, and so grow with the pages read.
CACHED = 4096


@functools.lru_cache(maxsize=CACHED)  # the same labels and lines are asked about on every page
def header_roles(text: str) -> frozenset[str]:
    return frozenset(vocabulary.header_roles(text))


def phrases(words: list[Word]) -> list[list[Word]]:
    """Runs of words on one line with small gaps; a code or an amount is always its own run.

    "Small" is measured against the line itself: the narrowest gap between two words of a
    line is its word space (wide in Courier, narrow in Helvetica), and a phrase breaks at
    gaps clearly wider than that.
    """
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.middle, w.x0)):
        if rows and abs(word.middle - rows[-1][0].middle) < 0.5 * rows[-1][0].size:
            rows[-1].append(word)
        else:
            rows.append([word])
    runs: list[list[Word]] = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        size = statistics.median(w.size for w in row)
        gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(row) if b.x0 > a.x1]
        space = min(gaps) if gaps else 0.3 * size
        limit = min(max(PHRASE_GAP * space, 0.45 * size), 1.0 * size)
        for index, word in enumerate(row):
            last = row[index - 1] if index else None
            if (
                last is not None
                and word.x0 - last.x1 < limit
                and not (is_atomic(word.text) or is_atomic(last.text))
            ):
                runs[-1].append(word)
            else:
                runs.append([word])
    return runs


@functools.lru_cache(maxsize=CACHED)  # amounts and codes recur on every page
def is_atomic(text: str) -> bool:
    return looks_like_code(text) or is_amount(text)


@functools.lru_cache(maxsize=CACHED)
def is_amount(text: str) -> bool:
    if not re.search(r"\d", text):
        return False
    try:
        return parse_amount(text) is not None
    except ValueParseError:
        return False


def span(phrase: list[Word]) -> tuple[float, float]:
    if len(phrase) == 1:  # most phrases: a code, an amount, a short label
        return phrase[0].x0, phrase[0].x1
    return min(w.x0 for w in phrase), max(w.x1 for w in phrase)


def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


def column_of(extent: tuple[float, float], boundaries: list[float]) -> int:
    """The column a phrase overlaps most, given the boundaries between columns.

    Asked for every phrase of every row: min and max are written out (with their exact
    choices, NaN included), and the last column, open to the right, is counted apart."""
    x0, x1 = extent
    best, most = 0, float("-inf")
    left = float("-inf")
    for index, right in enumerate(boundaries):
        shared = (right if right < x1 else x1) - (left if left > x0 else x0)
        if shared > most:  # ties go to the leftmost column
            best, most = index, shared
        left = right
    if x1 - (left if left > x0 else x0) > most:  # the last column: min(x1, inf) is x1
        best = len(boundaries)
    return best
