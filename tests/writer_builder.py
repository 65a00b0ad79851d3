"""Tables typeset by LibreOffice Writer and exported to PDF, as a word processor prints them.

A flat OpenDocument text (.fodt) is written here, one table with header rows and body rows,
and Debian's headless LibreOffice turns it into a PDF: line spacing, glyph placement, vertical
centring and cell rules are Writer's own, not the test's. Tests using it skip, saying why,
where LibreOffice Writer is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
WRITER = SOFFICE is not None and shutil.which("lowriter") is not None
WHY_NOT = "LibreOffice Writer is not installed (make test installs it as root)"


@dataclass(frozen=True)
class Cell:
    """One table cell: its text ("\\n" starts a new paragraph), columns spanned, alignment."""

    text: str
    span: int = 1
    align: str = "start"  # "start", "center" or "end"
    valign: str = "top"  # "top", "middle" or "bottom"
    bold: bool = False


@dataclass(frozen=True)
class Table:
    widths: tuple[float, ...]  # column widths in cm
    header: tuple[tuple[Cell, ...], ...]
    rows: tuple[tuple[Cell, ...], ...]
    ruled: bool = True
    font: str = "Liberation Sans"
    size: float = 8.0
    repeat_header: bool = False  # the header rows printed again at the top of every page


_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
)


def _styles(table: Table) -> str:
    border = "0.5pt solid #000000" if table.ruled else "none"
    styles = [
        f'<style:style style:name="Tbl" style:family="table"><style:table-properties'
        f' style:width="{sum(table.widths):.2f}cm" table:align="left"/></style:style>'
    ]
    for n, width in enumerate(table.widths):
        styles.append(
            f'<style:style style:name="Col{n}" style:family="table-column">'
            f'<style:table-column-properties style:column-width="{width:.2f}cm"/></style:style>'
        )
    for valign in ("top", "middle", "bottom"):
        styles.append(
            f'<style:style style:name="Cell-{valign}" style:family="table-cell">'
            f'<style:table-cell-properties style:vertical-align="{valign}" fo:border="{border}"'
            f' fo:padding="0.06cm"/></style:style>'
        )
    for align in ("start", "center", "end"):
        for bold in (False, True):
            weight = ' fo:font-weight="bold"' if bold else ""
            styles.append(
                f'<style:style style:name="P-{align}{"-b" if bold else ""}" style:family="paragraph">'
                f'<style:paragraph-properties fo:text-align="{align}" fo:margin-top="0cm"'
                f' fo:margin-bottom="0cm"/><style:text-properties style:font-name="{table.font}"'
                f' fo:font-size="{table.size}pt"{weight}/></style:style>'
            )
    styles.append(
        '<style:style style:name="Title" style:family="paragraph"><style:text-properties'
        f' style:font-name="{table.font}" fo:font-size="10pt"/></style:style>'
    )
    return "".join(styles)


def _cell(cell: Cell) -> str:
    style = f"P-{cell.align}{'-b' if cell.bold else ''}"
    paragraphs = "".join(
        f'<text:p text:style-name="{style}">{escape(part)}</text:p>'
        for part in cell.text.split("\n")
    )
    spanned = f' table:number-columns-spanned="{cell.span}"' if cell.span > 1 else ""
    covered = "<table:covered-table-cell/>" * (cell.span - 1)
    return (
        f'<table:table-cell table:style-name="Cell-{cell.valign}" office:value-type="string"'
        f"{spanned}>{paragraphs}</table:table-cell>{covered}"
    )


def document(title: tuple[str, ...], table: Table) -> str:
    """The flat OpenDocument text of a page: title lines, then the table."""
    fonts = (
        f'<office:font-face-decls><style:font-face style:name="{table.font}"'
        f" svg:font-family=\"'{table.font}'\"/></office:font-face-decls>"
    )
    columns = "".join(
        f'<table:table-column table:style-name="Col{n}"/>' for n in range(len(table.widths))
    )

    def rows_of(rows: tuple[tuple[Cell, ...], ...]) -> str:
        return "".join(
            "<table:table-row>" + "".join(_cell(cell) for cell in row) + "</table:table-row>"
            for row in rows
        )

    header = rows_of(table.header)
    if table.repeat_header:
        header = f"<table:table-header-rows>{header}</table:table-header-rows>"
    rows = header + rows_of(table.rows)
    lines = "".join(f'<text:p text:style-name="Title">{escape(t)}</text:p>' for t in title)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document {_NAMESPACES} office:version="1.2"'
        ' office:mimetype="application/vnd.oasis.opendocument.text">'
        f"{fonts}<office:automatic-styles>{_styles(table)}</office:automatic-styles>"
        f"<office:body><office:text>{lines}"
        f'<table:table table:name="Tarifs" table:style-name="Tbl">{columns}{rows}</table:table>'
        "</office:text></office:body></office:document>"
    )


def write_writer_pdfs(
    folder: Path, documents: dict[str, tuple[tuple[str, ...], Table]]
) -> dict[str, Path]:
    """Typeset each (title lines, table) in LibreOffice Writer, all in one run of it, and
    export each to `folder/NAME.pdf`."""
    assert SOFFICE is not None, WHY_NOT
    sources = []
    for name, (title, table) in documents.items():
        source = folder / f"{name}.fodt"
        source.write_text(document(title, table), encoding="utf-8")
        sources.append(str(source))
    subprocess.run(
        [SOFFICE, "--headless", "--norestore",
         f"-env:UserInstallation=file://{folder}/writer-profile",
         "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(folder), *sources],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return {name: folder / f"{name}.pdf" for name in documents}
