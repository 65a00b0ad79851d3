"""Header blocks → columns → boundaries, from where the header words stand.

A header block is told by its French or Dutch vocabulary; header words stacked over one
another make a column; the boundaries fall on vertical rules or in the gaps the content leaves.
"""

from __future__ import annotations

import functools
import itertools
import re
import statistics
from collections.abc import Iterable

from extractor import vocabulary
from extractor.readers.pdf.content import codes_left_of, names_amounts_only
from extractor.readers.pdf.geometry import HEADER_CELL_GAP, HEADER_GAP, Column, Line, Rules, Word
from extractor.readers.pdf.phrases import (
    column_of,
    header_roles,
    is_amount,
    overlap,
    phrases,
    span,
)
from extractor.values import clean_text

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _is_row_start(line: Line) -> bool:
    """A line that can only be table content: it holds a code, an amount or a heading number."""
    if line.has_code:
        return True
    if vocabulary.NUMBERED_HEADING.match(line.text):
        return True
    # The date of a date statement in a header row is not an amount (looked at only then).
    return sum(is_amount(w.text) for w in line.words) >= 2 and (
        sum(is_amount(w.text) for w in label_words(line)) >= 2
    )


def header_block_end(lines: list[Line], start: int, rules: Rules) -> int | None:
    """If a header block starts at `start`, the index after its last line.

    The block ends at a line that can only be content, at a wider vertical gap than header
    lines leave between them, or at a rule across the whole header.
    """
    first = lines[start]
    if _is_row_start(first):
        return None
    # A header is set in one size: a line in another right above it is a title or a table's
    # caption ("Tarif pour tous les bénéficiaires"), even when it holds a header word.
    following = lines[start + 1] if start + 1 < len(lines) else None
    other_size = following is not None and abs(following.size - first.size) > 0.2 * first.size
    if (other_size and not _complete([first])) or _names_a_group(first):
        return None
    if not header_roles(first.text) and (not _is_header_text(first) or following is None):
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
            or not _is_header_text(line, block)
            or _below_description_label(block, line)
            or line.top - bottom > _gap_limit(lines[end - 1], line) * lines[end - 1].size
            or (rules.crossing(bottom, line.top, left, right) and _complete(block, ruled=True))
        ):
            # A rule ends a header that already names its columns; one between the rows of a
            # header ("Code | Prestatie" over a date cell and "Terug- betaling") does not.
            break
        end += 1
    block = lines[start:end]
    if _complete(block):
        return end
    # Header text over the amount columns only, codes left of it: columns read from content.
    left = min(line.x0 for line in block)
    text = " ".join(line.text for line in block)
    return end if names_amounts_only(text) and codes_left_of(lines[end:], left) else None


def _names_a_group(line: Line) -> bool:
    """A line naming a beneficiary group or an age ("Bénéficiaires adultes", "Tarif pour tous
    les bénéficiaires", "Bénéficiaires de moins de 18 ans") and no regime: a table's caption,
    never a header's first line, whatever its size (read as one, its words were spread over
    the labels under it, and the band it sets or ends was lost). Age groups over amount
    columns are the line above a header, not in it (agegroups.py)."""
    folded = vocabulary.fold(line.text)
    return not _names_regime(folded) and any(
        pattern.search(folded)
        for pattern in (
            vocabulary.GROUP_OF_EVERYONE,
            vocabulary.GROUP_BY_AGE,
            vocabulary.AGE_MENTION,
        )
    )


def _below_description_label(block: list[Line], line: Line) -> bool:
    """A line in the description's column, under its label but not stacked right under it:
    the first line of the first row's description (a description label has no labels under
    it), however many of its words are header words ("Séance de groupe par session ...")."""
    words = label_words(line)
    if line.top - min(ln.bottom for ln in block) <= HEADER_GAP * line.size:
        return False  # right under the header's first line: stacked, whatever it is under
    if not words or header_roles(" ".join(w.text for w in words)):
        return False
    found = [
        (ln, span(phrase))
        for ln in block
        for phrase in phrases(label_words(ln))
        if header_roles(" ".join(w.text for w in phrase)) == {"description"}
    ]
    for label_line, (x0, x1) in found:
        right = min(
            (w.x0 for ln in block for w in ln.words if w.x0 > x1),
            default=float("inf"),
        )
        inside = all(w.x0 >= x0 - line.size and w.x1 <= right for w in words)
        if inside and line.top - label_line.bottom > HEADER_GAP * line.size:
            return True
    return False


