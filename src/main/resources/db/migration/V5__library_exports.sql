-- v2 library export jobs (see dev.freight.exports). The written file is a stored file; once the
-- retention window has passed it is deleted and `purged` records when.
CREATE TABLE export_jobs (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_progress', 'success', 'fail', 'cancel')),
  type text NOT NULL CHECK (type IN ('full', 'template')),
  file_format text NOT NULL CHECK (file_format IN ('csv', 'json', 'yaml', 'xlsx')),
  content_models text[] NOT NULL,
  triggered timestamptz NOT NULL DEFAULT now(),
  triggered_by integer NOT NULL REFERENCES users (id),
  completed timestamptz,
  errors jsonb,
  rows_written bigint NOT NULL DEFAULT 0,
  rows_total bigint NOT NULL DEFAULT 0,
  file_id bigint REFERENCES stored_files (id),
  purged timestamptz
);
CREATE INDEX export_jobs_status ON export_jobs (status);
CREATE INDEX export_jobs_triggered_by ON export_jobs (triggered_by);
-- The purge looks for completed jobs that still hold a file.
CREATE INDEX export_jobs_files ON export_jobs (completed) WHERE file_id IS NOT NULL;
