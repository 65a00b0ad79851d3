"""The zip checks before a workbook is inflated, at their boundary and word for word."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from extractor.errors import LimitExceededError, UnreadableInputError
from extractor.readers.xlsx import check_archive
from extractor.settings import ReadSettings
from tests.conftest import SAMPLES

WORKBOOK = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"


def test_part_count_at_the_limit_is_read_and_one_over_is_refused() -> None:
    parts = len(zipfile.ZipFile(WORKBOOK).infolist())
    check_archive(WORKBOOK, ReadSettings(max_zip_entries=parts))
    with pytest.raises(LimitExceededError) as raised:
        check_archive(WORKBOOK, ReadSettings(max_zip_entries=parts - 1))
    assert (
        str(raised.value) == f"{WORKBOOK.name}: the workbook has {parts} parts (limit {parts - 1})"
    )


def test_a_damaged_zip_is_named_with_its_cause(tmp_path: Path) -> None:
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(WORKBOOK.read_bytes()[:-100])
    with pytest.raises(UnreadableInputError) as raised:
        check_archive(cut, ReadSettings())
    assert str(raised.value) == (
        "cut.xlsx: not a valid XLSX workbook (damaged zip archive): the file ends before its"
        " zip directory; it was probably cut short"
    )


def _zip_of(path: Path, size: int) -> Path:
    """A zip whose parts unpack to `size` bytes in all (stored, so no ratio to check)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/media/blob.bin", b"\0" * (size - len("<Types/>")))
    return path


def test_unpacked_size_at_the_limit_is_read_and_one_byte_over_is_refused(tmp_path: Path) -> None:
    check_archive(_zip_of(tmp_path / "at.xlsx", 1024 * 1024), ReadSettings(max_unzipped_mb=1))
    over = _zip_of(tmp_path / "over.xlsx", 1024 * 1024 + 1)
    with pytest.raises(LimitExceededError) as raised:
        check_archive(over, ReadSettings(max_unzipped_mb=1))
    assert str(raised.value) == (
        "over.xlsx: the workbook unpacks to 1 MB (limit 1 MB, --max-unzipped-mb):"
        " refused as a possible zip bomb"
    )


def _zip_with(path: Path, name: str, data: bytes, method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("xl/worksheets/sheet1.xml", b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ELEMENT a ANY>]>'),
        ("xl/worksheets/sheet1.xml", b'<?xml version="1.0"?>\n<!ENTITY lol "lol">'),
        ("xl/_rels/workbook.xml.rels", b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        ("xl/drawings/vmlDrawing1.vml", b'<!DOCTYPE v [<!ENTITY x "x">]>'),
    ],
    ids=["sheet-doctype", "sheet-entity", "rels-external-entity", "vml-doctype"],
)
def test_a_dtd_or_an_entity_in_any_xml_part_is_refused(
    name: str, head: bytes, tmp_path: Path
) -> None:
    bomb = _zip_with(tmp_path / "b.xlsx", name, head + b"<a/>")
    with pytest.raises(UnreadableInputError) as raised:
        check_archive(bomb, ReadSettings())
    assert str(raised.value) == (
        f"b.xlsx: part {name} declares a DTD or XML entities: refused as a possible XML bomb"
    )


MIB = 1024 * 1024
PROLOG = b'<?xml version="1.0"?>\n<!--'
DTD = b'--><!DOCTYPE w SYSTEM "https://example.org/w.dtd">'  # no "<!ENTITY" to find instead


@pytest.mark.parametrize(
    "at",
    [4096, MIB - 4, MIB - 8, MIB, 3 * MIB + 5],
    ids=["after-4-KiB", "across-1-MiB", "last-letter-past-1-MiB", "at-1-MiB", "after-3-MiB"],
)
def test_a_dtd_after_any_length_of_comments_is_refused(at: int, tmp_path: Path) -> None:
    """XML allows comments of any length before the DTD; the part is read in chunks of 1 MiB,
    so a declaration cut in two by a chunk's end is found too. `at` is where "<!DOCTYPE" starts."""
    filler = b"x" * (at - len(PROLOG) - 3)
    part = PROLOG + filler + DTD + b"<worksheet/>"
    assert part.index(b"<!DOCTYPE") == at
    bomb = _zip_with(tmp_path / "late.xlsx", "xl/worksheets/sheet1.xml", part, zipfile.ZIP_STORED)
    with pytest.raises(UnreadableInputError) as raised:
        check_archive(bomb, ReadSettings())
    assert str(raised.value) == (
        "late.xlsx: part xl/worksheets/sheet1.xml declares a DTD or XML entities:"
        " refused as a possible XML bomb"
    )


def test_the_same_comments_without_a_dtd_are_read(tmp_path: Path) -> None:
    part = PROLOG + b"x" * (MIB + 10) + b"-- <!-- ! DOCTYPE ENTITY --><worksheet/>"
    check_archive(
        _zip_with(tmp_path / "ok.xlsx", "xl/a.xml", part, zipfile.ZIP_STORED), ReadSettings()
    )


