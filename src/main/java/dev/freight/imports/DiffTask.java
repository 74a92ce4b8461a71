package dev.freight.imports;

import dev.freight.db.BlobStore;
import dev.freight.formats.Format;
import dev.freight.jobs.Loop;
import dev.freight.jobs.RunningJobs;
import dev.freight.jobs.Worker;
import dev.freight.library.ContentModel;
import dev.freight.library.ContentModels;
import dev.freight.library.FieldError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * pending → generating_diff → ready_for_review (or fail): restores each uploaded file to the spool
 * directory if it is not there, parses it in batches on the worker pool while the previous batch is
 * being staged, checks for duplicate ids, and stores the diff.
 */
final class DiffTask {
  /** One stored upload of the job. */
  record Upload(ContentModel model, long fileId, String name, long size) {}

  private final Vertx vertx;
  private final Pool pool;
  private final Worker worker;
  private final BlobStore blobs;
  private final ImportJobs jobs;
  private final Path spool;

  DiffTask(Vertx vertx, Pool pool, Worker worker, BlobStore blobs, ImportJobs jobs, Path spool) {
    this.vertx = vertx;
    this.pool = pool;
    this.worker = worker;
    this.blobs = blobs;
    this.jobs = jobs;
    this.spool = spool;
  }

  /** Per-run counters, written back as the job's progress. */
  private static final class Progress {
    long rows;
    long bytesDone;
    long bytesTotal;
  }

  Future<Void> run(long jobId, RunningJobs.Run run) {
    return jobs.transition(jobId, EnumSet.of(ImportStatus.PENDING, ImportStatus.GENERATING_DIFF),
            ImportStatus.GENERATING_DIFF, "rows_read = 0, bytes_read = 0")
        .compose(started -> started ? generate(jobId, run) : Future.succeededFuture());
  }

  private Future<Void> generate(long jobId, RunningJobs.Run run) {
    Problems problems = new Problems();
    Progress progress = new Progress();
    return forgetDiff(jobId)
        .compose(cleared -> uploads(jobId))
        .compose(uploads -> {
          progress.bytesTotal = uploads.stream().mapToLong(Upload::size).sum();
          List<Staging> stagings = uploads.stream().map(u -> new Staging(pool, jobId, u.model())).toList();
          Future<Void> chain = eachFile(uploads, stagings, (upload, staging) ->
                  stage(jobId, upload, staging, problems, progress, run))
              .compose(staged -> eachFile(uploads, stagings, (upload, staging) ->
                  checkDuplicates(upload, staging, problems)))
              .compose(checked -> eachFile(uploads, stagings, (upload, staging) ->
                  problems.any() ? Future.succeededFuture() : diff(jobId, upload, staging, run)));
          return chain
              .compose(done -> problems.any()
                  ? jobs.finish(jobId, EnumSet.of(ImportStatus.GENERATING_DIFF), ImportStatus.FAIL, problems.toJson())
                  : jobs.transition(jobId, EnumSet.of(ImportStatus.GENERATING_DIFF), ImportStatus.READY_FOR_REVIEW, ""))
              .<Void>mapEmpty()
              .eventually(() -> Future.all(stagings.stream().map(Staging::drop).toList()));
        });
  }

