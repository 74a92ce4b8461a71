package dev.freight.imports;

import dev.freight.bus.Failure;
import dev.freight.jobs.JobRunner;
import dev.freight.jobs.JobTable;
import dev.freight.library.ContentModel;
import dev.freight.library.ContentModels;
import dev.freight.library.Field;
import dev.freight.metrics.RowCounters;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * applying_changes → success: applies the stored diff, but for the entries left out when it was
 * accepted, to the library in one transaction, in slices of entries so that a cancel is noticed
 * between them, and records how many items each operation changed ({@code applied}). The job
 * becomes success in the same transaction, so the library and the job's state can never disagree; a
 * failure or a cancel rolls everything back.
 */
final class ApplyTask {
  static final long SLICE_ENTRIES = 50_000;
  private static final long ANALYZE_AFTER_ITEMS = 10_000;
  private static final System.Logger LOG = System.getLogger(ApplyTask.class.getName());

  private final Pool pool;
  private final ImportJobs jobs;
  private final RowCounters rows;

  ApplyTask(Pool pool, ImportJobs jobs, RowCounters rows) {
    this.pool = pool;
    this.jobs = jobs;
    this.rows = rows;
  }

  Future<Void> run(long jobId, JobRunner.Run run) {
    JsonObject applied = new JsonObject();
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
                            JsonObject counts = new JsonObject();
                            applied.put(model.name(), counts);
                            for (Change change : changes(model)) {
                              counts.put(change.op(), 0L);
                              if (lastEntry != null) {
                                chain =
                                    chain
                                        .compose(
                                            done ->
                                                slices(
                                                    conn,
                                                    change.sql(),
                                                    jobId,
                                                    model,
                                                    0,
                                                    lastEntry,
                                                    run))
                                        .map(
                                            items -> {
                                              counts.put(change.op(), items);
                                              changed.addAndGet(items);
                                              return null;
                                            });
                              }
                            }
                          }
                          return chain;
                        })
                    .compose(
                        done ->
                            jobs.move(
                                conn,
                                jobId,
                                ImportStatus.SUCCESS,
                                JobTable.set("completed", JobTable.NOW, "applied", applied),
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
        .onSuccess(
            committed -> {
              rows.applied(changed.get());
              analyze(applied);
            });
  }

  /**
   * Takes the statistics of a content model's table at once after an apply that changed many of its
   * items, rather than when autovacuum comes round (a minute or more later): the library's list
   * plans its filters by them, and a plan from before (a search that matched no title then matches
   * every one) can cost seconds a page at a million items.
   */
  private void analyze(JsonObject applied) {
    for (String name : applied.fieldNames()) {
      JsonObject counts = applied.getJsonObject(name);
      long items = counts.fieldNames().stream().mapToLong(counts::getLong).sum();
      if (items >= ANALYZE_AFTER_ITEMS) {
        String table = ContentModels.byName(name).orElseThrow().table();
        pool.query("ANALYZE " + table)
            .execute()
            .onFailure(
                failed ->
                    LOG.log(
                        System.Logger.Level.WARNING,
                        "ANALYZE " + table + " after an apply: " + failed.getMessage()));
      }
    }
  }

  /** Completes with the number of items the statement changed in its slices. */
  private static Future<Long> slices(
      SqlConnection conn,
      String statement,
      long jobId,
      ContentModel model,
      long after,
      long last,
      JobRunner.Run run) {
    if (after >= last) {
      return Future.succeededFuture(0L);
    }
    run.checkpoint();
    long upTo = after + SLICE_ENTRIES;
    return conn.preparedQuery(statement)
        .execute(Tuple.of(jobId, model.name(), after, upTo))
        .compose(
            done ->
                slices(conn, statement, jobId, model, upTo, last, run)
                    .map(rest -> rest + done.rowCount()));
  }

  /**
   * Leaves entries out of the apply, in the transaction that accepts the diff: those of the
   * operations not in {@code operations} (null: every operation is applied) and those numbered in
   * {@code entries} (null: none). A number that is no entry of the diff is a 400 naming the first
   * few such.
   */
  static Future<Void> exclude(
      SqlConnection conn, long jobId, List<String> operations, List<Long> entries) {
    Future<Void> byOperation =
        operations == null
            ? Future.succeededFuture()
            : conn.preparedQuery(
                    "UPDATE import_diffs SET excluded = true WHERE job_id = $1"
                        + " AND op <> ALL($2::int2[]) AND NOT excluded")
                .execute(
                    Tuple.of(
                        jobId,
                        (Object) operations.stream().map(DiffReader::op).toArray(Short[]::new)))
                .mapEmpty();
    if (entries == null) {
      return byOperation;
    }
    Long[] numbers = entries.toArray(Long[]::new);
    // Each model's entries are looked up by the diff's (job, model, entry) index.
    return byOperation
        .compose(
            done ->
                conn.preparedQuery(
                        "SELECT e FROM unnest($2::int8[]) e WHERE NOT EXISTS (SELECT 1 FROM"
                            + " import_diff_counts c JOIN import_diffs d ON d.job_id = c.job_id"
                            + " AND d.content_model = c.content_model AND d.entry = e"
                            + " WHERE c.job_id = $1) ORDER BY e LIMIT 11")
                    .execute(Tuple.of(jobId, (Object) numbers)))
        .compose(
            unknown -> {
              if (unknown.size() > 0) {
                List<String> listed = new ArrayList<>();
                unknown.forEach(row -> listed.add(String.valueOf(row.getLong(0))));
                return Future.failedFuture(
                    Failure.badRequest(
                        "exclude_entries names entries that are not in the diff of import job "
                            + jobId
                            + ": "
                            + String.join(", ", listed.subList(0, Math.min(10, listed.size())))
                            + (listed.size() > 10 ? ", ..." : "")
                            + "."));
              }
              return conn.preparedQuery(
                      "UPDATE import_diffs d SET excluded = true FROM import_diff_counts c"
                          + " WHERE c.job_id = $1 AND d.job_id = c.job_id"
                          + " AND d.content_model = c.content_model"
                          + " AND d.entry = ANY($2::int8[]) AND NOT d.excluded")
                  .execute(Tuple.of(jobId, (Object) numbers))
                  .mapEmpty();
            });
  }

  /** One of a model's statements, and the operation it applies. */
  private record Change(String op, String sql) {}

  /**
   * Add, update, delete: each reads its slice of the diff ($1 job, $2 model, entries in ($3, $4]),
   * but the entries left out.
   */
  private static List<Change> changes(ContentModel model) {
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
        " d.job_id = $1 AND d.content_model = $2 AND d.entry > $3 AND d.entry <= $4"
            + " AND NOT d.excluded AND d.op = ";
    String key = "t." + model.key().name() + " = ";
    return List.of(
        new Change(
            "add",
            "INSERT INTO "
                + table
                + " ("
                + columns
                + ", content_hash) SELECT "
                + values
                + ", d.content_hash"
                + " FROM import_diffs d WHERE"
                + slice
                + BatchDiff.ADD),
        new Change(
            "update",
            "UPDATE "
                + table
                + " t SET "
                + assignments
                + " FROM import_diffs d WHERE"
                + slice
                + BatchDiff.UPDATE
                + " AND "
                + key
                + DiffStates.field(model, "d.new", model.key())),
        new Change(
            "delete",
            "DELETE FROM "
                + table
                + " t USING import_diffs d WHERE"
                + slice
                + BatchDiff.DELETE
                + " AND "
                + key
                + DiffStates.field(model, "d.original", model.key())));
  }
}
