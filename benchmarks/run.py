"""Time every stage on large generated circulars, next to the floors measured in the same run.

    .venv/bin/python benchmarks/run.py            # generates benchmarks/data/ first if needed

Prints one Markdown table: seconds, throughput, and the ratio to the floor it is held against.
Ratios travel between machines; absolute seconds do not.
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import generate  # noqa: E402
from extractor import api, readers  # noqa: E402
from extractor.diff import diff_versions  # noqa: E402
from extractor.export import write_exports  # noqa: E402
from extractor.location import Location  # noqa: E402
from extractor.metadata import describe  # noqa: E402
from extractor.model import TariffRow  # noqa: E402
from extractor.normalise import normalise  # noqa: E402
from extractor.report import ChangeReport, LanguageReport, Version  # noqa: E402
from extractor.settings import Overrides  # noqa: E402
from extractor.store import Store  # noqa: E402
from extractor.validate import validate_rows  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
PDF = DATA / "Circulaire OA 2025-999.pdf"
XLSX = DATA / "annexe 01-01-2025.xlsx"
RESULTS: list[tuple[str, float, str, str]] = []
# Whole commands and start-up run where users run them: a venv without the dev tools (make bench).
RUNTIME_PYTHON = os.environ.get("BENCH_RUNTIME_PYTHON", sys.executable)


def timed(label: str, action: Callable[[], Any], floor: float | None = None) -> Any:
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    RESULTS.append((label, seconds, "", f"{seconds / floor:.2f}×" if floor else ""))
    return result


def best_of(runs: int, measure: Callable[[Path], float], path: Path) -> float:
    """Floors are taken at their best: the ratios then never flatter us."""
    return min(measure(path) for _ in range(runs))


def floor_pdfium_chars(path: Path) -> float:
    """Every character with its box, through pypdfium2: the fastest text layer at hand."""
    import pypdfium2

    started = time.perf_counter()
    document = pypdfium2.PdfDocument(str(path))
    count = 0
    for page in document:
        text = page.get_textpage()
        for index in range(text.count_chars()):
            text.get_charbox(index)
            count += 1
        text.close()
        page.close()
    document.close()
    return time.perf_counter() - started


def floor_pdfplumber_words(path: Path) -> float:
    import pdfplumber

    started = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words(extra_attrs=["size"])
            page.close()
    return time.perf_counter() - started


def floor_openpyxl_read_only(path: Path) -> float:
    import openpyxl

    started = time.perf_counter()
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for sheet in workbook.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            pass
    workbook.close()
    return time.perf_counter() - started


def floor_calamine(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    workbook = CalamineWorkbook.from_path(str(path))
    for name in workbook.sheet_names:
        for _ in workbook.get_sheet_by_name(name).iter_rows():
            pass
    return time.perf_counter() - started


def floor_imports() -> float:
    """What every extract pays before reading a byte: the interpreter and pandas + pandera."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([RUNTIME_PYTHON, "-c", "import pandera.pandas"], check=True)
        best = min(best, time.perf_counter() - started)
    return best


def stages(path: Path, floor: float, unit: str, out: Path) -> None:
    """read → normalise → validate → export → store → diff → report, each timed."""
    started = time.perf_counter()
    [document, *_] = timed(f"{path.suffix[1:]}: read", lambda: readers.read(path), floor=floor)
    info, _ = describe(document, Overrides())
    extraction = timed(f"{path.suffix[1:]}: normalise", lambda: normalise(document, info))
    rows, _ = timed(f"{path.suffix[1:]}: validate", lambda: validate_rows(extraction.rows))
    extraction.rows = rows
    timed(f"{path.suffix[1:]}: export", lambda: write_exports([extraction], out / path.stem))
    total = time.perf_counter() - started
    RESULTS.append(
        (
            f"{path.suffix[1:]}: extract, in process ({len(rows)} rows, {unit})",
            total,
            f"{len(rows) / total:,.0f} rows/s",
            f"{total / floor:.2f}×",
        )
    )
    with Store(out / f"{path.stem}.sqlite") as store:
        timed(f"{path.suffix[1:]}: store", lambda: _ingest(store, extraction))
    previous = [
        replace(row, fee=row.fee + Decimal("1.00")) if row.fee is not None and n % 20 == 0 else row
        for n, row in enumerate(rows)
    ]
    diff = timed(
        f"{path.suffix[1:]}: diff with a version 5 % different",
        lambda: diff_versions(previous, rows, info.language),
    )
    version = Version(info.circular, info.effective_from, path.name)
    report = ChangeReport(
        info.circular,
        info.effective_from,
        [LanguageReport(info.language, version, version, diff, rows)],
    )
    timed(
        f"{path.suffix[1:]}: report (md, html, json)",
        lambda: api.write_report(report, out / path.stem),
    )


