package dev.freight.libraryexports;

import dev.freight.db.BlobStore;
import dev.freight.formats.Format;
import dev.freight.jobs.AsyncLoop;
import dev.freight.jobs.JobRunner;
import dev.freight.jobs.Worker;
import dev.freight.library.ContentModel;
import dev.freight.library.Field;
import dev.freight.metrics.RowCounters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * pending → in_progress → success: writes each content model's file into the job's spool directory
 * (rows read through a cursor in key order, one batch written on the worker pool while the next is
 * read), zips them when there are several, and stores the result: a single file while it is being
 * written, its last part in the transaction that marks the job success. A cancel is noticed between
 * batches; the spool directory goes in every case, and so does the stored file of a run that fails.
 */
final class LibraryExportTask {
  static final int BATCH_ROWS = 5_000;
  static final String ZIP_TYPE = "application/zip";

  private final Vertx vertx;
  private final Pool pool;
  private final Worker worker;
  private final BlobStore blobs;
  private final LibraryExportJobs jobs;
  private final Path spool;
  private final RowCounters rowCounters;

  LibraryExportTask(
      Vertx vertx,
      Pool pool,
      Worker worker,
      BlobStore blobs,
      LibraryExportJobs jobs,
      Path spool,
      RowCounters rows) {
    this.vertx = vertx;
    this.pool = pool;
    this.worker = worker;
    this.blobs = blobs;
    this.jobs = jobs;
    this.spool = spool;
    this.rowCounters = rows;
  }

  /** Rows written so far across the job's models, and how many there are to write. */
  private static final class WriteProgress {
    long written;
    long total;
  }

  /** The name a job's download gets: the model's file, or a zip of several. */
  static String fileName(long jobId, LibraryExportJobs.Spec spec) {
    return spec.models().size() == 1
        ? modelFileName(spec.models().get(0), spec.format())
        : "library-export-" + jobId + ".zip";
  }

  /** The media type of a stored export, from its name. */
  static String mediaType(String fileName) {
    String extension = fileName.substring(fileName.lastIndexOf('.') + 1);
    return extension.equals("zip")
        ? ZIP_TYPE
        : Format.fromExtension(extension).orElseThrow().mediaType();
  }

  private static String modelFileName(ContentModel model, Format format) {
    return model.name() + "." + format.extension();
  }

  Future<Void> run(long jobId, JobRunner.Run run) {
    Path dir = spool.resolve("export-" + jobId);
    return jobs.spec(jobId)
        .compose(
            spec ->
                clear(dir)
                    .compose(cleared -> vertx.fileSystem().mkdirs(dir.toString()))
                    .compose(made -> write(jobId, spec, dir, run))
                    .eventually(() -> clear(dir)));
  }

  /**
   * Whatever an earlier, interrupted run left goes; so does this run's output once stored or given
   * up.
   */
  private Future<Void> clear(Path dir) {
    return vertx
        .fileSystem()
        .deleteRecursive(dir.toString())
        .recover(missing -> Future.succeededFuture());
  }

  private Future<Void> write(long jobId, LibraryExportJobs.Spec spec, Path dir, JobRunner.Run run) {
    WriteProgress progress = new WriteProgress();
    String name = fileName(jobId, spec);
    return jobs.dropFile(jobId)
        .compose(
            dropped ->
                pool.withTransaction(
                    conn ->
                        blobs
                            .storeWhileWritten(conn, name, dir.resolve(name))
                            .compose(
                                growing ->
                                    jobs.attachFile(conn, jobId, growing.id()).map(growing))))
        .compose(
            growing ->
                total(spec)
                    .compose(
                        total -> {
                          progress.total = total;
                          return jobs.progress(jobId, 0, total);
                        })
                    .compose(
                        counted -> {
                          List<Path> files = new ArrayList<>();
                          // A single model's file is the download itself: it is stored as it grows.
                          LongConsumer storeUpTo =
                              spec.models().size() == 1 ? growing::storeUpTo : size -> {};
                          Future<Void> chain = Future.succeededFuture();
                          for (ContentModel model : spec.models()) {
                            Path file = dir.resolve(modelFileName(model, spec.format()));
                            files.add(file);
                            chain =
                                chain.compose(
                                    done ->
                                        writeModel(
                                            jobId, spec, model, file, progress, storeUpTo, run));
                          }
                          return chain
                              .compose(
                                  written ->
                                      files.size() == 1
                                          ? Future.succeededFuture()
                                          : worker.run(
                                              () -> {
                                                ModelFile.zip(files, dir.resolve(name));
                                                return null;
                                              }))
                              .compose(result -> store(jobId, growing, progress, run));
                        })
                    .eventually(growing::close))
        .onFailure(failed -> jobs.dropFile(jobId, run.token()));
  }

