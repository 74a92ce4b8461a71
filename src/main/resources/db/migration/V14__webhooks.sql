-- Webhook subscriptions and their outbox. A job's status change writes its event and one delivery
-- per subscription that wants it in the same transaction, through the trigger below: whatever moves
-- a job (jobs/JobTable), a committed change cannot lose its event, and the job tables know nothing
-- of webhooks.
CREATE TABLE webhooks (
  id bigserial PRIMARY KEY,
  url text NOT NULL,
  events text[] NOT NULL,
  description text NOT NULL DEFAULT '',
  active boolean NOT NULL DEFAULT true,
  -- Kept as is: it must be read back to sign each delivery.
  secret text NOT NULL,
  created timestamptz NOT NULL DEFAULT now(),
  modified timestamptz NOT NULL DEFAULT now()
);

-- Which (job table, status) is which event.
CREATE TABLE webhook_event_types (
  type text PRIMARY KEY,
  kind text NOT NULL,
  status text NOT NULL,
  UNIQUE (kind, status)
);
INSERT INTO webhook_event_types (type, kind, status) VALUES
  ('import.ready_for_review', 'import_jobs', 'ready_for_review'),
  ('import.success', 'import_jobs', 'success'),
  ('import.fail', 'import_jobs', 'fail'),
  ('import.cancel', 'import_jobs', 'cancel'),
  ('library_export.success', 'export_jobs', 'success'),
  ('library_export.fail', 'export_jobs', 'fail'),
  ('export.completed', 'exports', 'completed'),
  ('export.failed', 'exports', 'failed');

-- data: the job as its GET answered just after the change; filled after the commit (by the node
-- that moved it, or by the first deliverer that finds it empty).
CREATE TABLE webhook_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  type text NOT NULL REFERENCES webhook_event_types,
  kind text NOT NULL,
  job_id text NOT NULL,
  created timestamptz NOT NULL DEFAULT clock_timestamp(),
  data jsonb
);
CREATE INDEX webhook_events_unfilled ON webhook_events (kind, job_id) WHERE data IS NULL;

-- One event to one subscription. A pending delivery is due at next_attempt; a deliverer claims it
-- by raising attempts and pushing next_attempt past its send timeout, so a node that dies while
-- sending leaves it to another. Retries go on until retry_from plus the retry window.
CREATE TABLE webhook_deliveries (
  id bigserial PRIMARY KEY,
  webhook_id bigint NOT NULL REFERENCES webhooks ON DELETE CASCADE,
  event_id uuid NOT NULL REFERENCES webhook_events ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt timestamptz DEFAULT clock_timestamp(),
  retry_from timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_of ON webhook_deliveries (webhook_id, id);

CREATE TABLE webhook_attempts (
  delivery_id bigint NOT NULL REFERENCES webhook_deliveries ON DELETE CASCADE,
  attempt integer NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  status_code integer,
  error text,
  duration_ms integer NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);

CREATE FUNCTION webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event webhook_events;
BEGIN
  INSERT INTO webhook_events (type, kind, job_id)
    SELECT t.type, TG_TABLE_NAME, NEW.id::text FROM webhook_event_types t
    WHERE t.kind = TG_TABLE_NAME AND t.status = NEW.status
      AND EXISTS (SELECT 1 FROM webhooks w WHERE w.active AND t.type = ANY (w.events))
    RETURNING * INTO event;
  IF FOUND THEN
    INSERT INTO webhook_deliveries (webhook_id, event_id)
      SELECT w.id, event.id FROM webhooks w WHERE w.active AND event.type = ANY (w.events);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER webhook_outbox AFTER UPDATE OF status ON import_jobs
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION webhook_outbox();
CREATE TRIGGER webhook_outbox AFTER UPDATE OF status ON export_jobs
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION webhook_outbox();
CREATE TRIGGER webhook_outbox AFTER UPDATE OF status ON exports
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION webhook_outbox();
