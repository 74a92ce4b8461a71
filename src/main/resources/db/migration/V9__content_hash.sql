-- A digest of each item's content (every stored field but the key, in model order), so that an
-- import compares one value per row and sends full rows only for the items that changed. Freight
-- computes it (dev.freight.library.ContentHash) for the rows an import writes, and keeps it with
-- their diff entries; the items already in the library are digested here the same way: each value
-- as its length in characters, ':', then its text, so that no two different contents give the same
-- input (ContentHashTest checks that both agree).
ALTER TABLE standard ADD COLUMN content_hash uuid;
UPDATE standard SET content_hash = md5(
  length(title)::text || ':' || title
  || length(text)::text || ':' || text
  || length(problem)::text || ':' || problem
  || length(priority::text)::text || ':' || priority::text
  || length(phase)::text || ':' || phase
  || length(active::text)::text || ':' || active::text
  || length(match_conditions)::text || ':' || match_conditions
  || length(tags)::text || ':' || tags)::uuid;
ALTER TABLE standard ALTER COLUMN content_hash SET NOT NULL;
-- The comparison reads the digest from the key's index alone, without visiting the table.
ALTER TABLE standard DROP CONSTRAINT standard_pkey, ADD PRIMARY KEY (id) INCLUDE (content_hash);
-- The digest of an added or updated item's new content, for the apply to write with it.
ALTER TABLE import_diffs ADD COLUMN content_hash uuid;
