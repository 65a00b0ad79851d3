"""The store's SQLite schema, as the migrations that build it (extractor/store.py applies them).

Kept apart from the queries: a schema change is one appended migration, reviewed on its own.
"""

from __future__ import annotations

# Each migration brings the schema from its position in this list to the next version; a store
# is upgraded in place, in one transaction, when it is opened. Never edit a released migration:
# append one. Version 1 is the first released schema.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE circulars (
            id INTEGER PRIMARY KEY,
            circular TEXT NOT NULL,
            language TEXT NOT NULL,
            subject TEXT NOT NULL,
            effective_from TEXT NOT NULL,
            issued_on TEXT,
            source_file TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            ingested_at TEXT NOT NULL,
            UNIQUE (sha256, language)
        )""",
        """CREATE TABLE tariffs (
            id INTEGER PRIMARY KEY,
            circular_id INTEGER NOT NULL REFERENCES circulars (id),
            language TEXT NOT NULL,
            code_amb TEXT NOT NULL,
            code_hos TEXT NOT NULL,
            age_min INTEGER,
            age_max INTEGER,
            effective_from TEXT NOT NULL,
            effective_to TEXT,
            fee TEXT,
            reimbursement_preferential TEXT,
            reimbursement_standard TEXT,
            copayment_preferential TEXT,
            copayment_standard TEXT,
            description TEXT NOT NULL,
            footnotes TEXT NOT NULL,
            section TEXT NOT NULL,
            source TEXT NOT NULL,
            group_session INTEGER NOT NULL
        )""",
        """CREATE UNIQUE INDEX tariffs_key ON tariffs (
            language, code_amb, code_hos, IFNULL(age_min, -1), IFNULL(age_max, -1), effective_from
        )""",
        "CREATE INDEX tariffs_code ON tariffs (code_amb, effective_from)",
        "CREATE INDEX tariffs_hospital_code ON tariffs (code_hos, effective_from)",
        "CREATE INDEX tariffs_circular ON tariffs (circular_id)",
    ),
    (  # 2: a condition in the key (MET GMD, a second reimbursement pair), key letters
        "ALTER TABLE tariffs ADD COLUMN condition TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE tariffs ADD COLUMN key_letters TEXT",
        "DROP INDEX tariffs_key",
        """CREATE UNIQUE INDEX tariffs_key ON tariffs (
            language, code_amb, code_hos, IFNULL(age_min, -1), IFNULL(age_max, -1), condition,
            effective_from
        )""",
    ),
    (  # 3: versions by key across languages; units are file + sheet + language; two times
        "ALTER TABLE circulars ADD COLUMN domain TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE circulars ADD COLUMN scope TEXT NOT NULL DEFAULT 'full'",
        "ALTER TABLE circulars ADD COLUMN corrects TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE circulars ADD COLUMN sheet TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE circulars ADD COLUMN file_sha256 TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE circulars ADD COLUMN authoritative TEXT NOT NULL DEFAULT ''",
        "UPDATE circulars SET file_sha256 = sha256",
        "CREATE INDEX circulars_file ON circulars (file_sha256, language)",
        "ALTER TABLE tariffs ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0",
        "DROP INDEX tariffs_key",
        """CREATE UNIQUE INDEX tariffs_key ON tariffs (
            circular_id, language, code_amb, code_hos, IFNULL(age_min, -1), IFNULL(age_max, -1),
            condition
        )""",
        """CREATE TABLE flagged (
            id INTEGER PRIMARY KEY,
            circular_id INTEGER NOT NULL REFERENCES circulars (id),
            code TEXT NOT NULL,
            location TEXT NOT NULL,
            message TEXT NOT NULL
        )""",
        "CREATE INDEX flagged_code ON flagged (code)",
    ),
    (  # 4: every flagged source line as a report shows it, so that reports can be written again
        "ALTER TABLE flagged ADD COLUMN rule TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE flagged ADD COLUMN severity TEXT NOT NULL DEFAULT 'warning'",
        "ALTER TABLE flagged ADD COLUMN raw TEXT NOT NULL DEFAULT '[]'",
    ),
    (  # 5: the rows of a unit or a code in force on a day, without reading their older rows
        "CREATE INDEX tariffs_circular_end ON tariffs (circular_id, effective_to)",
        "CREATE INDEX tariffs_code_end ON tariffs (code_amb, effective_to)",
    ),
    (  # 6: each unit's tariff set (versions.domain_groups: the smallest unit id of the set) and
        # its domain link, so that storing or retracting a unit reads the units of its set only
        # (and a retraction finds its units by number or file by index); filled for
        # the units already stored when the store is upgraded (store_update.fill_tariff_sets)
        "ALTER TABLE circulars ADD COLUMN domain_link TEXT",
        "ALTER TABLE circulars ADD COLUMN tariff_set INTEGER",
        "CREATE INDEX circulars_domain_link ON circulars (domain_link)",
        "CREATE INDEX circulars_number ON circulars (circular, effective_from)",
        "CREATE INDEX circulars_tariff_set ON circulars (tariff_set)",
        "CREATE INDEX circulars_source ON circulars (source_file)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
TARIFF_SETS = 6  # the version that keeps tariff sets: a store upgraded to it has them filled
