package dev.freight.imports;

import dev.freight.db.BlobStore;
import dev.freight.formats.Format;
import dev.freight.formats.ReadLimits;
import dev.freight.jobs.AsyncLoop;
import dev.freight.jobs.JobErrors;
import dev.freight.jobs.JobRunner;
import dev.freight.jobs.JobTable;
import dev.freight.jobs.Worker;
import dev.freight.library.ContentModel;
import dev.freight.library.ContentModels;
import dev.freight.library.FieldError;
import dev.freight.metrics.RowCounters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * pending → generating_diff → ready_for_review (or fail): restores each uploaded file to the spool
 * directory if it is not there, parses it in batches on the worker pool while the previous batch is
 * compared with the library, and keeps the diff only if no file has a problem.
 */
final class DiffTask {
  /** The errors of a job whose files were not completely stored. */
  static final String NOT_KEPT =
      "The files of this job were not completely stored (the server stopped or the database"
          + " failed meanwhile); upload them again in a new job.";

  /** One stored upload of the job; {@code size} is null until it is completely stored. */
  record StoredUpload(ContentModel model, long fileId, String name, Long size) {}

  private final Vertx vertx;
  private final Pool pool;
  private final Worker worker;
  private final BlobStore blobs;
  private final ImportJobs jobs;
  private final Path spool;
  private final ReadLimits limits;
  private final RowCounters rows;

  DiffTask(
      Vertx vertx,
      Pool pool,
      Worker worker,
      BlobStore blobs,
      ImportJobs jobs,
      Path spool,
      ReadLimits limits,
      RowCounters rows) {
    this.vertx = vertx;
    this.limits = limits;
    this.pool = pool;
    this.worker = worker;
    this.blobs = blobs;
    this.jobs = jobs;
    this.spool = spool;
    this.rows = rows;
  }

  /** Per-run counters, written back as the job's progress. */
  private static final class ReadProgress {
    long rows;
    long bytesDone;
    long bytesTotal;
  }

  /**
   * Computes the job's diff. {@code kept} is the storing of the job's files while the request that
   * created the job is still at it (the diff reads the local copies meanwhile, and the job becomes
   * ready for review only once they are kept), or null: then files not completely stored will never
   * be (a server stopped, or the database failed, while storing them), and the job fails.
   */
  Future<Void> run(long jobId, JobRunner.Run run, Future<Void> kept) {
    return jobs.resetProgress(jobId)
        .compose(reset -> forgetDiff(jobId, run.token(), true))
        .compose(cleared -> uploads(jobId))
        .compose(
            uploads ->
                kept == null && uploads.stream().anyMatch(upload -> upload.size() == null)
                    ? jobs.finish(
                            pool, jobId, ImportStatus.FAIL, JobErrors.of(NOT_KEPT), run.token())
                        .<Void>mapEmpty()
                    : options(jobId, uploads)
                        .compose(
                            options ->
                                compareAll(
                                    jobId,
                                    uploads,
                                    options,
                                    run,
                                    kept == null ? Future.succeededFuture() : kept)));
  }

  /** What one file held besides its valid rows. */
  private record FileRead(
      boolean idsMayRepeat, long badRows, Set<String> badColumns, Set<String> ignoredColumns) {}

  private Future<Void> compareAll(
      long jobId,
      List<StoredUpload> uploads,
      ImportOptions options,
      JobRunner.Run run,
      Future<Void> kept) {
    ErrorReport problems = new ErrorReport(options.skipInvalid());
    ReadProgress progress = new ReadProgress();
    List<BatchDiff> diffs =
        uploads.stream().map(u -> new BatchDiff(pool, jobId, run.token(), u.model())).toList();
    List<Path> files = new ArrayList<>();
    Map<String, Long> skipped = new HashMap<>();
    JsonObject ignored = new JsonObject();
    return Future.all(uploads.stream().map(upload -> local(jobId, upload)).toList())
        .compose(
            located -> {
              files.addAll(located.list());
              return Future.all(
                  files.stream().map(file -> vertx.fileSystem().props(file.toString())).toList());
            })
        .compose(
            props -> {
              List<Long> sizes = props.<FileProps>list().stream().map(FileProps::size).toList();
              progress.bytesTotal = sizes.stream().mapToLong(Long::longValue).sum();
              Future<Void> chain = Future.succeededFuture();
              for (int i = 0; i < uploads.size(); i++) {
                StoredUpload upload = uploads.get(i);
                Path file = files.get(i);
                long size = sizes.get(i);
                BatchDiff diff = diffs.get(i);
                chain =
                    chain
                        .compose(
                            done ->
                                compare(
                                    jobId, upload, file, diff, problems, options, progress, run))
                        .compose(
                            read -> {
                              progress.bytesDone += size;
                              return afterRead(
                                  upload, diff, read, problems, options, skipped, ignored);
                            });
              }
              return chain;
            })
        .compose(
            done -> {
              Map<String, Object> outcome =
                  JobTable.set(
                      "errors",
                      problems.any() ? problems.toJson() : null,
                      "ignored_columns",
                      ignored.isEmpty() ? null : ignored);
              if (problems.failing()) {
                outcome.put("completed", JobTable.NOW);
                return forgetDiff(jobId, run.token(), false)
                    .compose(
                        forgotten ->
                            jobs.move(pool, jobId, ImportStatus.FAIL, outcome, run.token()));
              }
              return kept.compose(
                      stored ->
                          Future.all(
                              diffs.stream()
                                  .map(
                                      diff ->
                                          diff.storeCounts(
                                              options.skipInvalid()
                                                  ? skipped.get(diff.modelName())
                                                  : null))
                                  .toList()))
                  .compose(
                      counted ->
                          jobs.move(
                              pool, jobId, ImportStatus.READY_FOR_REVIEW, outcome, run.token()));
            })
        .<Void>mapEmpty()
        .onFailure(failed -> forgetDiff(jobId, run.token(), true))
        .eventually(() -> Future.all(diffs.stream().map(BatchDiff::drop).toList()));
  }

