package dev.freight.db;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a query: {@code {"count": total, "results": [...]}}. The HTTP layer adds the links.
 * Both statements take the same filter parameters; the page statement gets LIMIT and OFFSET as its
 * two last parameters.
 */
public final class Paging {
  private Paging() {}

  public static Future<JsonObject> page(
      SqlClient client,
      String countSql,
      String pageSql,
      List<Object> filters,
      int limit,
      long offset,
      Function<Row, JsonObject> toJson) {
    Tuple filterParams = Tuple.from(filters);
    List<Object> pageParams = new ArrayList<>(filters);
    pageParams.add(limit);
    pageParams.add(offset);
    return client
        .preparedQuery(countSql)
        .execute(filterParams)
        .compose(
            counted -> {
              long count = counted.iterator().next().getLong(0);
              if (offset >= count) {
                return Future.succeededFuture(
                    new JsonObject().put("count", count).put("results", new JsonArray()));
              }
              return client
                  .preparedQuery(pageSql)
                  .execute(Tuple.from(pageParams))
                  .map(
                      rows -> {
                        JsonArray results = new JsonArray();
                        rows.forEach(row -> results.add(toJson.apply(row)));
                        return new JsonObject().put("count", count).put("results", results);
                      });
            });
  }
}
