package dev.freight.libraryexports;

import dev.freight.bus.Failure;
import dev.freight.bus.Viewer;
import dev.freight.db.Database;
import dev.freight.db.Ordering;
import dev.freight.db.Pools;
import dev.freight.db.SharedReads;
import dev.freight.db.Sql;
import dev.freight.db.Timestamps;
import dev.freight.formats.Format;
import dev.freight.jobs.JobList;
import dev.freight.jobs.JobListQuery;
import dev.freight.jobs.JobTable;
import dev.freight.library.ContentModel;
import dev.freight.library.ContentModels;
import dev.freight.users.UserReference;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The export_jobs table. Every state change is a conditional UPDATE, so a cancel and a finishing
 * run cannot both win. Reads take a {@link Viewer}: a user sees only the jobs they started, a
 * superuser sees all; a job one may not see is answered as missing.
 */
final class LibraryExportJobs {
  private static final String SELECT =
      """
      SELECT j.*, u.email, u.first_name, u.last_name
      FROM export_jobs j JOIN users u ON u.id = j.triggered_by""";

  /** Superuser, user id: the jobs this viewer may see. */
  private static final String VISIBLE = "(? OR j.triggered_by = ?)";

  private static final JobList<LibraryExportStatus> LIST =
      new JobList<>(
          LibraryExportStatus.MACHINE,
          "export_jobs",
          SELECT,
          Ordering.ofJobs("u.email"),
          LibraryExportJobs::toJson);

  /** The server itself, which sees every job. */
  private static final Viewer SERVER = new Viewer(0, true);

  /** The jobs this viewer may see, as the first condition of a statement's WHERE. */
  private static Sql visible(Viewer viewer) {
    return new Sql().where(VISIBLE, viewer.superuser(), viewer.userId());
  }

  /** What a job writes; {@code escapeFormulas}: see {@link dev.freight.formats.FormulaEscaping}. */
  record Spec(boolean template, Format format, List<ContentModel> models, boolean escapeFormulas) {}

  /** A job's written file, or why there is none to download. */
  record Download(LibraryExportStatus status, Long fileId, boolean purged) {}

  private final Pool requests;
  private final Pool pool;
  private final SharedReads<JsonObject> lists = new SharedReads<>();
  private final JobTable<Long, LibraryExportStatus> table;

  /** Requests read on {@code pools.requests()}; the runs' work goes on {@code pools.jobs()}. */
  LibraryExportJobs(Vertx vertx, Pools pools) {
    this.requests = pools.requests();
    this.pool = pools.jobs();
    this.table =
        new JobTable<>(
            vertx,
            pool,
            LibraryExportVerticle.JOB_TABLE,
            Long.class,
            LibraryExportStatus.MACHINE,
            () -> {});
  }

