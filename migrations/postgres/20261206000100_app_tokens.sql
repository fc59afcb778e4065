-- Issue 20, part 2: read-only tokens a person issues to a third-party app for the FHIR API.
-- Only the SHA-256 of the token is kept; each row belongs to the person who issued it and is
-- scoped by person_id in every query. A new table only: nothing existing is locked.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

CREATE TABLE app_tokens (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    account_id    TEXT NOT NULL,
    app_name      TEXT NOT NULL,
    kinds         TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    valid_until   DATE NOT NULL,
    revoked_at    TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX app_tokens_person ON app_tokens (person_id);
