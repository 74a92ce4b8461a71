package dev.freight.listexports;

import dev.freight.bus.Failure;
import dev.freight.db.Paging;
import dev.freight.db.Pools;
import dev.freight.db.SharedReads;
import dev.freight.db.Sql;
import dev.freight.db.Timestamps;
import dev.freight.jobs.JobRunner;
import dev.freight.jobs.JobTable;
import dev.freight.jobs.StateChange;
import dev.freight.listexports.ExportableList.Column;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The exports tables: the records, their checkpoints and parts, and the rows of their sources. */
final class ListExportStore {
  private static final String SELECT =
      """
      SELECT e.*, u.uuid AS requested_by_uuid, f.name AS filter_file_name
      FROM exports e JOIN users u ON u.id = e.requested_by LEFT JOIN stored_files f ON f.id = e.filter_file""";
  private static final String CHECKPOINT =
      """
      UPDATE exports SET page = $2 + 1, last_instance_id = $3, collected_count = collected_count + $4,
        fail_count = fail_count + $5, uploaded_parts = array_append(uploaded_parts, $6), modified_date = now()
      WHERE id = $1""";

  /** Deleting a part's file deletes its row too. */
  private static final String DROP_PARTS =
      "DELETE FROM stored_files WHERE id IN (SELECT file_id FROM export_parts WHERE export_id = $1)";

  /** {@code created_date} lookups of the list; {@code __date} ones compare the UTC calendar day. */
  private static final Map<String, String> CREATED_DATE =
      Map.of(
          "created_date", "e.created_date = ?",
          "created_date__gt", "e.created_date > ?",
          "created_date__gte", "e.created_date >= ?",
          "created_date__lt", "e.created_date < ?",
          "created_date__lte", "e.created_date <= ?",
          "created_date__date", "(e.created_date AT TIME ZONE 'UTC')::date = ?",
          "created_date__date__gt", "(e.created_date AT TIME ZONE 'UTC')::date > ?",
          "created_date__date__gte", "(e.created_date AT TIME ZONE 'UTC')::date >= ?",
          "created_date__date__lt", "(e.created_date AT TIME ZONE 'UTC')::date < ?",
          "created_date__date__lte", "(e.created_date AT TIME ZONE 'UTC')::date <= ?");

  private final Pool requests;
  private final Pool pool;
  private final SharedReads<JsonObject> lists = new SharedReads<>();
  private final JobTable<UUID, ListExportStatus> table;

  /** Requests read on {@code pools.requests()}; the runs' work goes on {@code pools.jobs()}. */
  ListExportStore(Vertx vertx, Pools pools) {
    this.requests = pools.requests();
    this.pool = pools.jobs();
    this.table =
        new JobTable<>(
            vertx,
            pool,
            ListExportVerticle.JOB_TABLE,
            UUID.class,
            ListExportStatus.MACHINE,
            () -> {});
  }

  /** An export as its run needs it; {@code page} and {@code lastKey} are its checkpoint. */
  record Job(
      UUID id,
      ExportableList source,
      List<Column> columns,
      ListExportFormat format,
      String language,
      boolean escapeFormulas,
      JsonObject filters,
      boolean filtered,
      int page,
      long lastKey) {

    ExportableList.Where where() {
      return source.where(filters, filtered ? id : null);
    }

    List<String> labels() {
      return columns.stream().map(c -> c.labels().get(language)).toList();
    }

    /** The checkpoint after one more part. */
    Job next(long key) {
      return new Job(
          id, source, columns, format, language, escapeFormulas, filters, filtered, page + 1, key);
    }
  }

  /** One stored part of an export. */
  record Part(long fileId, int rows) {}

  /** A new export, as checked by the verticle. */
  record NewExport(
      ExportableList source,
      List<Column> columns,
      ListExportFormat format,
      String language,
      boolean escapeFormulas,
      JsonObject filters,
      Long filterFile,
      int userId) {}

  // ---- records

  /** The export, if {@code owner} is null or requested it; otherwise, or when unknown, a 404. */
  Future<JsonObject> get(UUID id, Integer owner) {
    return requests
        .preparedQuery(SELECT + " WHERE e.id = $1 AND ($2::int IS NULL OR e.requested_by = $2)")
        .execute(Tuple.of(id, owner))
        .map(rows -> toJson(single(rows).orElseThrow(() -> notFound(id))));
  }

  static Failure notFound(Object id) {
    return Failure.notFound("No export with id " + id + ".");
  }

