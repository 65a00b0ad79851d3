"""The `inspect` picture: what the reader saw on a page, drawn over the page itself."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from extractor import vocabulary
from extractor.location import Location
from extractor.readers.pdf.geometry import PageLayout

RESOLUTION = 200  # dots per inch: the page's own small print stays legible
HEADER_BAND = 34  # pixels above the page for the column numbers
CODE_STRIP = 260  # pixels right of the page for the code read and the rule of a flagged row
BLUE, GREEN, GREY = (0, 90, 255), (0, 140, 0), (90, 90, 90)
DARK_RED = (170, 20, 20)  # text and legend; the bands of flagged rows are bright red
CONDITION_COLOUR = (150, 0, 200)


def draw_page(
    path: Path,
    layout: PageLayout,
    flagged: dict[Location, str],
    out_path: Path,
    conditions: dict[Location, str] | None = None,
) -> Path:
    """Draw header columns, row bands with their codes and flagged rows onto the page image.

    Blue: header blocks, and each column numbered above the page (its label in full in the
    legend below: labels of narrow columns cannot be written over them without overlapping);
    green lines: column boundaries; grey bands: rows, with the code the reader found in a strip
    right of the page; red: rows behind an issue, with its rule; purple: the conditions a line's
    tariffs were read under (`MET GMD`, a second pair's label). A tariff officer sees why.
    """
    conditions = conditions or {}
    import pdfplumber
    from PIL import Image, ImageDraw

    scale = RESOLUTION / 72
    with pdfplumber.open(path) as pdf:
        image = pdf.pages[layout.number - 1].to_image(resolution=RESOLUTION)
        for box in layout.header_boxes:
            image.draw_rect(box, fill=(*BLUE, 40), stroke=(*BLUE, 200))
        for x in layout.boundaries:
            image.draw_vline(x, stroke=(*GREEN, 180), stroke_width=2)
        for _, box, location in layout.rows:
            rule = flagged.get(location)
            fill = (255, 0, 0, 60) if rule else (128, 128, 128, 30)
            image.draw_rect(box, fill=fill, stroke=(255, 0, 0, 220) if rule else (*GREY, 120))
        page = image.annotated.convert("RGB")

    font = _font(22)
    small = _font(19)
    legend = _legend(layout, page.width + CODE_STRIP, bool(conditions))
    canvas = Image.new(
        "RGB",
        (page.width + CODE_STRIP, HEADER_BAND + page.height + 30 * len(legend) + 20),
        "white",
    )
    canvas.paste(page, (0, HEADER_BAND))
    draw = ImageDraw.Draw(canvas)
    for number, column in enumerate(layout.columns, 1):
        centre = (column.x0 + column.x1) / 2 * scale
        draw.text((centre, HEADER_BAND / 2), str(number), fill=BLUE, font=font, anchor="mm")
    for code, box, location in layout.rows:
        rule = flagged.get(location, "")
        label = f"{code} {rule}".strip()
        if label:
            draw.text(
                (page.width + 10, HEADER_BAND + box[1] * scale),
                label,
                fill=DARK_RED if rule else GREEN,
                font=small,
            )
        if location in conditions:
            draw.text(
                (page.width + 10, HEADER_BAND + box[1] * scale + 22),
                fold(f"[{conditions[location]}]"),
                fill=CONDITION_COLOUR,
                font=small,
            )
    top = HEADER_BAND + page.height + 10
    for index, (colour, text) in enumerate(legend):
        y = top + 30 * index
        if colour is not None:
            draw.rectangle((12, y + 4, 32, y + 22), fill=colour)
        draw.text((42, y), text, fill=(30, 30, 30), font=small)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    canvas.save(out_path)
    return out_path


def legend_lines(layout: PageLayout, width_chars: int = 140) -> list[str]:
    """The legend's text: what each colour means, and every column's label by its number."""
    return [text for _, text in _legend(layout, width_chars * 11, conditions=True)]


def _legend(layout: PageLayout, width: int, conditions: bool) -> list[tuple[Any, str]]:
    """Colour and meaning, then the columns' labels; conditions only where a line has one."""
    lines: list[tuple[Any, str]] = [
        (BLUE, "header block (the numbers above the page are its columns, listed below)"),
        (GREEN, "column boundary; the code read on each row is written right of the page"),
        ((200, 200, 200), "tariff row"),
        (DARK_RED, "flagged row (see issues.json), its rule right of the page"),
    ]
    if conditions:
        lines.append(
            (CONDITION_COLOUR, "the condition a line's tariffs were read under (MET GMD, ...)")
        )
    # Pillow's own font has no accents: labels are folded (bénéficiaire → beneficiaire).
    key = "   ".join(
        f"{number} {fold(column.label) or '(no header text)'}{_unplaced(column.label)}"
        for number, column in enumerate(layout.columns, 1)
    )
    for part in textwrap.wrap(key, max(40, width // 11 - 6)):
        lines.append((None, part))
    return lines


def _unplaced(label: str) -> str:
    """A column whose label names no field: its values go to issues.json (column-unplaced)."""
    folded = vocabulary.fold(label)
    known = vocabulary.header_roles(label) or any(
        pattern.search(folded) for pattern in (vocabulary.AMBULATORY, vocabulary.HOSPITAL)
    )
    return "" if known else " [not placed: values in issues.json]"


def fold(text: str) -> str:
    """Accents off, case kept: Pillow's own font draws ASCII only."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return (
        "".join(c for c in decomposed if not unicodedata.combining(c))
        .encode("ascii", "replace")
        .decode()
    )


def _font(size: int) -> Any:
    """Pillow's own scalable font (the old bitmap one where FreeType is missing)."""
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except (OSError, TypeError):  # pragma: no cover - Pillow without FreeType
        return ImageFont.load_default()
