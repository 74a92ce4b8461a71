-- Keyset pagination of v1 exports needs an increasing integer key; standards are keyed by text.
-- The import apply inserts by explicit column list, so it never sets this.
ALTER TABLE standard ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE;

-- v1 exports (see dev.freight.exports.v1): what was asked for, and a checkpoint after every part.
CREATE TABLE exports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  action_name text NOT NULL CHECK (length(action_name) <= 255),
  viewset text NOT NULL CHECK (length(viewset) <= 255),
  request_path text NOT NULL,
  request_fields text[] NOT NULL,
  -- The list filters as given in the query string, re-applied to every page.
  request_filters jsonb NOT NULL DEFAULT '{}',
  format_type text NOT NULL CHECK (format_type IN ('csv', 'xls', 'json')),
  language text NOT NULL CHECK (length(language) <= 8),
  filter_file bigint REFERENCES stored_files (id),
  requested_by integer NOT NULL REFERENCES users (id),
  status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'processing', 'completed', 'failed', 'cancelled')),
  total_count bigint NOT NULL DEFAULT 0,
  collected_count bigint NOT NULL DEFAULT 0,
  fail_count bigint NOT NULL DEFAULT 0,
  -- The next page to collect; last_instance_id is the key it starts after.
  page integer NOT NULL DEFAULT 1,
  last_instance_id bigint NOT NULL DEFAULT 0,
  uploaded_parts text[] NOT NULL DEFAULT '{}',
  result_file bigint REFERENCES stored_files (id),
  error_message text,
  created_date timestamptz NOT NULL DEFAULT now(),
  modified_date timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exports_newest ON exports (created_date DESC, id);
CREATE INDEX exports_by_user ON exports (requested_by, created_date DESC);
CREATE INDEX exports_unfinished ON exports (status, created_date) WHERE status IN ('waiting', 'processing');

-- The ids of an export's filter file: only these rows are exported.
CREATE TABLE export_filter_ids (
  export_id uuid NOT NULL REFERENCES exports (id) ON DELETE CASCADE,
  id text NOT NULL,
  PRIMARY KEY (export_id, id)
);

-- The parts written so far; each commits together with the export's checkpoint. Deleting a part's
-- file (once joined, or when the export stops) deletes its row.
CREATE TABLE export_parts (
  export_id uuid NOT NULL REFERENCES exports (id) ON DELETE CASCADE,
  page integer NOT NULL,
  file_id bigint NOT NULL REFERENCES stored_files (id) ON DELETE CASCADE,
  row_count integer NOT NULL,
  PRIMARY KEY (export_id, page)
);
