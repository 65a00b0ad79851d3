"""Hostile and broken inputs: each gives a table, flagged rows, or one clear line and exit 2.

The ids here are the rows of the README table "What the tool does with bad input".
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor.cli import main
from tests.builders import header_rows, write_workbook
from tests.conftest import SAMPLES
from tests.pdf_builder import Header, Row, Text, cover, write_pdf

XLSX = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"
AMOUNT_COLUMNS = ("89,59", "85,59", "78,59", "4,00", "11,00")


def _workbook(
    tmp_path: Path, body: list[list[object]], name: str = "annexe 01-01-2025.xlsx"
) -> Path:
    header, merges = header_rows(2)
    rows = [["Soins psychologiques à partir du 1er janvier 2025"], *header, *body]
    return write_workbook(tmp_path / name, rows, merges=merges)


def _rezip(
    source: Path, target: Path, change: Callable[[dict[str, bytes]], dict[str, bytes]]
) -> Path:
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in change(parts).items():
            archive.writestr(name, data)
    return target


def _sheet_with(prefix: bytes) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    def change(parts: dict[str, bytes]) -> dict[str, bytes]:
        sheet = parts["xl/worksheets/sheet1.xml"]
        body = sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet
        parts["xl/worksheets/sheet1.xml"] = b'<?xml version="1.0"?>' + prefix + body
        return parts

    return change


BILLION_LAUGHS = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
XXE = b'<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


DTD_REFUSED = (
    "part xl/worksheets/sheet1.xml declares a DTD or XML entities: refused as a possible XML bomb"
)
NO_TABLE = "no tariff table found (no header naming code, description and amount columns)"


def _error_cases(tmp_path: Path) -> dict[str, tuple[Path, list[str], str]]:
    """id → (input, extra CLI options, the cause the one-line message gives after the name)."""
    t = tmp_path
    (t / "empty.xlsx").write_bytes(b"")
    (t / "text.xlsx").write_text("Le fichier demandé n'est plus disponible.\n", encoding="utf-8")
    (t / "page.pdf").write_text("<html><body>404 Not Found</body></html>", encoding="utf-8")
    (t / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with zipfile.ZipFile(t / "other.xlsx", "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    data = XLSX.read_bytes()
    (t / "cut.xlsx").write_bytes(data[: len(data) // 2])
    flipped = bytearray(data)
    for offset in range(len(data) // 3, len(data) // 3 + 40):
        flipped[offset] ^= 0xFF
    (t / "flipped.xlsx").write_bytes(bytes(flipped))
    _rezip(
        XLSX,
        t / "bomb.xlsx",
        lambda parts: {**parts, "xl/media/zeros.bin": b"\0" * (3 * 1024 * 1024)},
    )
    _rezip(XLSX, t / "laughs.xlsx", _sheet_with(BILLION_LAUGHS))
    _rezip(XLSX, t / "xxe.xlsx", _sheet_with(XXE))
    write_workbook(t / "blank.xlsx", [])
    write_workbook(
        t / "prose.xlsx",
        [["Communication: le code 726530 reste inchangé à partir du 1er janvier 2025."]],
    )
    header, merges = header_rows(2)
    write_workbook(
        t / "undated.xlsx",
        [["Soins psychologiques"], *header, [726530, "-", "Soutien", 89.59, 85.59, 78.59, 4, 11]],
        merges=merges,
    )
    write_pdf(t / "long.pdf", [*cover(), *(Text(f"Ligne {n}") for n in range(200))])
    write_pdf(t / "blank.pdf", [])
    blank = (t / "blank.pdf").read_bytes()
    (t / "blank-page.pdf").write_bytes(blank)
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(t / "huge.pdf"), pagesize=(20000, 20000))
    canvas.drawString(100, 100, "Circulaire OA no 2024/356")
    canvas.save()
    import pypdfium2

    sample = SAMPLES / "Circulaire OA 2024-356.pdf"
    document = pypdfium2.PdfDocument(sample.read_bytes())
    document.del_page(2)
    document.save(str(t / "gap.pdf"))
    document.close()
    damaged = bytearray(sample.read_bytes())
    start = damaged.index(b"stream", len(damaged) // 2) + 40
    damaged[start : start + 60] = b"!" * 60  # garbage inside a compressed content stream
    (t / "damaged.pdf").write_bytes(bytes(damaged))
    return {
        "PDF with a page removed": (
            t / "gap.pdf",
            [],
            "pages are missing or out of order: the printed page numbers run 1, 2, 4, 5 of 5",
        ),
        "PDF with a corrupted content stream": (t / "damaged.pdf", [], "the PDF is damaged"),
        "missing file": (t / "absent.pdf", [], "no such file"),
        "a directory": (t, [], "is a directory, not a circular file"),
        "empty file": (t / "empty.xlsx", [], "the file is empty"),
        "text file named .xlsx": (
            t / "text.xlsx",
            [],
            "not an XLSX workbook or a PDF (unrecognised content)",
        ),
        "HTML error page named .pdf": (
            t / "page.pdf",
            [],
            "not an XLSX workbook or a PDF (unrecognised content)",
        ),
        "old binary .xls": (
            t / "old.xls",
            [],
            "an old binary Excel (.xls) or encrypted Office file; save it as .xlsx",
        ),
        "zip that is not a workbook": (
            t / "other.xlsx",
            [],
            "not a valid XLSX workbook (missing part 'xl/workbook.xml')",
        ),
        "truncated XLSX": (t / "cut.xlsx", [], "not a valid XLSX workbook (damaged zip archive)"),
        "XLSX with corrupted bytes": (t / "flipped.xlsx", [], "not a readable XLSX workbook"),
        "zip bomb": (
            t / "bomb.xlsx",
            [],
            "part xl/media/zeros.bin is compressed 1026 times (limit 200): refused as a possible"
            " zip bomb",
        ),
        "XLSX larger than --max-unzipped-mb": (
            XLSX,
            ["--max-unzipped-mb", "0"],
            "the workbook unpacks to 0 MB (limit 0 MB, --max-unzipped-mb): refused as a possible"
            " zip bomb",
        ),
        "XML entity bomb": (t / "laughs.xlsx", [], DTD_REFUSED),
        "XML external entity": (t / "xxe.xlsx", [], DTD_REFUSED),
        "workbook with empty sheets": (
            t / "blank.xlsx",
            [],
            "the workbook holds no data: every visible sheet is empty",
        ),
        "workbook of prose": (t / "prose.xlsx", [], NO_TABLE),
        "no effective date anywhere": (
            t / "undated.xlsx",
            [],
            "no effective date in the document or its file name; state it (pass --effective-from"
            " YYYY-MM-DD)",
        ),
        "PDF over --max-pages": (
            t / "long.pdf",
            ["--max-pages", "2"],
            "the PDF has 5 pages (limit 2, --max-pages)",
        ),
        "PDF page 7 metres long": (
            t / "huge.pdf",
            [],
            "page 1 is 706 cm long: not a circular page",
        ),
        "PDF with no text and no images": (
            t / "blank-page.pdf",
            [],
            "the PDF has no text on any page",
        ),
        "over --time-limit": (
            XLSX,
            ["--time-limit", "0"],
            "reading took longer than the time limit of 0 s (--time-limit)",
        ),
    }


def test_every_bad_input_gives_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failures = []
    for name, (path, options, cause) in _error_cases(tmp_path).items():
        code = main(["extract", str(path), "--out", str(tmp_path / "out"), "-q", *options])
        err = capsys.readouterr().err.strip().splitlines()
        # One line: the file, then the cause (not a word of it: the reason, in full).
        ok = (
            code == 2
            and len(err) == 1
            and err[0].startswith(f"inami-tariffs: error: {path.name}: ")
            and cause in err[0]
            and "Traceback" not in err[0]
        )
        if not ok:
            failures.append(f"{name}: exit {code}, {err}")
    assert not failures, "\n".join(failures)
    assert not (tmp_path / "out").exists()


def test_format_is_told_by_content(tmp_path: Path) -> None:
    pdf = write_pdf(
        tmp_path / "circ.pdf", [*cover(), Header(), Row("726530", "Soutien", AMOUNT_COLUMNS)]
    )
    for name, data in (
        ("circ.xlsx", pdf.read_bytes()),
        ("annexe-01-01-2025", XLSX.read_bytes()),
        ("annexe.pdf", XLSX.read_bytes()),
    ):
        (tmp_path / name).write_bytes(data)
        assert (
            main(
                [
                    "extract",
                    str(tmp_path / name),
                    "--out",
                    str(tmp_path / "o"),
                    "-q",
                    "--effective-from",
                    "2025-01-01",
                ]
            )
            == 0
        )


def test_bytes_after_end_of_file_marker(tmp_path: Path) -> None:
    pdf = write_pdf(
        tmp_path / "circ.pdf", [*cover(), Header(), Row("726530", "Soutien", AMOUNT_COLUMNS)]
    )
    pdf.write_bytes(pdf.read_bytes() + b"\n% signature appended by a mail gateway\n")
    assert main(["extract", str(pdf), "--out", str(tmp_path / "o"), "-q"]) == 0


def test_flagged_rows_are_reported_not_fixed(tmp_path: Path) -> None:
    body = [
        [726530, "-", "Correcte", 89.59, 85.59, 78.59, 4, 11],
        [None, None, None, None, 726412, "-", "Décalée", 238.9],
        [726552, "-", "Trois décimales", "89,595", 85.59, 78.59, 4, 11],
        [726531, "-", "Chiffre de contrôle", 89.59, 85.59, 78.59, 4, 11],
        [726574, "-", "Négatif", "-89,59", 85.59, 78.59, 4, 11],
        [726596, "-", "Doublon", 89.59, 85.59, 78.59, 4, 11],
        [726596, "-", "Doublon", 89.59, 85.59, 78.59, 4, 11],
        [726611, "-", "Texte", "quatre-vingts", 85.59, 78.59, 4, 11],
    ]
    path = _workbook(tmp_path, body)
    assert main(["extract", str(path), "--out", str(tmp_path), "-q"]) == 0
    issues = json.loads((tmp_path / "issues.json").read_text(encoding="utf-8"))
    rules = sorted({(i["code"], i["rule"]) for i in issues if i["severity"] == "error"})
    assert rules == [
        ("726412", "row-shifted"), ("726531", "code-check-digit"), ("726552", "amount-precision"),
        ("726574", "amount-negative"), ("726596", "duplicate-key"), ("726611", "amount-unparseable"),
    ]  # fmt: skip
    rows = list(csv.DictReader(io.StringIO((tmp_path / "tariffs.csv").read_text(encoding="utf-8"))))
    assert [r["code_amb"] for r in rows] == ["726530"]


def test_text_oddities_of_real_circulars(tmp_path: Path) -> None:
    body = [
        [
            " 726530 ",
            "–",
            "Soutien\u00a01ère\u00adligne – be\u0301ne\u0301ficiaire ﬁnal",
            "1\u00a0234,56",
            "1.230,56",
            "1 223,56",
            "4,00",
            "11",
        ],
        [726552, "-", "Soutien 1<sup>er</sup> accueil", "89.59", "85,59", "78,59", "4", "11,00"],
    ]
    path = _workbook(tmp_path, body)
    assert main(["extract", str(path), "--out", str(tmp_path), "-q"]) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "tariffs.csv").read_text(encoding="utf-8"))))
    first, second = rows
    assert first["description"] == "Soutien 1èreligne – bénéficiaire final"
    assert (first["fee"], first["reimbursement_preferential"], first["copayment_standard"]) == (
        "1234.56",
        "1230.56",
        "11.00",
    )
    assert first["code_hos"] == ""
    assert (second["fee"], second["copayment_preferential"]) == ("89.59", "4.00")


def test_formulas_do_not_run_in_spreadsheets(tmp_path: Path) -> None:
    body = [[726530, "-", "+cmd|' /C calc'!A0", 89.59, 85.59, 78.59, 4, 11],
            [726552, "-", "@SUM(A1:A9)", 89.59, 85.59, 78.59, 4, 11]]  # fmt: skip
    path = _workbook(tmp_path, body)
    assert main(["extract", str(path), "--out", str(tmp_path), "-q"]) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "tariffs.csv").read_text(encoding="utf-8"))))
    assert [r["description"] for r in rows] == ["'+cmd|' /C calc'!A0", "'@SUM(A1:A9)"]
    data = json.loads((tmp_path / "tariffs.json").read_text(encoding="utf-8"))
    assert data["rows"][0]["description"] == "+cmd|' /C calc'!A0"
    from extractor.export import read_tariffs_csv

    assert read_tariffs_csv(tmp_path / "tariffs.csv")[0].description == "+cmd|' /C calc'!A0"


def test_output_folder_cannot_escape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from extractor import api
    from extractor.settings import Options, Overrides

    path = _workbook(tmp_path, [[726530, "-", "Soutien", 89.59, 85.59, 78.59, 4, 11]])
    out = tmp_path / "out"
    args = ["run", str(path), "--out", str(out), "-q", "--circular", "../../../etc/passwd"]
    assert main(args) == 2  # the command line checks the number's form
    assert "YEAR/NUMBER" in capsys.readouterr().err
    # A library caller can still say anything: the folder name stays inside DIR.
    api.run([path], Options(Overrides(circular="../../../etc/passwd")), out_dir=out)
    folders = [p.name for p in out.iterdir() if p.is_dir()]
    assert folders == ["2025-01-01_etc-passwd"]
    assert not (tmp_path.parent / "etc").exists()


@pytest.mark.parametrize(
    "start",
    ["=", "+", "-", "@", "\t", "\r"],
    # Plain ids: mutmut hands node ids back to pytest, which finds none with quotes in them.
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return"],
)
def test_every_formula_start_is_neutralised_in_csv(start: str, tmp_path: Path) -> None:
    """The six characters a spreadsheet reads as the start of a formula (OWASP's CSV
    injection list): each text cell starting with one gets an apostrophe, and reads back."""
    from dataclasses import replace

    from extractor.export import read_tariffs_csv, tariffs_csv
    from tests.test_diff import tariff

    hostile = f'{start}HYPERLINK("http://x")'
    rows = [replace(tariff("726530", "89.59"), description=hostile, condition=hostile)]
    written = tariffs_csv(rows)
    [record] = list(csv.DictReader(io.StringIO(written)))
    assert record["description"] == record["condition"] == f"'{hostile}"
    (tmp_path / "tariffs.csv").write_text(written, encoding="utf-8")
    [back] = read_tariffs_csv(tmp_path / "tariffs.csv")
    assert (back.description, back.condition) == (hostile, hostile)


def test_formula_starts_in_a_workbook_reach_no_csv_cell(tmp_path: Path) -> None:
    """From a real workbook to tariffs.csv and valorisations.csv: + - @ at a description's
    start (a cell starting with = is a formula there; a tab or CR is trimmed with the other
    white space before it gets so far: both are checked on tariffs_csv above)."""
    body = [[code, "-", f"{start}1+1 séance", 89.59, 85.59, 78.59, 4, 11]
            for code, start in zip((726530, 726552, 726574), "+-@", strict=True)]  # fmt: skip
    path = _workbook(tmp_path, body)
    assert main(["extract", str(path), "--out", str(tmp_path), "-q"]) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "tariffs.csv").read_text(encoding="utf-8"))))
    assert [r["description"] for r in rows] == [f"'{s}1+1 séance" for s in "+-@"]
    labels = list(csv.reader(io.StringIO((tmp_path / "valorisations.csv").read_text("utf-8"))))
    cells = [cell for line in labels[1:] for cell in line if "1+1 séance" in cell]
    assert cells and all(cell[0] == "'" for cell in cells), cells
