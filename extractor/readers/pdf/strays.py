"""Description lines set apart from their row: back to the row they belong to, or reported.

A word processor spaces the lines of a wrapped cell wider than a circular does, and centres a
short cell beside a tall one: the first or last line of a three-line description may then stand
further from its neighbours than the gap that separates rows, and become a block of its own.
Such a block holds text in the description column only (no code, no amount, no heading). It
belongs to the row it shares a ruled band with; in an unruled table, to the row it stands
clearly closer to. When neither tells, it is reported (`row-unrecognised`), never dropped.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

from extractor import vocabulary
from extractor.readers.pdf.geometry import Line, Rules
from extractor.readers.pdf.phrases import column_of, span
from extractor.values import age_band_at, looks_like_code

# In font sizes, from the top of one line to the top of the next (tops are where capitals and
# ascenders stand, steadier than bottoms, which descenders move): a stray line stands at most
# this far below the row it belongs to (wider than any line spacing inside a cell), and the
# row it belongs to is closer than the other one by at least this much.
NEAR = 2.0
CLEARLY = 0.15


class Ambiguous(NamedTuple):
    """A stray description line that could belong to the row above or to the row below."""

    lines: list[Line]
    above: str
    below: str


class Strays(NamedTuple):
    """Row blocks with their stray lines joined; the lines that could not be placed; and the
    lines at the top of a page that end the last row of the page before."""

    blocks: list[list[Line]]
    ambiguous: list[Ambiguous]
    continuation: list[Line]


def attach_strays(
    blocks: list[list[Line]],
    description: int | None,
    boundaries: list[float],
    rules: Rules,
    extent: tuple[float, float],
    carried: str | None = None,
    head: list[Line] | None = None,
) -> Strays:
    """Blocks with each stray description block joined to its row; the ambiguous ones apart.

    `carried` is the code of the row a page ended on, when this region continues its table
    at the top of the next page, and `head` the description lines this page starts with,
    before any code (leading_text): they end that row (a row the page break split) and are
    returned apart as its continuation, or, when they may as well start the row below them,
    are reported.
    """
    if description is None:
        return Strays(blocks, [], [])
    continuation: list[Line] = []
    ambiguous: list[Ambiguous] = []
    apart: list[list[Line]] = []
    joined, more = _attach(blocks, description, boundaries, rules, extent)
    if carried is not None and head:
        below = joined[0] if joined and _coded(joined[0]) else []
        if _continues(head, below, joined[1:], rules, extent, (description, boundaries)):
            continuation = head
        elif below and _band_starts_at(head, rules, extent):
            joined[0] = [*head, *below]  # a ruled band holds them and the code below: its row
        else:
            ambiguous.append(Ambiguous(head, carried, _code(below)))
            apart = [head]  # in neither row: a line of text, reported
    return Strays(apart + joined, ambiguous + more, continuation)


def leading_text(
    region: list[Line],
    description: int | None,
    boundaries: list[float],
    rules: Rules,
    extent: tuple[float, float],
) -> list[Line]:
    """The description lines a page's table region starts with, before its first code, as
    long as no rule separates them (the lines of one cell)."""
    head: list[Line] = []
    if description is None:
        return head
    for line in region:
        if not _is_stray([line], description, boundaries) or (
            head and _ruled(head, [line], rules, extent)
        ):
            break
        head.append(line)
    return head


def _continues(
    head: list[Line],
    below: list[Line],
    others: list[list[Line]],
    rules: Rules,
    extent: tuple[float, float],
    column: tuple[int, list[float]],
) -> bool:
    """Lines at the top of a page end the row the page before ended on, rather than start the
    row below them: nothing below, a rule between, further from it than the lines of one cell
    are from each other, or a table whose rows all start at their code's line."""
    if not below or _ruled(head, below, rules, extent):
        return True
    own = _own_pitch([head, below, *others], column)
    size = head[0].size
    if own is not None and _pitch(head, below) > own + CLEARLY * size:
        return True
    starts = [
        block[0] is next(line for line in block if _coded([line]))
        for block in others
        if len(block) > 1 and _coded(block)
    ]
    return bool(starts) and all(starts)


def _band_starts_at(head: list[Line], rules: Rules, extent: tuple[float, float]) -> bool:
    """A rule runs right above the lines (a ruled table's band starts there)."""
    top = head[0].top
    return rules.crossing(top - 1.5 * head[0].size, top, *extent)


def _own_pitch(blocks: list[list[Line]], column: tuple[int, list[float]]) -> float | None:
    """The distance between the lines of one cell: the closest two lines of description text
    in a block stand (a code centred between them is on a line of its own, nearer)."""
    description, boundaries = column
    pitches = []
    for block in blocks:
        texts = [
            line
            for line in block
            if any(column_of((w.x0, w.x1), boundaries) == description for w in line.words)
        ]
        pitches += [b.top - a.top for a, b in itertools.pairwise(texts)]
    return min(pitches) if pitches else None


