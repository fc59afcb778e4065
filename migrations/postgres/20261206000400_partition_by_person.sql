-- Issue 22: the per-person tables are hash-partitioned by the person (32 partitions), so every
-- per-person query reads one partition (tested with EXPLAIN and with the partitions' scan
-- counters: server/tests/it/partitions.rs) and the layout is the one Citus distributes by
-- `person_id` (docs/scale.md). Each table is rebuilt once: a new partitioned table, the rows
-- copied with their ids, the old table dropped, the new one renamed. Keys that must be unique
-- now carry the partition key (PostgreSQL requires it): lines and checkups are identified by
-- (person_id, id); a checkup's results carry their person; an access report points at its
-- audit entry through (subject, id), which is what it always checked.
SET LOCAL lock_timeout = '5s';
-- A one-time copy of every stored line: the statement limit covers a large table (docs/scale.md
-- gives the measured rate); the migration runs in one transaction, all or nothing.
SET LOCAL statement_timeout = '60min';

CREATE TABLE drug_lines_by_person (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY,
    person_id             TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    batch_id              TEXT NOT NULL REFERENCES import_batches (id),
    claim_id              TEXT NOT NULL,
    institution_id        TEXT NOT NULL,
    service_month         TEXT NOT NULL,
    accepted_on           DATE NOT NULL,
    sequence              BIGINT NOT NULL,
    visible_from          DATE NOT NULL,
    dispensed_on          DATE NOT NULL,
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
    quantity_amount       BIGINT NOT NULL,
    quantity_unit         TEXT NOT NULL,
    mark                  TEXT,
    copay                 BIGINT,
    savings               BIGINT,
    receipt_kind          TEXT NOT NULL DEFAULT 'medical'
        CHECK (receipt_kind IN ('medical', 'dental', 'pharmacy', 'dpc', 'home_nursing')),
    care_setting          TEXT NOT NULL DEFAULT 'outpatient'
        CHECK (care_setting IN ('inpatient', 'outpatient')),
    receipt_prescriber    TEXT,
    CONSTRAINT drug_lines_person_pk PRIMARY KEY (person_id, id)
) PARTITION BY HASH (person_id);

CREATE TABLE expense_lines_by_person (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY,
    person_id           TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    batch_id            TEXT NOT NULL REFERENCES import_batches (id),
    claim_id            TEXT NOT NULL,
    institution_id      TEXT NOT NULL,
    service_month       TEXT NOT NULL,
    accepted_on         DATE NOT NULL,
    sequence            BIGINT NOT NULL,
    visible_from        DATE NOT NULL,
    category            TEXT NOT NULL,
    days                BIGINT NOT NULL,
    institution_name    TEXT NOT NULL,
    total               BIGINT NOT NULL,
    insurer_paid        BIGINT NOT NULL,
    public_paid         BIGINT NOT NULL,
    patient_paid        BIGINT NOT NULL,
    receipt_kind        TEXT NOT NULL DEFAULT 'medical'
        CHECK (receipt_kind IN ('medical', 'dental', 'pharmacy', 'dpc', 'home_nursing')),
    care_setting        TEXT NOT NULL DEFAULT 'outpatient'
        CHECK (care_setting IN ('inpatient', 'outpatient')),
    receipt_prescriber  TEXT,
    CONSTRAINT expense_lines_person_pk PRIMARY KEY (person_id, id)
) PARTITION BY HASH (person_id);

CREATE TABLE checkups_by_person (
    id                BIGINT GENERATED ALWAYS AS IDENTITY,
    person_id         TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    batch_id          TEXT NOT NULL REFERENCES import_batches (id),
    performed_on      DATE NOT NULL,
    kind              TEXT NOT NULL,
    institution_name  TEXT NOT NULL,
    insurer_number    TEXT NOT NULL,
    CONSTRAINT checkups_person_pk PRIMARY KEY (person_id, id),
    CONSTRAINT checkups_person_day_kind UNIQUE (person_id, performed_on, kind)
) PARTITION BY HASH (person_id);

CREATE TABLE checkup_results_by_person (
    person_id   TEXT NOT NULL,
    checkup_id  BIGINT NOT NULL,
    position    BIGINT NOT NULL,
    code        TEXT NOT NULL,
    value       TEXT NOT NULL,
    CONSTRAINT checkup_results_person_pk PRIMARY KEY (person_id, checkup_id, position),
    CONSTRAINT checkup_results_checkup FOREIGN KEY (person_id, checkup_id)
        REFERENCES checkups_by_person (person_id, id) ON DELETE CASCADE
) PARTITION BY HASH (person_id);

