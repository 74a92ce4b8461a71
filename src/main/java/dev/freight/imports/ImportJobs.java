package dev.freight.imports;

import dev.freight.bus.Failure;
import dev.freight.db.Paging;
import dev.freight.db.Sql;
import dev.freight.db.Timestamps;
import dev.freight.users.UserReference;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private static final String ACTIVE =
      "j.status IN ('pending', 'generating_diff', 'ready_for_review', 'applying_changes')";
  private static final Map<String, String> ORDERING =
      Map.of(
          "id",
          "j.id",
          "status",
          "j.status",
          "triggered",
          "j.triggered",
          "triggered_by",
          "t.email");
  private static final String UNIQUE_VIOLATION = "23505";

  private final Pool pool;
  private final Map<Long, JsonObject> recent = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();

  ImportJobs(Pool pool) {
    this.pool = pool;
  }

  /**
   * A job as the API shows it. Clients poll jobs hard, so the last answer is kept until the next
   * change this server makes to any job; an answer read while a change was under way is not kept.
   * (One server runs the jobs of a database, so no change escapes this.)
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
              JsonObject job = toJson(rows.iterator().next());
              if (changes.get() == generation) {
                recent.put(id, job.copy());
              }
              return job;
            });
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
    return pool.query(SELECT + " WHERE " + ACTIVE)
        .execute()
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw Failure.notFound("No import job is in progress.");
              }
              return toJson(rows.iterator().next());
            });
  }

  Future<JsonObject> list(String ordering, List<String> statuses, int limit, long offset) {
    String order = "j.id DESC";
    if (ordering != null) {
      boolean descending = ordering.startsWith("-");
      order =
          ORDERING.get(descending ? ordering.substring(1) : ordering)
              + (descending ? " DESC" : "")
              + ", j.id";
    }
    Sql filter = new Sql();
    if (statuses != null) {
      filter.where("j.status = ANY(?)", (Object) statuses.toArray(String[]::new));
    }
    return Paging.page(
        pool,
        Sql.of("SELECT count(*) FROM import_jobs j").append(filter),
        Sql.of(SELECT).append(filter).append(" ORDER BY " + order),
        limit,
        offset,
        ImportJobs::toJson);
  }

  /**
   * Inserts a pending job with its files' total size; a 409 naming the active job if there is one.
   */
  Future<Long> insert(SqlClient conn, long userId, String format, long bytesTotal) {
    return conn.preparedQuery(
            "INSERT INTO import_jobs (triggered_by, file_format, bytes_total) VALUES ($1, $2, $3)"
                + " RETURNING id")
        .execute(Tuple.of(userId, format, bytesTotal))
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

  /** Moves the job to {@code to} if it is in one of {@code from}; false when it was not. */
  Future<Boolean> transition(
      SqlClient client,
      long id,
      Set<ImportStatus> from,
      ImportStatus to,
      String alsoSet,
      Object... params) {
    List<Object> all =
        new ArrayList<>(List.of(id, to.wire(), ImportStatus.wires(from).toArray(String[]::new)));
    all.addAll(Arrays.asList(params));
    String extra = alsoSet.isEmpty() ? "" : ", " + alsoSet;
    forgetKeptAnswers();
    return client
        .preparedQuery(
            "UPDATE import_jobs SET status = $2" + extra + " WHERE id = $1 AND status = ANY($3)")
        .execute(Tuple.from(all))
        .onComplete(done -> forgetKeptAnswers())
        .map(rows -> rows.rowCount() == 1)
        .recover(this::activeConflict);
  }

  Future<Boolean> transition(
      long id, Set<ImportStatus> from, ImportStatus to, String alsoSet, Object... params) {
    return transition(pool, id, from, to, alsoSet, params);
  }

  /** Ends the job in a final state, with its errors (or none). */
  Future<Boolean> finish(long id, Set<ImportStatus> from, ImportStatus to, JsonObject errors) {
    return transition(id, from, to, "completed = now(), errors = $4", errors);
  }

  /**
   * Records how far a running job has got. Written every batch while clients poll the job, so the
   * kept answer is brought up to date rather than dropped: polling a running job stays off the
   * database.
   */
  Future<Void> progress(long id, long rows, long bytesRead, long bytesTotal) {
    changes.incrementAndGet();
    return pool.preparedQuery(
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

  /** The jobs left mid-way by a stopped server, to pick up again. */
  Future<List<JsonObject>> unfinished() {
    return pool.query(
            SELECT
                + " WHERE j.status IN ('pending', 'generating_diff', 'applying_changes') ORDER BY j.id")
        .execute()
        .map(
            rows -> {
              List<JsonObject> jobs = new ArrayList<>();
              rows.forEach(row -> jobs.add(toJson(row)));
              return jobs;
            });
  }

  static JsonObject toJson(Row row) {
    return new JsonObject()
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
                row.getLong("rows_read"), row.getLong("bytes_read"), row.getLong("bytes_total")));
  }

  private static JsonObject progress(long rows, long bytesRead, long bytesTotal) {
    return new JsonObject()
        .put("rows_read", rows)
        .put("bytes_read", bytesRead)
        .put("bytes_total", bytesTotal);
  }
}
