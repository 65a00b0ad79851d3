"""The `inspect` picture (issue 13, finding 11): legible resolution, a number per column with
every label in full in a legend (narrow columns no longer overlap, the two intervention
columns are told apart), the code read beside the page rather than over the last amount."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from extractor import api, readers
from extractor.readers.pdf.drawing import legend_lines
from tests.conftest import SAMPLES

PDF = SAMPLES / "Circulaire OA 2024-356.pdf"


def test_the_picture_is_legible_and_keeps_the_code_off_the_page(tmp_path: Path) -> None:
    out = api.inspect_pdf(PDF, 2, tmp_path)
    image = Image.open(out).convert("RGB")
    _, layouts = readers.read_layout(PDF)
    page_width = round(layouts[1].width * 200 / 72)
    assert image.width > page_width >= 1600  # 200 dpi
    strip = image.crop((page_width + 5, 0, image.width, image.height)).tobytes()
    green = sum(
        1
        for i in range(0, len(strip), 3)
        if strip[i + 1] > 100 and strip[i] < 60 and strip[i + 2] < 60
    )
    assert green > 200  # the codes read, right of the page


def test_the_legend_names_every_column_in_full() -> None:
    _, layouts = readers.read_layout(PDF)
    legend = " ".join(legend_lines(layouts[1]))
    assert "5 Intervention AMI beneficiaire avec regime preferentiel" in legend
    assert "6 Intervention AMI beneficiaire sans regime preferentiel" in legend
    assert "flagged row" in legend and "column boundary" in legend
