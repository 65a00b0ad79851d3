"""Lines of page after page → raw rows. The current header's columns carry over page breaks,
so layout is one reader that sees the pages in order."""

from __future__ import annotations

from extractor import rules as rules_registry
from extractor import vocabulary
from extractor.model import Issue, RawRow
from extractor.readers.pdf.agegroups import age_row, is_age_line
from extractor.readers.pdf.content import with_content_columns
from extractor.readers.pdf.geometry import Column, Line, PageLayout, Rules
from extractor.readers.pdf.header import (
    HeaderScan,
    boundaries_between,
    columns_of,
    refined_boundaries,
)
from extractor.readers.pdf.rows import (
    block_row,
    continued,
    description_index,
    header_row,
    location,
    row_blocks,
    text_row,
)
from extractor.values import clean_text, looks_like_code


class PageReader:
    """Turns page after page into rows; the current header's columns carry over page breaks."""

    def __init__(self, file_name: str, *, keep_layouts: bool = True) -> None:
        self.file_name = file_name
        self.rows: list[RawRow] = []
        self.issues: list[Issue] = []  # what the layout itself could not decide
        # Each page's layout, for `inspect` to draw; a box per row that `extract` has no use for.
        self.keep_layouts = keep_layouts
        self.layouts: list[PageLayout] = []
        self.text: list[str] = []
        self.title = ""
        self.columns: list[Column] | None = None
        self.boundaries: list[float] = []
        self.refine = False

    def add_page(
        self, number: int, lines: list[Line], rules: Rules, width: float, height: float
    ) -> None:
        layout = PageLayout(number, width, height)
        if self.keep_layouts:
            self.layouts.append(layout)
        line_numbers = {id(line): n for n, line in enumerate(lines, 1)}
        headers = HeaderScan(lines, rules)
        index = 0
        age_line: Line | None = None
        while index < len(lines):
            if is_age_line(lines[index]) and headers.block_end(index + 1):
                age_line, index = lines[index], index + 1  # age groups over the header below
                continue
            header_end = headers.block_end(index)
            if header_end is not None:
                header_lines = lines[index:header_end]
                self.columns = with_content_columns(
                    columns_of(header_lines),
                    lines[header_end : headers.next_header(header_end)],
                )
                self.boundaries = boundaries_between(self.columns, rules.vertical)
                self.refine = True
                if not self.title:
                    self.title = _title_before(lines[:index])
                layout.header_boxes.append(_box(header_lines))
                layout.columns, layout.boundaries = self.columns, self.boundaries
                if age_line is not None:
                    self.rows.append(age_row(age_line, self.columns, self.file_name, number, index))
                    age_line = None
                self.rows.append(header_row(self.columns, self.file_name, number, index + 1))
                index = header_end
                continue
            block_end = headers.next_header(index)
            if index < block_end - 1 < len(lines) - 1 and is_age_line(lines[block_end - 1]):
                block_end -= 1  # the age groups above the next header are read with it
            region = lines[index:block_end]
            index = block_end
            if self.columns is None:
                self.rows.extend(
                    text_row(line, self.file_name, number, line_numbers[id(line)])
                    for line in region
                )
                continue
            if self.refine:
                self.boundaries = refined_boundaries(
                    self.columns, self.boundaries, region, rules.vertical
                )
                layout.boundaries, self.refine = self.boundaries, False
            if not layout.columns:
                layout.columns, layout.boundaries = self.columns, self.boundaries
            carried = self._row_before_page(number)
            code = (
                next(c.text for c in self.rows[carried].cells if looks_like_code(c.value))
                if carried is not None
                else None
            )
            blocks, ambiguous, continuation = row_blocks(
                region, self.columns, self.boundaries, rules, code
            )
            if continuation and carried is not None:
                # The row the page break split: its description ends at the top of this page.
                self.rows[carried] = continued(
                    self.rows[carried], description_index(self.columns), continuation
                )
            for stray in ambiguous:
                text = clean_text(" ".join(line.text for line in stray.lines))
                self.issues.append(
                    rules_registry.ROW_UNRECOGNISED.issue(
                        location(self.file_name, number, line_numbers[id(stray.lines[0])]),
                        f"a description line between the rows of {stray.above} and"
                        f" {stray.below} could belong to either: it is in neither row's"
                        " description; check the source",
                        raw=(text,),
                    )
                )
            for block in blocks:
                first = line_numbers[id(block[0])]
                row = block_row(block, self.columns, self.boundaries, self.file_name, number, first)
                self.rows.append(row)
                if self.keep_layouts:
                    code = next((c.text for c in row.cells if looks_like_code(c.value)), "")
                    layout.rows.append((code, _box(block), row.location))

    def _row_before_page(self, number: int) -> int | None:
        """The coded row the previous page ended its table on (a repeated header aside), when
        nothing of this page was read as a row yet: lines at this page's top may end it."""
        labels = tuple(c.label for c in self.columns or [])
        for index in range(len(self.rows) - 1, -1, -1):
            row = self.rows[index]
            if row.location.page == number and row.texts == labels:
                continue  # the header, repeated at the top of the page
            if row.location.page == number or row.texts == labels:
                return None  # this page already holds a row, or the page ended on a header
            coded = len(row.cells) > 1 and any(looks_like_code(c.value) for c in row.cells)
            return index if coded and row.location.page == number - 1 else None
        return None


def _title_before(lines: list[Line]) -> str:
    """The table title: the text lines just above the first header, headings aside."""
    title = [line.text for line in lines if not vocabulary.NUMBERED_HEADING.match(line.text)]
    return clean_text(" ".join(title[-3:]))


def _box(lines: list[Line]) -> tuple[float, float, float, float]:
    return (
        min(line.x0 for line in lines),
        min(line.top for line in lines),
        max(w.x1 for line in lines for w in line.words),
        max(line.bottom for line in lines),
    )