def _ingest(store: Store, extraction: Any) -> None:
    with store.transaction():
        store.ingest(extraction, "benchmark")


# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
_MEASURED_CHILD = (
    "import runpy, sys\n"
    "sys.argv = ['inami-tariffs', *sys.argv[1:]]\n"
    "try:\n    runpy.run_module('extractor', run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "import resource\n"
    "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
    "print(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
)


def measure_command(arguments: list[str], runs: int) -> tuple[float, float, float]:
    """Best wall time of `runs` child processes, and that run's peak resident memory (MB) of
    the child and of the second process reading a large PDF (0 when none)."""
    best, own, reader = float("inf"), 0.0, 0.0
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [RUNTIME_PYTHON, "-c", _MEASURED_CHILD, *arguments],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        if seconds < best:
            best = seconds
            own, reader = (int(kb) / 1024 for kb in done.stderr.strip().splitlines()[-1].split())
    return best, own, reader


def whole_command(label: str, arguments: list[str], floor: float | None, runs: int = 3) -> None:
    """The CLI in a child process, best of `runs`: wall time, and that child's own peak
    resident memory (plus, for large PDFs, the peak of the second process reading pages)."""
    load = os.getloadavg()[0]
    best, own, reader = measure_command(arguments, runs)
    memory = f"peak {own:.0f} MB" + (f" (+ reader process {reader:.0f} MB)" if reader else "")
    memory += f"; load {load:.1f}"
    RESULTS.append((label, best, memory, f"{best / floor:.2f}×" if floor else ""))


# The size curve: the same layouts at growing sizes, whole `extract` (all formats) in a child
# process. Flat time per row and flat memory per page are the targets; BENCH_CURVE=0 skips it.
CURVE_XLSX_ROWS = (5_000, 20_000, 100_000)
CURVE_PDF_ROWS = (3_000, 5_800, 11_600)  # 130, 250 and 500 pages: memory flat in pages?


def size_curve(out: Path) -> list[str]:
    """Markdown lines: input, rows, pages, seconds, µs per row, peak memory."""
    import pypdfium2

    lines = [
        "| size curve: `extract`, all formats | rows | seconds | µs per row | peak memory | load |",
        "|---|---:|---:|---:|---|---:|",
    ]
    inputs: list[tuple[str, Path]] = []
    for rows in CURVE_XLSX_ROWS:
        path = DATA / f"annexe 01-01-2025 ({rows} rows).xlsx"
        if not path.exists():
            generate.xlsx(path, rows=rows)
        inputs.append((f"xlsx, {rows:,} rows", path))
    for rows in CURVE_PDF_ROWS:
        path = DATA / f"Circulaire OA 2025-999 ({rows} rows).pdf"
        if not path.exists():
            generate.pdf(path, rows=rows)
        pages = len(pypdfium2.PdfDocument(str(path)))
        inputs.append((f"pdf, {pages} pages", path))
    for label, path in inputs:
        folder = out / f"curve-{path.stem}"
        load = os.getloadavg()[0]
        seconds, own, reader = measure_command(
            ["extract", str(path), "--out", str(folder), "-q"], 1
        )
        with (folder / "tariffs.csv").open(encoding="utf-8", newline="") as table:
            rows = sum(1 for _ in csv.reader(table)) - 1
        memory = f"{own:.0f} MB" + (f" (+ reader {reader:.0f} MB)" if reader else "")
        per_row = seconds / rows * 1e6
        lines.append(
            f"| {label} | {rows:,} | {seconds:.2f} | {per_row:,.0f} | {memory} | {load:.1f} |"
        )
    return lines