def _gap_limit(previous: Line, line: Line) -> float:
    """How far below the header line above a header line may start, in its size: a line beside
    it (no word over another: cells centred at other heights of one header row) may be further."""
    beside = not any(
        overlap((a.x0, a.x1), (b.x0, b.x1)) > 0 for a in previous.words for b in line.words
    )
    return HEADER_CELL_GAP if beside else HEADER_GAP


def _complete(block: list[Line], ruled: bool = False) -> bool:
    """The block names a code and two more fields: read line by line, or, for labels stacked
    over several lines ("Ticket" / "modéra-" / "teur"), column by column. Above a rule, a
    regime label with no role yet ("Je bent gewoon verzekerd") waits for its parts below, and
    so does a reimbursement or co-payment label that names no regime (its regimes are the
    header's next row, in cells of their own)."""
    roles = header_roles(" ".join(line.text for line in block))
    if (len(roles) >= 3 and "code" in roles) and not ruled:
        return True
    if len(block) > 1 or ruled:
        columns = columns_of(block)
        if ruled and any(
            (_names_regime(vocabulary.fold(c.label)) and not header_roles(c.label))
            or (
                header_roles(c.label) & {"reimbursement", "copayment"}
                and not _names_regime(vocabulary.fold(c.label))
            )
            for c in columns
        ):
            return False
        roles |= {role for column in columns for role in header_roles(column.label)}
    return len(roles) >= 3 and "code" in roles


def _is_header_text(line: Line, above: list[Line] | None = None) -> bool:
    """At least half the words are header vocabulary (footnote marks aside); either half of a
    word hyphenated over two lines counts, so does the end of a word a narrow column broke
    with no hyphen right above it ("Honorariu" / "m"), and a leading date statement is not
    looked at."""
    words_above = [w for ln in above or [] for w in ln.words]
    label = label_words(line)
    broken = [
        w
        for w in label
        if words_above
        and len(w.text) <= 3  # the ends of broken words a known half does not cover
        and _completes(w, words_above)
    ]
    raw = [w.text.strip("()[]:;,.*") for w in label if w not in broken]
    # Dates and references ("AR 26/11/06 - MB 15/12/06") are neither header words nor prose.
    neutral = [w for w in raw if w and (any(map(str.isdigit, w)) or (w.isupper() and len(w) <= 3))]
    words = [vocabulary.fold(w) for w in raw if w and w not in neutral]
    known = len(broken) + sum(
        w in vocabulary.HEADER_TOKENS
        or w.endswith("-")
        or w in vocabulary.HEADER_WORD_ENDS
        or w in vocabulary.HEADER_WORD_STARTS
        for w in words
    )
    return (bool(words) or bool(neutral) or bool(broken)) and 2 * known >= len(words) + len(broken)


def _completes(word: Word, above: list[Word]) -> bool:
    """The word ends a header word broken with no hyphen on a line above, right over it."""
    return any(
        overlap((u.x0, u.x1), (word.x0, word.x1)) > 0
        and vocabulary.join_split_words(f"{u.text} {word.text}") == f"{u.text}{word.text}"
        for u in above
    )


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
    return HeaderScan(lines, rules).next_header(start)


class HeaderScan:
    """Where header blocks end on one page, each line's answer worked out once: layout asks
    again for lines it has looked at (the content under a header, then its rows)."""

    def __init__(self, lines: list[Line], rules: Rules) -> None:
        self.lines = lines
        self.rules = rules
        self.ends: dict[int, int | None] = {}

    def block_end(self, start: int) -> int | None:
        """header_block_end(lines, start, rules)."""
        if start not in self.ends:
            self.ends[start] = header_block_end(self.lines, start, self.rules)
        return self.ends[start]

    def next_header(self, start: int) -> int:
        """The first line after `start` where a header block starts, or the number of lines."""
        for index in range(start + 1, len(self.lines)):
            if self.block_end(index) is not None:
                return index
        return len(self.lines)


# A header block as its words stand: text, place, size and marks, line by line.
_HeaderKey = tuple[
    tuple[tuple[str, float, float, float, float, float, tuple[str, ...], str, str], ...], ...
]


def columns_of(header_lines: list[Line]) -> list[Column]:
    """Leaf header cells stacked over one another make columns; a label over two is a group.

    The same header stands on every page (and is asked for twice there): its columns are
    worked out once per look of its words."""
    key = tuple(
        tuple(
            (w.text, w.x0, w.x1, w.top, w.bottom, w.size, tuple(w.marks), w.suffix, w.lead_mark)
            for w in line.words
        )
        for line in header_lines
    )
    return list(_columns_of_words(key))


