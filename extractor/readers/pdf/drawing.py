"""The `inspect` picture: what the reader saw on a page, drawn over the page itself."""

from __future__ import annotations

from pathlib import Path

from extractor import vocabulary
from extractor.location import Location
from extractor.readers.pdf.geometry import PageLayout

CONDITION_COLOUR = (150, 0, 200)


def draw_page(
    path: Path,
    layout: PageLayout,
    flagged: dict[Location, str],
    out_path: Path,
    conditions: dict[Location, str] | None = None,
) -> Path:
    """Draw header columns, row bands with their codes and flagged rows onto the page image.

    Blue: header blocks; green lines: column boundaries; grey bands: rows, with the code the
    reader found; red: rows behind an issue, with its rule; purple: the conditions a line's
    tariffs were read under (`MET GMD`, a second pair's label). A tariff officer sees why.
    """
    conditions = conditions or {}
    import pdfplumber
    from PIL import ImageDraw

    resolution = 110
    scale = resolution / 72
    with pdfplumber.open(path) as pdf:
        image = pdf.pages[layout.number - 1].to_image(resolution=resolution)
        for box in layout.header_boxes:
            image.draw_rect(box, fill=(0, 90, 255, 40), stroke=(0, 90, 255, 200))
        for x in layout.boundaries:
            image.draw_vline(x, stroke=(0, 160, 0, 180), stroke_width=1)
        for _, box, location in layout.rows:
            rule = flagged.get(location)
            fill = (255, 0, 0, 60) if rule else (128, 128, 128, 30)
            image.draw_rect(box, fill=fill, stroke=(255, 0, 0, 220) if rule else (90, 90, 90, 120))
        draw = ImageDraw.Draw(image.annotated)

        def ascii(text: str) -> str:  # the default bitmap font has no accents
            return vocabulary.fold(text).encode("ascii", "replace").decode()

        for column, left in zip(layout.columns, [0.0, *layout.boundaries], strict=False):
            draw.text(((left + 2) * scale, 2), ascii(column.label)[:16], fill=(0, 90, 255))
        for code, box, location in layout.rows:
            label = ascii(f"{code} {flagged.get(location, '')}".strip())
            if label:
                draw.text(
                    (box[2] * scale + 2, box[1] * scale),
                    label,
                    fill=(200, 0, 0) if location in flagged else (0, 120, 0),
                )
            if location in conditions:
                draw.text(
                    (box[2] * scale + 2, box[1] * scale + 10),
                    ascii(f"[{conditions[location]}]"),
                    fill=CONDITION_COLOUR,
                )
        out_path.parent.mkdir(parents=True, exist_ok=True)
        image.save(out_path)
    return out_path
