package dev.freight.jobs;

import dev.freight.db.Ordering;
import dev.freight.db.Paging;
import dev.freight.db.SharedReads;
import dev.freight.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.function.Function;

/**
 * How the API lists the jobs of one table: pages of {@code select} (its job table as {@code j}), in
 * the statuses a {@link JobListQuery} asks for, in its ordering.
 *
 * @param table the job table, counted as {@code j}
 * @param select the jobs as {@code toJson} reads them, without WHERE
 */
public record JobList<S extends Enum<S> & JobStatus>(
    StateMachine<S> machine,
    String table,
    String select,
    Ordering ordering,
    Function<Row, JsonObject> toJson) {

  /**
   * The page {@code query} asks for, of the jobs {@code visible} lets the caller see; the same page
   * asked meanwhile shares the read.
   */
  public Future<JsonObject> page(
      SharedReads<JsonObject> shared, Pool pool, Sql visible, JobListQuery query) {
    List<S> statuses = query.statuses(machine);
    if (statuses != null) {
      visible.where("j.status = ANY(?)", (Object) StateMachine.wireArray(statuses));
    }
    return Paging.page(
        shared,
        pool,
        Sql.of("SELECT count(*) FROM " + table + " j").append(visible),
        Sql.of(select).append(visible).append(ordering.orderBy(query.ordering())),
        query.window().limit(),
        query.window().offset(),
        toJson);
  }
}
