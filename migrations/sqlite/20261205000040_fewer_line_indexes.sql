-- Issue 17: every drug and expense line row paid for five index entries on import, two of which
-- no query uses: lines are read by person (person_id, service_month) and replaced by claim
-- (person_id, claim_id); supersession is decided in the domain over a person's lines, never by
-- an index lookup on the receipt key; no query selects lines by batch, and import batches are
-- never deleted (so the foreign key never looks for a batch's lines).
DROP INDEX drug_lines_batch;
DROP INDEX drug_lines_receipt;
DROP INDEX expense_lines_batch;
DROP INDEX expense_lines_receipt;
