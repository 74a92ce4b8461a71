-- Which run holds a job: each claim raises the token, and a run's own moves of its job check it,
-- so a run that lost its job (a newer run claimed it) changes nothing.
ALTER TABLE import_jobs ADD COLUMN run_token bigint NOT NULL DEFAULT 0;
ALTER TABLE export_jobs ADD COLUMN run_token bigint NOT NULL DEFAULT 0;
ALTER TABLE exports ADD COLUMN run_token bigint NOT NULL DEFAULT 0;