  /** Rows to write: the library's for a full export, the example rows for a template. */
  private Future<Long> total(LibraryExportJobs.Spec spec) {
    if (spec.template()) {
      return Future.succeededFuture(headerOnly(spec.format()) ? 0L : spec.models().size());
    }
    String counts =
        spec.models().stream()
            .map(m -> "(SELECT count(*) FROM " + m.table() + ")")
            .collect(Collectors.joining(" + "));
    return pool.query("SELECT " + counts).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  private Future<Void> writeModel(
      long jobId,
      LibraryExportJobs.Spec spec,
      ContentModel model,
      Path path,
      WriteProgress progress,
      LongConsumer storeUpTo,
      JobRunner.Run run) {
    run.checkpoint();
    return worker
        .run(() -> new ModelFile(path, spec.format(), model, spec.escapeFormulas()))
        .compose(
            file -> {
              Future<Void> written =
                  spec.template()
                      ? example(jobId, spec, file, progress)
                      : rows(jobId, model, file, progress, storeUpTo, run);
              return written.eventually(
                  () ->
                      worker.run(
                          () -> {
                            file.close();
                            return null;
                          }));
            });
  }

  /**
   * A template shows the layout: the header for CSV and XLSX, and one example record for JSON and
   * YAML.
   */
  private Future<Void> example(
      long jobId, LibraryExportJobs.Spec spec, ModelFile file, WriteProgress progress) {
    if (headerOnly(spec.format())) {
      return Future.succeededFuture();
    }
    return worker
        .run(
            () -> {
              file.writeExample();
              return null;
            })
        .compose(written -> jobs.progress(jobId, ++progress.written, progress.total));
  }

  /** Spreadsheet-like formats show their layout in the header row alone. */
  private static boolean headerOnly(Format format) {
    return format == Format.CSV || format == Format.XLSX;
  }

  /** The model's rows in key order, from one snapshot: a cursor inside a read-only transaction. */
  private Future<Void> rows(
      long jobId,
      ContentModel model,
      ModelFile file,
      WriteProgress progress,
      LongConsumer storeUpTo,
      JobRunner.Run run) {
    String columns =
        model.storedFields().stream().map(Field::name).collect(Collectors.joining(", "));
    String sql = "SELECT " + columns + " FROM " + model.table() + " ORDER BY " + model.key().name();
    return pool.withTransaction(
        conn ->
            conn.prepare(sql)
                .compose(
                    statement -> {
                      Cursor cursor = statement.cursor();
                      return AsyncLoop.run(
                              cursor.read(BATCH_ROWS),
                              pending ->
                                  batch(jobId, cursor, pending, file, progress, storeUpTo, run))
                          .eventually(statement::close);
                    }));
  }

  /** Rows a batch wrote, and the bytes the file then holds on disk (which will not change). */
  private record Written(int rows, long fileBytes) {}

  /**
   * Writes one batch on the worker while the cursor reads the next; completes with that next read,
   * or null after the last batch. A read still running when writing fails is waited for, since the
   * transaction ends next.
   */
  private Future<Future<RowSet<Row>>> batch(
      long jobId,
      Cursor cursor,
      Future<RowSet<Row>> pending,
      ModelFile file,
      WriteProgress progress,
      LongConsumer storeUpTo,
      JobRunner.Run run) {
    return pending.compose(
        rows -> {
          run.checkpoint();
          Future<RowSet<Row>> next = cursor.hasMore() ? cursor.read(BATCH_ROWS) : null;
          Future<Void> written =
              worker
                  .run(() -> new Written(file.write(rows), file.bytesOnDisk()))
                  .compose(
                      batch -> {
                        storeUpTo.accept(batch.fileBytes());
                        rowCounters.exportedLibrary(batch.rows());
                        return jobs.progress(
                            jobId, progress.written += batch.rows(), progress.total);
                      });
          if (next == null) {
            return written.map((Future<RowSet<Row>>) null);
          }
          return written.transform(
              result ->
                  result.succeeded()
                      ? Future.succeededFuture(next)
                      : next.transform(ignored -> Future.failedFuture(result.cause())));
        });
  }

  /**
   * Stores the rest of the file and marks the job success in one transaction: a job is success
   * exactly when its whole file is there.
   */
  private Future<Void> store(
      long jobId, BlobStore.FileBeingWritten file, WriteProgress progress, JobRunner.Run run) {
    run.checkpoint();
    return pool.withTransaction(
        conn ->
            file.finish(conn)
                .compose(stored -> jobs.succeed(conn, jobId, progress.written, run.token()))
                .compose(
                    succeeded ->
                        succeeded
                            ? Future.<Void>succeededFuture()
                            : Future.failedFuture(
                                new IllegalStateException(
                                    "export job " + jobId + " left in_progress"))));
  }
}
