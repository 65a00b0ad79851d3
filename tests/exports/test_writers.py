"""The writers on real files. write_atomic: a reader sees the old file or the new one, never half
of one, no temporary file outlives a run, exports get an ordinary file's permissions. The CSV:
formula starts neutralised, one line ending for every platform."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.export import KILL_AT, spreadsheet_safe, write_atomic
from tests.conftest import ROOT, SAMPLES


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize(
    "content",
    ["a,b\r\nc,d\n", b"PK\x03\x04\r\n\x00", ["a,b\r\n", "c,d\n"]],
    ids=["text", "bytes", "chunks"],
)
def test_content_is_written_exactly(content: str | bytes | list[str], tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "tariffs.csv"
    write_atomic(target, iter(content) if isinstance(content, list) else content)
    expected = content if isinstance(content, bytes) else b"a,b\r\nc,d\n"
    assert target.read_bytes() == expected  # no newline translation, no encoding surprise
    assert _leftovers(target.parent) == []


def test_text_is_utf8(tmp_path: Path) -> None:
    write_atomic(tmp_path / "t.csv", "Séance – bénéficiaire ≤23")
    assert (tmp_path / "t.csv").read_bytes() == "Séance – bénéficiaire ≤23".encode()


def test_text_is_utf8_whatever_the_locale(tmp_path: Path) -> None:
    """In an ASCII locale (C, without Python's UTF-8 mode or locale coercion) the exports are
    still UTF-8: the encoding is the writer's, never the locale's."""
    target = tmp_path / "t.csv"
    write_atomic(target, "old\n")  # in this process too, so mutmut maps this test to the writer
    script = (
        "import sys; from pathlib import Path; from extractor.export import write_atomic;"
        " write_atomic(Path(sys.argv[1]), 'S\\u00e9ance \\u226423\\n')"  # an ASCII argument
    )
    environment = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    written = subprocess.run(
        [sys.executable, "-c", script, str(target)], cwd=ROOT, env=environment, check=False
    )
    assert written.returncode == 0
    assert target.read_bytes() == "Séance ≤23\n".encode()


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


def test_the_temporary_is_hidden_beside_the_target_and_the_next_run_removes_it(
    tmp_path: Path,
) -> None:
    """Renaming is atomic only within one file system: the temporary is written in the target's
    folder, under a name the next run recognises as a leftover of this file if a run is killed
    before the rename."""
    during: list[str] = []

    def chunks() -> Iterator[str]:
        yield "half\n"
        during.extend(_leftovers(tmp_path))
        yield "rest\n"

    write_atomic(tmp_path / "tariffs.csv", chunks())
    [temporary] = during
    assert re.fullmatch(r"\.tariffs\.csv\.\w{8}\.tmp", temporary), temporary
    (tmp_path / temporary).write_text("left by a killed run", encoding="utf-8")
    write_atomic(tmp_path / "tariffs.csv", "new\n")
    assert _leftovers(tmp_path) == []


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


def test_tariffs_csv_ends_lines_with_a_line_feed_only(tmp_path: Path) -> None:
    source = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"
    assert main(["extract", str(source), "--out", str(tmp_path), "-q", "--formats", "csv"]) == 0
    data = (tmp_path / "tariffs.csv").read_bytes()
    assert data.count(b"\n") > 10
    assert b"\r" not in data


_WRITE = """
import sys
from pathlib import Path
from extractor.export import write_atomic
content = "new\\n"
write_atomic(Path(sys.argv[1]), content.encode() if sys.argv[2] == "bytes" else content)
"""


@pytest.mark.parametrize("kind", ["text", "bytes"])
def test_killed_before_the_rename_the_previous_file_is_whole(kind: str, tmp_path: Path) -> None:
    """A process killed (SIGKILL) between writing the temporary and renaming it: the previous
    file is untouched, the new content complete in the temporary the next run removes."""
    target = tmp_path / "tariffs.csv"
    write_atomic(target, "old\n")  # in this process too, so mutmut maps this test to the writer
    killed = subprocess.run(
        [sys.executable, "-c", _WRITE, str(target), kind],
        cwd=ROOT,
        env={**os.environ, KILL_AT: "before-rename:tariffs.csv"},
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    assert target.read_text(encoding="utf-8") == "old\n"
    [temporary] = _leftovers(tmp_path)
    assert (tmp_path / temporary).read_text(encoding="utf-8") == "new\n"


def test_killed_after_the_rename_the_new_file_is_whole(tmp_path: Path) -> None:
    target = tmp_path / "tariffs.csv"
    write_atomic(target, "old\n")  # in this process too, so mutmut maps this test to the writer
    killed = subprocess.run(
        [sys.executable, "-c", _WRITE, str(target), "text"],
        cwd=ROOT,
        env={**os.environ, KILL_AT: "after-rename:tariffs.csv"},
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    assert target.read_text(encoding="utf-8") == "new\n"
    assert _leftovers(tmp_path) == []
