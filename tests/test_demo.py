"""`make demo` as a newcomer runs it (issue 13, finding 13): it installs what the tool needs,
not the development tools, and ends by saying which file to open."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_installs_the_runtime_only_and_says_what_to_open() -> None:
    plan = subprocess.run(
        ["make", "-n", "-B", "demo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    installs = [line for line in plan if "pip install" in line]
    assert installs and all("[dev]" not in line and "pytest" not in line for line in installs)
    assert any("inami-tariffs run samples/" in line for line in plan)
    # The last thing said (make may add "Leaving directory" when run from make test).
    said = [line for line in plan if line.startswith("echo")]
    assert said[-2].startswith('echo "Open output/2025-01-01_2024-356/changes.html')
