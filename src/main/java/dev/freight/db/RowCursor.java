package dev.freight.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;

/**
 * The rows of one query, read a chunk at a time through a cursor: for streams of any size. Holds a
 * connection of its own, in a transaction (a cursor lives in one), until closed.
 */
public final class RowCursor {
  private final SqlConnection conn;
  private final Transaction tx;
  private final Cursor cursor;

  private RowCursor(SqlConnection conn, Transaction tx, Cursor cursor) {
    this.conn = conn;
    this.tx = tx;
    this.cursor = cursor;
  }

  public static Future<RowCursor> open(Pool pool, String sql, Tuple params) {
    return pool.getConnection()
        .compose(
            conn ->
                conn.begin()
                    .compose(
                        tx ->
                            conn.prepare(sql)
                                .map(
                                    statement -> new RowCursor(conn, tx, statement.cursor(params))))
                    .onFailure(failed -> conn.close()));
  }

  public Future<RowSet<Row>> read(int rows) {
    return cursor.read(rows);
  }

  public boolean hasMore() {
    return cursor.hasMore();
  }

  /** Ends the read: the cursor, its transaction, and the connection back to its pool. */
  public Future<Void> close() {
    return cursor.close().transform(x -> tx.commit()).transform(x -> conn.close());
  }
}
