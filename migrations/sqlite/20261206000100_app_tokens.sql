-- Issue 20, part 2: read-only tokens a person issues to a third-party app for the FHIR API.
-- Only the SHA-256 of the token is kept; each row belongs to the person who issued it and is
-- scoped by person_id in every query.
CREATE TABLE app_tokens (
    id            INTEGER PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    account_id    TEXT NOT NULL,
    app_name      TEXT NOT NULL,
    kinds         TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    valid_until   TEXT NOT NULL,
    revoked_at    TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE INDEX app_tokens_person ON app_tokens (person_id);