def diff_100k() -> None:
    rng = random.Random(100_000)
    firsts = rng.sample(range(10000, 100000), 50_000)
    base = TariffRow(
        circular="2024/356",
        language="fr",
        effective_from=date(2025, 1, 1),
        code_amb="",
        code_hos=None,
        age_min=None,
        age_max=None,
        condition=None,
        key_letters=None,
        fee=None,
        reimbursement_preferential=None,
        reimbursement_standard=None,
        copayment_preferential=None,
        copayment_standard=None,
        description="Séance",
        footnotes="",
        section="1.",
        source=Location("x.xlsx", "S", line=1, column="A"),
    )
    old = []
    for first in firsts:
        fee = Decimal(rng.randint(2000, 40000)).scaleb(-2)
        for band in ((24, None), (None, 23)):
            old.append(replace(base, code_amb=f"{first}{first % 7}", age_min=band[0], age_max=band[1], fee=fee,
                               reimbursement_preferential=fee - 4, reimbursement_standard=fee - 11,
                               copayment_preferential=Decimal("4.00"), copayment_standard=Decimal("11.00")))  # fmt: skip
    # Every new row its own object, as when read back from a file: none is the old one itself.
    new = [replace(row, fee=row.fee + 1) if n % 20 == 0 else replace(row)  # type: ignore[operator,arg-type]
           for n, row in enumerate(old)]  # fmt: skip
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        diff_versions(old, new, "fr")
        seconds.append(time.perf_counter() - started)
    RESULTS.append(
        (
            "diff: 100,000 × 100,000 rows, 5 % changed",
            min(seconds),
            "best of 3",
            f"{min(seconds):.2f}× of 1 s",
        )
    )


def lookup(out: Path) -> None:
    store_path = out / f"{XLSX.stem}.sqlite"
    with Store(store_path) as store:
        code = store.connection.execute(
            "SELECT code_amb FROM tariffs LIMIT 1 OFFSET 5000"
        ).fetchone()[0]
        on = date(2025, 3, 1)
        times = []
        for _ in range(200):
            started = time.perf_counter()
            store.in_force(code, on)
            times.append(time.perf_counter() - started)
    RESULTS.append(
        (
            "lookup: one code on one date, open store (20,000 rows)",
            statistics.median(times),
            "median of 200",
            f"{statistics.median(times) / 0.001:.2f}× of 1 ms",
        )
    )
    started = time.perf_counter()
    for _ in range(50):
        api.lookup(code, on, age=30, store=store_path)
    per_call = (time.perf_counter() - started) / 50
    RESULTS.append(
        (
            "lookup: api.lookup incl. opening the store",
            per_call,
            "mean of 50",
            f"{per_call / 0.001:.2f}× of 1 ms",
        )
    )


STARTUP_TARGET = 0.3  # seconds: issue 15's target for `--help` and `lookup` alike


