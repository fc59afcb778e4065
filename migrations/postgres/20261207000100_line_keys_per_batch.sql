-- Issue 21/17: a drug or expense line's person and batch are checked once per batch, not once per
-- line. The foreign keys fired a trigger per stored line that looked the person up and locked
-- their row (FOR KEY SHARE), and looked the batch up: a 10 MB receipt file's 100,000 lines
-- spent 1.9 of their 2.8 s in those checks (idle machine, bench/results.md). What they
-- guaranteed still holds, and is tested (import_store::import_leaves_no_dangling_keys,
-- leave.rs):
-- - only an import writes lines; it writes the batch row first, in the same transaction, and
--   before it commits locks every person whose lines it wrote (FOR KEY SHARE, the lock the
--   trigger took) and refuses the whole batch if one is missing (records::import, people_present);
-- - leaving deletes each table by name and first locks the person's row (FOR UPDATE), so an
--   import in flight either commits before it (and its lines are deleted with the rest) or
--   fails after it;
-- - import batches are never deleted but by their owner, after the owner's lines of it.
-- Checkups (a handful per person) keep theirs.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';
-- why: the guarantee moves to the import's once-per-batch check (above); no client writes lines.
-- squawk-ignore ban-drop-constraint
ALTER TABLE drug_lines DROP CONSTRAINT drug_lines_by_person_person_id_fkey;
-- why: the guarantee moves to the import's once-per-batch check (above); no client writes lines.
-- squawk-ignore ban-drop-constraint
ALTER TABLE drug_lines DROP CONSTRAINT drug_lines_by_person_batch_id_fkey;
-- why: the guarantee moves to the import's once-per-batch check (above); no client writes lines.
-- squawk-ignore ban-drop-constraint
ALTER TABLE expense_lines DROP CONSTRAINT expense_lines_by_person_person_id_fkey;
-- why: the guarantee moves to the import's once-per-batch check (above); no client writes lines.
-- squawk-ignore ban-drop-constraint
ALTER TABLE expense_lines DROP CONSTRAINT expense_lines_by_person_batch_id_fkey;
