"""Pandera schemas: the single definition of every table inami-tariffs emits."""

from schemas.changes import ChangeTable
from schemas.tariffs import COLUMNS, RULES, TariffConsistency, TariffTable

__all__ = ["COLUMNS", "RULES", "ChangeTable", "TariffConsistency", "TariffTable"]
