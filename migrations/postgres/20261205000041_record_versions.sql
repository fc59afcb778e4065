-- Issue 17: a random token per person, replaced by every import that touches their lines or
-- insurances (in the import's transaction). Readers cache decoded lines and reuse them only
-- while the token is unchanged (server/src/records/line_cache.rs).
CREATE TABLE record_versions (
    person_id  TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    token      BIGINT NOT NULL
);
