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
    // Both on one connection: a busy pool is queued for once, not once for each statement.
    return pool.withConnection(
        connection -> page(connection, count(connection, count), select, limit, offset, toJson));
  }

  /** A page whose list's size is known otherwise (kept from before, say). */
  public static Future<JsonObject> page(
      SqlClient client,
      Future<Long> count,
      Sql select,
      int limit,
      long offset,
      Function<Row, JsonObject> toJson) {
    Sql page = new Sql().append(select).append(" LIMIT ? OFFSET ?", limit, offset);
    return count.compose(
        total -> {
          if (offset >= total) {
            return Future.succeededFuture(
                new JsonObject().put("count", total).put("results", new JsonArray()));
          }
          return client
              .preparedQuery(page.text())
              .execute(page.tuple())
              .map(
                  rows -> {
                    JsonArray results = new JsonArray();
                    rows.forEach(row -> results.add(toJson.apply(row)));
                    return new JsonObject().put("count", total).put("results", results);
                  });
        });
  }

  /** The one number a {@code SELECT count(*) ...} answers. */
  public static Future<Long> count(SqlClient client, Sql count) {
    return client
        .preparedQuery(count.text())
        .execute(count.tuple())
        .map(counted -> counted.iterator().next().getLong(0));
  }
}
