"""Shared fixtures: the read-only corpus beside the repo, skipped with a reason when absent."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# Speed lives in benchmarks/, never in timed tests: hypothesis's per-example deadline (200 ms)
# would fail a correct example on a loaded CI machine. Test-level settings still apply on top.
settings.register_profile("untimed", deadline=None)
settings.load_profile("untimed")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
REALWORLD = ROOT.parent / "shared" / "realworld"
SAMPLES = ROOT / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"


@dataclass(frozen=True)
class Case:
    """One corpus folder: its input file, what it must give, and its ground truth."""

    name: str
    folder: Path
    spec: dict[str, object]

    @property
    def input(self) -> Path:
        suffix = f".{self.spec['format']}"
        return next(p for p in sorted(self.folder.iterdir()) if p.suffix.lower() == suffix)

    def expected_rows(self) -> list[dict[str, str]]:
        with (self.folder / "expected.csv").open(encoding="utf-8", newline="") as stream:
            return list(csv.DictReader(stream))


def corpus_cases(fmt: str, root: Path = CORPUS) -> list[object]:
    """Parameters for every case of a format under root; one skipped parameter if it is absent."""
    if not root.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{root} is absent (bare clone)"))]
    cases = []
    for folder in sorted(root.iterdir()):
        spec_file = folder / "case.json"
        if spec_file.is_file():
            spec = json.loads(spec_file.read_text(encoding="utf-8"))
            if spec.get("format") == fmt:
                cases.append(pytest.param(Case(folder.name, folder, spec), id=folder.name))
    return cases


def key_of(row: dict[str, str]) -> tuple[str, str, str, str, str]:
    return (row["code_amb"], row["code_hos"], row["age_min"], row["age_max"], row["effective_from"])


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def assert_golden(produced: str, golden: Path) -> None:
    """`produced` equals the golden file. With UPDATE_GOLDEN=1 a golden file that differs (or
    is missing) is rewritten and the test fails saying so: a regenerating run compares nothing,
    so it must never pass as if it had; review the diff, then run again without it."""
    expected = golden.read_text(encoding="utf-8") if golden.is_file() else None
    if produced == expected:
        return
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(produced, encoding="utf-8")
        pytest.fail(
            f"{golden.name} regenerated (UPDATE_GOLDEN=1): review `git diff {golden}`, then run"
            " the tests again without UPDATE_GOLDEN",
            pytrace=False,
        )
    assert expected is not None, f"{golden} is missing: UPDATE_GOLDEN=1 writes it (review it)"
    assert produced == expected, f"differs from {golden}; if intended: UPDATE_GOLDEN=1"


_VALID_PACKAGES: set[str] = set()


def assert_valid_data_package(descriptor: Path) -> None:
    """What `frictionless validate datapackage.json` says, as a test: no error in any row."""
    import hashlib

    from frictionless import Package

    folder = descriptor.parent
    digest = hashlib.sha256()
    for part in sorted(folder.iterdir()):
        if part.is_file() and part.suffix in (".json", ".csv"):
            digest.update(part.name.encode() + part.read_bytes())
    if digest.hexdigest() in _VALID_PACKAGES:
        return
    report = Package(str(descriptor)).validate()
    errors = [
        f"{task.name}: {error.type} {getattr(error, 'row_number', '')} "
        f"{getattr(error, 'field_name', '')}: {error.note}"
        for task in report.tasks
        for error in task.errors
    ] + [f"package: {error.type}: {error.note}" for error in report.errors]
    assert report.valid, f"{descriptor} is not a valid data package:\n" + "\n".join(errors[:20])
    _VALID_PACKAGES.add(digest.hexdigest())


@pytest.fixture(autouse=True)
def _data_packages_validate(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every data package a test writes under its tmp_path validates with frictionless."""
    if "tmp_path" not in request.fixturenames:
        yield
        return
    folder: Path = request.getfixturevalue("tmp_path")
    yield
    for descriptor in sorted(folder.rglob("datapackage.json")):
        assert_valid_data_package(descriptor)


@pytest.fixture(autouse=True, scope="module")
def _module_data_packages_validate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """And those written by a module's shared fixtures (a demo run, a store), at its end."""
    import time

    started = time.time()
    yield
    for descriptor in sorted(tmp_path_factory.getbasetemp().rglob("datapackage.json")):
        if descriptor.stat().st_mtime >= started:
            assert_valid_data_package(descriptor)
