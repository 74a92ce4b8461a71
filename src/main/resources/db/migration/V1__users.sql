CREATE TABLE users (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  first_name text NOT NULL DEFAULT '' CHECK (length(first_name) <= 150),
  last_name text NOT NULL DEFAULT '' CHECK (length(last_name) <= 150),
  is_superuser boolean NOT NULL DEFAULT false,
  is_active boolean NOT NULL DEFAULT true,
  created timestamptz NOT NULL DEFAULT now()
);
-- E-mail addresses are unique whatever their case.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- One token per user; only its SHA-256 is kept, so a database leak reveals no usable token.
CREATE TABLE tokens (
  user_id integer PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  key_hash bytea NOT NULL UNIQUE,
  created timestamptz NOT NULL DEFAULT now()
);
