-- The review's filter by item id (DiffReader.page: coalesce(new[1], original[1]) = ?, the item's
-- id being the first value of a state) scanned the job's whole diff: 3-4.5 s at a million entries.
-- An index on that very expression makes it a lookup. Every diff entry writes it, so it is kept
-- narrow: without content_model (the few entries of one id are then filtered by model), which
-- stores a diff faster than the wider index would (BENCHMARKS.md, "Web console").
CREATE INDEX import_diffs_by_item_id ON import_diffs (job_id, (coalesce(new[1], original[1])));
