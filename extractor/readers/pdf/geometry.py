"""What every step of the PDF reader passes on: words, lines, columns, rules, a page's layout.

The tunables are here together, in units of the font size of the words concerned (so they
hold at any scale).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import statistics
from dataclasses import dataclass, field
from typing import NamedTuple

from extractor.location import Location
from extractor.values import clean_text, looks_like_code

SUPERSCRIPT_RATIO = 0.85  # a mark is at most this size of the word it sticks to
STICK_GAP = 0.5  # a mark sticks to a word at most this far away
PHRASE_GAP = 1.8  # a gap this many word spaces wide separates two phrases (two cells)
ROW_GAP = 0.35  # a vertical gap larger than this between lines starts a new row block
MARGIN = 0.06  # of the page height: where page numbers and running dates live
HEADER_GAP = 1.2  # header lines follow each other closer than this
# Header cells beside one another, each centred in a tall header row (a spreadsheet printed
# to PDF): their lines may stand further apart, but never this far.
HEADER_CELL_GAP = 3.0


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    marks: list[str] = field(default_factory=list)  # superscript digits stuck after it
    suffix: str = ""  # superscript letters stuck after it ("1" + "er")
    lead_mark: str = ""  # a superscript digit stuck before it (footnote text "¹Une ...")

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def full_text(self) -> str:
        return f"{self.text}{self.suffix}"


@dataclass
class Line:
    """Words on one line. Its measures are read once the line is complete (after lines_of)."""

    words: list[Word]

    @functools.cached_property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @functools.cached_property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @functools.cached_property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @functools.cached_property
    def size(self) -> float:
        return statistics.median(w.size for w in self.words)

    @functools.cached_property
    def has_code(self) -> bool:
        """A word of the line is a code: asked of every line by header, row and stray steps."""
        return any(looks_like_code(w.text) for w in self.words)

    @functools.cached_property
    def phrases(self) -> list[list[Word]]:
        """The line cut into phrases (one cell's text each), worked out once: finding the
        header, the boundaries, the rows and their strays all ask for them."""
        from extractor.readers.pdf.phrases import phrases  # phrases is built on this module

        return phrases(self.words)

    @functools.cached_property
    def text(self) -> str:
        """Read once the line is complete (after lines_of has grouped it)."""
        parts = []
        for word in self.words:
            if word.lead_mark:
                parts.append(word.lead_mark)
            parts.append(word.full_text)
            parts.extend(word.marks)
        return clean_text(" ".join(parts))


@dataclass(frozen=True)
class Column:
    label: str
    x0: float
    x1: float
    marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rules:
    """Ruling segments of a page: horizontal ones as (y, x0, x1), vertical ones by x."""

    horizontal: tuple[tuple[float, float, float], ...] = ()
    vertical: tuple[float, ...] = ()

    def crossing(self, above: float, below: float, x0: float, x1: float) -> bool:
        """A horizontal rule between two heights that spans most of [x0, x1]."""
        width = max(x1 - x0, 1.0)
        heights, candidates = self._heights, self.horizontal
        if heights is not None:  # asked between every two lines: the rules near them only
            first = bisect.bisect_left(heights, above - 1)
            candidates = candidates[first : bisect.bisect_right(heights, below + 1, first)]
        return any(
            above - 1 <= y <= below + 1 and min(r1, x1) - max(r0, x0) >= 0.6 * width
            for y, r0, r1 in candidates
        )

    @functools.cached_property
    def _heights(self) -> tuple[float, ...] | None:
        """The horizontal rules' heights when in order (none is NaN), for bisection."""
        heights = tuple(y for y, _, _ in self.horizontal)
        return heights if all(a <= b for a, b in itertools.pairwise(heights)) else None


class PageData(NamedTuple):
    """One page as a text layer gives it: lines, rules, image count, size in points."""

    lines: list[Line]
    rules: Rules
    images: int
    size: tuple[float, float]


@dataclass
class PageLayout:
    """What the reader saw on one page, for `inspect` to draw."""

    number: int
    width: float
    height: float
    columns: list[Column] = field(default_factory=list)
    boundaries: list[float] = field(default_factory=list)
    header_boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    rows: list[tuple[str, tuple[float, float, float, float], Location]] = field(
        default_factory=list
    )
