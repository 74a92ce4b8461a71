package dev.freight.webhooks;

import dev.freight.db.Database;
import dev.freight.db.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The deliverer's side of the outbox: claiming due deliveries, filling events' data, recording
 * attempts. The events and deliveries themselves are written by the job tables' trigger (V14).
 */
final class Outbox {
  /**
   * A claim holds a delivery this long: longer than a send may take (DNS, 10 s of HTTP), so only a
   * node that died while sending leaves it due again, to be retried elsewhere.
   */
  static final int CLAIM_SECONDS = 60;

  // FOR UPDATE SKIP LOCKED: nodes claiming at once each take other deliveries.
  private static final String CLAIM =
      "WITH due AS (SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id"
          + " WHERE d.status = 'pending' AND d.next_attempt <= clock_timestamp() AND w.active"
          + " ORDER BY d.next_attempt LIMIT $1 FOR UPDATE OF d SKIP LOCKED)"
          + " UPDATE webhook_deliveries d SET attempts = d.attempts + 1,"
          + " next_attempt = clock_timestamp() + make_interval(secs => $2)"
          + " FROM due, webhooks w, webhook_events e"
          + " WHERE d.id = due.id AND w.id = d.webhook_id AND e.id = d.event_id"
          + " RETURNING d.id, d.attempts, w.url, w.secret, e.id AS event_id, e.type, e.kind,"
          + " e.job_id, e.created, e.data";
  private static final String EVENT_STATUSES = "SELECT kind, status FROM webhook_event_types";
  private static final String UNFILLED =
      "SELECT 1 FROM webhook_events WHERE kind = $1 AND job_id = $2 AND data IS NULL LIMIT 1";
  private static final String FILL_JOB =
      "UPDATE webhook_events SET data = $3 WHERE kind = $1 AND job_id = $2 AND data IS NULL";
  private static final String FILL_EVENT =
      "UPDATE webhook_events SET data = COALESCE(data, $2) WHERE id = $1 RETURNING data";

  /**
   * The attempt, and what follows: done on a 2xx; failed once the retry window is over; else due
   * again after {@code $7} seconds. Only while the claim is still this one ({@code attempts}).
   */
  private static final String RECORD =
      "WITH attempt AS (INSERT INTO webhook_attempts"
          + " (delivery_id, attempt, status_code, error, duration_ms)"
          + " SELECT id, $2, $3, $4, $5 FROM webhook_deliveries WHERE id = $1),"
          + " outcome AS (SELECT CASE WHEN $6 THEN 'succeeded'"
          + " WHEN clock_timestamp() >= retry_from + make_interval(hours => $8) THEN 'failed'"
          + " ELSE 'pending' END AS status FROM webhook_deliveries WHERE id = $1)"
          + " UPDATE webhook_deliveries d SET status = outcome.status,"
          + " next_attempt = CASE WHEN outcome.status = 'pending'"
          + " THEN clock_timestamp() + make_interval(secs => $7) END"
          + " FROM outcome WHERE d.id = $1 AND d.attempts = $2 AND d.status = 'pending'"
          + " RETURNING d.status";

  private static final int PURGE_BATCH = 1_000;

  /**
   * The oldest events past retention with no pending delivery: their ended deliveries go (a
   * delivery made pending again meanwhile, by a redeliver, is re-checked and stays).
   */
  private static final String PURGE_DELIVERIES =
      """
      WITH due AS (
        SELECT e.id FROM webhook_events e
        WHERE e.created <= now() - make_interval(days => $1)
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                          WHERE d.event_id = e.id AND d.status = 'pending')
        ORDER BY e.created LIMIT %d),
      ended AS (DELETE FROM webhook_deliveries d USING due
                WHERE d.event_id = due.id AND d.status <> 'pending')
      SELECT coalesce(array_agg(id), '{}') FROM due"""
          .formatted(PURGE_BATCH);

  /** Then those events that have no delivery left, their attempts with them. */
  private static final String PURGE_EVENTS =
      "DELETE FROM webhook_events e WHERE e.id = ANY($1)"
          + " AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)";

  private final Pool pool;
  private final int retryHours;

  Outbox(Pool pool, long retryHours) {
    this.pool = pool;
    this.retryHours = (int) retryHours;
  }

  /** A claimed delivery, with what it takes to send it; {@code data} is null until filled. */
  record Due(
      long id,
      int attempt,
      String url,
      String secret,
      String eventId,
      String type,
      String kind,
      String jobId,
      String created,
      JsonObject data) {}

