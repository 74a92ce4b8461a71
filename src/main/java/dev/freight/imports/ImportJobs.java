package dev.freight.imports;

import dev.freight.bus.Failure;
import dev.freight.db.Database;
import dev.freight.db.Ordering;
import dev.freight.db.Pools;
import dev.freight.db.SharedReads;
import dev.freight.db.Sql;
import dev.freight.db.Timestamps;
import dev.freight.jobs.JobList;
import dev.freight.jobs.JobListQuery;
import dev.freight.jobs.JobTable;
import dev.freight.jobs.Lease;
import dev.freight.jobs.StateChange;
import dev.freight.jobs.StateMachine;
import dev.freight.users.UserReference;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The import_jobs table: every state change is a conditional UPDATE, so concurrent requests cannot
 * both win.
 */
final class ImportJobs {
  private static final String SELECT =
      """
      SELECT j.*, t.email AS t_email, t.first_name AS t_first_name, t.last_name AS t_last_name,
             a.email AS a_email, a.first_name AS a_first_name, a.last_name AS a_last_name
      FROM import_jobs j JOIN users t ON t.id = j.triggered_by LEFT JOIN users a ON a.id = j.accepted_by""";
  private static final JobList<ImportStatus> LIST =
      new JobList<>(
          ImportStatus.MACHINE,
          "import_jobs",
          SELECT,
          Ordering.ofJobs("t.email"),
          ImportJobs::toJson);
  private static final String UNIQUE_VIOLATION = "23505";

  private final Pool pool;
  private final SharedReads<JsonObject> lists = new SharedReads<>();
  private final Pool jobsPool;
  private final JobTable<Long, ImportStatus> table;
  private final Map<Long, JsonObject> recent = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();
  private final String node;

  /**
   * {@code node}: this node's id, as it writes it into the leases of the jobs it runs. Requests
   * read on {@code pools.requests()}; runs move and record progress on {@code pools.jobs()}.
   */
  ImportJobs(Vertx vertx, Pools pools, String node) {
    this.pool = pools.requests();
    this.jobsPool = pools.jobs();
    this.node = node;
    this.table =
        new JobTable<>(
            vertx,
            jobsPool,
            ImportVerticle.JOB_TABLE,
            Long.class,
            ImportStatus.MACHINE,
            this::forgetKeptAnswers);
    // Every node's moves, this one's included: a job another node moved is read again.
    vertx
        .eventBus()
        .<JsonObject>consumer(
            StateChange.ADDRESS,
            message -> {
              if (table.name().equals(message.body().getString("kind"))) {
                forgetKeptAnswers();
              }
            });
  }