@pytest.mark.parametrize(
    ("encoding", "mark"),
    [
        ("utf-16-le", b""),
        ("utf-16-be", b""),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
    ],
    ids=["little-endian", "big-endian", "little-endian-with-bom", "big-endian-with-bom"],
)
def test_a_dtd_in_a_utf16_part_is_refused(encoding: str, mark: bytes, tmp_path: Path) -> None:
    """UTF-16 spells "<!DOCTYPE" with a zero byte beside each letter; expat reads it all the
    same, with or without a byte order mark."""
    part = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w [<!ENTITY a "a">]><w>&a;</w>'
    data = mark + part.encode(encoding)
    bomb = _zip_with(tmp_path / "u.xlsx", "xl/worksheets/sheet1.xml", data)
    with pytest.raises(UnreadableInputError, match="declares a DTD or XML entities"):
        check_archive(bomb, ReadSettings())


def test_a_big_part_is_searched_a_chunk_at_a_time(tmp_path: Path) -> None:
    """Memory stays flat: searching a 16 MiB part holds a chunk or two (1 MiB each) at once,
    never the whole part."""
    import tracemalloc

    part = PROLOG + b"x" * (16 * MIB) + b"--><worksheet/>"
    big = _zip_with(tmp_path / "big.xlsx", "xl/worksheets/sheet1.xml", part, zipfile.ZIP_STORED)
    del part
    tracemalloc.start()
    try:
        check_archive(big, ReadSettings())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * MIB, peak


def test_a_dtd_at_the_end_of_a_64_mib_part_is_refused(tmp_path: Path) -> None:
    """No part is too big to be searched: only the workbook's total size is limited."""
    part = PROLOG + b"x" * (64 * MIB) + DTD + b"<worksheet/>"
    bomb = _zip_with(tmp_path / "big.xlsx", "xl/worksheets/sheet1.xml", part, zipfile.ZIP_STORED)
    del part
    with pytest.raises(UnreadableInputError, match="declares a DTD or XML entities"):
        check_archive(bomb, ReadSettings())


def test_a_part_whose_bytes_were_damaged_is_a_damaged_zip(tmp_path: Path) -> None:
    """Reading a whole part checks its CRC: a changed byte is damage, said as when an engine
    meets it (the part, and what is wrong with it)."""
    intact = _zip_with(tmp_path / "d.xlsx", "xl/a.xml", b"<a>" + b"1" * 1000 + b"</a>", 0)
    data = intact.read_bytes()
    damaged = data.replace(b"1" * 1000, b"1" * 500 + b"2" + b"1" * 499)
    assert damaged != data
    intact.write_bytes(damaged)
    with pytest.raises(UnreadableInputError) as raised:
        check_archive(intact, ReadSettings())
    assert str(raised.value) == (
        "d.xlsx: not a readable XLSX workbook (part xl/a.xml fails its checksum: the file was"
        " altered or cut)"
    )


def test_binary_parts_are_not_read_as_xml(tmp_path: Path) -> None:
    """An embedded image may hold any bytes, '<!DOCTYPE' among them: it is not XML."""
    image = _zip_with(tmp_path / "i.xlsx", "xl/media/image1.png", b"\x89PNG<!DOCTYPE<!ENTITY")
    check_archive(image, ReadSettings())


def _one_part(path: Path, size: int, method: int) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        archive.writestr("xl/media/blob.bin", b"\0" * size)
    return path


def test_a_ratio_at_the_limit_is_read(tmp_path: Path) -> None:
    stored = _one_part(tmp_path / "s.xlsx", 2 * 1024 * 1024, zipfile.ZIP_STORED)  # ratio 1
    check_archive(stored, ReadSettings(max_compression_ratio=1))


def test_only_parts_over_one_mib_are_judged_by_their_ratio(tmp_path: Path) -> None:
    """Zeros deflate about a thousandfold: 1 MiB of them is read, one byte more is refused."""
    check_archive(_one_part(tmp_path / "a.xlsx", 1024 * 1024, zipfile.ZIP_DEFLATED), ReadSettings())
    over = _one_part(tmp_path / "b.xlsx", 1024 * 1024 + 1, zipfile.ZIP_DEFLATED)
    with pytest.raises(LimitExceededError) as raised:
        check_archive(over, ReadSettings())
    assert re.fullmatch(
        r"b\.xlsx: part xl/media/blob\.bin is compressed \d{4} times \(limit 200\):"
        r" refused as a possible zip bomb",
        str(raised.value),
    ), raised.value


@pytest.mark.parametrize("claimed", [0, 1])
def test_a_directory_claiming_a_part_packs_to_nothing_is_refused(
    claimed: int, tmp_path: Path
) -> None:
    """A forged zip directory may say 2 MiB pack into 0 or 1 byte: refused before anything
    is inflated, the ratio counted against at least one byte."""
    path = _one_part(tmp_path / "f.xlsx", 2 * MIB, zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    entry = data.rindex(b"PK\x01\x02")  # the part's central directory record
    data[entry + 20 : entry + 24] = claimed.to_bytes(4, "little")  # its compressed size
    path.write_bytes(bytes(data))
    with pytest.raises(LimitExceededError) as raised:
        check_archive(path, ReadSettings())
    assert str(raised.value) == (
        "f.xlsx: part xl/media/blob.bin is compressed 2097152 times (limit 200):"
        " refused as a possible zip bomb"
    )
