-- A diff is written in batches of thousands of entries; checking each entry's job against
-- import_jobs cost a sixth of the comparison. Jobs are never deleted, and a job's entries are
-- removed with its diff (retry, cancel, fail), so the reference needs no enforcement.
ALTER TABLE import_diffs DROP CONSTRAINT import_diffs_job_id_fkey;
