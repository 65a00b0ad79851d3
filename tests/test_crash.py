"""Killed runs and simultaneous runs: the store and the previous outputs stay intact."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES

OLD = SAMPLES / "V1 - Soins psychologiques - 01-01-2024-circ OA.xlsx"
NEW = [SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"]


def _run(out: Path, inputs: list[Path]) -> subprocess.Popen[bytes]:
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
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith("t.sqlite")  # the store and its journal
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


def test_sigkill_at_random_points(reference: tuple[Path, float], tmp_path: Path) -> None:
    expected_folder, duration = reference
    expected = _files(expected_folder)
    randomness = random.Random(int(os.environ.get("CRASH_SEED", "7")))
    for attempt in range(int(os.environ.get("CRASH_ATTEMPTS", "4"))):
        out = tmp_path / f"attempt{attempt}"
        assert _run(out, [OLD]).wait() == 0
        before = _store_state(out / "t.sqlite")
        old = _files(out)
        process = _run(out, NEW)
        time.sleep(randomness.uniform(0.2, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        check, circulars, rows = _store_state(out / "t.sqlite")
        assert check == "ok"
        assert (circulars, rows) in {before[1:], (before[1] + 1, before[2] + 75)}
        for name, content in _files(out).items():
            assert not Path(name).name.endswith(".tmp") or name.startswith("."), name
            if not Path(name).name.startswith("."):
                assert content in (expected[name], old.get(name)), (
                    f"attempt {attempt}: {name} is neither old nor new"
                )
        assert _run(out, NEW).wait() == 0  # the next run succeeds
        assert _files(out) == expected


def test_two_runs_at_once(tmp_path: Path, reference: tuple[Path, float]) -> None:
    expected_folder, _ = reference
    assert _run(tmp_path, [OLD]).wait() == 0
    first, second = _run(tmp_path, NEW), _run(tmp_path, NEW)
    results = [(first.wait(), first.stderr.read()), (second.wait(), second.stderr.read())]  # type: ignore[union-attr]
    for code, err in results:
        assert code == 0 or (code == 2 and b"the store is busy" in err), err
    assert _store_state(tmp_path / "t.sqlite") == ("ok", 2, 150)
    assert _files(tmp_path) == _files(expected_folder)