  /**
   * Newest first; {@code createdDate} maps lookups to their raw values, refused with a 400 when
   * unknown or bad.
   */
  Future<JsonObject> list(
      Integer owner, String status, String format, JsonObject createdDate, int limit, long offset) {
    Sql filter = new Sql();
    addCondition(filter, "e.requested_by = ?", owner);
    addCondition(filter, "e.status = ?", status);
    addCondition(filter, "e.format_type = ?", format);
    for (String lookup : createdDate.fieldNames()) {
      String condition = CREATED_DATE.get(lookup);
      if (condition == null) {
        throw Failure.badRequest(
            "Unknown lookup '"
                + lookup
                + "'; valid ones: "
                + String.join(", ", CREATED_DATE.keySet().stream().sorted().toList())
                + ".");
      }
      String raw = createdDate.getString(lookup);
      addCondition(
          filter, condition, lookup.contains("__date") ? date(lookup, raw) : dateTime(lookup, raw));
    }
    return Paging.page(
        lists,
        requests,
        Sql.of("SELECT count(*) FROM exports e").append(filter),
        Sql.of(SELECT).append(filter).append(" ORDER BY e.created_date DESC, e.id"),
        limit,
        offset,
        ListExportStore::toJson);
  }

  private static void addCondition(Sql filter, String condition, Object value) {
    if (value != null) {
      filter.where(condition, value);
    }
  }

