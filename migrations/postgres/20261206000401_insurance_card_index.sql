-- Issue 21/17: an import without person ids (UKE receipts, cards only) matches each person by
-- card: insurer number and 被保険者番号. Without an index that lookup read every insurance row,
-- once per person of the file — quadratic (a 10 MB receipt file of ~20,000 people: ~70 s).
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';
-- why: `karte migrate` runs before the server listens, so no request waits behind this lock;
-- CONCURRENTLY cannot run in the transaction sqlx wraps a migration in (nor beside the SETs).
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX insurances_card ON insurances (insurer_number, number);