  /**
   * What follows the reading of one file: the columns of its rows with problems, for the errors
   * file; its ids given twice; in sync mode, the deletes of the items it does not name. Notes the
   * rows it skipped and the columns it ignored.
   */
  private Future<Void> afterRead(
      StoredUpload upload,
      BatchDiff diff,
      FileRead read,
      ErrorReport problems,
      ImportOptions options,
      Map<String, Long> skipped,
      JsonObject ignored) {
    String model = upload.model().name();
    skipped.merge(model, read.badRows(), Long::sum);
    if (!read.ignoredColumns().isEmpty()) {
      ignored.put(model, new JsonArray(List.copyOf(read.ignoredColumns())));
    }
    Future<Void> columns =
        read.badRows() == 0
            ? Future.succeededFuture()
            : diff.storeBadColumns(upload.name(), read.badColumns());
    return columns
        .compose(
            stored ->
                read.idsMayRepeat()
                    ? checkDuplicates(upload, diff, problems, options)
                    : Future.succeededFuture(0L))
        .compose(
            later -> {
              skipped.merge(model, later, Long::sum);
              return options.sync() && !problems.failing()
                  ? diff.deleteAbsent()
                  : Future.succeededFuture();
            });
  }

  /** The options the job was created with. */
  private Future<ImportOptions> options(long jobId, List<StoredUpload> uploads) {
    return pool.preparedQuery("SELECT options FROM import_jobs WHERE id = $1")
        .execute(Tuple.of(jobId))
        .map(
            rows ->
                ImportOptions.fromJob(
                    rows.iterator().next().getJsonObject(0),
                    uploads.stream().map(StoredUpload::model).toList()));
  }

  /** A retried, cancelled or failed job keeps no diff, nor rows with problems. */
  Future<Void> forgetDiff(long jobId) {
    return deleteDiff("", Tuple.of(jobId), true);
  }

  /**
   * A run starts from nothing, and keeps nothing when it breaks; when its files have problems, it
   * keeps the rows that had them, for the errors file. Only while it still holds the job.
   */
  Future<Void> forgetDiff(long jobId, long runToken, boolean badRowsToo) {
    return deleteDiff(
        " AND" + String.format(BatchDiff.WHILE_HELD, 1, 2), Tuple.of(jobId, runToken), badRowsToo);
  }

  private Future<Void> deleteDiff(String condition, Tuple params, boolean badRowsToo) {
    List<String> tables =
        badRowsToo
            ? List.of("import_diffs", "import_diff_counts", "import_bad_rows", "import_bad_columns")
            : List.of("import_diffs", "import_diff_counts");
    Future<Void> chain = Future.succeededFuture();
    for (String table : tables) {
      chain =
          chain.compose(
              done ->
                  pool.preparedQuery("DELETE FROM " + table + " WHERE job_id = $1" + condition)
                      .execute(params)
                      .<Void>mapEmpty());
    }
    return chain;
  }

  private Future<List<StoredUpload>> uploads(long jobId) {
    return pool.preparedQuery(
            "SELECT f.content_model, s.id, s.name, s.size FROM import_files f"
                + " JOIN stored_files s ON s.id = f.file_id WHERE f.job_id = $1 ORDER BY f.content_model")
        .execute(Tuple.of(jobId))
        .map(
            rows -> {
              List<StoredUpload> uploads = new ArrayList<>();
              for (Row row : rows) {
                ContentModel model = ContentModels.byName(row.getString(0)).orElseThrow();
                uploads.add(
                    new StoredUpload(model, row.getLong(1), row.getString(2), row.getLong(3)));
              }
              return uploads;
            });
  }

  /** Where a job's uploads are parsed from; kept from the upload, or restored from PostgreSQL. */
  static Path spoolDir(Path spool, long jobId) {
    return spool.resolve("import-" + jobId);
  }

  /** The local copy of one of the job's files, named as stored. */
  static Path localCopy(Path spool, long jobId, String storedName) {
    return spoolDir(spool, jobId).resolve(storedName);
  }

