-- 医療費控除 workbench: what a person changed for one tax year. Keyed by the person whose
-- workbench it is (the filer on screen; every query is scoped by it), so the notice lines
-- themselves stay as the insurer sent them.

-- Costs the notices do not hold (receipts: 柔道整復, 通院 transport, OTC medicines …).
CREATE TABLE deduction_manual_lines (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    tax_year         BIGINT NOT NULL,
    -- 医療を受けた人: a name (a family member need not be in Karte).
    patient_name     TEXT NOT NULL,
    payee            TEXT NOT NULL,
    category         TEXT NOT NULL CHECK (category IN ('treatment', 'medicine', 'care', 'other')),
    amount           BIGINT NOT NULL CHECK (amount >= 0),
    reimbursed       BIGINT NOT NULL DEFAULT 0 CHECK (reimbursed >= 0),
    paid_on          DATE,
    self_medication  BOOLEAN NOT NULL DEFAULT FALSE,
    included         BOOLEAN NOT NULL DEFAULT TRUE,
    note             TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX deduction_manual_lines_person_year ON deduction_manual_lines (person_id, tax_year);

-- Per notice line (by its stable key, see domain::deduction::NoticeKey): unticked, 補填, or
-- moved to the year it was actually paid. line_person_id is whose notice line it is (the
-- filer or a household member).
CREATE TABLE deduction_notice_adjustments (
    person_id       TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    line_person_id  TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    notice_key      TEXT NOT NULL,
    excluded        BOOLEAN NOT NULL DEFAULT FALSE,
    reimbursed      BIGINT CHECK (reimbursed >= 0),
    moved_to        BIGINT,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, line_person_id, notice_key)
);

-- 総所得金額等 the person entered for the year (for the threshold of 医療費控除).
CREATE TABLE deduction_years (
    person_id     TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    tax_year      BIGINT NOT NULL,
    total_income  BIGINT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, tax_year)
);
