"""Pandera schemas: the single definition of every table inami-tariffs emits."""

from schemas.tariffs import COLUMNS, RULES, TariffConsistency, TariffTable

__all__ = ["COLUMNS", "RULES", "TariffConsistency", "TariffTable"]
