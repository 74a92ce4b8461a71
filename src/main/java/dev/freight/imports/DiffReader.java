package dev.freight.imports;

import dev.freight.bus.ChunkSource;
import dev.freight.bus.Failure;
import dev.freight.db.Paging;
import dev.freight.db.RowCursor;
import dev.freight.db.Sql;
import dev.freight.library.ContentModel;
import dev.freight.library.ContentModels;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Reads a stored diff: the summary, a page of entries, or all of it through a cursor. */
final class DiffReader {
  private static final String[] OPS = {null, "add", "update", "delete"};
  private static final String COLUMNS =
      "op, entry, original, new, changed_fields, excluded, conflict, reason";
  private static final int CURSOR_ROWS = 500;

  /** The columns of {@code import_diff_counts} that count each operation's entries. */
  private static final Map<String, String> STORED_COUNTS =
      Map.of(
          "add", "added",
          "update", "updated",
          "delete", "deleted",
          "all", "added + updated + deleted");

  private final Pool pool;
  private final ImportJobs jobs;
  private final long retentionDays;

  /** {@code retentionDays}: how long a diff is kept after its job ended, for the 410's detail. */
  DiffReader(Pool pool, ImportJobs jobs, long retentionDays) {
    this.pool = pool;
    this.jobs = jobs;
    this.retentionDays = retentionDays;
  }

  /** An operation as stored: add, update or delete. */
  static short op(String name) {
    return (short) Arrays.asList(OPS).indexOf(name);
  }

