-- A digest of each item's content (every stored field but the key, in model order), so that an
-- import compares one value per row and sends full rows only for the items that changed. Each value
-- is its length in characters, ':', then its text: no two different contents give the same input.
-- dev.freight.library.ContentHash computes the same digest in Java (ContentHashTest checks both).
ALTER TABLE standard ADD COLUMN content_hash uuid NOT NULL GENERATED ALWAYS AS (md5(
  length(title)::text || ':' || title
  || length(text)::text || ':' || text
  || length(problem)::text || ':' || problem
  || length(priority::text)::text || ':' || priority::text
  || length(phase)::text || ':' || phase
  || length(active::text)::text || ':' || active::text
  || length(match_conditions)::text || ':' || match_conditions
  || length(tags)::text || ':' || tags)::uuid) STORED;
-- The comparison reads the digest from the key's index alone, without visiting the table.
ALTER TABLE standard DROP CONSTRAINT standard_pkey, ADD PRIMARY KEY (id) INCLUDE (content_hash);
