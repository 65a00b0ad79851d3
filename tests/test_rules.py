"""The rule registry is the README's rule table, and every pandera check is a registered rule."""

from __future__ import annotations

import re

from extractor.rules import REGISTRY
from schemas import TARIFF_CONSISTENCY, TARIFF_TABLE
from tests.conftest import ROOT

_TABLE_ROW = re.compile(
    r"^\| `(?P<code>[a-z-]+)` \| (?P<severity>error|warning) \| (?P<meaning>.+) \|$"
)


def test_readme_rule_table_is_the_registry() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = [m.groupdict() for line in readme.splitlines() if (m := _TABLE_ROW.match(line))]
    registered = [
        {"code": r.code, "severity": r.severity, "meaning": r.meaning} for r in REGISTRY.values()
    ]
    assert table == registered


def test_every_schema_check_is_a_registered_rule() -> None:
    checks = [
        *TARIFF_TABLE.checks,
        *TARIFF_CONSISTENCY.checks,
        *(check for column in TARIFF_TABLE.columns.values() for check in column.checks),
    ]
    guards = {"isin", "greater_than_or_equal_to"}  # on our own values, not on the source's
    assert {check.name for check in checks} - guards <= set(REGISTRY)
