-- Sign-in: accounts are OIDC identities (issuer, subject), linked to a person by an explicit,
-- audited step. Sessions live here so several servers share them; only a hash of the cookie
-- value is stored. The audit log is insert-only.

CREATE TABLE accounts (
    id          TEXT PRIMARY KEY,
    issuer      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    person_id   TEXT REFERENCES people (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    linked_at   TIMESTAMPTZ,
    UNIQUE (issuer, subject)
);
CREATE UNIQUE INDEX accounts_person ON accounts (person_id) WHERE person_id IS NOT NULL;

CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    viewing_id    TEXT REFERENCES people (id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE login_states (
    state_hash   TEXT PRIMARY KEY,
    nonce        TEXT NOT NULL,
    pkce         TEXT NOT NULL,
    return_to    TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE audit_log (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL,
    action         TEXT NOT NULL,
    actor_person   TEXT,
    actor_account  TEXT,
    actor_client   TEXT,
    subject_person TEXT,
    detail         TEXT NOT NULL DEFAULT '',
    request_id     TEXT
);
CREATE INDEX audit_log_subject ON audit_log (subject_person, at);

CREATE FUNCTION audit_log_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is insert-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_insert_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_insert_only();

CREATE TABLE access_reports (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    audit_id    BIGINT NOT NULL REFERENCES audit_log (id),
    person_id   TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    reported_at TIMESTAMPTZ NOT NULL,
    UNIQUE (audit_id, person_id)
);

CREATE INDEX proxies_grantee ON proxies (grantee_id);
CREATE INDEX proxies_grantor ON proxies (grantor_id);
