"""Table body → row blocks → cells. A row starts at a code; its lines end at a vertical gap, a
rule or the next code; each phrase goes to the column it overlaps most."""

from __future__ import annotations

import itertools

from extractor import vocabulary
from extractor.location import Location
from extractor.model import RawCell, RawRow
from extractor.readers.pdf.geometry import ROW_GAP, Column, Line, Rules
from extractor.readers.pdf.phrases import (
    column_of,
    header_roles,
    is_amount,
    overlap,
    span,
)
from extractor.readers.pdf.strays import Strays, attach_strays, leading_text
from extractor.values import clean_text, looks_like_code

_AMOUNT_ROLES = {"fee", "reimbursement", "copayment"}


def location(file_name: str, page: int, line: int) -> Location:
    """Where a row stands in its PDF, as every cell and row of it names it."""
    return Location(file_name, page=page, line=line)


def row_blocks(
    region: list[Line],
    columns: list[Column],
    boundaries: list[float],
    rules: Rules,
    carried: str | None = None,
) -> Strays:
    """Lines that make one table row: split at vertical gaps and rules, then at codes; a
    description line set apart from its row joins it again (or is returned as ambiguous).
    `carried`: the code of the row the page before ended on, when this region continues it."""
    description_left = _description_left(columns, boundaries)
    left, right = columns[0].x0, columns[-1].x1
    description = description_index(columns)
    head = leading_text(region, description, boundaries, rules, (left, right)) if carried else []
    blocks: list[list[Line]] = []
    for line in region[len(head) :]:
        if blocks:
            previous = blocks[-1][-1]
            gap = line.top - max(ln.bottom for ln in blocks[-1])
            ruled = rules.crossing(max(ln.bottom for ln in blocks[-1]), line.top, left, right)
            heading = _is_heading_line(line, description_left) or _is_heading_line(
                previous, description_left
            )
            near = gap <= ROW_GAP * previous.size or _pair_continues(previous, line)
            if near and not ruled and not heading:
                blocks[-1].append(line)
                continue
        blocks.append([line])
    parts = [part for block in blocks for part in _split_at_codes(block)]
    extent = (left, right)
    return attach_strays(parts, description, boundaries, rules, extent, carried, head)


def description_index(columns: list[Column]) -> int | None:
    """The column of the description (its header names one), if the table has one."""
    return next(
        (
            index
            for index, column in enumerate(columns)
            if vocabulary.DESCRIPTION_HEADER.search(vocabulary.fold(column.label))
        ),
        None,
    )


def _description_left(columns: list[Column], boundaries: list[float]) -> float:
    index = description_index(columns)
    if index is None:
        return float("inf")
    return boundaries[index - 1] if index > 0 else columns[index].x0


def _is_heading_line(line: Line, description_left: float) -> bool:
    return (
        line.x0 < description_left
        and bool(vocabulary.NUMBERED_HEADING.match(line.text))
        and not any(is_amount(w.text) for w in line.words[1:])
    )


def _split_at_codes(block: list[Line]) -> list[list[Line]]:
    """Several coded lines in one block: each starts a row; lines above the first join it."""
    anchors = [
        i
        for i, line in enumerate(block)
        if line.has_code and not (i and _pair_continues(block[i - 1], line))
    ]
    if len(anchors) <= 1:
        return [block]
    parts = []
    for n, start in enumerate(anchors):
        begin = 0 if n == 0 else start
        end = anchors[n + 1] if n + 1 < len(anchors) else len(block)
        parts.append(block[begin:end])
    return parts


def _pair_continues(previous: Line, line: Line) -> bool:
    """The line's code is the second of a pair broken in a narrow column ("726530 /" over
    "726541", under "Code amb. / hosp."): the same row, not the next one."""
    words = previous.words
    for index, (code, slash) in enumerate(itertools.pairwise(words), 2):
        # The slash ends the code cell's line: nothing follows it, or only a column away.
        ends = index == len(words) or words[index].x0 - slash.x1 > 2 * previous.size
        if looks_like_code(code.text) and slash.text == "/" and ends:
            first = line.words[0]
            return (
                looks_like_code(first.text)
                and overlap((first.x0, first.x1), (code.x0, slash.x1)) > 0
            )
    return False


def block_row(
    block: list[Line],
    columns: list[Column],
    boundaries: list[float],
    file_name: str,
    page: int,
    line_number: int,
) -> RawRow:
    here = location(file_name, page, line_number)
    texts: list[list[str]] = [[] for _ in columns]
    marks: list[list[str]] = [[] for _ in columns]
    amounts_in_amount_columns = 0
    prose = False
    for line in block:
        for phrase in line.phrases:
            extent = span(phrase)
            column = column_of(extent, boundaries)
            prose = prose or _across_columns(extent, boundaries, line.size)
            if is_amount(phrase[0].text) and header_roles(columns[column].label) & _AMOUNT_ROLES:
                amounts_in_amount_columns += 1
            for word in phrase:
                if word.lead_mark:
                    texts[column].append(word.lead_mark)
                texts[column].append(word.full_text)
                marks[column].extend(word.marks)
    has_code = any(line.has_code for line in block)
    first = block[0].text
    is_text = vocabulary.NUMBERED_HEADING.match(first) or vocabulary.FOOTNOTE_LINE.match(first)
    # A footnote may name a code ("(*) Même honoraire que le code 560011"): still a footnote,
    # unless a line under it in the block holds a code (a row the footnote line is glued to).
    footnote = vocabulary.FOOTNOTE_LINE.match(first) and not any(
        line.has_code for line in block[1:]
    )
    if footnote or (not has_code and (is_text or prose or amounts_in_amount_columns < 2)):
        text = clean_text(" ".join(line.text for line in block))
        return RawRow((RawCell(text, here),), here)
    cells = tuple(
        RawCell(clean_text(" ".join(parts)) or None, here, marks=tuple(cell_marks))
        for parts, cell_marks in zip(texts, marks, strict=True)
    )
    return RawRow(cells, here)


def _across_columns(extent: tuple[float, float], boundaries: list[float], size: float) -> bool:
    """Words running on over a column boundary, far on both sides: a paragraph of prose inside
    the table ("Huisartsen met wachtdienst mogen 5,05 euro ..."), not cells."""
    x0, x1 = extent
    reach = 3 * size
    return any(x0 + reach < boundary < x1 - reach for boundary in boundaries)


def continued(row: RawRow, column: int | None, lines: list[Line]) -> RawRow:
    """The row with more text at the end of one of its cells: a description the page break
    split, its last lines at the top of the next page."""
    if column is None or column >= len(row.cells):
        return row
    cell = row.cells[column]
    words = [w for line in lines for w in line.words]
    more = [f"{w.lead_mark} {w.full_text}" for w in words]
    parts = [cell.text, *more]
    marks = (*cell.marks, *(m for w in words for m in w.marks))
    extended = RawCell(clean_text(" ".join(parts)) or None, cell.location, cell.span, marks)
    return RawRow((*row.cells[:column], extended, *row.cells[column + 1 :]), row.location)


def text_row(line: Line, file_name: str, page: int, line_number: int) -> RawRow:
    here = location(file_name, page, line_number)
    return RawRow((RawCell(line.text, here),), here)


def header_row(columns: list[Column], file_name: str, page: int, line_number: int) -> RawRow:
    here = location(file_name, page, line_number)
    return RawRow(tuple(RawCell(c.label, here, marks=c.marks) for c in columns), here)