  /**
   * A job as the API shows it. Clients poll jobs hard, so the last answer is kept until the next
   * change to any job; an answer read while a change was under way is not kept. In a cluster, moves
   * made by other nodes are heard on {@link StateChange#ADDRESS} and forget kept answers too; a job
   * another node is running (it holds its lease) changes there at every batch, so its answer is
   * never kept here and always read from PostgreSQL.
   */
  Future<JsonObject> get(long id) {
    JsonObject kept = recent.get(id);
    if (kept != null) {
      return Future.succeededFuture(kept.copy());
    }
    long generation = changes.get();
    return pool.preparedQuery(SELECT + " WHERE j.id = $1")
        .execute(Tuple.of(id))
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw Failure.notFound("No import job with id " + id + ".");
              }
              Row row = rows.iterator().next();
              JsonObject job = toJson(row);
              String holder = row.getString("lease_owner");
              if (changes.get() == generation && keepable(holder, row.getString("status"))) {
                recent.put(id, job.copy());
              }
              return job;
            });
  }

  /**
   * Whether an answer may be kept: this node holds the job, or nobody does and the job is in a
   * status that only a published move leaves. (A run is resumed by a claim that leaves its status
   * as it is, unpublished, so an unheld job that was running might be taken by another node
   * unheard.)
   */
  private boolean keepable(String holder, String status) {
    if (holder != null) {
      return holder.equals(node);
    }
    ImportStatus current = ImportStatus.MACHINE.of(status);
    return !ImportStatus.MACHINE.from(current).contains(current);
  }

  /**
   * Forgets kept answers; called before and after every change, and when a transaction that made
   * one ends.
   */
  void forgetKeptAnswers() {
    changes.incrementAndGet();
    recent.clear();
  }

  Future<JsonObject> current() {
    return pool.preparedQuery(SELECT + " WHERE j.status = ANY($1)")
        .execute(Tuple.of((Object) StateMachine.wireArray(ImportStatus.ACTIVE)))
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw Failure.notFound("No import job is in progress.");
              }
              return toJson(rows.iterator().next());
            });
  }

  Future<JsonObject> list(JobListQuery query) {
    return LIST.page(lists, pool, new Sql(), query);
  }

  /**
   * Inserts a pending job with its files' total size, or a revert of job {@code reverts} (then with
   * no files); a 409 naming the active job if there is one.
   */
  Future<Long> insert(
      SqlClient conn,
      long userId,
      String format,
      long bytesTotal,
      Long reverts,
      boolean includeConflicts,
      JsonObject options,
      Lease lease) {
    // Leased to this node from the start: its files are still being stored here, so no other node
    // may take the job before this one runs it.
    return conn.preparedQuery(
            "INSERT INTO import_jobs (triggered_by, file_format, bytes_total, reverts,"
                + " include_conflicts, options, lease_owner, lease_expires)"
                + " VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))"
                + " RETURNING id")
        .execute(
            Tuple.of(
                userId,
                format,
                bytesTotal,
                reverts,
                includeConflicts,
                options,
                lease.node(),
                (double) lease.seconds()))
        .map(rows -> rows.iterator().next().getLong(0))
        .recover(this::activeConflict);
  }

  /** Turns the one-active-import index's violation into a 409 naming the active job. */
  <T> Future<T> activeConflict(Throwable failure) {
    if (!(failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState()))) {
      return Future.failedFuture(failure);
    }
    return current()
        .transform(
            active -> Future.failedFuture(busy(active.succeeded() ? active.result() : null)));
  }

  /** The 409 for a request that needs no import to be active, naming the one that is. */
  static Failure busy(JsonObject active) {
    String which =
        active == null
            ? "another import job"
            : "import job " + active.getLong("id") + " (" + active.getString("status") + ")";
    return Failure.conflict(
        "Only one import may be active at a time and "
            + which
            + " is. Cancel it or wait for it to finish.");
  }

  /** The job's status column, every move checked against {@link ImportStatus#MACHINE}. */
  JobTable<Long, ImportStatus> table() {
    return table;
  }

  /** Moves the job to {@code to}, setting {@code also}; false when the machine forbids it now. */
  Future<Boolean> move(
      SqlClient client, long id, ImportStatus to, Map<String, Object> also, Long runToken) {
    return table
        .move(client, id, to, also, runToken)
        .map(Optional::isPresent)
        .recover(this::activeConflict);
  }

  /** Ends the job in a final state with its errors (or none), as its run or a user asks. */
  Future<Boolean> finish(
      SqlClient client, long id, ImportStatus to, JsonObject errors, Long runToken) {
    return move(
        client, id, to, JobTable.set("completed", JobTable.NOW, "errors", errors), runToken);
  }

  /**
   * Deletes the diff entries, rows with problems and stored uploads of jobs that ended more than
   * {@code retentionDays} ago, and records when: their diff then answers 410 and they cannot be
   * retried. The job rows stay, with their diff counts. Up to {@value #PURGE_BATCH} jobs at a time,
   * by one node at a time; completes with how many were purged.
   */
  Future<Integer> purge(long retentionDays) {
    return Database.onOneNode(
        jobsPool,
        "freight.import-purge",
        conn ->
            conn.preparedQuery(PURGE)
                .execute(Tuple.of(StateMachine.wireArray(ImportStatus.FINAL), (int) retentionDays))
                .map(rows -> rows.iterator().next().getInteger(0)));
  }

  private static final int PURGE_BATCH = 50;

  // The files' rows go before the files (their reference is checked at the statement's end).
  private static final String PURGE =
      """
      WITH due AS (
        SELECT id FROM import_jobs
        WHERE status = ANY($1) AND purged IS NULL AND completed <= now() - make_interval(days => $2)
        ORDER BY id LIMIT %d FOR UPDATE SKIP LOCKED),
      marked AS (UPDATE import_jobs j SET purged = now() FROM due WHERE j.id = due.id RETURNING j.id),
      entries AS (DELETE FROM import_diffs d USING marked WHERE d.job_id = marked.id),
      bad_rows AS (DELETE FROM import_bad_rows b USING marked WHERE b.job_id = marked.id),
      bad_columns AS (DELETE FROM import_bad_columns b USING marked WHERE b.job_id = marked.id),
      uploads AS (DELETE FROM import_files f USING marked WHERE f.job_id = marked.id RETURNING f.file_id),
      files AS (DELETE FROM stored_files s USING uploads WHERE s.id = uploads.file_id)
      SELECT count(*) FROM marked"""
          .formatted(PURGE_BATCH);

  /** The 410 of what a purge deleted: "{@code subject} deleted N days after the job ended...". */
  static Failure purged(String subject, long retentionDays, String then) {
    return new Failure(
        410, subject + " deleted " + retentionDays + " days after the job ended" + then);
  }

  /** Whether the job's diff and upload were purged after the retention window. */
  Future<Boolean> purged(long id) {
    return pool.preparedQuery("SELECT purged IS NOT NULL FROM import_jobs WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean(0));
  }

  /** A run starts reading its files from the beginning. */
  Future<Void> resetProgress(long id) {
    forgetKeptAnswers();
    return jobsPool
        .preparedQuery("UPDATE import_jobs SET rows_read = 0, bytes_read = 0 WHERE id = $1")
        .execute(Tuple.of(id))
        .onComplete(done -> forgetKeptAnswers())
        .mapEmpty();
  }

  /**
   * Records how far a running job has got. Written every batch while clients poll the job, so the
   * kept answer is brought up to date rather than dropped: polling a running job stays off the
   * database.
   */
  Future<Void> progress(long id, long rows, long bytesRead, long bytesTotal) {
    changes.incrementAndGet();
    return jobsPool
        .preparedQuery(
            "UPDATE import_jobs SET rows_read = $2, bytes_read = $3, bytes_total = $4 WHERE id = $1")
        .execute(Tuple.of(id, rows, bytesRead, bytesTotal))
        .onComplete(
            done -> {
              changes.incrementAndGet();
              if (done.succeeded()) {
                recent.computeIfPresent(
                    id, (key, job) -> job.put("progress", progress(rows, bytesRead, bytesTotal)));
              } else {
                recent.remove(id);
              }
            })
        .mapEmpty();
  }

  /**
   * A job as the API shows it; {@code applied}, {@code reverts}, {@code options} and {@code
   * ignored_columns} only when there are.
   */
  static JsonObject toJson(Row row) {
    JsonObject job =
        new JsonObject()
            .put("id", row.getLong("id"))
            .put("status", row.getString("status"))
            .put("triggered", Timestamps.format(row.getOffsetDateTime("triggered")))
            .put("triggered_by", UserReference.of(row, "triggered_by", "t_"))
            .put("accepted", Timestamps.format(row.getOffsetDateTime("accepted")))
            .put("accepted_by", UserReference.of(row, "accepted_by", "a_"))
            .put("completed", Timestamps.format(row.getOffsetDateTime("completed")))
            .put("errors", row.getJsonObject("errors"))
            .put("file_format", row.getString("file_format"))
            .put(
                "progress",
                progress(
                    row.getLong("rows_read"),
                    row.getLong("bytes_read"),
                    row.getLong("bytes_total")));
    for (String optional : List.of("applied", "options", "ignored_columns")) {
      JsonObject value = row.getJsonObject(optional);
      if (value != null) {
        job.put(optional, value);
      }
    }
    Long reverts = row.getLong("reverts");
    if (reverts != null) {
      job.put("reverts", reverts);
    }
    return job;
  }

  private static JsonObject progress(long rows, long bytesRead, long bytesTotal) {
    return new JsonObject()
        .put("rows_read", rows)
        .put("bytes_read", bytesRead)
        .put("bytes_total", bytesTotal);
  }
}
