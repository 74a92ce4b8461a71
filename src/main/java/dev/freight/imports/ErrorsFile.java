package dev.freight.imports;

import dev.freight.bus.ChunkSource;
import dev.freight.bus.Failure;
import dev.freight.db.RowCursor;
import dev.freight.formats.Format;
import dev.freight.formats.RowWriter;
import dev.freight.jobs.Worker;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The errors file of a job: the rows of one of its files that had problems, in the file's format,
 * with the file's columns and the cells as it gave them, in file order, then {@link
 * FileColumns#ADDED}: the row's entry and its problems ({@code field: message; ...}). Written from
 * a cursor, chunk by chunk, so its size does not matter. Named as the upload was, so that the fixed
 * file can be sent again as it is.
 */
final class ErrorsFile {
  private static final int CURSOR_ROWS = 5000;
  private static final Set<ImportStatus> WITH_ERRORS_FILE =
      Set.of(
          ImportStatus.FAIL,
          ImportStatus.READY_FOR_REVIEW,
          ImportStatus.APPLYING_CHANGES,
          ImportStatus.SUCCESS);

  /** The file, to stream, and how to name it. */
  record Opened(ChunkSource source, Format format, String fileName) {}

  private final Pool pool;
  private final Worker worker;
  private final ImportJobs jobs;
  private final long retentionDays;

  /**
   * {@code retentionDays}: how long the rows are kept after the job ended, for the 410's detail.
   */
  ErrorsFile(Pool pool, Worker worker, ImportJobs jobs, long retentionDays) {
    this.pool = pool;
    this.worker = worker;
    this.jobs = jobs;
    this.retentionDays = retentionDays;
  }

  /** {@code model}: which file's rows, or null for the first (by model name) that has any. */
  Future<Opened> open(long jobId, String model) {
    return jobs.get(jobId)
        .compose(
            job -> {
              ImportStatus status = ImportStatus.MACHINE.of(job.getString("status"));
              if (!WITH_ERRORS_FILE.contains(status)) {
                return Future.failedFuture(
                    Failure.conflict(
                        "Import job "
                            + jobId
                            + " has no errors file while it is "
                            + status.wire()
                            + "."));
              }
              return pool.preparedQuery(
                      "SELECT content_model, file_name, columns FROM import_bad_columns"
                          + " WHERE job_id = $1 AND ($2::text IS NULL OR content_model = $2)"
                          + " ORDER BY content_model LIMIT 1")
                  .execute(Tuple.of(jobId, model));
            })
        .compose(
            found -> {
              if (found.size() > 0) {
                return cursor(jobId, found.iterator().next());
              }
              return jobs.purged(jobId)
                  .compose(
                      purged ->
                          Future.failedFuture(
                              purged
                                  ? ImportJobs.purged(
                                      "The rows with problems of import job " + jobId + " were",
                                      retentionDays,
                                      ".")
                                  : Failure.conflict(
                                      "Import job "
                                          + jobId
                                          + " has no rows with problems"
                                          + (model == null ? "" : " in its '" + model + "' file")
                                          + ".")));
            });
  }

  private Future<Opened> cursor(long jobId, Row file) {
    String fileName = file.getString("file_name");
    Format format = Format.fromExtension(DiffTask.extension(fileName)).orElseThrow();
    List<String> columns = List.of(file.getArrayOfStrings("columns"));
    String model = file.getString("content_model");
    return RowCursor.open(
            pool,
            "SELECT entry, cells, errors FROM import_bad_rows"
                + " WHERE job_id = $1 AND content_model = $2 ORDER BY entry",
            Tuple.of(jobId, model))
        .map(rows -> new Opened(new Source(rows, format, model, columns), format, fileName));
  }

  /** Writes the rows the cursor yields; the writer runs on the worker pool, one chunk at a time. */
  private final class Source implements ChunkSource {
    private final RowCursor cursor;
    private final Format format;
    private final String model;
    private final List<String> columns;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private RowWriter writer;
    private boolean done;

    Source(RowCursor cursor, Format format, String model, List<String> columns) {
      this.cursor = cursor;
      this.format = format;
      this.model = model;
      this.columns = columns;
    }

    @Override
    public Future<Buffer> next() {
      if (done) {
        return Future.succeededFuture();
      }
      return cursor.read(CURSOR_ROWS).compose(rows -> worker.run(() -> write(rows)));
    }

    private Buffer write(Iterable<Row> rows) throws java.io.IOException {
      if (writer == null) {
        List<String> header = new ArrayList<>(columns);
        header.addAll(FileColumns.ADDED);
        // The sheet an import reads first.
        writer = format.openWriter(out, model, header);
      }
      for (Row row : rows) {
        JsonObject cells = (JsonObject) row.getJson("cells");
        List<Object> values = new ArrayList<>(columns.size() + 2);
        for (String column : columns) {
          values.add(writable(cells.getValue(column)));
        }
        values.add(row.getLong("entry"));
        values.add(row.getString("errors"));
        writer.write(values);
      }
      if (!cursor.hasMore()) {
        writer.close();
        done = true;
      }
      Buffer chunk = Buffer.buffer(out.toByteArray());
      out.reset();
      return chunk;
    }

    @Override
    public Future<Void> close() {
      return cursor.close();
    }
  }

  /** A cell as JSON gave it back, as a writer takes it: JSON has only one kind of fraction. */
  private static Object writable(Object value) {
    if (value instanceof Double || value instanceof Float || value instanceof BigInteger) {
      return new BigDecimal(value.toString());
    }
    return value;
  }
}
