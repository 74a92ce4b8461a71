-- The purge of ended webhook events (webhooks.retention_days): the oldest events first, and each
-- event's deliveries, which the purge checks and deletes, and the delete of an event cascades to.
CREATE INDEX webhook_events_created ON webhook_events (created);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
