-- What an import's create asked for beyond its files (null: nothing, today's behaviour), and the
-- columns its files had that matched no field and were ignored, as asked (null: none ignored).
ALTER TABLE import_jobs ADD COLUMN options jsonb, ADD COLUMN ignored_columns jsonb;
-- Rows left out of a diff under skip_invalid (null: the job did not ask to skip any).
ALTER TABLE import_diff_counts ADD COLUMN skipped bigint;
-- Why a diff entry is there when the file's row alone does not say: 'absent' for a sync's delete of
-- an item the file does not name.
ALTER TABLE import_diffs ADD COLUMN reason text;

-- The rows of a job's files that had problems, for the errors file: each row's cells as the file
-- gave them (a JSON object, column → value) and its problems as one text.
CREATE TABLE import_bad_rows (
  job_id integer NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
  content_model text NOT NULL,
  entry bigint NOT NULL,
  cells json NOT NULL,
  errors text NOT NULL,
  PRIMARY KEY (job_id, content_model, entry)
);
-- The columns of each file with bad rows, in the file's order (for JSON and YAML: as first seen).
CREATE TABLE import_bad_columns (
  job_id integer NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
  content_model text NOT NULL,
  file_name text NOT NULL,
  columns text[] NOT NULL,
  PRIMARY KEY (job_id, content_model)
);
