package dev.freight.imports;

import dev.freight.jobs.JobRunner;
import dev.freight.jobs.JobTable;
import dev.freight.library.ContentModel;
import dev.freight.library.ContentModels;
import dev.freight.library.Field;
import dev.freight.metrics.RowCounters;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * applying_changes → success: applies the stored diff to the library in one transaction, in slices
 * of entries so that a cancel is noticed between them. The job becomes success in the same
 * transaction, so the library and the job's state can never disagree; a failure or a cancel rolls
 * everything back.
 */
final class ApplyTask {
  static final long SLICE_ENTRIES = 50_000;

  private final Pool pool;
  private final ImportJobs jobs;
  private final RowCounters rows;

  ApplyTask(Pool pool, ImportJobs jobs, RowCounters rows) {
    this.pool = pool;
    this.jobs = jobs;
    this.rows = rows;
  }

  Future<Void> run(long jobId, JobRunner.Run run) {
    AtomicLong changed = new AtomicLong();
    return pool.<Void>withTransaction(
            conn ->
                conn.preparedQuery(
                        "SELECT content_model, (SELECT max(entry) FROM import_diffs d WHERE d.job_id = c.job_id"
                            + " AND d.content_model = c.content_model) FROM import_diff_counts c WHERE job_id = $1"
                            + " ORDER BY content_model")
                    .execute(Tuple.of(jobId))
                    .compose(
                        models -> {
                          Future<Void> chain = Future.succeededFuture();
                          for (Row row : models) {
                            ContentModel model =
                                ContentModels.byName(row.getString(0)).orElseThrow();
                            Long lastEntry = row.getLong(1);
                            if (lastEntry != null) {
                              for (String statement : statements(model)) {
                                chain =
                                    chain.compose(
                                        done ->
                                            slices(
                                                conn, statement, jobId, model, 0, lastEntry, run,
                                                changed));
                              }
                            }
                          }
                          return chain;
                        })
                    .compose(
                        applied ->
                            jobs.move(
                                conn,
                                jobId,
                                ImportStatus.SUCCESS,
                                JobTable.set("completed", JobTable.NOW),
                                run.token()))
                    .compose(
                        succeeded -> {
                          run.checkpoint();
                          return succeeded
                              ? Future.<Void>succeededFuture()
                              : Future.failedFuture(
                                  new IllegalStateException(
                                      "import job " + jobId + " left applying_changes"));
                        }))
        .onSuccess(committed -> rows.applied(changed.get()));
  }

  private static Future<Void> slices(
      SqlConnection conn,
      String statement,
      long jobId,
      ContentModel model,
      long after,
      long last,
      JobRunner.Run run,
      AtomicLong applied) {
    if (after >= last) {
      return Future.succeededFuture();
    }
    run.checkpoint();
    long upTo = after + SLICE_ENTRIES;
    return conn.preparedQuery(statement)
        .execute(Tuple.of(jobId, model.name(), after, upTo))
        .compose(
            done -> {
              applied.addAndGet(done.rowCount());
              return slices(conn, statement, jobId, model, upTo, last, run, applied);
            });
  }

  /**
   * Add, update, delete: each reads its slice of the diff ($1 job, $2 model, entries in ($3, $4]).
   */
  private static List<String> statements(ContentModel model) {
    String table = model.table();
    List<Field> stored = model.storedFields();
    String columns = stored.stream().map(Field::name).collect(Collectors.joining(", "));
    String values =
        stored.stream()
            .map(f -> DiffStates.field(model, "d.new", f))
            .collect(Collectors.joining(", "));
    String assignments =
        stored.stream()
                .filter(f -> f != model.key())
                .map(f -> f.name() + " = " + DiffStates.field(model, "d.new", f))
                .collect(Collectors.joining(", "))
            + ", content_hash = d.content_hash";
    String slice =
        " d.job_id = $1 AND d.content_model = $2 AND d.entry > $3 AND d.entry <= $4 AND d.op = ";
    String key = "t." + model.key().name() + " = ";
    return List.of(
        "INSERT INTO "
            + table
            + " ("
            + columns
            + ", content_hash) SELECT "
            + values
            + ", d.content_hash"
            + " FROM import_diffs d WHERE"
            + slice
            + BatchDiff.ADD,
        "UPDATE "
            + table
            + " t SET "
            + assignments
            + " FROM import_diffs d WHERE"
            + slice
            + BatchDiff.UPDATE
            + " AND "
            + key
            + DiffStates.field(model, "d.new", model.key()),
        "DELETE FROM "
            + table
            + " t USING import_diffs d WHERE"
            + slice
            + BatchDiff.DELETE
            + " AND "
            + key
            + DiffStates.field(model, "d.original", model.key()));
  }
}
