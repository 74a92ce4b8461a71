-- V18's trigram index on standard.id also answers equality (pg_trgm's `=`), and the planner took it
-- to join a batch of ids with the library (the diff's custom plans, the apply): each lookup then
-- decoded the posting lists of trigrams that nearly every id shares ("S00", "000"), up to minutes
-- for one 5,000-row batch of a 1M library under load. Indexed as lower(id), it serves only the
-- search, which asks lower(id) ILIKE ...; joins and lookups by id keep to the primary key.
DROP INDEX standard_id_trgm;
CREATE INDEX standard_id_lower_trgm ON standard USING gin (lower(id) gin_trgm_ops);
