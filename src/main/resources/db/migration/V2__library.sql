-- Content model `standard` (see dev.freight.library.ContentModels). mark_delete is an import
-- instruction, not a column.
CREATE TABLE standard (
  id text PRIMARY KEY,
  title text NOT NULL,
  text text NOT NULL DEFAULT '',
  problem text NOT NULL DEFAULT '',
  priority integer NOT NULL,
  phase text NOT NULL DEFAULT '',
  active boolean NOT NULL,
  match_conditions text NOT NULL DEFAULT '',
  tags text NOT NULL DEFAULT ''
);
