-- A running job's lease: the node that runs it, and until when. The node renews it while the job
-- runs; once it has expired, another node may claim the job (its run_token rises, so the old run's
-- moves change nothing).
ALTER TABLE import_jobs ADD COLUMN lease_owner text, ADD COLUMN lease_expires timestamptz;
ALTER TABLE export_jobs ADD COLUMN lease_owner text, ADD COLUMN lease_expires timestamptz;
ALTER TABLE exports ADD COLUMN lease_owner text, ADD COLUMN lease_expires timestamptz;
