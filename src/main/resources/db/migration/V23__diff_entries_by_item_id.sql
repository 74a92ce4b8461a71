-- The review's filter by item id (DiffReader.page: coalesce(new[1], original[1]) = ?, the item's
-- id being the first value of a state) scanned the job's whole diff: 3-4.5 s at a million entries.
-- An index on that very expression makes it a lookup. It is written with every diff entry; its
-- cost on storing a diff is measured in BENCHMARKS.md ("Web console").
CREATE INDEX import_diffs_by_item_id ON import_diffs (job_id, content_model, (coalesce(new[1], original[1])));
