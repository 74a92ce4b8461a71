package dev.freight.imports;

import dev.freight.jobs.JobRunner;
import dev.freight.library.ContentModel;
import dev.freight.library.ContentModels;
import dev.freight.library.Field;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * pending → generating_diff → ready_for_review for a revert: the diff that puts back every item the
 * reverted job changed (deleted ones added again, added ones deleted, updated ones restored to
 * their {@code original}), computed from that job's applied diff entries against the library as it
 * is now, in SQL, a slice of entries at a time. An item that is no longer as the job left it is a
 * conflict: its entry keeps the current state as {@code original} and is left out of the apply
 * unless the revert includes conflicts; an item already as the revert would make it needs no entry
 * (counted as unchanged). Entries keep the reverted job's entry numbers.
 */
final class RevertTask {
  private final Pool pool;
  private final ImportJobs jobs;
  private final DiffTask diffs;

  RevertTask(Pool pool, ImportJobs jobs, DiffTask diffs) {
    this.pool = pool;
    this.jobs = jobs;
    this.diffs = diffs;
  }

  /** A model's diff of the reverted job, up to its last entry. */
  private record Source(ContentModel model, long lastEntry) {}

  /** What a model's revert found so far; {@code read}: the reverted job's entries seen. */
  private static final class Counts {
    long add;
    long update;
    long delete;
    long unchanged;

    long read() {
      return add + update + delete + unchanged;
    }
  }

  Future<Void> run(long jobId, JobRunner.Run run) {
    long token = run.token();
    Counts all = new Counts();
    return jobs.resetProgress(jobId)
        .compose(reset -> diffs.forgetDiff(jobId, token, true))
        .compose(cleared -> sources(jobId))
        .compose(
            sources -> {
              Future<Void> chain = Future.succeededFuture();
              for (Source source : sources) {
                Counts counts = new Counts();
                chain =
                    chain
                        .compose(done -> slices(jobId, run, source, 0, counts, all))
                        .compose(
                            done ->
                                BatchDiff.storeCounts(
                                    pool,
                                    jobId,
                                    token,
                                    source.model(),
                                    counts.add,
                                    counts.update,
                                    counts.delete,
                                    counts.unchanged,
                                    null));
              }
              return chain;
            })
        .compose(counted -> jobs.move(pool, jobId, ImportStatus.READY_FOR_REVIEW, Map.of(), token))
        .<Void>mapEmpty()
        .onFailure(failed -> diffs.forgetDiff(jobId, token, true));
  }

  private Future<List<Source>> sources(long jobId) {
    return pool.preparedQuery(
            "SELECT c.content_model, (SELECT max(entry) FROM import_diffs d WHERE d.job_id = c.job_id"
                + " AND d.content_model = c.content_model) FROM import_jobs j"
                + " JOIN import_diff_counts c ON c.job_id = j.reverts WHERE j.id = $1"
                + " ORDER BY c.content_model")
        .execute(Tuple.of(jobId))
        .map(
            rows -> {
              List<Source> sources = new ArrayList<>();
              for (Row row : rows) {
                Long last = row.getLong(1);
                sources.add(
                    new Source(
                        ContentModels.byName(row.getString(0)).orElseThrow(),
                        last == null ? 0 : last));
              }
              return sources;
            });
  }

  private Future<Void> slices(
      long jobId, JobRunner.Run run, Source source, long after, Counts counts, Counts all) {
    if (after >= source.lastEntry()) {
      return Future.succeededFuture();
    }
    run.checkpoint();
    long upTo = after + ApplyTask.SLICE_ENTRIES;
    return pool.preparedQuery(statement(source.model()))
        .execute(Tuple.of(jobId, source.model().name(), after, upTo, run.token()))
        .compose(
            rows -> {
              Row row = rows.iterator().next();
              long[] found = {
                row.getLong("add"),
                row.getLong("update"),
                row.getLong("delete"),
                row.getLong("unchanged")
              };
              for (Counts c : List.of(counts, all)) {
                c.add += found[0];
                c.update += found[1];
                c.delete += found[2];
                c.unchanged += found[3];
              }
              return jobs.progress(jobId, all.read(), 0, 0);
            })
        .compose(done -> slices(jobId, run, source, upTo, counts, all));
  }

  /**
   * One slice ($1 the revert, $2 model, the reverted job's entries in ($3, $4], $5 the run's
   * token): each applied entry of the reverted job, its item as it is now ({@code present}), as the
   * job left it ({@code expected}) and as it was before ({@code target}); stores the entries that
   * change something and counts them.
   */
  private static String statement(ContentModel model) {
    String key = model.key().name();
    List<Field> compared = model.storedFields().stream().filter(f -> f != model.key()).toList();
    return "WITH r AS (SELECT d.entry, j.include_conflicts, d.original AS target, d.new AS expected,"
        + " CASE WHEN t."
        + key
        + " IS NULL THEN NULL ELSE "
        + DiffStates.of(model, "t")
        + " END AS present"
        + " FROM import_jobs j JOIN import_diffs d ON d.job_id = j.reverts"
        + " LEFT JOIN "
        + model.table()
        + " t ON t."
        + key
        + " = "
        + DiffStates.field(model, "(COALESCE(d.new, d.original))", model.key())
        + " WHERE j.id = $1 AND d.content_model = $2 AND d.entry > $3 AND d.entry <= $4"
        + " AND NOT d.excluded),"
        + " o AS (SELECT r.*, CASE WHEN present IS NULL THEN CASE WHEN target IS NULL THEN 0 ELSE "
        + BatchDiff.ADD
        + " END WHEN target IS NULL THEN "
        + BatchDiff.DELETE
        + " WHEN present = target THEN 0 ELSE "
        + BatchDiff.UPDATE
        + " END AS op, present IS DISTINCT FROM expected AS conflict FROM r),"
        + " stored AS (INSERT INTO import_diffs (job_id, content_model, op, entry, original, new,"
        + " changed_fields, content_hash, excluded, conflict) SELECT $1, $2, op, entry, present,"
        + " target, CASE WHEN op = "
        + BatchDiff.UPDATE
        + " THEN array_remove(ARRAY["
        + compared.stream()
            .map(
                f -> {
                  String i = String.valueOf(model.storedFields().indexOf(f) + 1);
                  return "CASE WHEN present["
                      + i
                      + "] IS DISTINCT FROM target["
                      + i
                      + "] THEN '"
                      + f.name()
                      + "' END";
                })
            .collect(Collectors.joining(", "))
        + "], NULL) END, CASE WHEN op <> "
        + BatchDiff.DELETE
        + " THEN "
        + DiffStates.digest(model, "target")
        + " END, conflict AND NOT include_conflicts, conflict FROM o WHERE op > 0 AND"
        + String.format(BatchDiff.WHILE_HELD, 1, 5)
        + ")"
        + " SELECT count(*) FILTER (WHERE op = "
        + BatchDiff.ADD
        + ") AS add, count(*) FILTER (WHERE op = "
        + BatchDiff.UPDATE
        + ") AS update, count(*) FILTER (WHERE op = "
        + BatchDiff.DELETE
        + ") AS delete, count(*) FILTER (WHERE op = 0) AS unchanged FROM o";
  }
}
