"""The change table behind changes.json: one record per added, removed or changed value."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from extractor.columns import BY_NAME, KEY_COLUMNS

# unreadable: in force before, and the new version names its code on a line it could not read
KINDS = ["added", "removed", "changed", "description", "unreadable"]

_KEY_DTYPES = {"string": str, "integer": pd.Int64Dtype()}


def _key_column(name: str) -> pa.Column:
    column = BY_NAME[name]
    checks = [pa.Check.str_matches(r"^\d{6}$")] if name == "code_amb" else []
    if column.type == "integer":
        checks.append(pa.Check.ge(0))
    return pa.Column(_KEY_DTYPES[column.type], checks=checks, nullable=column.nullable)


# Every change between two versions of a tariff set, keyed like the tariff table.
CHANGE_TABLE = pa.DataFrameSchema(
    {
        "language": pa.Column(str, pa.Check.isin(["fr", "nl"])),
        **{name: _key_column(name) for name in KEY_COLUMNS},
        "kind": pa.Column(str, pa.Check.isin(KINDS)),
        "column": pa.Column(str, description="amount column, 'description', or '' for a whole row"),
        "old": pa.Column(str, nullable=True, description="old value as text; amounts as 89.59"),
        "new": pa.Column(str, nullable=True),
        "absolute": pa.Column(str, nullable=True, description="new - old, for amounts"),
        "relative": pa.Column(str, nullable=True, description="new / old - 1, six decimals"),
        "follows_indexation": pa.Column(bool),
        "section": pa.Column(str),
        "source": pa.Column(
            str, description="place in the source file: file#sheet!cell or file#page=N&line=M"
        ),
    },
    name="changes",
    strict=True,
    ordered=True,
)
