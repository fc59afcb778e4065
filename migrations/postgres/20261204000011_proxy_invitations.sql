-- Proxy grants by invitation (issue 14): the grantor creates an invitation (kinds, end date)
-- and hands its one-time code to the person they trust, who accepts it signed in. Nothing
-- about the grantee is known before that. Only a hash of each code is kept.
CREATE TABLE proxy_invitations (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    grantor_id   TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    code_hash    TEXT NOT NULL UNIQUE,
    kinds        TEXT NOT NULL,
    valid_until  DATE NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    accepted_at  TIMESTAMPTZ,
    accepted_by  TEXT REFERENCES people (id) ON DELETE SET NULL,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX proxy_invitations_grantor ON proxy_invitations (grantor_id);