def startup(out: Path) -> None:
    """Whole `--help` and `lookup` commands (the 20,000-row store of lookup above), best of 5
    and median wall time with the best CPU time (user + sys), against issue 15's target. Twice:
    with the environment as it is (this machine sets PYTHONDONTWRITEBYTECODE: the package's
    modules are compiled at every start) and with their bytecode cached, as a user's installed
    package has it (pip compiles it on install)."""
    store_path = out / f"{XLSX.stem}.sqlite"
    with Store(store_path) as store:
        code = store.connection.execute(
            "SELECT code_amb FROM tariffs LIMIT 1 OFFSET 5000"
        ).fetchone()[0]
    commands = (
        ("--help", ["--help"]),
        (
            "lookup",
            ["lookup", code, "--date", "2025-03-01", "--age", "30", "--store", str(store_path)],
        ),
    )
    cached = {
        name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"
    }
    cached["PYTHONPYCACHEPREFIX"] = str(out / "bytecode")
    environments = (
        (f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')}", os.environ),
        ("bytecode cached", cached),
    )
    for label, arguments in commands:
        for environment_label, environment in environments:
            command = [RUNTIME_PYTHON, "-m", "extractor", *arguments]
            subprocess.run(command, cwd=ROOT, env=environment, check=True, capture_output=True)
            times, cpu = [], []
            for _ in range(5):
                started = time.perf_counter()
                child = subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env=environment,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                _, status, usage = os.wait4(child.pid, 0)
                times.append(time.perf_counter() - started)
                cpu.append(usage.ru_utime + usage.ru_stime)
                assert os.waitstatus_to_exitcode(status) == 0, arguments
            RESULTS.append(
                (
                    f"start-up: inami-tariffs {label} ({environment_label})",
                    min(times),
                    f"best of 5 (median {statistics.median(times):.2f} s; CPU best"
                    f" {min(cpu):.3f} s); load {os.getloadavg()[0]:.1f}",
                    f"{min(times) / STARTUP_TARGET:.2f}× of {STARTUP_TARGET} s",
                )
            )


def main() -> None:
    if not PDF.exists() or not XLSX.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        generate.pdf(PDF)
        generate.xlsx(XLSX)
    import pypdfium2

    import schemas  # noqa: F401  (pandas + pandera: stages are timed without their import)

    pages = len(pypdfium2.PdfDocument(str(PDF)))
    pdfium = best_of(3, floor_pdfium_chars, PDF)
    RESULTS.append(
        (
            f"floor: pypdfium2 characters with boxes ({pages} pages)",
            pdfium,
            f"{pages / pdfium:,.0f} pages/s",
            "1.00×",
        )
    )
    plumber = floor_pdfplumber_words(PDF)
    RESULTS.append(
        (
            "floor: pdfplumber extract_words",
            plumber,
            f"{pages / plumber:,.1f} pages/s",
            f"{plumber / pdfium:.2f}×",
        )
    )
    openpyxl_floor = floor_openpyxl_read_only(XLSX)
    RESULTS.append(("floor: openpyxl read-only iteration (20,000 rows)", openpyxl_floor, "", ""))
    xlsx_floor = best_of(3, floor_calamine, XLSX)
    RESULTS.append(("floor: python-calamine iteration", xlsx_floor, "", "1.00×"))
    imports = floor_imports()
    RESULTS.append(("floor: python start-up + import pandera.pandas (validation)", imports, "", ""))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        stages(PDF, pdfium, f"{pages} pages", out)
        stages(XLSX, xlsx_floor, "20,000-row annex", out)
        whole_command(
            "pdf: inami-tariffs extract (process)",
            ["extract", str(PDF), "--out", str(out / "e1"), "-q"],
            pdfium,
        )
        whole_command(
            "xlsx: inami-tariffs extract (process)",
            ["extract", str(XLSX), "--out", str(out / "e2"), "-q"],
            xlsx_floor,
        )
        whole_command(
            "xlsx: inami-tariffs extract --formats csv (the pipeline without the other exports)",
            ["extract", str(XLSX), "--out", str(out / "e2c"), "-q", "--formats", "csv"],
            xlsx_floor,
        )
        whole_command(
            "xlsx: inami-tariffs extract --xlsx-engine openpyxl (reference, process)",
            ["extract", str(XLSX), "--out", str(out / "e3"), "-q", "--xlsx-engine", "openpyxl"],
            xlsx_floor,
        )
        whole_command(
            "pdf: inami-tariffs run (process)",
            ["run", str(PDF), "--out", str(out / "r"), "--store", str(out / "r.sqlite"), "-q"],
            pdfium,
        )
        diff_100k()
        lookup(out)
        startup(out)
        curve = size_curve(out) if os.environ.get("BENCH_CURVE") != "0" else []
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")
    print()
    print("| measure | seconds | throughput / memory | ratio to its floor or target |")
    print("|---|---:|---|---:|")
    for label, seconds, work, ratio in RESULTS:
        print(f"| {label} | {seconds:.4f} | {work} | {ratio} |")
    if curve:
        print()
        print("\n".join(curve))
    if os.environ.get("BENCH_ARCHIVE_ROWS") != "0":  # the store at archive scale (minutes)
        print()
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "archive.py")], check=True)


if __name__ == "__main__":
    main()
