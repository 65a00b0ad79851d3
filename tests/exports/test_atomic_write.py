"""write_atomic on real files: a reader sees the old file or the new one, never half of one, and
no temporary file outlives a run; exports get the permissions of an ordinary file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.export import spreadsheet_safe, write_atomic


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize(
    "content",
    ["a,b\r\nc,d\n", b"PK\x03\x04\r\n\x00", iter(["a,b\r\n", "c,d\n"])],
    ids=["text", "bytes", "chunks"],
)
def test_content_is_written_exactly(content: str | bytes | Iterator[str], tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "tariffs.csv"
    write_atomic(target, content)
    expected = content if isinstance(content, bytes) else b"a,b\r\nc,d\n"
    assert target.read_bytes() == expected  # no newline translation, no encoding surprise
    assert _leftovers(target.parent) == []


def test_text_is_utf8(tmp_path: Path) -> None:
    write_atomic(tmp_path / "t.csv", "Séance – bénéficiaire ≤23")
    assert (tmp_path / "t.csv").read_bytes() == "Séance – bénéficiaire ≤23".encode()


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "tariffs.csv"
    target.write_text("old\n", encoding="utf-8")

    def chunks() -> Iterator[str]:
        yield "new, half written\n"
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomic(target, chunks())
    assert target.read_text(encoding="utf-8") == "old\n"
    assert _leftovers(tmp_path) == []


def test_temporaries_of_a_killed_run_are_removed_and_no_others(tmp_path: Path) -> None:
    (tmp_path / ".tariffs.csv.k1l2l3.tmp").write_text("half", encoding="utf-8")
    (tmp_path / ".tariffs.json.x9y8z7.tmp").write_text("another file's", encoding="utf-8")
    (tmp_path / "notes.tmp").write_text("not ours", encoding="utf-8")
    write_atomic(tmp_path / "tariffs.csv", "new\n")
    assert (tmp_path / "tariffs.csv").read_text(encoding="utf-8") == "new\n"
    assert _leftovers(tmp_path) == [".tariffs.json.x9y8z7.tmp", "notes.tmp"]


def test_a_name_with_glob_characters_removes_only_its_own_temporaries(tmp_path: Path) -> None:
    (tmp_path / ".a[1].csv.k1l2l3.tmp").write_text("half", encoding="utf-8")
    (tmp_path / ".a1.csv.k1l2l3.tmp").write_text("another file's", encoding="utf-8")
    write_atomic(tmp_path / "a[1].csv", "new\n")
    assert _leftovers(tmp_path) == [".a1.csv.k1l2l3.tmp"]


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_exports_have_an_ordinary_files_permissions(umask: int, mode: int, tmp_path: Path) -> None:
    """mkstemp makes its file 0600; an export must be readable as any file the user writes."""
    previous = os.umask(umask)
    try:
        write_atomic(tmp_path / "text.csv", "x\n")
        write_atomic(tmp_path / "binary.xlsx", b"x")
        current = os.umask(umask)  # the process umask is left as it was
    finally:
        os.umask(previous)
    assert current == umask
    assert (tmp_path / "text.csv").stat().st_mode & 0o777 == mode
    assert (tmp_path / "binary.xlsx").stat().st_mode & 0o777 == mode


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+32 2 123", "'+32 2 123"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Séance = 50 min", "Séance = 50 min"),
        (None, ""),
        (726530, 726530),
    ],
)
def test_spreadsheet_safe(value: str | int | None, safe: str | int) -> None:
    assert spreadsheet_safe(value) == safe
