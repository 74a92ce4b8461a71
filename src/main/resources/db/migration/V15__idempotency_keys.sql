-- Idempotency-Key on the create endpoints (issue 15): the first answer to a key, kept so that a
-- retry of the same request gets it again instead of a second job. One row per user and key; a row
-- without a status is a request still in progress.
CREATE TABLE idempotency_keys (
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key text NOT NULL,
  created timestamptz NOT NULL DEFAULT now(),
  -- SHA-256 (hex) of the request: method, path, query and body (or form fields and files' SHA-256)
  fingerprint text,
  status integer,
  -- the answer's body exactly as it was sent
  body text,
  PRIMARY KEY (user_id, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created);
