"""Words → lines. Small raised words become marks of the word they stick to, before lines are
formed: a footnote digit must not count as a word of the line, nor start a line of its own."""

from __future__ import annotations

import bisect

from extractor.readers.pdf.geometry import STICK_GAP, SUPERSCRIPT_RATIO, Line, Word


def lines_of(words: list[Word]) -> list[Line]:
    """Group words into lines by vertical centre; small raised digits become marks."""
    ordinary = _split_superscripts(words)
    lines: list[Line] = []
    for word in sorted(ordinary, key=lambda w: (w.middle, w.x0)):
        for line in reversed(lines[-3:]):
            anchor = line.words[0]
            if (
                anchor.top - 0.5 <= word.middle <= anchor.bottom + 0.5
                and abs(word.middle - anchor.middle) <= 0.4 * anchor.size
                and abs(word.size - anchor.size) < 0.5 * anchor.size
            ):
                # Not merely touching the line's band: a label half a line lower (stacked
                # header labels) is a line of its own, whichever text layer measured it.
                line.words.append(word)
                break
        else:
            lines.append(Line([word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return sorted(lines, key=lambda line: (line.top, line.x0))


def _split_superscripts(words: list[Word]) -> list[Word]:
    """A word much smaller than the word it touches, and raised, is a mark or an ordinal.

    Marks are attached to their host word and left out of the returned list.
    """
    ordinary: list[Word] = []
    by_position = sorted(words, key=lambda w: (w.x0, w.top))
    hosts = _Hosts(words)
    for word in by_position:
        host = hosts.of(word)
        if host is None:
            ordinary.append(word)
            continue
        if word.x0 >= host.x1 - 0.5:
            if word.text.isdigit():
                host.marks.append(word.text)
            else:
                host.suffix += word.text
        else:
            host.lead_mark = word.text
    return ordinary


class _Hosts:
    """Finds the word a small raised word sticks to, looking only at words that end just
    before it or start just after it (a page has thousands of words, a mark touches one)."""

    def __init__(self, words: list[Word]) -> None:
        self.words = words
        self.reach = STICK_GAP * max((w.size for w in words), default=0.0) + 0.5
        self.by_end = sorted(range(len(words)), key=lambda i: words[i].x1)
        self.ends = [words[i].x1 for i in self.by_end]
        self.by_start = sorted(range(len(words)), key=lambda i: words[i].x0)
        self.starts = [words[i].x0 for i in self.by_start]

    def of(self, word: Word) -> Word | None:
        if len(word.text) > 3:
            return None
        after = self.by_end[
            bisect.bisect_left(self.ends, word.x0 - self.reach) : bisect.bisect_right(
                self.ends, word.x0 + 0.5
            )
        ]
        before = self.by_start[
            bisect.bisect_left(self.starts, word.x1 - 0.5) : bisect.bisect_right(
                self.starts, word.x1 + self.reach
            )
        ]
        for index in sorted({*after, *before}):  # the first in page order, as before
            other = self.words[index]
            if other is word or word.size > other.size * SUPERSCRIPT_RATIO:
                continue
            touches_after = -0.5 <= word.x0 - other.x1 <= STICK_GAP * other.size
            touches_before = -0.5 <= other.x0 - word.x1 <= STICK_GAP * other.size
            raised = word.bottom < other.bottom - 0.1 * other.size and word.bottom > other.top
            if raised and (touches_after or (touches_before and word.text.isdigit())):
                return other
        return None