def _attach(
    blocks: list[list[Line]],
    description: int,
    boundaries: list[float],
    rules: Rules,
    extent: tuple[float, float],
) -> tuple[list[list[Line]], list[Ambiguous]]:
    stray = [_is_stray(block, description, boundaries) for block in blocks]
    if not any(stray):
        return blocks, []  # nothing set apart (most tables): no measuring
    own = _own_pitch(blocks, (description, boundaries))
    merged: list[list[Line]] = []
    kinds: list[bool] = []
    for block, is_stray in zip(blocks, stray, strict=True):
        if is_stray and kinds and kinds[-1] and _joined(merged[-1], block, rules, extent, own):
            merged[-1] = [*merged[-1], *block]  # consecutive stray lines of one cell
        else:
            merged.append(block)
            kinds.append(is_stray)
    result: list[list[Line]] = []
    ambiguous: list[Ambiguous] = []
    index = 0
    while index < len(merged):
        block = merged[index]
        if not kinds[index]:
            result.append(block)
            index += 1
            continue
        above = result[-1] if result and _coded(result[-1]) else None
        below = merged[index + 1] if index + 1 < len(merged) and _coded(merged[index + 1]) else None
        side = _side(block, above, below, rules, extent)
        if side == "above" and above is not None:
            result[-1] = [*above, *block]
        elif side == "below" and below is not None:
            result.append([*block, *below])
            index += 1
        else:
            result.append(block)
            if side == "either" and above is not None and below is not None:
                ambiguous.append(Ambiguous(block, _code(above), _code(below)))
        index += 1
    return result, ambiguous


def _side(
    block: list[Line],
    above: list[Line] | None,
    below: list[Line] | None,
    rules: Rules,
    extent: tuple[float, float],
) -> str:
    """Where a stray block belongs: "above", "below", "either" (cannot tell) or "" (neither)."""
    size = block[0].size
    ruled_above = above is not None and _ruled(above, block, rules, extent)
    ruled_below = below is not None and _ruled(block, below, rules, extent)
    if above is not None and below is not None and ruled_above != ruled_below:
        return "below" if ruled_above else "above"  # the row it shares a ruled band with
    if (above is None or ruled_above) and (below is None or ruled_below):
        return ""  # a band of its own: a line of text, not part of a row
    gap_above = _pitch(above, block) if above is not None and not ruled_above else None
    gap_below = _pitch(block, below) if below is not None and not ruled_below else None
    near_above = gap_above is not None and gap_above <= NEAR * size
    near_below = gap_below is not None and gap_below <= NEAR * size
    if near_above and near_below:
        assert gap_above is not None and gap_below is not None
        if abs(gap_above - gap_below) <= CLEARLY * size:
            return "either"
        return "above" if gap_above < gap_below else "below"
    if near_above:
        return "above"
    return "below" if near_below else ""


def _is_stray(block: list[Line], description: int, boundaries: list[float]) -> bool:
    if _coded(block):
        return False
    for line in block:
        text = line.text
        if (
            vocabulary.NUMBERED_HEADING.match(text)
            or vocabulary.LETTERED_HEADING.match(text)
            or vocabulary.FOOTNOTE_LINE.match(text)
            or vocabulary.QUALIFIER_LINE.match(vocabulary.fold(text))
            or vocabulary.GENERAL_TARIFF.search(vocabulary.fold(text))
            or age_band_at(text) is not None
        ):
            return False
        for phrase in line.phrases:
            if column_of(span(phrase), boundaries) != description:
                return False
    return True


def _joined(
    upper: list[Line],
    lower: list[Line],
    rules: Rules,
    extent: tuple[float, float],
    own: float | None,
) -> bool:
    """Two stray blocks are lines of one cell: no rule between, and as close as the lines of
    a cell are (when the table shows that), or at least near."""
    size = lower[0].size
    limit = own + CLEARLY * size if own is not None else NEAR * size
    return not _ruled(upper, lower, rules, extent) and _pitch(upper, lower) <= limit


def _ruled(upper: list[Line], lower: list[Line], rules: Rules, extent: tuple[float, float]) -> bool:
    return rules.crossing(max(ln.bottom for ln in upper), lower[0].top, *extent)


def _pitch(upper: list[Line], lower: list[Line]) -> float:
    return lower[0].top - upper[-1].top


def _coded(block: list[Line]) -> bool:
    return any(line.has_code for line in block)


def _code(block: list[Line]) -> str:
    return next(w.text for line in block for w in line.words if looks_like_code(w.text))
