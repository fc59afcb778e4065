-- Sign-in: accounts are OIDC identities (issuer, subject), linked to a person by an explicit,
-- audited step. Sessions live here so several servers share them; only a hash of the cookie
-- value is stored. The audit log is insert-only.

CREATE TABLE accounts (
    id          TEXT PRIMARY KEY,
    issuer      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    person_id   TEXT REFERENCES people (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    linked_at   TEXT,
    UNIQUE (issuer, subject)
) STRICT;
CREATE UNIQUE INDEX accounts_person ON accounts (person_id) WHERE person_id IS NOT NULL;

CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    viewing_id    TEXT REFERENCES people (id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_account ON sessions (account_id);

-- An authorization request in flight: state, nonce and PKCE verifier stay on the server.
CREATE TABLE login_states (
    state_hash   TEXT PRIMARY KEY,
    nonce        TEXT NOT NULL,
    pkce         TEXT NOT NULL,
    return_to    TEXT NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    action        TEXT NOT NULL,
    actor_person  TEXT,
    actor_account TEXT,
    actor_client  TEXT,
    subject_person TEXT,
    detail        TEXT NOT NULL DEFAULT '',
    request_id    TEXT
) STRICT;
CREATE INDEX audit_log_subject ON audit_log (subject_person, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is insert-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is insert-only'); END;

-- "This was not me": a person's report about one access.
CREATE TABLE access_reports (
    id          INTEGER PRIMARY KEY,
    audit_id    INTEGER NOT NULL REFERENCES audit_log (id),
    person_id   TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    reported_at TEXT NOT NULL,
    UNIQUE (audit_id, person_id)
) STRICT;

CREATE INDEX proxies_grantee ON proxies (grantee_id);
CREATE INDEX proxies_grantor ON proxies (grantor_id);
