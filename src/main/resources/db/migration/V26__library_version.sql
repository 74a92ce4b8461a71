-- The library's version: one more with every statement that changes a content model's table, in
-- that statement's transaction. A node keeps the pages and counts it read of one version (see
-- library/Kept), and a reader that sees a new version knows that what it kept is old: on every node,
-- at once, and never ahead of the data (a sequence would be: nextval is not rolled back or hidden
-- until commit). A content model's table added later gets the same trigger.
CREATE TABLE library_version (
  version bigint NOT NULL,
  one boolean PRIMARY KEY DEFAULT true CHECK (one)
);
INSERT INTO library_version (version) VALUES (1);

CREATE FUNCTION library_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE library_version SET version = version + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER standard_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON standard
  FOR EACH STATEMENT EXECUTE FUNCTION library_changed();
