"""The demo run (every sample, French and Dutch, 2024 and 2025) once for the export tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.cli import main
from tests.conftest import SAMPLES

FOLDERS = ("2024-01-01_2023-412", "2025-01-01_2024-356")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exports-demo")
    arguments = ["run", *map(str, sorted(SAMPLES.iterdir())), "--out", str(out)]
    assert main([*arguments, "--store", str(out / "t.sqlite"), "-q"]) == 0
    return out