@functools.lru_cache(maxsize=64)
def _columns_of_words(key: _HeaderKey) -> tuple[Column, ...]:
    """The columns of a header block made anew from its words' key, so that the answer depends
    on nothing else."""
    lines = [
        Line(
            [
                Word(text, x0, x1, top, bottom, size, list(marks), suffix, lead)
                for text, x0, x1, top, bottom, size, marks, suffix, lead in words
            ]
        )
        for words in key
    ]
    return tuple(_columns(lines))


def _columns(header_lines: list[Line]) -> list[Column]:
    header_phrases = _split_under_gaps(
        [
            part
            for phrase in phrases([w for line in header_lines for w in label_words(line)])
            for part in _label_parts(phrase)
        ]
    )
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
        # Over two labels side by side, whether on one line or centred at other heights in
        # their cells (a two-line regime label beside a three-line one).
        is_group = any(overlap(span(a), span(b)) <= 0 for a, b in itertools.combinations(below, 2))
        (groups if is_group else leaves).append(phrase)
    _continue_groups(groups, leaves, header_phrases)

    stacks: list[list[list[Word]]] = []
    for phrase in sorted(leaves, key=lambda p: span(p)[0]):
        for stack in stacks:
            if any(overlap(span(phrase), span(other)) > 0 for other in stack):
                stack.append(phrase)
                break
        else:
            stacks.append([phrase])

    clusters = _group_labels(groups)
    columns = []
    group_words: list[list[Word]] = []
    regimes: list[list[Word]] = []  # per column, its words that name no role (its regime)
    for stack in sorted(stacks, key=lambda s: min(span(p)[0] for p in s)):
        x0, x1 = min(span(p)[0] for p in stack), max(span(p)[1] for p in stack)
        over = [
            w
            for cluster in clusters
            if any(overlap(span(g), (x0, x1)) > 0 for g in cluster)
            for g in cluster
            for w in g
        ]
        leaf = [w for part in sorted(stack, key=lambda p: p[0].top) for w in part]
        if (
            not over
            and group_words
            and _is_regime_only(leaf)
            and _splits_by_regime(group_words[-1])
        ):
            # A short group label ("Remgeld") may stand over the first of its regime columns
            # only: the regime column beside it, with no label of its own, belongs to it too.
            # Not a fee ("Honoraires" | "Interv. BIM"): a fee has no regimes to share.
            over = group_words[-1]
        elif not over and regimes and _takes_regime_from(regimes, leaf):
            # A regime group set left in its cell ("Je bent gewoon / verzekerd") may stand over
            # its first part only: "Remgeld" beside it, with no regime of its own, is under it.
            over = regimes[-1]
            regimes.append([])
        else:
            regimes.append(
                [
                    w
                    for part in ([over] if over else sorted(stack, key=lambda p: p[0].top))
                    if not header_roles(" ".join(w.text for w in part))
                    for w in part
                ]
            )
        role_words = [
            w for part in stack if header_roles(" ".join(w.text for w in part)) for w in part
        ]
        group_words.append(over or role_words)
        words = [*over, *leaf]
        label = vocabulary.join_split_words(clean_text(" ".join(w.full_text for w in words)))
        marks = tuple(m for w in words for m in w.marks)
        columns.append(Column(label, x0, x1, marks))
    return columns


def _label_parts(phrase: list[Word]) -> list[list[Word]]:
    """Labels of narrow columns side by side: a phrase breaks at a gap wider than a header's
    word space ever is (more than half an em), and between two labels naming other fields
    ("Lettre-clé Coefficient") unless one phrase of the vocabulary spans both ("Valeur
    lettre-clé")."""
    parts = [[phrase[0]]]
    for index, (last, word) in enumerate(itertools.pairwise(phrase), 1):
        if word.x0 - last.x1 > 0.6 * max(word.size, last.size) or _two_labels(
            parts[-1], phrase[index:]
        ):
            parts.append([word])
        else:
            parts[-1].append(word)
    return parts


def _two_labels(left: list[Word], right: list[Word]) -> bool:
    left_text = " ".join(w.text for w in left)
    right_text = " ".join(w.text for w in right)
    left_roles, right_roles = header_roles(left_text), header_roles(right_text)
    if not left_roles or not right_roles or left_roles & right_roles:
        return False
    folded = vocabulary.fold(f"{left_text} {right_text}")
    boundary = len(vocabulary.fold(left_text))
    return not any(
        match.start() < boundary < match.end()
        for pattern in vocabulary.HEADER_ROLES.values()
        for match in pattern.finditer(folded)
    )