  Future<List<Due>> claim(int limit) {
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.of(limit, (double) CLAIM_SECONDS))
        .map(
            rows -> {
              List<Due> due = new ArrayList<>();
              for (Row row : rows) {
                due.add(
                    new Due(
                        row.getLong("id"),
                        row.getInteger("attempts"),
                        row.getString("url"),
                        row.getString("secret"),
                        row.getUUID("event_id").toString(),
                        row.getString("type"),
                        row.getString("kind"),
                        row.getString("job_id"),
                        Timestamps.format(row.getOffsetDateTime("created")),
                        (JsonObject) row.getValue("data")));
              }
              return due;
            });
  }

  /**
   * Hands claimed deliveries that were not sent back (their node is stopping): due again at once,
   * for any node, their claim's attempt not counted. Only those still claimed by that claim.
   */
  Future<Void> release(List<Due> unsent) {
    if (unsent.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(
            "UPDATE webhook_deliveries d SET attempts = d.attempts - 1,"
                + " next_attempt = clock_timestamp()"
                + " FROM unnest($1::bigint[], $2::int[]) AS c(id, attempt)"
                + " WHERE d.id = c.id AND d.attempts = c.attempt AND d.status = 'pending'")
        .execute(
            Tuple.of(
                unsent.stream().map(Due::id).toArray(Long[]::new),
                unsent.stream().map(Due::attempt).toArray(Integer[]::new)))
        .mapEmpty();
  }

  /** The job statuses that are events, as "kind/status" (import_jobs/success, ...). */
  Future<Set<String>> eventStatuses() {
    return pool.query(EVENT_STATUSES)
        .execute()
        .map(
            rows -> {
              Set<String> statuses = new HashSet<>();
              rows.forEach(row -> statuses.add(row.getString(0) + "/" + row.getString(1)));
              return statuses;
            });
  }

  /** Whether the job has events whose data is not filled yet. */
  Future<Boolean> hasUnfilled(String kind, String jobId) {
    return pool.preparedQuery(UNFILLED).execute(Tuple.of(kind, jobId)).map(rows -> rows.size() > 0);
  }

  /** Fills the job's unfilled events with {@code data}. */
  Future<Void> fill(String kind, String jobId, JsonObject data) {
    return pool.preparedQuery(FILL_JOB).execute(Tuple.of(kind, jobId, data)).mapEmpty();
  }

  /** Fills the event unless it already was; completes with the data it holds. */
  Future<JsonObject> fill(String eventId, JsonObject data) {
    return pool.preparedQuery(FILL_EVENT)
        .execute(Tuple.of(UUID.fromString(eventId), data))
        .map(rows -> (JsonObject) rows.iterator().next().getValue(0));
  }

  /**
   * Records the attempt; completes with the delivery's status after it ({@code succeeded}, {@code
   * pending} for a retry, or {@code failed}), or null when the claim was no longer this one.
   *
   * @param statusCode the answer's status, or null when none came
   * @param error why the attempt failed, or null on a 2xx
   * @param retryInSeconds when to try again if the retry window is not over
   */
  Future<String> record(
      Due due, Integer statusCode, String error, long durationMs, double retryInSeconds) {
    return pool.preparedQuery(RECORD)
        .execute(
            Tuple.from(
                Arrays.asList(
                    due.id(),
                    due.attempt(),
                    statusCode,
                    error,
                    (int) durationMs,
                    error == null,
                    retryInSeconds,
                    retryHours)))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /**
   * Deletes the events older than {@code retentionDays} whose deliveries all ended, with their
   * deliveries and attempts, {@value #PURGE_BATCH} events a transaction until none is left; one
   * node at a time. Completes with how many events it deleted.
   */
  Future<Integer> purge(long retentionDays) {
    return Database.onOneNode(
            pool,
            "freight.webhook-purge",
            conn ->
                conn.preparedQuery(PURGE_DELIVERIES)
                    .execute(Tuple.of((int) retentionDays))
                    .compose(
                        due ->
                            conn.preparedQuery(PURGE_EVENTS)
                                .execute(Tuple.of(due.iterator().next().getValue(0))))
                    .map(deleted -> deleted.rowCount()))
        .compose(
            deleted ->
                deleted < PURGE_BATCH
                    ? Future.succeededFuture(deleted)
                    : purge(retentionDays).map(more -> deleted + more));
  }
}
