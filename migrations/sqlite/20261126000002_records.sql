-- Health records. Every health table carries person_id (the scope of every query, and the
-- distribution key should PostgreSQL ever be sharded) and the batch that brought it.

CREATE TABLE import_batches (
    id           TEXT PRIMARY KEY,
    format       TEXT NOT NULL,
    source       TEXT NOT NULL,
    line_count   INTEGER NOT NULL,
    imported_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE insurers (
    number                  TEXT PRIMARY KEY,
    name                    TEXT NOT NULL,
    checkup_registration    TEXT CHECK (checkup_registration IN ('registered', 'expected', 'not_participating')),
    checkup_registration_on TEXT
) STRICT;

-- Placeholder for proxies (代理人); filled by the sign-in work.
CREATE TABLE proxies (
    id            INTEGER PRIMARY KEY,
    grantor_id    TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    grantee_id    TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kinds         TEXT NOT NULL,
    valid_until   TEXT NOT NULL,
    revoked_at    TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE drug_lines (
    id                    INTEGER PRIMARY KEY,
    person_id             TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    batch_id              TEXT NOT NULL REFERENCES import_batches (id),
    claim_id              TEXT NOT NULL,
    institution_id        TEXT NOT NULL,
    service_month         TEXT NOT NULL,
    accepted_on           TEXT NOT NULL,
    sequence              INTEGER NOT NULL,
    visible_from          TEXT NOT NULL,
    dispensed_on          TEXT NOT NULL,
    dispenser_name        TEXT NOT NULL,
    prescriber_id         TEXT NOT NULL,
    prescription          TEXT NOT NULL,
    usage                 TEXT NOT NULL,
    drug_name             TEXT NOT NULL,
    ingredient            TEXT,
    receipt_code          TEXT,
    yj_code               TEXT,
    directions            TEXT,
    daily_dose            TEXT,
    single_dose           TEXT,
    special_instructions  TEXT,
    quantity_amount       INTEGER NOT NULL,
    quantity_unit         TEXT NOT NULL,
    mark                  TEXT,
    copay                 INTEGER,
    savings               INTEGER
) STRICT;
CREATE INDEX drug_lines_person_month ON drug_lines (person_id, service_month);
CREATE INDEX drug_lines_claim ON drug_lines (person_id, claim_id);
CREATE INDEX drug_lines_batch ON drug_lines (batch_id);

CREATE TABLE expense_lines (
    id                INTEGER PRIMARY KEY,
    person_id         TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    batch_id          TEXT NOT NULL REFERENCES import_batches (id),
    claim_id          TEXT NOT NULL,
    institution_id    TEXT NOT NULL,
    service_month     TEXT NOT NULL,
    accepted_on       TEXT NOT NULL,
    sequence          INTEGER NOT NULL,
    visible_from      TEXT NOT NULL,
    category          TEXT NOT NULL,
    days              INTEGER NOT NULL,
    institution_name  TEXT NOT NULL,
    total             INTEGER NOT NULL,
    insurer_paid      INTEGER NOT NULL,
    public_paid       INTEGER NOT NULL,
    patient_paid      INTEGER NOT NULL
) STRICT;
CREATE INDEX expense_lines_person_month ON expense_lines (person_id, service_month);
CREATE INDEX expense_lines_claim ON expense_lines (person_id, claim_id);
CREATE INDEX expense_lines_batch ON expense_lines (batch_id);

CREATE TABLE checkups (
    id                INTEGER PRIMARY KEY,
    person_id         TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    batch_id          TEXT NOT NULL REFERENCES import_batches (id),
    performed_on      TEXT NOT NULL,
    kind              TEXT NOT NULL,
    institution_name  TEXT NOT NULL,
    insurer_number    TEXT NOT NULL,
    UNIQUE (person_id, performed_on, kind)
) STRICT;

-- One row per item; the value keeps its exact shape (PQ with flags, CD, CO, ST, not measured)
-- as JSON, and unknown item codes are stored like known ones.
CREATE TABLE checkup_results (
    checkup_id  INTEGER NOT NULL REFERENCES checkups (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    code        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (checkup_id, position)
) STRICT;
