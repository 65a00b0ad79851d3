"""One exception hierarchy (issue 10): every exception class of the package is declared in
extractor/errors.py, where the next maintainer looks for what can be raised and caught."""

from __future__ import annotations

import ast

from tests.conftest import ROOT


def _exception_classes(source: str) -> list[str]:
    """Classes whose base is an exception (a name ending in Error or Exception)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            bases = [
                b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
            ]
            if any(base.endswith(("Error", "Exception")) for base in bases):
                found.append(node.name)
    return found


def test_every_exception_class_is_in_errors_py() -> None:
    elsewhere = [
        f"{path.relative_to(ROOT).as_posix()}: {name}"
        for folder in ("extractor", "schemas")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != ROOT / "extractor" / "errors.py"
        for name in _exception_classes(path.read_text(encoding="utf-8"))
    ]
    assert elsewhere == []


def test_the_scan_sees_a_class_of_an_exception() -> None:
    assert _exception_classes("class A(ValueError): pass\nclass B(errors.StoreError): pass") == [
        "A",
        "B",
    ]
    assert _exception_classes("class C(Base): pass") == []
