"""Header blocks → columns → boundaries, from where the header words stand.

A header block is told by its French or Dutch vocabulary; header words stacked over one
another make a column; the boundaries fall on vertical rules or in the gaps the content leaves.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Iterable

from extractor import vocabulary
from extractor.readers.pdf.geometry import HEADER_GAP, Column, Line, Rules, Word
from extractor.readers.pdf.phrases import (
    column_of,
    header_roles,
    is_amount,
    overlap,
    phrases,
    span,
)
from extractor.values import clean_text, looks_like_code

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _is_row_start(line: Line) -> bool:
    """A line that can only be table content: it holds a code, an amount or a heading number."""
    if any(looks_like_code(w.text) for w in line.words):
        return True
    if vocabulary.NUMBERED_HEADING.match(line.text):
        return True
    return sum(is_amount(w.text) for w in label_words(line)) >= 2


def header_block_end(lines: list[Line], start: int, rules: Rules) -> int | None:
    """If a header block starts at `start`, the index after its last line.

    The block ends at a line that can only be content, at a wider vertical gap than header
    lines leave between them, or at a rule across the whole header.
    """
    first = lines[start]
    if _is_row_start(first) or not (header_roles(first.text) or _is_header_text(first)):
        # A header may start with group words only ("Je bent" over "gewoon verzekerd").
        return None
    end = start + 1
    while end < len(lines):
        line = lines[end]
        block = lines[start:end]
        bottom = max(ln.bottom for ln in block)
        left, right = min(ln.x0 for ln in block), max(w.x1 for ln in block for w in ln.words)
        if (
            _is_row_start(line)
            or not _is_header_text(line)
            or line.top - bottom > HEADER_GAP * lines[end - 1].size
            or rules.crossing(bottom, line.top, left, right)
        ):
            break
        end += 1
    roles = header_roles(" ".join(line.text for line in lines[start:end]))
    if len(roles) < 3 or "code" not in roles:
        return None
    return end


def _is_header_text(line: Line) -> bool:
    """At least half the words are header vocabulary (footnote marks aside); either half of a
    word hyphenated over two lines counts, and a leading date statement is not looked at."""
    words = [vocabulary.fold(w.text).strip("()[]:;,.*") for w in label_words(line)]
    words = [w for w in words if w and not w.isdigit()]
    known = sum(
        w in vocabulary.HEADER_TOKENS or w.endswith("-") or w in vocabulary.HEADER_WORD_ENDS
        for w in words
    )
    return bool(words) and 2 * known >= len(words)


def label_words(line: Line) -> list[Word]:
    """A header line's words, without a date statement that opens it ("Bedragen van toepassing
    vanaf 1 januari 2017" in the first cells of a header row: metadata, not a column label)."""
    if not vocabulary.EFFECTIVE_DATE_STATEMENT.match(vocabulary.fold(line.text)):
        return line.words
    for index, word in enumerate(line.words):
        if _YEAR.search(word.text):
            return line.words[index + 1 :]
    return line.words


def next_header(lines: list[Line], start: int, rules: Rules) -> int:
    for index in range(start + 1, len(lines)):
        if header_block_end(lines, index, rules) is not None:
            return index
    return len(lines)


def columns_of(header_lines: list[Line]) -> list[Column]:
    """Leaf header cells stacked over one another make columns; a label over two is a group."""
    header_phrases = phrases([w for line in header_lines for w in label_words(line)])
    groups: list[list[Word]] = []
    leaves: list[list[Word]] = []
    for phrase in header_phrases:
        extent, bottom = span(phrase), max(w.bottom for w in phrase)
        below = [
            q
            for q in header_phrases
            if q is not phrase
            and min(w.top for w in q) >= bottom - 1
            and overlap(extent, span(q)) > 0
        ]
        rows_below: dict[int, list[list[Word]]] = {}
        for q in below:
            rows_below.setdefault(round(q[0].middle), []).append(q)
        is_group = any(len(qs) >= 2 for qs in rows_below.values())
        (groups if is_group else leaves).append(phrase)

    stacks: list[list[list[Word]]] = []
    for phrase in sorted(leaves, key=lambda p: span(p)[0]):
        for stack in stacks:
            if any(overlap(span(phrase), span(other)) > 0 for other in stack):
                stack.append(phrase)
                break
        else:
            stacks.append([phrase])

    columns = []
    group_words: list[list[Word]] = []
    for stack in sorted(stacks, key=lambda s: min(span(p)[0] for p in s)):
        x0, x1 = min(span(p)[0] for p in stack), max(span(p)[1] for p in stack)
        over = [
            w
            for g in sorted(groups, key=lambda p: p[0].top)
            if overlap(span(g), (x0, x1)) > 0
            for w in g
        ]
        leaf = [w for part in sorted(stack, key=lambda p: p[0].top) for w in part]
        if not over and group_words and _is_regime_only(leaf):
            # A short group label ("Remgeld") may stand over the first of its regime columns
            # only: the regime column beside it, with no label of its own, belongs to it too.
            over = group_words[-1]
        role_words = [
            w for part in stack if header_roles(" ".join(w.text for w in part)) for w in part
        ]
        group_words.append(over or role_words)
        words = [*over, *leaf]
        label = vocabulary.join_split_words(clean_text(" ".join(w.full_text for w in words)))
        marks = tuple(m for w in words for m in w.marks)
        columns.append(Column(label, x0, x1, marks))
    return columns


def _is_regime_only(words: list[Word]) -> bool:
    text = vocabulary.fold(" ".join(w.text for w in words))
    regime = vocabulary.STANDARD_REGIME.search(text) or vocabulary.PREFERENTIAL_REGIME.search(text)
    return bool(regime) and not header_roles(text)


def boundaries_between(columns: list[Column], vertical_rules: Iterable[float]) -> list[float]:
    """Where one column ends and the next starts: a rule in the gap if there is one, else its middle."""
    boundaries = []
    for left, right in itertools.pairwise(columns):
        in_gap = [x for x in vertical_rules if left.x1 - 1 <= x <= right.x0 + 1]
        middle = (left.x1 + right.x0) / 2
        boundaries.append(min(in_gap, key=lambda x: abs(x - middle)) if in_gap else middle)
    return boundaries


def refined_boundaries(
    columns: list[Column],
    boundaries: list[float],
    region: list[Line],
    vertical_rules: Iterable[float],
) -> list[float]:
    """Move each unruled boundary into the gap the data leaves between two columns.

    Header words are often centred over a column while its content starts at the left, so
    the middle between header words can cut into a column; the medians of where the content
    of each column ends and starts say where the real gap is.
    """
    starts: list[list[float]] = [[] for _ in columns]
    ends: list[list[float]] = [[] for _ in columns]
    for line in region:
        if vocabulary.NUMBERED_HEADING.match(line.text) or vocabulary.FOOTNOTE_LINE.match(
            line.text
        ):
            continue
        for phrase in phrases(line.words):
            x0, x1 = span(phrase)
            column = column_of((x0, x1), boundaries)
            starts[column].append(x0)
            ends[column].append(x1)
    refined = list(boundaries)
    rules = list(vertical_rules)
    for index, boundary in enumerate(boundaries):
        if boundary in rules or not ends[index] or not starts[index + 1]:
            continue
        left, right = statistics.median(ends[index]), statistics.median(starts[index + 1])
        if left < right:
            refined[index] = (left + right) / 2
    return refined