  private static LocalDate date(String lookup, String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw Failure.badRequest(lookup + " must be a date like 2024-01-31, not '" + text + "'.");
    }
  }

  /** ISO-8601 with an offset; without one it is UTC; a date alone is its midnight. */
  private static OffsetDateTime dateTime(String lookup, String text) {
    try {
      return OffsetDateTime.parse(text);
    } catch (DateTimeParseException withoutOffset) {
      try {
        return text.contains("T")
            ? LocalDateTime.parse(text).atOffset(ZoneOffset.UTC)
            : LocalDate.parse(text).atStartOfDay().atOffset(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw Failure.badRequest(
            lookup + " must be a date-time like 2024-01-31T12:00:00Z, not '" + text + "'.");
      }
    }
  }

  Future<UUID> insert(SqlConnection conn, NewExport export) {
    return conn.preparedQuery(
            "INSERT INTO exports (action_name, viewset, request_path, request_fields,"
                + " request_filters, format_type, language, filter_file, requested_by,"
                + " escape_formulas) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
        .execute(
            Tuple.from(
                    List.of(
                        export.source().actionName(),
                        export.source().viewset(),
                        export.source().path(),
                        export.columns().stream().map(Column::name).toArray(String[]::new),
                        export.filters(),
                        export.format().wire(),
                        export.language()))
                .addValue(export.filterFile())
                .addValue(export.userId())
                .addValue(export.escapeFormulas()))
        .map(rows -> rows.iterator().next().getUUID(0));
  }

  Future<Void> insertFilterIds(SqlConnection conn, UUID id, List<String> ids) {
    return conn.preparedQuery(
            "INSERT INTO export_filter_ids (export_id, id) SELECT $1, unnest($2::text[])")
        .execute(Tuple.of(id).addArrayOfString(ids.toArray(String[]::new)))
        .mapEmpty();
  }

  // ---- running

  /** The exports' status column, every move checked against {@link ListExportStatus#MACHINE}. */
  JobTable<UUID, ListExportStatus> table() {
    return table;
  }

  /** Counts the rows the export will write, before its first part. */
  Future<Void> count(Job job) {
    return pool.preparedQuery(job.source().countSql(job.where()))
        .execute(Tuple.from(job.where().params()))
        .compose(
            counted ->
                pool.preparedQuery("UPDATE exports SET total_count = $2 WHERE id = $1")
                    .execute(Tuple.of(job.id(), counted.iterator().next().getLong(0))))
        .mapEmpty();
  }

  Future<Job> job(UUID id) {
    return job(pool, id);
  }

  private static Future<Job> job(SqlClient client, UUID id) {
    return client
        .preparedQuery("SELECT * FROM exports WHERE id = $1")
        .execute(Tuple.of(id))
        .map(
            rows -> {
              Row row = single(rows).orElseThrow(() -> notFound(id));
              ExportableList source =
                  ExportableLists.byAction(row.getString("action_name"))
                      .orElseThrow(
                          () ->
                              new IllegalStateException(
                                  "export "
                                      + id
                                      + " has the unknown action "
                                      + row.getString("action_name")));
              return new Job(
                  id,
                  source,
                  source.columns(List.of(row.getArrayOfStrings("request_fields"))),
                  ListExportFormat.of(row.getString("format_type")).orElseThrow(),
                  row.getString("language"),
                  row.getBoolean("escape_formulas"),
                  row.getJsonObject("request_filters"),
                  row.getLong("filter_file") != null,
                  row.getInteger("page"),
                  row.getLong("last_instance_id"));
            });
  }

  /** The next page of the export's rows after its checkpoint: the key, then its columns. */
  Future<RowSet<Row>> page(Job job, int size) {
    Sql page = job.source().pageSql(job.where(), job.columns(), job.lastKey(), size);
    return pool.preparedQuery(page.text()).execute(page.tuple());
  }

  /**
   * Locks the export for the caller's transaction if it is still processing at the job's page;
   * false when it is not (cancelled meanwhile), so that nothing is written for it.
   */
  Future<Boolean> lockCurrent(SqlConnection conn, Job job, long runToken) {
    return conn.preparedQuery(
            "SELECT 1 FROM exports WHERE id = $1 AND status = 'processing' AND page = $2"
                + " AND run_token = $3 FOR UPDATE")
        .execute(Tuple.of(job.id(), job.page(), runToken))
        .map(rows -> rows.size() == 1);
  }

  /** Records a stored part and moves the checkpoint past it, in the caller's transaction. */
  Future<Void> checkpoint(
      SqlConnection conn, Job job, long fileId, String name, long lastKey, int rows, int failed) {
    return conn.preparedQuery(CHECKPOINT)
        .execute(Tuple.of(job.id(), job.page(), lastKey, rows, failed, name))
        .compose(
            updated ->
                conn.preparedQuery(
                        "INSERT INTO export_parts (export_id, page, file_id, row_count)"
                            + " VALUES ($1, $2, $3, $4)")
                    .execute(Tuple.of(job.id(), job.page(), fileId, rows)))
        .mapEmpty();
  }

  Future<List<Part>> parts(UUID id) {
    return pool.preparedQuery(
            "SELECT file_id, row_count FROM export_parts WHERE export_id = $1 ORDER BY page")
        .execute(Tuple.of(id))
        .map(
            rows -> {
              List<Part> parts = new ArrayList<>();
              rows.forEach(row -> parts.add(new Part(row.getLong(0), row.getInteger(1))));
              return parts;
            });
  }

  /** Completes the run's export with its result, in the caller's transaction. */
  Future<Boolean> complete(SqlConnection conn, UUID id, long resultFile, long runToken) {
    return end(
        conn,
        table.move(
            conn,
            id,
            ListExportStatus.COMPLETED,
            JobTable.set("modified_date", JobTable.NOW, "result_file", resultFile),
            runToken),
        id);
  }

  /**
   * Ends the export cancelled or failed, in one transaction with the dropping of its parts; false
   * when it had already ended.
   */
  Future<Boolean> end(UUID id, String errorMessage, JobRunner.Ending ending) {
    return pool.withTransaction(
        conn ->
            ending
                .move(
                    conn,
                    JobTable.set("modified_date", JobTable.NOW, "error_message", errorMessage))
                .compose(
                    ended ->
                        ended ? dropParts(conn, id).map(true) : Future.succeededFuture(false)));
  }

  private static Future<Boolean> end(
      SqlConnection conn, Future<Optional<StateChange>> move, UUID id) {
    return move.compose(
        moved -> moved.isEmpty() ? Future.succeededFuture(false) : dropParts(conn, id).map(true));
  }

  /** A finished export's parts are joined or useless. */
  private static Future<Void> dropParts(SqlConnection conn, UUID id) {
    return conn.preparedQuery(DROP_PARTS).execute(Tuple.of(id)).mapEmpty();
  }

  /** The stored result of a completed export. */
  Future<Long> resultFile(UUID id) {
    return requests
        .preparedQuery("SELECT result_file FROM exports WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> single(rows).map(row -> row.getLong(0)).orElseThrow(() -> notFound(id)));
  }

  private static Optional<Row> single(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next());
  }

  static JsonObject toJson(Row row) {
    String id = row.getUUID("id").toString();
    return new JsonObject()
        .put("id", id)
        .put("action_name", row.getString("action_name"))
        .put("viewset", row.getString("viewset"))
        .put("request_path", row.getString("request_path"))
        .put(
            "request_fields",
            new JsonArray(List.of((Object[]) row.getArrayOfStrings("request_fields"))))
        .put("format_type", row.getString("format_type"))
        .put("language", row.getString("language"))
        .put("filter_file", row.getString("filter_file_name"))
        .put("requested_by", row.getUUID("requested_by_uuid").toString())
        .put("status", row.getString("status"))
        .put("total_count", row.getLong("total_count"))
        .put("collected_count", row.getLong("collected_count"))
        .put("fail_count", row.getLong("fail_count"))
        .put("page", row.getInteger("page"))
        .put("last_instance_id", row.getLong("last_instance_id"))
        .put(
            "uploaded_parts",
            new JsonArray(List.of((Object[]) row.getArrayOfStrings("uploaded_parts"))))
        .put(
            "result_file",
            row.getLong("result_file") == null ? null : "/api/v1/exports/" + id + "/download/")
        .put("error_message", row.getString("error_message"))
        .put("created_date", Timestamps.format(row.getOffsetDateTime("created_date")))
        .put("modified_date", Timestamps.format(row.getOffsetDateTime("modified_date")));
  }
}
