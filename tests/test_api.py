"""The facade's public surface is explicit: `__all__` names it, `dir()` shows it alone."""

from __future__ import annotations

import inspect
import re
import types
from pathlib import Path

from extractor import api

ROOT = Path(__file__).resolve().parent.parent


def test_dir_shows_the_public_surface_only() -> None:
    assert dir(api) == sorted(api.__all__)
    assert not [name for name in dir(api) if isinstance(getattr(api, name), types.ModuleType)]


def test_every_name_listed_exists_and_star_import_gives_them() -> None:
    for name in api.__all__:
        assert hasattr(api, name), name
    namespace: dict[str, object] = {}
    exec("from extractor.api import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(api.__all__)


def test_every_public_verb_defined_here_is_listed() -> None:
    defined = {
        name
        for name, value in vars(api).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__ == api.__name__
    }
    assert defined <= set(api.__all__), defined - set(api.__all__)


def test_what_the_command_line_and_readme_use_is_listed() -> None:
    sources = [*(ROOT / "extractor").glob("*.py"), ROOT / "README.md"]
    used = {
        name
        for path in sources
        if path.name != "api.py"
        for name in re.findall(r"\bapi\.(\w+)", path.read_text(encoding="utf-8"))
    }
    used |= set(re.findall(r"from extractor\.api import (\w+)", _text(ROOT / "extractor")))
    assert used - {"py"} <= set(api.__all__), used - set(api.__all__)


def _text(folder: Path) -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in folder.rglob("*.py"))
