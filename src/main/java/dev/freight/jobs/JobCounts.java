package dev.freight.jobs;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** How many jobs of each kind are in each status, read from the job tables themselves. */
public final class JobCounts {
  private JobCounts() {}

  /** One count of jobs. */
  public record Count(String kind, String status, long jobs) {}

  /**
   * @param tables the job tables (a job's kind is its table's name)
   */
  public static Future<List<Count>> read(Pool pool, List<String> tables) {
    String sql =
        tables.stream()
            .map(
                table ->
                    "SELECT '" + table + "', status, count(*) FROM " + table + " GROUP BY status")
            .collect(Collectors.joining(" UNION ALL "));
    return pool.query(sql)
        .execute()
        .map(
            rows -> {
              List<Count> counts = new ArrayList<>();
              for (Row row : rows) {
                counts.add(new Count(row.getString(0), row.getString(1), row.getLong(2)));
              }
              return counts;
            });
  }
}