  Future<JsonObject> summary(long jobId) {
    return pool.preparedQuery(
            "SELECT content_model, added, updated, deleted, unchanged, skipped FROM"
                + " import_diff_counts"
                + " WHERE job_id = $1 ORDER BY content_model")
        .execute(Tuple.of(jobId))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return noDiff(jobId);
              }
              JsonArray results = new JsonArray();
              for (Row row : rows) {
                JsonObject counts =
                    new JsonObject()
                        .put("content_model", row.getString(0))
                        .put("add", row.getLong(1))
                        .put("update", row.getLong(2))
                        .put("delete", row.getLong(3))
                        .put("unchanged", row.getLong(4));
                // Only a job that skips invalid rows counts them.
                Long skipped = row.getLong(5);
                if (skipped != null) {
                  counts.put("skipped", skipped);
                }
                results.add(counts);
              }
              return Future.succeededFuture(new JsonObject().put("results", results));
            });
  }

  /**
   * Whether the job still has its diff: its counts, and the entries of every model that changed
   * something (a purge of a finished job's diff may keep its counts).
   */
  Future<Boolean> kept(long jobId) {
    return pool.preparedQuery(
            "SELECT bool_and(c.added + c.updated + c.deleted = 0 OR EXISTS (SELECT 1 FROM"
                + " import_diffs d WHERE d.job_id = c.job_id AND d.content_model = c.content_model))"
                + " FROM import_diff_counts c WHERE c.job_id = $1")
        .execute(Tuple.of(jobId))
        .map(rows -> Boolean.TRUE.equals(rows.iterator().next().getBoolean(0)));
  }

  /**
   * One page of entries in file order, optionally of one operation and one item id, grouped by
   * operation.
   */
  Future<JsonObject> page(
      long jobId, String model, String op, String itemId, int limit, long offset) {
    Sql filter = new Sql().where("job_id = ?", jobId).where("content_model = ?", model);
    if (op != null) {
      filter.where("op = ?", op(op));
    }
    if (itemId != null) {
      // The id is the first value of a state; an add has no original, a delete no new.
      filter.where("coalesce(new[1], original[1]) = ?", itemId);
    }
    // Without an id the count is the one stored with the diff: counting a million entries would
    // take longer than reading the page.
    Sql count =
        itemId == null
            ? Sql.of("SELECT " + STORED_COUNTS.get(op == null ? "all" : op))
                .append(" FROM import_diff_counts")
                .where("job_id = ?", jobId)
                .where("content_model = ?", model)
            : Sql.of("SELECT count(*) FROM import_diffs").append(filter);
    return requireDiff(jobId, model)
        .compose(
            exists ->
                Paging.page(
                    pool,
                    count,
                    Sql.of("SELECT " + COLUMNS + " FROM import_diffs")
                        .append(filter)
                        .append(" ORDER BY entry, op"),
                    limit,
                    offset,
                    row -> item(content(model), row)))
        .map(
            page -> {
              JsonObject grouped =
                  new JsonObject()
                      .put("count", page.getLong("count"))
                      .put("content_model", model)
                      .put("add", new JsonArray())
                      .put("update", new JsonArray())
                      .put("delete", new JsonArray());
              for (Object item : page.getJsonArray("results")) {
                JsonObject entry = (JsonObject) item;
                grouped.getJsonArray((String) entry.remove("op")).add(entry);
              }
              return grouped;
            });
  }

  /** The whole diff as one JSON document, rendered chunk by chunk from a cursor. */
  Future<ChunkSource> stream(long jobId, String model) {
    return requireDiff(jobId, model)
        .compose(
            exists ->
                RowCursor.open(
                    pool,
                    "SELECT "
                        + COLUMNS
                        + " FROM import_diffs WHERE job_id = $1"
                        + " AND content_model = $2 ORDER BY op, entry",
                    Tuple.of(jobId, model)))
        .map(rows -> new DiffSource(rows, content(model)));
  }

  private Future<Void> requireDiff(long jobId, String model) {
    return pool.preparedQuery(
            "SELECT j.purged IS NOT NULL FROM import_diff_counts c JOIN import_jobs j"
                + " ON j.id = c.job_id WHERE c.job_id = $1 AND c.content_model = $2")
        .execute(Tuple.of(jobId, model))
        .compose(
            rows ->
                rows.size() > 0
                    ? rows.iterator().next().getBoolean(0)
                        ? Future.failedFuture(
                            ImportJobs.purged(
                                "The diff of import job " + jobId + " was",
                                retentionDays,
                                "; its counts remain in the summary."))
                        : Future.succeededFuture()
                    : summary(jobId)
                        .compose(
                            any ->
                                Future.failedFuture(
                                    Failure.notFound(
                                        "Import job "
                                            + jobId
                                            + " has no diff for content model '"
                                            + model
                                            + "'."))));
  }

  private <T> Future<T> noDiff(long jobId) {
    return jobs.get(jobId)
        .compose(
            job ->
                Future.failedFuture(
                    Failure.conflict(
                        "Import job "
                            + jobId
                            + " has no diff: it is "
                            + job.getString("status")
                            + ".")));
  }

  /** A model the job has a diff for ({@link #requireDiff}), so one that exists. */
  private static ContentModel content(String model) {
    return ContentModels.byName(model).orElseThrow();
  }

  private static JsonObject item(ContentModel model, Row row) {
    JsonObject item =
        new JsonObject()
            .put("op", OPS[row.getShort("op")])
            .put("original", DiffStates.json(model, row.getArrayOfStrings("original")))
            .put("new", DiffStates.json(model, row.getArrayOfStrings("new")))
            .put("entry", row.getLong("entry"));
    String[] changed = row.getArrayOfStrings("changed_fields");
    if (changed != null) {
      item.put("changed_fields", new JsonArray(List.of((Object[]) changed)));
    }
    // Only when true: an ordinary diff's entries look as they always have.
    if (row.getBoolean("excluded")) {
      item.put("excluded", true);
    }
    if (row.getBoolean("conflict")) {
      item.put("conflict", true);
    }
    String reason = row.getString("reason");
    if (reason != null) {
      item.put("reason", reason);
    }
    return item;
  }

  /**
   * Writes {"content_model": m, "add": [...], "update": [...], "delete": [...]} as the cursor
   * yields rows.
   */
  private static final class DiffSource implements ChunkSource {
    private final RowCursor cursor;
    private final ContentModel model;
    private int op;
    private boolean started;
    private boolean done;

    DiffSource(RowCursor cursor, ContentModel model) {
      this.cursor = cursor;
      this.model = model;
    }

    @Override
    public Future<Buffer> next() {
      if (done) {
        return Future.succeededFuture();
      }
      return cursor
          .read(CURSOR_ROWS)
          .map(
              rows -> {
                Buffer chunk = Buffer.buffer();
                if (!started) {
                  started = true;
                  chunk.appendString("{\"content_model\":" + Json.encode(model.name()));
                }
                for (Row row : rows) {
                  int rowOp = row.getShort("op");
                  boolean firstOfList = rowOp != op;
                  moveTo(chunk, rowOp);
                  JsonObject item = item(model, row);
                  item.remove("op");
                  chunk.appendString(firstOfList ? "" : ",").appendBuffer(item.toBuffer());
                }
                if (!cursor.hasMore()) {
                  finish(chunk);
                }
                return chunk;
              });
    }

    /** Closes the open list and opens the lists up to {@code target}, so every list is present. */
    private void moveTo(Buffer chunk, int target) {
      while (op < target) {
        if (op > 0) {
          chunk.appendString("]");
        }
        op++;
        chunk.appendString(",\"" + OPS[op] + "\":[");
      }
    }

    private void finish(Buffer chunk) {
      moveTo(chunk, OPS.length - 1);
      chunk.appendString("]}");
      done = true;
    }

    @Override
    public Future<Void> close() {
      return cursor.close();
    }
  }
}
