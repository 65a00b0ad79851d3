"""Killed runs and simultaneous runs: the store and the previous outputs stay intact.

Runs are killed with SIGKILL at named points inside the write phase (the INAMI_TARIFFS_KILL_AT
hook of export.write_atomic): after a temporary file is written and before its rename, and
between two files, while the folder holds the outputs of an earlier run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.export import KILL_AT
from tests.conftest import ROOT, SAMPLES

OLD = SAMPLES / "V1 - Soins psychologiques - 01-01-2024-circ OA.xlsx"
NEW = [SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"]


def _run(
    out: Path, inputs: list[Path], env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "extractor",
        "run",
        *map(str, inputs),
        "--out",
        str(out),
        "--store",
        str(out / "t.sqlite"),
        "-q",
    ]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        # Not the store and its journal, nor the hidden temporary files of a killed write.
        if p.is_file() and not p.name.startswith(("t.sqlite", "."))
    }


def _store_state(path: Path) -> tuple[str, int, int]:
    connection = sqlite3.connect(path)
    try:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        circulars = connection.execute("SELECT COUNT(*) FROM circulars").fetchone()[0]
        rows = connection.execute("SELECT COUNT(*) FROM tariffs").fetchone()[0]
    finally:
        connection.close()
    return check, circulars, rows


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """A clean run of the old version then the new one, and how long the second took."""
    out = tmp_path_factory.mktemp("reference")
    assert _run(out, [OLD]).wait() == 0
    started = time.monotonic()
    assert _run(out, NEW).wait() == 0
    return out, time.monotonic() - started


@pytest.fixture(scope="module")
def rewrite(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A folder whose outputs a run rewrites with other bytes, before and after that run.

    The old version and the new one are stored (the new report: a diff against the old one),
    then the old one is retracted; running the new version again rewrites its folder, now as
    the first version. Killing that run must leave each file of the folder old or new, never
    half.
    """
    before = tmp_path_factory.mktemp("before")
    assert _run(before, [OLD]).wait() == 0
    assert _run(before, NEW).wait() == 0
    retract = [sys.executable, "-m", "extractor", "retract", OLD.name, "--store"]
    subprocess.run([*retract, str(before / "t.sqlite")], cwd=ROOT, check=True, capture_output=True)
    after = tmp_path_factory.mktemp("after")
    shutil.copytree(before, after, dirs_exist_ok=True)
    assert _run(after, NEW).wait() == 0
    return before, after


def _changed(before: Path, after: Path) -> list[str]:
    old, new = _files(before), _files(after)
    return sorted(name for name in new if old.get(name) != new[name])


KILL_POINTS = [
    ("before-rename", "tariffs.xlsx"),  # the first file that differs (its changes sheet), binary
    ("before-rename", "changes.md"),  # written but not renamed, after one new file
    ("after-rename", "changes.html"),  # between two files: two new, the last one old
    ("before-rename", "changes.json"),  # the last report file: the others new
    ("before-rename", "run.json"),  # the last file: the others new, the store uncommitted
]


def test_the_kill_points_cover_every_file_that_changes(rewrite: tuple[Path, Path]) -> None:
    """If the rewrite changed other files too, KILL_POINTS must name them."""
    assert sorted(Path(n).name for n in _changed(*rewrite)) == sorted(n for _, n in KILL_POINTS)


@pytest.mark.parametrize(("moment", "name"), KILL_POINTS)
def test_killed_inside_the_write_phase(
    rewrite: tuple[Path, Path], moment: str, name: str, tmp_path: Path
) -> None:
    before, after = rewrite
    old, new = _files(before), _files(after)
    shutil.copytree(before, tmp_path, dirs_exist_ok=True)
    store_before = _store_state(tmp_path / "t.sqlite")
    process = _run(tmp_path, NEW, {KILL_AT: f"{moment}:{name}"})
    assert process.wait() == -signal.SIGKILL, "the run was not killed at the injection point"
    assert _store_state(tmp_path / "t.sqlite") == store_before  # not committed: as it was
    left = _files(tmp_path)
    assert set(left) == set(old) | set(new)
    [target] = [n for n in _changed(before, after) if Path(n).name == name]
    # The file being renamed is still the old one; once renamed, it is the new one.
    assert left[target] == (old[target] if moment == "before-rename" else new[target])
    for file, content in left.items():
        assert content in {old.get(file), new.get(file)}, f"{file} is neither old nor new"
    hidden = [p.name for p in tmp_path.rglob(".*.tmp")]
    assert len(hidden) == (moment == "before-rename") and all(
        h.startswith(f".{name}.") for h in hidden
    ), hidden
    assert _run(tmp_path, NEW).wait() == 0  # the next run succeeds and cleans up
    assert _files(tmp_path) == new
    assert not list(tmp_path.rglob("*.tmp"))
    assert _store_state(tmp_path / "t.sqlite") == _store_state(after / "t.sqlite")


def test_the_store_survives_a_kill_before_it_commits(
    reference: tuple[Path, float], tmp_path: Path
) -> None:
    """A first ingestion killed after its last file: the store has nothing of it, the files are
    new, and the next run stores it and writes the same files."""
    expected_folder, _ = reference
    assert _run(tmp_path, [OLD]).wait() == 0
    before = _store_state(tmp_path / "t.sqlite")
    process = _run(tmp_path, NEW, {KILL_AT: "after-rename:changes.json"})
    assert process.wait() == -signal.SIGKILL
    assert _store_state(tmp_path / "t.sqlite") == before == ("ok", 1, 75)
    assert _run(tmp_path, NEW).wait() == 0
    assert _store_state(tmp_path / "t.sqlite") == ("ok", 2, 150)
    assert _files(tmp_path) == _files(expected_folder)


def test_two_runs_at_once(tmp_path: Path, reference: tuple[Path, float]) -> None:
    expected_folder, _ = reference
    assert _run(tmp_path, [OLD]).wait() == 0
    first, second = _run(tmp_path, NEW), _run(tmp_path, NEW)
    results = [(first.wait(), first.stderr.read()), (second.wait(), second.stderr.read())]  # type: ignore[union-attr]
    for code, err in results:
        assert code == 0 or (code == 2 and b"the store is busy" in err), err
    assert _store_state(tmp_path / "t.sqlite") == ("ok", 2, 150)
    # run.json of the run that came second says it stored nothing new; the rest is the same.
    left, expected = _files(tmp_path), _files(expected_folder)
    assert (
        json.loads(left.pop("run.json"))["folders"]
        == json.loads(expected.pop("run.json"))["folders"]
    )
    assert left == expected
