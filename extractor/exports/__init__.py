"""Exports that billing systems and tariff officers open directly, built from the tariff rows.

valorisations.py: fee, reimbursement and patient share per key, regime and validity;
fhir.py: the same as FHIR R4 ChargeItemDefinitions; workbook.py: tariffs.xlsx;
validity.py: how long each row is in force, from the store. Every file is written by
extractor/export.py (atomic, deterministic).
"""