  /** Runs {@code step} for each upload in turn. */
  private static Future<Void> eachFile(List<Upload> uploads, List<Staging> stagings,
      BiFunction<Upload, Staging, Future<Void>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < uploads.size(); i++) {
      Upload upload = uploads.get(i);
      Staging staging = stagings.get(i);
      chain = chain.compose(done -> step.apply(upload, staging));
    }
    return chain;
  }

  /** A retried or resumed job starts from nothing. */
  Future<Void> forgetDiff(long jobId) {
    return pool.preparedQuery("DELETE FROM import_diffs WHERE job_id = $1").execute(Tuple.of(jobId))
        .compose(done -> pool.preparedQuery("DELETE FROM import_diff_counts WHERE job_id = $1").execute(Tuple.of(jobId)))
        .mapEmpty();
  }

  private Future<List<Upload>> uploads(long jobId) {
    return pool.preparedQuery("SELECT f.content_model, s.id, s.name, s.size FROM import_files f"
            + " JOIN stored_files s ON s.id = f.file_id WHERE f.job_id = $1 ORDER BY f.content_model")
        .execute(Tuple.of(jobId))
        .map(rows -> {
          List<Upload> uploads = new ArrayList<>();
          for (Row row : rows) {
            ContentModel model = ContentModels.byName(row.getString(0)).orElseThrow();
            uploads.add(new Upload(model, row.getLong(1), row.getString(2), row.getLong(3)));
          }
          return uploads;
        });
  }

  /** Where a job's upload is parsed from; kept from the upload, or restored from PostgreSQL. */
  static Path spoolDir(Path spool, long jobId) {
    return spool.resolve("import-" + jobId);
  }

  private Future<Path> local(long jobId, Upload upload) {
    Path file = spoolDir(spool, jobId).resolve(upload.name());
    return vertx.fileSystem().exists(file.toString()).compose(exists -> exists
        ? vertx.fileSystem().props(file.toString()).map(props -> props.size() == upload.size())
        : Future.succeededFuture(false))
        .compose(present -> present
            ? Future.succeededFuture(file)
            : vertx.fileSystem().mkdirs(file.getParent().toString())
                .compose(dir -> blobs.restore(upload.fileId(), file)).map(file));
  }

  private Future<Void> stage(long jobId, Upload upload, Staging staging, Problems problems, Progress progress,
      RunningJobs.Run run) {
    Format format = Format.fromExtension(extension(upload.name())).orElseThrow();
    String insert = staging.insertSql();
    return staging.create()
        .compose(created -> local(jobId, upload))
        .compose(file -> worker.run(() -> new StagedFile(upload.model(), upload.name(), format, file, problems)))
        .compose(reader -> Loop.run(worker.run(reader::read),
                pending -> batch(jobId, reader, pending, staging, insert, problems, progress, run))
            .eventually(() -> worker.run(() -> {
              reader.close();
              return null;
            })))
        .onSuccess(done -> progress.bytesDone += upload.size());
  }

  /**
   * Stages one batch while the worker reads the next; completes with that next read, or null after
   * the last batch. A read still running when staging fails is waited for, since the reader is
   * closed next.
   */
  private Future<Future<Staging.Batch>> batch(long jobId, StagedFile reader, Future<Staging.Batch> pending,
      Staging staging, String insert, Problems problems, Progress progress, RunningJobs.Run run) {
    return pending.compose(batch -> {
      run.checkpoint();
      Future<Staging.Batch> next = reader.finished() ? null : worker.run(reader::read);
      Future<Void> stored = (problems.any() || batch.size() == 0
          ? Future.<Void>succeededFuture()
          : staging.insert(insert, batch.tuple(staging.model())))
          .compose(done -> jobs.progress(jobId, progress.rows + reader.rows(), progress.bytesDone + reader.bytesRead(),
              progress.bytesTotal));
      if (next == null) {
        return stored.map(done -> {
          progress.rows += reader.rows();
          return null;
        });
      }
      return stored.transform(result -> result.succeeded()
          ? Future.succeededFuture(next)
          : next.transform(ignored -> Future.failedFuture(result.cause())));
    });
  }

  private Future<Void> checkDuplicates(Upload upload, Staging staging, Problems problems) {
    if (problems.any()) {
      return Future.succeededFuture();
    }
    String key = upload.model().key().name();
    return staging.duplicates(Problems.CAP).map(rows -> {
      for (Row row : rows) {
        Long[] entries = row.getArrayOfLongs("entries");
        for (int i = 1; i < entries.length; i++) {
          problems.row(upload.model().name(), upload.name(), entries[i], new FieldError(key, row.getString("key"),
              "duplicate id: also given at entry " + entries[0]));
        }
      }
      return null;
    });
  }

  private Future<Void> diff(long jobId, Upload upload, Staging staging, RunningJobs.Run run) {
    run.checkpoint();
    return staging.diff().compose(counts -> pool.preparedQuery("INSERT INTO import_diff_counts"
            + " (job_id, content_model, added, updated, deleted, unchanged) VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(jobId, upload.model().name(), counts.getLong("add"), counts.getLong("update"),
            counts.getLong("delete"), counts.getLong("unchanged")))
        .mapEmpty());
  }

  static String extension(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
