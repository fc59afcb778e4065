-- Linking hardening (issue 14): failed linking attempts, kept to throttle guessing per account
-- and per client address, and one-time codes an insurer prints on a notice (a second factor
-- the linking step can require).

CREATE TABLE link_failures (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    account_id   TEXT NOT NULL,
    client_addr  TEXT NOT NULL
);
CREATE INDEX link_failures_account ON link_failures (account_id, at);
CREATE INDEX link_failures_client ON link_failures (client_addr, at);

-- Only a hash of each code is kept; a code links one person once, before it expires.
CREATE TABLE insurer_link_codes (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    code_hash   TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX insurer_link_codes_person ON insurer_link_codes (person_id);
