CREATE TABLE import_jobs (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN
    ('pending', 'generating_diff', 'ready_for_review', 'applying_changes', 'success', 'fail', 'cancel')),
  file_format text NOT NULL,
  triggered timestamptz NOT NULL DEFAULT now(),
  triggered_by integer NOT NULL REFERENCES users (id),
  accepted timestamptz,
  accepted_by integer REFERENCES users (id),
  completed timestamptz,
  errors jsonb,
  rows_read bigint NOT NULL DEFAULT 0,
  bytes_read bigint NOT NULL DEFAULT 0,
  bytes_total bigint NOT NULL DEFAULT 0
);
-- At most one active import, whatever the number of servers.
CREATE UNIQUE INDEX import_jobs_one_active ON import_jobs ((true))
  WHERE status IN ('pending', 'generating_diff', 'ready_for_review', 'applying_changes');
CREATE INDEX import_jobs_status ON import_jobs (status);

-- The uploaded files of a job, one per content model.
CREATE TABLE import_files (
  job_id integer NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
  content_model text NOT NULL,
  file_id bigint NOT NULL REFERENCES stored_files (id),
  PRIMARY KEY (job_id, content_model)
);

-- The reviewed diff: one row per added, updated or deleted item. json, not jsonb, keeps the
-- fields in model order. op: 1 add, 2 update, 3 delete
-- (the order the API lists them in).
CREATE TABLE import_diffs (
  job_id integer NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
  content_model text NOT NULL,
  op smallint NOT NULL CHECK (op BETWEEN 1 AND 3),
  entry bigint NOT NULL,
  original json NOT NULL,
  new json NOT NULL,
  changed_fields text[],
  PRIMARY KEY (job_id, content_model, op, entry)
);
CREATE INDEX import_diffs_by_entry ON import_diffs (job_id, content_model, entry);

CREATE TABLE import_diff_counts (
  job_id integer NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
  content_model text NOT NULL,
  added bigint NOT NULL,
  updated bigint NOT NULL,
  deleted bigint NOT NULL,
  unchanged bigint NOT NULL,
  PRIMARY KEY (job_id, content_model)
);
