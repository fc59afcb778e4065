-- People and their insurances. A person can change insurer; each insurance keeps its period.
CREATE TABLE people (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_kana   TEXT,
    sex         TEXT CHECK (sex IN ('male', 'female')),
    birth_date  TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE insurances (
    id              INTEGER PRIMARY KEY,
    person_id       TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    insurer_number  TEXT NOT NULL,
    insurer_name    TEXT NOT NULL,
    symbol          TEXT,
    number          TEXT NOT NULL,
    branch          TEXT,
    valid_from      TEXT NOT NULL,
    valid_to        TEXT,
    UNIQUE (person_id, insurer_number, valid_from)
) STRICT;

CREATE INDEX insurances_person ON insurances (person_id, valid_from);
