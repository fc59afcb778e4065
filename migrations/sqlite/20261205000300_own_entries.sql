-- Issue 19, part 3: what a person enters themselves (本人入力), never the insurer's. Every
-- row belongs to one person (person_id; every query is scoped by it) and goes with them.

-- OTC medicines (市販薬). deduction_line_id links the line this entry put into the 医療費控除
-- workbench (セルフメディケーション税制) of the year of from_date; NULL: switch off (deleting that
-- line on the workbench turns it off too).
CREATE TABLE own_medicines (
    id                 INTEGER PRIMARY KEY,
    person_id          TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    ingredient         TEXT NOT NULL DEFAULT '',
    from_date          TEXT NOT NULL,
    to_date            TEXT,
    bought_at          TEXT NOT NULL DEFAULT '',
    price              INTEGER CHECK (price >= 0),
    deduction_line_id  INTEGER REFERENCES deduction_manual_lines (id) ON DELETE SET NULL,
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE INDEX own_medicines_person ON own_medicines (person_id);

-- Allergies and side effects (アレルギー・副作用歴).
CREATE TABLE own_allergies (
    id          INTEGER PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    substance   TEXT NOT NULL,
    reaction    TEXT NOT NULL DEFAULT '',
    since       TEXT,
    severity    TEXT NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe', 'unknown')),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE INDEX own_allergies_person ON own_allergies (person_id);

-- お薬手帳 memos, attached to one dispensing (調剤日 + 病院・薬局名 of a drug line).
CREATE TABLE own_drug_memos (
    id            INTEGER PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    dispensed_on  TEXT NOT NULL,
    dispenser     TEXT NOT NULL,
    memo          TEXT NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE INDEX own_drug_memos_person ON own_drug_memos (person_id, dispensed_on);
