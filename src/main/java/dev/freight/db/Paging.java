package dev.freight.db;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.function.Function;

/**
 * One page of a query: {@code {"count": total, "results": [...]}}. The HTTP layer adds the links.
 * Build both statements from the same filter, e.g. {@code Sql.of("SELECT count(*) FROM t")
 * .append(filter)} and {@code Sql.of("SELECT * FROM t").append(filter).append(" ORDER BY id")}; the
 * page statement gets its LIMIT and OFFSET here.
 */
public final class Paging {
  private Paging() {}

  public static Future<JsonObject> page(
      Pool pool, Sql count, Sql select, int limit, long offset, Function<Row, JsonObject> toJson) {
    // Both on one connection and sent together (pipelined): a busy pool is queued for once, and the
    // two statements cost one round trip.
    return pool.withConnection(
        connection -> {
          Future<Long> total = count(connection, count);
          Future<JsonArray> results = results(connection, select, limit, offset, toJson);
          return Future.all(total, results).map(both -> page(total.result(), results.result()));
        });
  }

  /**
   * As {@link #page(Pool, Sql, Sql, int, long, Function)}, shared with whoever asks the same page
   * meanwhile: for the lists clients poll.
   */
  public static Future<JsonObject> page(
      SharedReads<JsonObject> shared,
      Pool pool,
      Sql count,
      Sql select,
      int limit,
      long offset,
      Function<Row, JsonObject> toJson) {
    return shared.read(
        select.key(count.key(), limit, offset),
        () -> page(pool, count, select, limit, offset, toJson));
  }

  /**
   * A page whose list's size is known otherwise (kept from before, say): past its end, the page is
   * not read.
   */
  public static Future<JsonObject> page(
      SqlClient client,
      Future<Long> count,
      Sql select,
      int limit,
      long offset,
      Function<Row, JsonObject> toJson) {
    return count.compose(
        total ->
            offset >= total
                ? Future.succeededFuture(page(total, new JsonArray()))
                : results(client, select, limit, offset, toJson).map(items -> page(total, items)));
  }

  /** The one number a {@code SELECT count(*) ...} answers. */
  public static Future<Long> count(SqlClient client, Sql count) {
    return client
        .preparedQuery(count.text())
        .execute(count.tuple())
        .map(counted -> counted.iterator().next().getLong(0));
  }

  private static Future<JsonArray> results(
      SqlClient client, Sql select, int limit, long offset, Function<Row, JsonObject> toJson) {
    Sql page = new Sql().append(select).append(" LIMIT ? OFFSET ?", limit, offset);
    return client
        .preparedQuery(page.text())
        .execute(page.tuple())
        .map(
            rows -> {
              JsonArray results = new JsonArray();
              rows.forEach(row -> results.add(toJson.apply(row)));
              return results;
            });
  }

  private static JsonObject page(long total, JsonArray results) {
    return new JsonObject().put("count", total).put("results", results);
  }
}
