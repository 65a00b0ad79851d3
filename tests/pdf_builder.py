"""Small circular PDFs drawn by the tests (reportlab), one layout trait at a time.

A flow of items (text lines, headings, table headers, rows, footnotes) is laid out top to
bottom with a choice of font, ruling, vertical alignment and page size, breaking pages where
the flow runs out of room, so each reader trait can be tested on a file made for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas


@dataclass(frozen=True)
class Row:
    code: str
    description: str
    amounts: tuple[str, ...]
    hos: str = "-"
    mark: str = ""
    amount_marks: tuple[str, ...] = ()  # a raised footnote mark after each amount, or ""


@dataclass(frozen=True)
class Text:
    text: str
    size: float = 10
    bold: bool = False


@dataclass(frozen=True)
class Header:
    labels: tuple[str, ...] = ()  # French by default, see FR_LABELS / NL_LABELS
    fee_mark: str = ""


@dataclass(frozen=True)
class Footnote:
    mark: str
    text: str


@dataclass(frozen=True)
class Grid:
    """A free-form table: header rows of (text, first column, span) cells and body rows of one
    text per column; a newline stacks lines inside a cell. Edges: n + 1 x positions."""

    edges: tuple[float, ...]
    header: tuple[tuple[tuple[str, int, int], ...], ...]
    rows: tuple[tuple[str, ...], ...]
    ruled: bool = True
    middle: bool = False  # header cells centred vertically in their row, as spreadsheets print
    long_rules: bool = False  # each row's top rule drawn once across the table, not per cell


FR_LABELS = ("Pseudocode", "AMB", "HOS", "Description", "Honoraires", "Intervention AMI",
             "Ticket modérateur", "bénéficiaire avec régime préférentiel",
             "bénéficiaire sans régime préférentiel")  # fmt: skip
NL_LABELS = ("Pseudocode", "AMB", "HOS", "Omschrijving", "Honorarium", "Tegemoetkoming ZIV",
             "Remgeld", "rechthebbende met voorkeurregeling",
             "rechthebbende zonder voorkeurregeling")  # fmt: skip


@dataclass
class Layout:
    font: str = "Helvetica"
    bold_font: str = "Helvetica-Bold"
    size: float = 7.5
    ruling: str = "full"  # "full", "horizontal" or "none"
    align: str = "top"  # "top" or "middle": where code and amounts sit in a tall row
    landscape: bool = False
    repeat_header: bool = True
    padding: float = 3.0
    # Column edges: code, hos, description, fee, four regime columns.
    edges: tuple[float, ...] = (42, 80, 104, 275, 325, 382, 439, 496, 553)
    page_lines: list[str] = field(default_factory=list)  # footer text, "{page}" replaced


def write_pdf(
    path: Path, items: list[object], layout: Layout | None = None, pages: int = 0
) -> Path:
    """Lay the items out; "{page}" and "{pages}" in footer lines become "2" and "5"."""
    layout = layout or Layout()
    if not pages and any("{pages}" in line for line in layout.page_lines):
        import io

        writer = _render(io.BytesIO(), items, layout, 0)
        return write_pdf(path, items, layout, pages=writer.page)
    _render(path, items, layout, pages)
    return path


def _render(target: object, items: list[object], layout: Layout, pages: int) -> _Writer:
    size = landscape(A4) if layout.landscape else A4
    canvas = Canvas(
        target if not isinstance(target, Path) else str(target), pagesize=size, invariant=1
    )
    canvas.setTitle("test circular")
    writer = _Writer(canvas, layout, size[1], pages)
    for item in items:
        writer.add(item)
    writer.finish()
    canvas.save()
    return writer


class _Writer:
    def __init__(self, canvas: Canvas, layout: Layout, height: float, pages: int) -> None:
        self.canvas, self.layout, self.height, self.pages = canvas, layout, height, pages
        self.y = 50.0  # distance from the top
        self.header: Header | None = None
        self.labels: tuple[str, ...] = FR_LABELS
        self.page = 1

    # Coordinates: y grows downwards here, reportlab's grows upwards.
    def _text(self, x: float, top: float, text: str, size: float, bold: bool = False) -> None:
        self.canvas.setFont(self.layout.bold_font if bold else self.layout.font, size)
        self.canvas.drawString(x, self.height - top - size, text)

    def _right(self, x: float, top: float, text: str, size: float) -> None:
        self.canvas.setFont(self.layout.font, size)
        self.canvas.drawRightString(x, self.height - top - size, text)

    def _hline(self, top: float, x0: float | None = None, x1: float | None = None) -> None:
        edges = self.layout.edges
        self.canvas.line(x0 or edges[0], self.height - top, x1 or edges[-1], self.height - top)

    def _vlines(self, top: float, bottom: float) -> None:
        for x in self.layout.edges:
            self.canvas.line(x, self.height - top, x, self.height - bottom)

    def _room(self, needed: float) -> None:
        if self.y + needed > self.height - 60:
            self.finish()
            self.canvas.showPage()
            self.page += 1
            self.y = 50.0
            if self.header is not None and self.layout.repeat_header:
                self._draw_header(self.header)

    def finish(self) -> None:
        for line in self.layout.page_lines:
            self._text(
                self.layout.edges[0],
                self.height - 40,
                line.format(page=self.page, pages=self.pages),
                8,
            )

    def add(self, item: object) -> None:
        if isinstance(item, Text):
            self._room(item.size * 1.6)
            self._text(self.layout.edges[0], self.y, item.text, item.size, item.bold)
            self.y += item.size * 1.6
        elif isinstance(item, Header):
            self.header = item
            self.labels = item.labels or FR_LABELS
            self._room(80)
            self._draw_header(item)
        elif isinstance(item, Row):
            self._draw_row(item)
        elif isinstance(item, Grid):
            self._draw_grid(item)
        elif isinstance(item, Footnote):
            self._room(14)
            size = self.layout.size - 0.5
            self._text(self.layout.edges[0], self.y + 4 - size * 0.35, item.mark, size * 0.65)
            self._text(self.layout.edges[0] + 5, self.y + 4, item.text, size)
            self.y += 16

    def _wrap(self, text: str, width: float, size: float) -> list[str]:
        lines, current = [], ""
        for word in text.split():
            trial = f"{current} {word}".strip()
            if stringWidth(trial, self.layout.font, size) <= width:
                current = trial
            else:
                lines.append(current)
                current = word
        return [*lines, current] if current else lines

    def _draw_header(self, header: Header) -> None:
        edges, size = self.layout.edges, self.layout.size - 1
        pseudo, amb, hos, description, fee, reimbursement, copayment, with_regime, without = (
            self.labels
        )
        top = self.y
        bottom = top + 48
        bold = True
        self._text(edges[0] + 8, top + 4, pseudo, size, bold)
        self._text(edges[0] + 8, top + 28, amb, size, bold)
        self._text(edges[1] + 4, top + 28, hos, size, bold)
        self._text(edges[2] + 60, top + 18, description, size, bold)
        self._text(edges[3] + 4, top + 18, fee, size, bold)
        if header.fee_mark:
            fee_end = edges[3] + 4 + stringWidth(fee, self.layout.bold_font, size)
            self._text(fee_end + 0.5, top + 18 - size * 0.35, header.fee_mark, size * 0.65, bold)
        self._text(edges[4] + 20, top + 4, reimbursement, size, bold)
        self._text(edges[6] + 14, top + 4, copayment, size, bold)
        for index, label in enumerate((with_regime, without, with_regime, without)):
            left = edges[4 + index] + 2
            for n, part in enumerate(self._wrap(label, edges[5 + index] - left - 2, size - 1)):
                self._text(left, top + 16 + n * (size + 1), part, size - 1, bold)
        if self.layout.ruling != "none":
            self._hline(top)
            self._hline(bottom)
            self._hline(top + 13, edges[0], edges[2])
            self._hline(top + 13, edges[4], edges[8])
            if self.layout.ruling == "full":
                self._vlines(top, bottom)
        self.y = bottom + 6

    def _draw_grid(self, grid: Grid) -> None:
        edges, size = grid.edges, self.layout.size
        cells = [*grid.header, *(tuple((t, i, 1) for i, t in enumerate(r)) for r in grid.rows)]
        for number, row in enumerate(cells):
            header = number < len(grid.header)
            lead = size - 1 if header else size
            height = max(len(text.split("\n")) for text, _, _ in row) * (lead + 1.5) + 6
            self._room(height)
            if grid.ruled and grid.long_rules:
                self._hline(self.y, edges[0], edges[-1])
            deepest = max(len(text.split("\n")) for text, _, _ in row)
            for text, first, span in row:
                parts = text.split("\n")
                shift = (deepest - len(parts)) * (lead + 1.5) / 2 if grid.middle and header else 0
                for n, part in enumerate(parts):
                    if part:
                        self._text(
                            edges[first] + 3,
                            self.y + 3 + shift + n * (lead + 1.5),
                            part,
                            lead,
                            header,
                        )
                if grid.ruled:
                    self._hline(self.y, edges[first], edges[first + span])
                    for x in (edges[first], edges[first + span]):
                        self.canvas.line(x, self.height - self.y, x, self.height - self.y - height)
            self.y += height
        if grid.ruled:
            self._hline(self.y, edges[0], edges[-1])
        self.y += 6

    def _draw_row(self, row: Row) -> None:
        edges, size, pad = self.layout.edges, self.layout.size, self.layout.padding
        lines = self._wrap(row.description, edges[3] - edges[2] - 6 - (5 if row.mark else 0), size)
        height = len(lines) * (size + 1.5) + 2 * pad
        self._room(height)
        top = self.y + pad
        anchor = top if self.layout.align == "top" else top + (len(lines) - 1) * (size + 1.5) / 2
        self._text(edges[0] + 3, anchor, row.code, size)
        self._text(edges[1] + 8, anchor, row.hos, size)
        for n, line in enumerate(lines):
            self._text(edges[2] + 3, top + n * (size + 1.5), line, size)
        if row.mark:
            last = lines[-1] if lines else ""
            end = edges[2] + 3 + stringWidth(last, self.layout.font, size) + 1.5
            self._text(
                end, top + (len(lines) - 1) * (size + 1.5) - size * 0.3, row.mark, size * 0.66
            )
        for index, amount in enumerate(row.amounts):
            mark = row.amount_marks[index] if index < len(row.amount_marks) else ""
            if amount:
                right = (
                    edges[4 + index]
                    - 3
                    - (stringWidth(mark, self.layout.font, size * 0.66) + 0.5 if mark else 0)
                )
                self._right(right, anchor, amount, size)
            if amount and mark:
                self._text(right + 0.5, anchor - size * 0.3, mark, size * 0.66)
        if self.layout.ruling != "none":
            self._hline(self.y + height)
            if self.layout.ruling == "full":
                self._vlines(self.y, self.y + height)
        self.y += height


def cover(
    number: str = "2024/356", effective: str = "1/01/2025", dutch: bool = False
) -> list[object]:
    """The cover-letter lines every real circular starts with."""
    if dutch:
        return [
            Text("Geneeskundige verzorging", 10, bold=True),
            Text(f"Omzendbrief VI nr {number} van 11-12-2024"),
            Text(f"Van toepassing vanaf {effective}"),
            Text(
                "Tarieven ; Psychologische zorg ; de tarieven voor de rechthebbenden.",
                11,
                bold=True,
            ),
        ]
    return [
        Text("Soins de Santé", 10, bold=True),
        Text(f"Circulaire OA no {number} du 11-12-2024"),
        Text(f"Applicable à partir de {effective}"),
        Text(
            "Tarifs ; Soins psychologiques de première ligne pour les bénéficiaires.", 11, bold=True
        ),
    ]


@dataclass(frozen=True)
class Line:
    """One printed line of a grid table: its cells by column ("" for none), or one text."""

    cells: tuple[str, ...]
    joined: bool = False  # no rule above it: it continues the row before (a wrapped line)


def write_grid_pdf(
    path: Path,
    edges: tuple[float, ...],
    header: tuple[tuple[tuple[str, int], ...], ...],
    lines: list[Line | Text],
    before: tuple[str, ...] = (),
    size: float = 7.0,
) -> Path:
    """A landscape page with a fully ruled table of any columns: header rows of (label,
    columns spanned) cells, then lines; a Text is a heading across the table."""
    page = landscape(A4)
    canvas = Canvas(str(path), pagesize=page, invariant=1)
    canvas.setTitle("test circular")
    height = page[1]

    def text(x: float, top: float, value: str, bold: bool = False, right: bool = False) -> None:
        canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        draw = canvas.drawRightString if right else canvas.drawString
        draw(x, height - top - size, value)

    def hline(top: float, x0: float, x1: float) -> None:
        canvas.line(x0, height - top, x1, height - top)

    def vlines(top: float, bottom: float) -> None:
        for x in edges:
            canvas.line(x, height - top, x, height - bottom)

    y = 40.0
    for line in before:
        text(edges[0], y, line)
        y += size * 2
    head_top = y
    for header_row in header:
        column, deepest = 0, 1
        for label, columns in header_row:
            x0, x1 = edges[column], edges[column + columns]
            wrapped: list[str] = []
            for word in label.split():
                trial = f"{wrapped[-1]} {word}" if wrapped else word
                if wrapped and stringWidth(trial, "Helvetica-Bold", size) <= x1 - x0 - 6:
                    wrapped[-1] = trial
                else:
                    wrapped.append(word)
            for n, part in enumerate(wrapped):
                text(x0 + 3, y + 3 + n * (size + 1), part, bold=True)
            deepest = max(deepest, len(wrapped))
            if label and columns > 1:
                hline(y + 3 + deepest * (size + 1) + 1, x0, x1)
            column += columns
        y += deepest * (size + 1) + 6
    hline(head_top, edges[0], edges[-1])
    hline(y, edges[0], edges[-1])
    vlines(head_top, y)
    for item in lines:
        if isinstance(item, Text):
            hline(y, edges[0], edges[-1])
            text(edges[0] + 3, y + 4, item.text, bold=True)
            y += size + 10
            continue
        if not item.joined:
            hline(y, edges[0], edges[-1])
        for index, cell in enumerate(item.cells):
            if not cell:
                continue
            if re.fullmatch(r"€? ?\d+,\d{2}", cell):
                text(edges[index + 1] - 3, y + 2, cell, right=True)
            else:
                text(edges[index] + 3, y + 2, cell)
        vlines(y, y + size + 3)
        y += size + 3
    hline(y, edges[0], edges[-1])
    canvas.save()
    return path
