-- Issue 19 part 2: batches a person brought in themselves (/import). `owner_person` is whose
-- records the batch holds when the person (or their proxy) uploaded it; NULL for an
-- insurer's batch (API, CLI, demo), which nobody can remove from the web. `imported_by` is
-- the account that uploaded it. Nullable columns without defaults: no table rewrite.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';
ALTER TABLE import_batches ADD COLUMN owner_person TEXT;
ALTER TABLE import_batches ADD COLUMN imported_by TEXT;
