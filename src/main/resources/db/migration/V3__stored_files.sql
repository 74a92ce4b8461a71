-- Files users give us and files we produce, kept in PostgreSQL so that any instance can read them
-- and nothing is lost with a local disk. Content is split in chunks so it streams both ways.
CREATE TABLE stored_files (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  size bigint NOT NULL DEFAULT 0,
  created timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE stored_file_chunks (
  file_id bigint NOT NULL REFERENCES stored_files (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (file_id, seq)
);
