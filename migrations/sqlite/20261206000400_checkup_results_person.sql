-- Issue 22: a checkup's results carry their person, as on PostgreSQL (where the tables are
-- partitioned by person and the results are read by person alone).
ALTER TABLE checkup_results ADD COLUMN person_id TEXT NOT NULL DEFAULT '';
UPDATE checkup_results SET person_id = (SELECT c.person_id FROM checkups c WHERE c.id = checkup_results.checkup_id);
CREATE INDEX checkup_results_person ON checkup_results (person_id, checkup_id, position);