-- Entries without a subject (a failed sign-in) hash to one partition; the subject is nullable,
-- so the entry's key is a unique (subject_person, id) rather than a primary key.
CREATE TABLE audit_log_by_person (
    id              BIGINT GENERATED ALWAYS AS IDENTITY,
    at              TIMESTAMPTZ NOT NULL,
    action          TEXT NOT NULL,
    actor_person    TEXT,
    actor_account   TEXT,
    actor_client    TEXT,
    subject_person  TEXT,
    detail          TEXT NOT NULL DEFAULT '',
    request_id      TEXT,
    CONSTRAINT audit_log_subject_entry UNIQUE (subject_person, id)
) PARTITION BY HASH (subject_person);

DO $$
DECLARE
    parent TEXT;
    i INT;
BEGIN
    FOREACH parent IN ARRAY ARRAY['drug_lines', 'expense_lines', 'checkups', 'checkup_results', 'audit_log'] LOOP
        FOR i IN 0..31 LOOP
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS 32, REMAINDER %s)',
                           parent || '_p' || lpad(i::text, 2, '0'), parent || '_by_person', i);
        END LOOP;
    END LOOP;
END
$$;

-- The copies keep every id; the identities continue after the highest.
INSERT INTO drug_lines_by_person OVERRIDING SYSTEM VALUE SELECT * FROM drug_lines;
INSERT INTO expense_lines_by_person OVERRIDING SYSTEM VALUE SELECT * FROM expense_lines;
INSERT INTO checkups_by_person OVERRIDING SYSTEM VALUE SELECT * FROM checkups;
INSERT INTO checkup_results_by_person (person_id, checkup_id, position, code, value)
    SELECT c.person_id, r.checkup_id, r.position, r.code, r.value
    FROM checkup_results r JOIN checkups c ON c.id = r.checkup_id;
INSERT INTO audit_log_by_person OVERRIDING SYSTEM VALUE SELECT * FROM audit_log;
SELECT setval(pg_get_serial_sequence('drug_lines_by_person', 'id'), coalesce(max(id), 0) + 1, false) FROM drug_lines;
SELECT setval(pg_get_serial_sequence('expense_lines_by_person', 'id'), coalesce(max(id), 0) + 1, false) FROM expense_lines;
SELECT setval(pg_get_serial_sequence('checkups_by_person', 'id'), coalesce(max(id), 0) + 1, false) FROM checkups;
SELECT setval(pg_get_serial_sequence('audit_log_by_person', 'id'), coalesce(max(id), 0) + 1, false) FROM audit_log;

-- The old tables go; the new ones take their names. Every exemption below has one reason:
-- `karte migrate` runs before the server listens (no request of ours waits behind a lock) and
-- the whole file is one transaction, so no client ever sees a table missing or half-copied.
-- squawk-ignore ban-drop-constraint
ALTER TABLE access_reports DROP CONSTRAINT access_reports_audit_id_fkey;
-- squawk-ignore ban-drop-table
DROP TABLE checkup_results;
-- squawk-ignore ban-drop-table
DROP TABLE checkups;
-- squawk-ignore ban-drop-table
DROP TABLE drug_lines;
-- squawk-ignore ban-drop-table
DROP TABLE expense_lines;
-- squawk-ignore ban-drop-table
DROP TABLE audit_log;

-- The same secondary indexes as before, on every partition (tables of this file).
CREATE INDEX drug_lines_person_month ON drug_lines_by_person (person_id, service_month);
CREATE INDEX drug_lines_claim ON drug_lines_by_person (person_id, claim_id);
CREATE INDEX expense_lines_person_month ON expense_lines_by_person (person_id, service_month);
CREATE INDEX expense_lines_claim ON expense_lines_by_person (person_id, claim_id);
CREATE INDEX audit_log_subject ON audit_log_by_person (subject_person, at);

-- squawk-ignore renaming-table
ALTER TABLE drug_lines_by_person RENAME TO drug_lines;
-- squawk-ignore renaming-table
ALTER TABLE expense_lines_by_person RENAME TO expense_lines;
-- squawk-ignore renaming-table
ALTER TABLE checkups_by_person RENAME TO checkups;
-- squawk-ignore renaming-table
ALTER TABLE checkup_results_by_person RENAME TO checkup_results;
-- squawk-ignore renaming-table
ALTER TABLE audit_log_by_person RENAME TO audit_log;

-- Still insert-only (row triggers on a partitioned table apply to each partition).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_insert_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_insert_only();

-- An access report points at an entry of its own person's history.
ALTER TABLE access_reports ADD CONSTRAINT access_reports_entry FOREIGN KEY (person_id, audit_id)
    REFERENCES audit_log (subject_person, id) NOT VALID;
-- squawk-ignore constraint-missing-not-valid
ALTER TABLE access_reports VALIDATE CONSTRAINT access_reports_entry;
