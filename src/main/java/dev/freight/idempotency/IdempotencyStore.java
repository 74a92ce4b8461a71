package dev.freight.idempotency;

import dev.freight.db.Database;
import dev.freight.idempotency.IdempotencyRequests.Answer;
import dev.freight.idempotency.IdempotencyRequests.Claimed;
import dev.freight.idempotency.IdempotencyRequests.Key;
import dev.freight.idempotency.IdempotencyRequests.State;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.Tuple;

/** The table {@code idempotency_keys}: one row per user and key, see V15. */
final class IdempotencyStore {
  /**
   * A request in progress this long is taken for abandoned (its node died before it answered), so
   * its key can be claimed again: longer than a 1 GiB upload and its create take.
   */
  static final int ABANDONED_MINUTES = 60;

  /**
   * Inserts the in-progress row, or takes over a row that is past retention or abandoned: the row
   * the statement returns makes this request the key's. PostgreSQL decides between racing requests,
   * whichever nodes they reached.
   */
  private static final String CLAIM =
      """
      INSERT INTO idempotency_keys (user_id, key) VALUES ($1, $2)
      ON CONFLICT (user_id, key) DO UPDATE
        SET created = now(), fingerprint = NULL, status = NULL, body = NULL
        WHERE idempotency_keys.created <= now() - make_interval(hours => $3)
           OR (idempotency_keys.status IS NULL
               AND idempotency_keys.created <= now() - make_interval(mins => $4))
      RETURNING 1""";

  private static final String HELD =
      "SELECT fingerprint, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2";

  private static final String RECORD =
      """
      UPDATE idempotency_keys SET fingerprint = $3, status = $4, body = $5
      WHERE user_id = $1 AND key = $2 AND status IS NULL""";

  private static final String RELEASE =
      "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL";

  private final Pool pool;
  private final long retentionHours;

  IdempotencyStore(Pool pool, long retentionHours) {
    this.pool = pool;
    this.retentionHours = retentionHours;
  }

  Future<Claimed> claim(Key key) {
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.of(key.userId(), key.key(), (int) retentionHours, ABANDONED_MINUTES))
        .compose(
            claimed ->
                claimed.rowCount() > 0
                    ? Future.succeededFuture(new Claimed(State.CLAIMED, null, null, null))
                    : held(key));
  }

  /**
   * The row another request holds. Gone meanwhile (released by a failed create) is taken as in
   * progress: the client's retry, answered 409, claims it then.
   */
  private Future<Claimed> held(Key key) {
    return pool.preparedQuery(HELD)
        .execute(Tuple.of(key.userId(), key.key()))
        .map(
            rows -> {
              RowIterator<Row> found = rows.iterator();
              Row row = found.hasNext() ? found.next() : null;
              return row == null || row.getInteger("status") == null
                  ? new Claimed(State.IN_PROGRESS, null, null, null)
                  : new Claimed(
                      State.ANSWERED,
                      row.getString("fingerprint"),
                      row.getInteger("status"),
                      row.getString("body"));
            });
  }

  Future<Void> record(Answer answer) {
    return pool.preparedQuery(RECORD)
        .execute(
            Tuple.of(
                answer.key().userId(),
                answer.key().key(),
                answer.fingerprint(),
                answer.status(),
                answer.body()))
        .mapEmpty();
  }

  Future<Void> release(Key key) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(key.userId(), key.key())).mapEmpty();
  }

  /**
   * Deletes keys past retention (a claim ignores them already, so this only keeps the table small);
   * one node at a time, the others find the lock taken and skip their turn.
   */
  Future<Integer> purge() {
    return Database.onOneNode(
        pool,
        "freight.idempotency-purge",
        conn ->
            conn.preparedQuery(
                    "DELETE FROM idempotency_keys"
                        + " WHERE created <= now() - make_interval(hours => $1)")
                .execute(Tuple.of((int) retentionHours))
                .map(deleted -> deleted.rowCount()));
  }
}
