-- 医療費控除 workbench: what a person changed for one tax year. Keyed by the person whose
-- workbench it is (the filer on screen; every query is scoped by it), so the notice lines
-- themselves stay as the insurer sent them.

-- Costs the notices do not hold (receipts: 柔道整復, 通院 transport, OTC medicines …).
CREATE TABLE deduction_manual_lines (
    id               INTEGER PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    tax_year         INTEGER NOT NULL,
    -- 医療を受けた人: a name (a family member need not be in Karte).
    patient_name     TEXT NOT NULL,
    payee            TEXT NOT NULL,
    category         TEXT NOT NULL CHECK (category IN ('treatment', 'medicine', 'care', 'other')),
    amount           INTEGER NOT NULL CHECK (amount >= 0),
    reimbursed       INTEGER NOT NULL DEFAULT 0 CHECK (reimbursed >= 0),
    paid_on          TEXT,
    self_medication  INTEGER NOT NULL DEFAULT 0 CHECK (self_medication IN (0, 1)),
    included         INTEGER NOT NULL DEFAULT 1 CHECK (included IN (0, 1)),
    note             TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE INDEX deduction_manual_lines_person_year ON deduction_manual_lines (person_id, tax_year);

-- Per notice line (by its stable key, see domain::deduction::NoticeKey): unticked, 補填, or
-- moved to the year it was actually paid. line_person_id is whose notice line it is (the
-- filer or a household member).
CREATE TABLE deduction_notice_adjustments (
    person_id       TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    line_person_id  TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    notice_key      TEXT NOT NULL,
    excluded        INTEGER NOT NULL DEFAULT 0 CHECK (excluded IN (0, 1)),
    reimbursed      INTEGER CHECK (reimbursed >= 0),
    moved_to        INTEGER,
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (person_id, line_person_id, notice_key)
) STRICT;

-- 総所得金額等 the person entered for the year (for the threshold of 医療費控除).
CREATE TABLE deduction_years (
    person_id     TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    tax_year      INTEGER NOT NULL,
    total_income  INTEGER NOT NULL,
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (person_id, tax_year)
) STRICT;
