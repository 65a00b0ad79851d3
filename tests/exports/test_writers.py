"""The writers on real files. write_atomic: a reader sees the old file or the new one, never half
of one, no temporary file outlives a run, exports get an ordinary file's permissions. The CSV:
formula starts neutralised, one line ending for every platform."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractor.cli import main
from extractor.columns import COLUMNS, TEXT_OF
from extractor.export import (
    KILL_AT,
    safe_cells,
    spreadsheet_safe,
    tariffs_csv,
    tariffs_json,
    texts_by_column,
    write_atomic,
)
from extractor.model import TariffRow
from tests.conftest import ROOT, SAMPLES
from tests.test_diff import tariff


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


class _Text(str):
    pass


_cells = st.one_of(
    st.none(),
    st.integers(),
    st.booleans(),
    st.text(max_size=6),
    st.sampled_from(["=1", "+32", "-5", "@x", "\tx", "\rx", "'=1", " =1", "a=1", ""]),
    st.builds(_Text, st.sampled_from(["=1", "x", "-"])),
    st.decimals(allow_nan=False, places=2),
)


@given(st.lists(_cells, max_size=12))
def test_safe_cells_are_spreadsheet_safe_cell_by_cell(values: list[object]) -> None:
    """safe_cells calls spreadsheet_safe only when a cell can need it: the CSV written is the
    one of spreadsheet_safe over every cell (None and "" both empty), as a column or a line."""
    cells = safe_cells(list(values))
    expected = [spreadsheet_safe(v) for v in values]  # type: ignore[arg-type]

    def written(rows: list[list[object]]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        return buffer.getvalue()

    assert written([[cell, "x"] for cell in cells]) == written([[v, "x"] for v in expected])
    assert written([["x", *cells]]) == written([["x", *expected]])


def _row_values(row: TariffRow) -> dict[str, str | int | None]:
    """One row as tariffs.csv and tariffs.json hold it: TEXT_OF of each column, value by value
    (the oracle of texts_by_column and of the rows of tariffs.json)."""
    return {name: TEXT_OF[name](getattr(row, name)) for name in COLUMNS}


_odd = {
    "circular": st.sampled_from(["", "2024/356", "=1", "é \\ \"'", _Text("2024/1")]),
    "code_hos": st.sampled_from([None, "726541", "-"]),
    "age_min": st.one_of(st.none(), st.integers(), st.just(True)),
    "condition": st.one_of(st.none(), st.text(max_size=5)),
    "fee": st.one_of(st.none(), st.decimals(allow_nan=False), st.just(Decimal("-0.00"))),
    "copayment_standard": st.sampled_from([None, Decimal("1E+3"), Decimal("NaN")]),
    "description": st.text(max_size=8),
    "effective_from": st.dates(),
    "section": st.sampled_from(["", "\r\n", "%s", "\x00", "\u2028"]),
}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({}, optional=_odd), max_size=6))
@example([{"age_min": 1}, {"age_min": True}, {"age_min": 1}])  # equal, one JSON text each
def test_tariffs_csv_and_json_hold_each_rows_values(changes: list[dict[str, Any]]) -> None:
    """The columns' texts made a column at a time (tariffs.csv, tariffs.json) are TEXT_OF of
    each value, and each tariffs.json row is its values encoded whole."""
    rows = [replace(tariff("726530", "89.59"), **change) for change in changes]
    expected = [_row_values(row) for row in rows]
    columns = texts_by_column(rows)
    assert [dict(zip(COLUMNS, values, strict=True)) for values in zip(*columns, strict=True)] == (
        expected
    )
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = "".join(tariffs_json([], rows)).split("\n")
    assert [line.strip().removesuffix(",") for line in lines[3:-3]] == [
        encode(values) for values in expected
    ]
    buffer = io.StringIO()
    oracle = csv.writer(buffer, lineterminator="\n")
    oracle.writerow(COLUMNS)
    oracle.writerows([spreadsheet_safe(v) for v in values.values()] for values in expected)
    assert tariffs_csv(rows) == buffer.getvalue()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_while_exports_are_written_then_as_it_was(
    enabled: bool, tmp_path: Path
) -> None:
    import gc

    from extractor.api import extract_file
    from extractor.export import write_exports

    [french] = extract_file(SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx")
    validity = _Noting()
    (gc.enable if enabled else gc.disable)()
    try:
        write_exports([french], tmp_path, validity=validity)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert validity.seen and not any(validity.seen)


class _Noting(dict[Any, Any]):
    """An empty validity that notes whether the collector runs each time it is asked."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[bool] = []

    def get(self, *args: Any) -> Any:
        import gc

        self.seen.append(gc.isenabled())
        return super().get(*args)
