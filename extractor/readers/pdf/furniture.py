"""Page furniture: running headers and footers, dates and page numbers are not rows; printed
page numbers that do not run 1..M mean lost pages."""

from __future__ import annotations

import re
from pathlib import Path

from extractor.errors import UnreadableInputError
from extractor.readers.pdf.geometry import MARGIN, Line
from extractor.readers.pdf.phrases import header_roles
from extractor.values import looks_like_code

_PAGE_FURNITURE = re.compile(
    r"^(?:.*\b(?:page|pagina|p\.)\s*\d+\s*(?:/|sur|van|of)\s*\d+.*|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d+\s*/\s*\d+|-?\s*\d+\s*-?)$",
    re.IGNORECASE,
)

_PAGE_NUMBER = re.compile(
    r"\b(?:page|pagina|blz\.?|p\.)\s*(\d{1,4})\s*(?:/|sur|van|of)\s*(\d{1,4})\b", re.IGNORECASE
)


def printed_page_number(lines: list[Line]) -> tuple[int, int] | None:
    found = (_PAGE_NUMBER.search(line.text) for line in lines)
    return next(((int(m.group(1)), int(m.group(2))) for m in found if m), None)


def check_page_numbers(path: Path, numbers: list[tuple[int, int] | None]) -> None:
    """Printed page numbers ("page 2/5") must run 1..M in order: a gap means lost pages.

    A table continued on a missing page would hand its rows to the wrong heading. Pages
    without a printed number at the start (a cover letter) are allowed: numbering may start
    on the annex. One printed number is enough to count: "page 5/5" in a file of one page
    lost four, "page 2/5" needs a page before it and three after.
    """
    printed = [n for n in numbers if n is not None]
    if not printed:
        return
    start, total = printed[0]
    first = next(index for index, n in enumerate(numbers) if n is not None)
    # Pages 1..start-1 can only be the unnumbered pages before the first number.
    lost_before = start - 1 > first
    if len(printed) == 1:
        lost_after = len(numbers) - first < total - start + 1
        if lost_before or lost_after or start > total:
            raise UnreadableInputError(
                f"pages are missing or out of order: the only printed page number is {start} of"
                f" {total}, in a file of {len(numbers)} page{'s' * (len(numbers) > 1)}",
                path,
            )
        return
    numbered = numbers[first:]
    expected = list(range(start, start + len(numbered)))
    actual = [n[0] if n else None for n in numbered]
    complete = actual == expected  # a page without the number all others print is damaged too
    if not complete or lost_before or expected[-1] != total or any(n[1] != total for n in printed):
        listed = ", ".join("?" if a is None else str(a) for a in actual)
        raise UnreadableInputError(
            f"pages are missing or out of order: the printed page numbers run {listed} of {total}",
            path,
        )


def repeated_lines(pages: list[list[Line]]) -> set[tuple[str, int]]:
    """Running headers and footers: the same text (digits aside) at the same height on most
    of the sample pages."""
    if len(pages) < 3:
        return set()
    counts: dict[tuple[str, int], int] = {}
    for lines in pages:
        seen = {(re.sub(r"\d+", "#", line.text), round(line.top / 4)) for line in lines}
        for key in seen:
            counts[key] = counts.get(key, 0) + 1
    return {key for key, count in counts.items() if count >= max(3, len(pages) // 2 + 1)}


def is_furniture(line: Line, repeated: set[tuple[str, int]], height: float) -> bool:
    """Page numbers, dates and running headers or footers in the top or bottom margin.

    Never a line with a code or header words: a table row that happens to repeat at the
    same height on every page is content, not furniture.
    """
    in_margin = line.bottom < MARGIN * height or line.top > (1 - MARGIN) * height
    if not in_margin or any(looks_like_code(w.text) for w in line.words) or header_roles(line.text):
        return False
    return (
        bool(_PAGE_FURNITURE.match(line.text))
        or (
            re.sub(r"\d+", "#", line.text),
            round(line.top / 4),
        )
        in repeated
    )
