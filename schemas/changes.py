"""The change table behind changes.json: one record per added, removed or changed value."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

KINDS = ["added", "removed", "changed", "description"]


class ChangeTable(pa.DataFrameModel):
    """Every change between two versions of a tariff set, keyed like the tariff table."""

    language: Series[str] = pa.Field(isin=["fr", "nl"])
    code_amb: Series[str] = pa.Field(str_matches=r"^\d{6}$")
    code_hos: Series[str] = pa.Field(nullable=True)
    age_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    age_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    kind: Series[str] = pa.Field(isin=KINDS)
    column: Series[str] = pa.Field(
        description="amount column, 'description', or '' for a whole row"
    )
    old: Series[str] = pa.Field(nullable=True, description="old value as text; amounts as 89.59")
    new: Series[str] = pa.Field(nullable=True)
    absolute: Series[str] = pa.Field(nullable=True, description="new - old, for amounts")
    relative: Series[str] = pa.Field(nullable=True, description="new / old - 1, six decimals")
    follows_indexation: Series[bool]
    section: Series[str]

    class Config:
        strict = True
        ordered = True
