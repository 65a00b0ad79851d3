"""Pandera schemas: the single definition of every table inami-tariffs emits."""

from schemas.changes import CHANGE_TABLE
from schemas.tariffs import COLUMNS, TARIFF_CONSISTENCY, TARIFF_TABLE
from schemas.valorisations import VALORISATION_TABLE

__all__ = ["CHANGE_TABLE", "COLUMNS", "TARIFF_CONSISTENCY", "TARIFF_TABLE", "VALORISATION_TABLE"]