def _split_under_gaps(header_phrases: list[list[Word]]) -> list[list[Word]]:
    """A phrase under two labels set apart ("ambulant hospitalisé" under "Code" and "Code", the
    second lines of two narrow columns side by side) breaks where the labels above break: each
    of its parts stands under one of them only."""
    result: list[list[Word]] = []
    for phrase in header_phrases:
        top, extent = min(w.top for w in phrase), span(phrase)
        above = [
            q
            for q in header_phrases
            if max(w.bottom for w in q) <= top + 1 and overlap(span(q), extent) > 0
        ]
        # The labels right above it (a group label higher up stands over the whole phrase).
        nearest = max((max(w.bottom for w in q) for q in above), default=0.0)
        above = [q for q in above if max(w.bottom for w in q) >= nearest - 0.5 * q[0].size]
        parts = [[phrase[0]]]
        for index, (last, word) in enumerate(itertools.pairwise(phrase), 1):
            left, right = span(phrase[:index]), span(phrase[index:])
            over_left = [q for q in above if overlap(span(q), left) > 0]
            over_right = [q for q in above if overlap(span(q), right) > 0]
            if (
                over_left
                and over_right
                and all(span(q)[1] <= word.x0 for q in over_left)
                and all(span(q)[0] >= last.x1 for q in over_right)
            ):
                parts.append([word])
            else:
                parts[-1].append(word)
        result.extend(parts)
    return result


def _stacked(upper: list[Word], lower: list[Word]) -> bool:
    """Lower stands right under upper, overlapping it: the next line of one label."""
    gap = min(w.top for w in lower) - max(w.bottom for w in upper)
    return -1 <= gap < 0.8 * upper[0].size and overlap(span(upper), span(lower)) > 0


def _continue_groups(
    groups: list[list[Word]], leaves: list[list[Word]], all_phrases: list[list[Word]]
) -> None:
    """A group label wrapped over lines ("Je hebt verhoogde" / "tegemoetk."): a line right under
    a group label, aligned with it (left, centre or right, as the lines of one label are) and
    alone on its row under it, is more of that label, not a column."""
    for phrase in sorted(leaves, key=lambda p: p[0].top):
        for group in groups:
            if not _stacked(group, phrase) or not _aligned(group, phrase):
                continue
            row = round(phrase[0].middle)
            siblings = [
                q
                for q in all_phrases
                if q is not phrase
                and round(q[0].middle) == row
                and overlap(span(group), span(q)) > 0
            ]
            if not siblings:
                leaves.remove(phrase)
                groups.append(phrase)
            break


def _aligned(upper: list[Word], lower: list[Word]) -> bool:
    (a0, a1), (b0, b1) = span(upper), span(lower)
    tolerance = 0.5 * upper[0].size
    return min(abs(a0 - b0), abs(a1 - b1), abs((a0 + a1) / 2 - (b0 + b1) / 2)) <= tolerance


def _group_labels(groups: list[list[Word]]) -> list[list[list[Word]]]:
    """Group phrases stacked over one another are one label, over every column under any part."""
    clusters: list[list[list[Word]]] = []
    for phrase in sorted(groups, key=lambda p: (p[0].top, span(p)[0])):
        for cluster in clusters:
            if any(_stacked(part, phrase) for part in cluster):
                cluster.append(phrase)
                break
        else:
            clusters.append([phrase])
    return clusters


def _takes_regime_from(regimes: list[list[Word]], leaf: list[Word]) -> bool:
    previous = regimes[-1]
    if len(regimes) >= 2 and regimes[-2] == previous:
        return False  # that group already has two columns
    group = vocabulary.fold(" ".join(w.text for w in previous))
    text = vocabulary.fold(vocabulary.join_split_words(" ".join(w.text for w in leaf)))
    roles = header_roles(text)
    return (
        bool(roles & {"reimbursement", "copayment"})
        and not _names_regime(text)
        and _names_regime(group)
    )


def _splits_by_regime(words: list[Word]) -> bool:
    """A label of the amounts paid per regime (reimbursement, co-payment), unlike a fee."""
    return bool(header_roles(" ".join(w.text for w in words)) & {"reimbursement", "copayment"})


def _names_regime(folded: str) -> bool:
    return bool(
        vocabulary.STANDARD_REGIME.search(folded) or vocabulary.PREFERENTIAL_REGIME.search(folded)
    )


def _is_regime_only(words: list[Word]) -> bool:
    text = vocabulary.fold(vocabulary.join_split_words(" ".join(w.text for w in words)))
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
        for phrase in line.phrases:
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