  /**
   * The local copy: the one being stored, one kept from the upload, or one restored from
   * PostgreSQL.
   */
  private Future<Path> local(long jobId, StoredUpload upload) {
    Path file = localCopy(spool, jobId, upload.name());
    if (upload.size() == null) {
      return Future.succeededFuture(file);
    }
    return vertx
        .fileSystem()
        .exists(file.toString())
        .compose(
            exists ->
                exists
                    ? vertx
                        .fileSystem()
                        .props(file.toString())
                        .map(props -> props.size() == upload.size())
                    : Future.succeededFuture(false))
        .compose(
            present ->
                present
                    ? Future.succeededFuture(file)
                    : vertx
                        .fileSystem()
                        .mkdirs(file.getParent().toString())
                        .compose(dir -> blobs.restore(upload.fileId(), file))
                        .map(file));
  }

  /** Compares one file with the library. */
  private Future<FileRead> compare(
      long jobId,
      StoredUpload upload,
      Path file,
      BatchDiff diff,
      ErrorReport problems,
      ImportOptions options,
      ReadProgress progress,
      JobRunner.Run run) {
    Format format = Format.fromExtension(extension(upload.name())).orElseThrow();
    return diff.create()
        .compose(
            created ->
                worker.run(
                    () ->
                        new StagedFile(
                            upload.model(),
                            upload.name(),
                            format,
                            file,
                            limits,
                            problems,
                            options)))
        .compose(
            reader ->
                AsyncLoop.run(
                        new Step(worker.run(reader::read), Future.succeededFuture()),
                        step -> batch(jobId, reader, step, diff, problems, progress, run))
                    .map(
                        read ->
                            new FileRead(
                                reader.idsMayRepeat(),
                                reader.badRows(),
                                reader.badColumns(),
                                reader.ignoredColumns()))
                    .eventually(
                        () ->
                            worker.run(
                                () -> {
                                  reader.close();
                                  return null;
                                })));
  }

  /** The loop's state: the batch being read, and the comparison of the one before it. */
  private record Step(Future<BatchDiff.Batch> read, Future<Void> previous) {}

  /**
   * Starts comparing one batch with the library while the worker reads the next and the previous
   * batch's comparison finishes on another connection (PostgreSQL's share of the work is the larger
   * one: two comparisons keep it busy on two cores). Completes, once that previous comparison is
   * done, with the next step, or null after the last batch. On a failure, work still running is
   * waited for, since the reader is closed next.
   */
  private Future<Step> batch(
      long jobId,
      StagedFile reader,
      Step step,
      BatchDiff diff,
      ErrorReport problems,
      ReadProgress progress,
      JobRunner.Run run) {
    // A failed read still lets the comparison in flight finish before the loop ends.
    Future<BatchDiff.Batch> read =
        step.read()
            .recover(failed -> step.previous().transform(ignored -> Future.failedFuture(failed)));
    return read.compose(
        batch -> {
          run.checkpoint();
          rows.read(batch.size());
          Future<BatchDiff.Batch> next = reader.finished() ? null : worker.run(reader::read);
          long rowsRead = progress.rows + reader.rows();
          long bytesRead = progress.bytesDone + reader.bytesRead();
          Future<Void> compared =
              diff.compare(batch, !problems.failing()).onSuccess(done -> rows.diffed(batch.size()));
          Future<Void> previous =
              step.previous()
                  .compose(done -> jobs.progress(jobId, rowsRead, bytesRead, progress.bytesTotal));
          if (next == null) {
            return Future.join(previous, compared)
                .map(
                    done -> {
                      progress.rows += reader.rows();
                      return null;
                    });
          }
          return previous.transform(
              result ->
                  result.succeeded()
                      ? Future.succeededFuture(new Step(next, compared))
                      : Future.join(next, compared)
                          .transform(ignored -> Future.failedFuture(result.cause())));
        });
  }

  /**
   * Reports ids given twice; under skip_invalid the first row of an id stays and the later ones
   * leave the diff (completes with how many), otherwise the job fails.
   */
  private Future<Long> checkDuplicates(
      StoredUpload upload, BatchDiff diff, ErrorReport problems, ImportOptions options) {
    String key = upload.model().key().name();
    return diff.duplicates(ErrorReport.CAP)
        .map(
            rows -> {
              for (Row row : rows) {
                Long[] entries = row.getArrayOfLongs("entries");
                for (int i = 1; i < entries.length; i++) {
                  FieldError error =
                      new FieldError(
                          key,
                          row.getString("key"),
                          "duplicate id: also given at entry " + entries[0]);
                  if (options.skipInvalid()) {
                    problems.row(upload.model().name(), upload.name(), entries[i], error);
                  } else {
                    problems.duplicate(upload.model().name(), upload.name(), entries[i], error);
                  }
                }
              }
              return rows.isEmpty() || !options.skipInvalid();
            })
        .compose(
            noneToSkip -> noneToSkip ? Future.succeededFuture(0L) : diff.skipLaterDuplicates());
  }

  static String extension(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
