"""Each reading limit at its boundary (issue 16): the last value allowed is read, the next one
refused with its cause. Files are built to the byte; the limits are ReadSettings' own."""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from extractor.api import extract_file
from extractor.errors import LimitExceededError
from extractor.readers.pdf.pages import pages
from extractor.settings import DEFAULT_SETTINGS, Deadline, Options, ReadSettings
from tests.conftest import SAMPLES
from tests.pdf_builder import Text, cover, write_pdf

XLSX = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"
MIB = 1024 * 1024


def test_the_defaults_are_the_documented_limits() -> None:
    """The boundaries below are taken from these; the README and --help state them."""
    settings = ReadSettings()
    assert (settings.max_compression_ratio, settings.max_pages, settings.max_unzipped_mb) == (
        200,
        2000,
        256,
    )
    assert (settings.max_zip_entries, settings.max_page_side_cm) == (10_000, 200.0)


def _with_part(target: Path, name: str, data: bytes, method: int = zipfile.ZIP_DEFLATED) -> Path:
    """The sample workbook with one more part (the workbook itself is unchanged)."""
    with zipfile.ZipFile(XLSX) as source, zipfile.ZipFile(target, "w") as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info.filename))
        archive.writestr(name, data, compress_type=method)
    return target


def _padding(ratio: int) -> bytes:
    """2 MiB that deflate to between `ratio` and `ratio` + 1 times smaller: random bytes then
    zeros, the random part's length found by bisection (deflate's output grows with it)."""

    def achieved(random_bytes: int) -> tuple[bytes, float]:
        data = random.Random(16).randbytes(random_bytes) + bytes(2 * MIB - random_bytes)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("pad.bin", data)
        info = zipfile.ZipFile(buffer).getinfo("pad.bin")
        return data, info.file_size / info.compress_size

    low, high = 0, 2 * MIB // ratio  # more random bytes than that cannot deflate `ratio` times
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if achieved(middle)[1] >= ratio + 0.5 else (low, middle)
    data, reached = achieved(low)
    assert ratio <= reached < ratio + 1, reached
    return data


def test_compression_ratio_199_is_read_and_201_refused(tmp_path: Path) -> None:
    assert DEFAULT_SETTINGS.max_compression_ratio == 200
    read = _with_part(tmp_path / "r199.xlsx", "xl/media/pad.bin", _padding(199))
    [extraction] = extract_file(read)
    assert len(extraction.rows) == 75
    refused = _with_part(tmp_path / "r201.xlsx", "xl/media/pad.bin", _padding(201))
    with pytest.raises(LimitExceededError) as error:
        extract_file(refused)
    assert str(error.value) == (
        "r201.xlsx: part xl/media/pad.bin is compressed 201 times (limit 200): refused as a"
        " possible zip bomb"
    )


def test_unzipped_size_at_the_limit_is_read_and_one_byte_more_refused(tmp_path: Path) -> None:
    with zipfile.ZipFile(XLSX) as source:
        unpacked = sum(info.file_size for info in source.infolist())
    one_mb = Options(settings=replace(DEFAULT_SETTINGS, max_unzipped_mb=1))
    exactly = _with_part(tmp_path / "at.xlsx", "pad.bin", bytes(MIB - unpacked), zipfile.ZIP_STORED)
    [extraction] = extract_file(exactly, one_mb)
    assert len(extraction.rows) == 75
    over = _with_part(tmp_path / "over.xlsx", "pad.bin", bytes(MIB - unpacked + 1))
    with pytest.raises(LimitExceededError) as error:
        extract_file(over, one_mb)
    assert "over.xlsx: the workbook unpacks to 1 MB (limit 1 MB, --max-unzipped-mb)" in str(
        error.value
    )


def test_zip_entries_at_the_limit_are_read_and_one_more_refused(tmp_path: Path) -> None:
    with zipfile.ZipFile(XLSX) as source:
        parts = len(source.infolist())
    limit = Options(settings=replace(DEFAULT_SETTINGS, max_zip_entries=parts + 1))
    [extraction] = extract_file(_with_part(tmp_path / "at.xlsx", "extra.bin", b"x"), limit)
    assert len(extraction.rows) == 75
    tight = Options(settings=replace(DEFAULT_SETTINGS, max_zip_entries=parts))
    with pytest.raises(LimitExceededError) as error:
        extract_file(tmp_path / "at.xlsx", tight)
    assert str(error.value) == f"at.xlsx: the workbook has {parts + 1} parts (limit {parts})"


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_page_count_at_the_limit_is_read_and_one_more_refused(engine: str, tmp_path: Path) -> None:
    items = [*cover(), *(Text(f"Ligne {n}") for n in range(120))]
    path = write_pdf(tmp_path / "circ.pdf", items)
    [count] = {len(list(_pages(path, engine, max_pages=100)))}
    assert count >= 2
    assert len(list(_pages(path, engine, max_pages=count))) == count
    with pytest.raises(LimitExceededError) as error:
        list(_pages(path, engine, max_pages=count - 1))
    assert str(error.value) == (
        f"circ.pdf: the PDF has {count} pages (limit {count - 1}, --max-pages)"
    )


def _pages(path: Path, engine: str, **limits: float) -> list[object]:
    settings = replace(DEFAULT_SETTINGS, pdf_engine=engine, **limits)  # type: ignore[arg-type]
    return list(pages(path, settings, Deadline(path, None)))


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_a_page_200_cm_long_is_read_and_longer_refused(engine: str, tmp_path: Path) -> None:
    """200 cm is 5669.29 points: a page of 5669 points is read, one of 5670 refused."""
    from reportlab.pdfgen.canvas import Canvas

    assert DEFAULT_SETTINGS.max_page_side_cm == 200.0
    for side in (5669, 5670):
        canvas = Canvas(str(tmp_path / f"{side}.pdf"), pagesize=(595, side), invariant=1)
        canvas.drawString(72, side - 72, "Circulaire OA no 2024/356")
        canvas.save()
    assert len(_pages(tmp_path / "5669.pdf", engine)) == 1
    with pytest.raises(LimitExceededError) as error:
        _pages(tmp_path / "5670.pdf", engine)
    assert str(error.value) == "5670.pdf: page 1 is 200 cm long: not a circular page"