  Future<Long> insert(
      long userId, String type, Format format, List<ContentModel> models, boolean escapeFormulas) {
    String[] names = models.stream().map(ContentModel::name).toArray(String[]::new);
    return requests
        .preparedQuery(
            "INSERT INTO export_jobs (triggered_by, type, file_format, content_models,"
                + " escape_formulas) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .execute(Tuple.of(userId, type, format.extension(), names, escapeFormulas))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  Future<JsonObject> get(long id, Viewer viewer) {
    return one(id, viewer).map(LibraryExportJobs::toJson);
  }

  private Future<Row> one(long id, Viewer viewer) {
    Sql one = Sql.of(SELECT).append(visible(viewer)).where("j.id = ?", id);
    return requests
        .preparedQuery(one.text())
        .execute(one.tuple())
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw Failure.notFound("No export job with id " + id + ".");
              }
              return rows.iterator().next();
            });
  }

  Future<JsonObject> list(Viewer viewer, JobListQuery query) {
    return LIST.page(lists, requests, visible(viewer), query);
  }

  /** The job's status column, every move checked against {@link LibraryExportStatus#MACHINE}. */
  JobTable<Long, LibraryExportStatus> table() {
    return table;
  }

  /** Back to pending, as if just created; the owner stays, so the job stays visible to them. */
  Future<Boolean> retry(long id) {
    return table
        .move(
            id,
            LibraryExportStatus.PENDING,
            JobTable.set(
                "triggered",
                JobTable.NOW,
                "completed",
                null,
                "errors",
                null,
                "rows_written",
                0L,
                "rows_total",
                0L))
        .map(Optional::isPresent);
  }

  /** Moves the run's job to success with its row count, in the caller's transaction. */
  Future<Boolean> succeed(SqlClient conn, long id, long rows, long runToken) {
    return table
        .move(
            conn,
            id,
            LibraryExportStatus.SUCCESS,
            JobTable.set("completed", JobTable.NOW, "rows_written", rows, "rows_total", rows),
            runToken)
        .map(Optional::isPresent);
  }

  Future<Void> progress(long id, long written, long total) {
    return pool.preparedQuery(
            "UPDATE export_jobs SET rows_written = $2, rows_total = $3 WHERE id = $1")
        .execute(Tuple.of(id, written, total))
        .mapEmpty();
  }

  Future<Spec> spec(long id) {
    return one(id, SERVER)
        .map(
            row ->
                new Spec(
                    row.getString("type").equals("template"),
                    Format.fromExtension(row.getString("file_format")).orElseThrow(),
                    Arrays.stream(row.getArrayOfStrings("content_models"))
                        .map(name -> ContentModels.byName(name).orElseThrow())
                        .toList(),
                    row.getBoolean("escape_formulas")));
  }

  Future<Download> download(long id, Viewer viewer) {
    return one(id, viewer)
        .map(
            row ->
                new Download(
                    LibraryExportStatus.MACHINE.of(row.getString("status")),
                    row.getLong("file_id"),
                    row.getOffsetDateTime("purged") != null));
  }

  /**
   * Deletes the files of jobs completed more than {@code retentionHours} ago and records when; a
   * download of them then answers 410. Completes with how many were purged. One node purges at a
   * time: the others find the purge's lock taken and skip their turn.
   */
  Future<Integer> purge(long retentionHours) {
    return Database.onOneNode(
        pool,
        "freight.export-purge",
        conn ->
            deleteFiles(
                conn,
                "purged = now()",
                new Sql()
                    .append(
                        "completed <= now() - make_interval(hours => ?)", (int) retentionHours)));
  }

  /** Records the file the job's run is storing; it counts once the job is success. */
  Future<Void> attachFile(SqlClient conn, long id, long fileId) {
    return conn.preparedQuery("UPDATE export_jobs SET file_id = $2 WHERE id = $1")
        .execute(Tuple.of(id, fileId))
        .mapEmpty();
  }

  /** Deletes what an unsuccessful run of the job stored. */
  Future<Void> dropFile(long id) {
    return dropFile(new Sql().append("id = ? AND status <> 'success'", id));
  }

  /**
   * Deletes what the run stored, when it failed: only while it still holds the job, since a newer
   * run (another node took the job) stores a file of its own.
   */
  Future<Void> dropFile(long id, long runToken) {
    return dropFile(
        new Sql().append("id = ? AND status <> 'success' AND run_token = ?", id, runToken));
  }

  private Future<Void> dropFile(Sql where) {
    return pool.withTransaction(conn -> deleteFiles(conn, "", where)).mapEmpty();
  }

  /**
   * Detaches and deletes, in the caller's transaction, the files of the jobs matching {@code
   * where}.
   */
  private static Future<Integer> deleteFiles(SqlConnection conn, String alsoSet, Sql where) {
    Sql update =
        Sql.of(
                "UPDATE export_jobs j SET file_id = NULL"
                    + (alsoSet.isEmpty() ? "" : ", " + alsoSet))
            .append(" FROM (SELECT id, file_id FROM export_jobs WHERE file_id IS NOT NULL AND ")
            .append(where)
            .append(" FOR UPDATE) e WHERE j.id = e.id RETURNING e.file_id");
    return conn.preparedQuery(update.text())
        .execute(update.tuple())
        .compose(
            rows -> {
              List<Long> files = new ArrayList<>();
              rows.forEach(row -> files.add(row.getLong(0)));
              return conn.preparedQuery("DELETE FROM stored_files WHERE id = ANY($1)")
                  .execute(Tuple.of((Object) files.toArray(Long[]::new)))
                  .map(files.size());
            });
  }

  static JsonObject toJson(Row row) {
    String status = row.getString("status");
    JsonObject errors = row.getJsonObject("errors");
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("status", status)
        .put("triggered", Timestamps.format(row.getOffsetDateTime("triggered")))
        .put("triggered_by", UserReference.of(row, "triggered_by", ""))
        .put("completed", Timestamps.format(row.getOffsetDateTime("completed")))
        .put("type", row.getString("type"))
        .put("file_format", row.getString("file_format"))
        .put(
            "content_models",
            new JsonArray(List.of((Object[]) row.getArrayOfStrings("content_models"))))
        .put("errors", errors == null ? new JsonObject() : errors)
        .put(
            "can_retry",
            LibraryExportStatus.MACHINE.allows(
                LibraryExportStatus.MACHINE.of(status), LibraryExportStatus.PENDING))
        .put(
            "progress",
            new JsonObject()
                .put("rows_written", row.getLong("rows_written"))
                .put("rows_total", row.getLong("rows_total")));
  }
}
