-- Accepting part of a diff: the entries a reviewer left out (by operation or by entry) are marked,
-- and the apply skips them. A revert's entries that meet an item changed since it was imported are
-- conflicts (left out unless the revert was asked to include them). Constant defaults: no rewrite.
ALTER TABLE import_diffs
  ADD COLUMN excluded boolean NOT NULL DEFAULT false,
  ADD COLUMN conflict boolean NOT NULL DEFAULT false;
-- What an apply changed, per content model and operation; and, for a revert, the job it reverts
-- and whether its conflicts are applied too (a retry computes its diff again with them).
ALTER TABLE import_jobs
  ADD COLUMN applied jsonb,
  ADD COLUMN reverts integer REFERENCES import_jobs (id) ON DELETE SET NULL,
  ADD COLUMN include_conflicts boolean NOT NULL DEFAULT false;
