package dev.freight.listexports;

import dev.freight.config.FreightConfig;
import dev.freight.db.BlobStore;
import dev.freight.jobs.AsyncLoop;
import dev.freight.jobs.JobRunner;
import dev.freight.jobs.Worker;
import dev.freight.listexports.ListExportStore.Job;
import dev.freight.listexports.ListExportStore.Part;
import dev.freight.metrics.RowCounters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * processing → completed: collects an export from its checkpoint, page by page in key order. Each
 * page is rendered on the worker pool into a part while the next page is read, and the part is
 * stored together with the checkpoint in one transaction, so that a stopped server resumes without
 * losing or repeating a row. Once no rows are left, the parts are joined into the result.
 */
final class ListExportTask {
  private final Vertx vertx;
  private final Pool pool;
  private final Worker worker;
  private final BlobStore blobs;
  private final ListExportStore store;
  private final FreightConfig.ExportsV1 config;
  private final Path spool;
  private final RowCounters rows;

  ListExportTask(
      Vertx vertx,
      Pool pool,
      Worker worker,
      BlobStore blobs,
      ListExportStore store,
      FreightConfig.ExportsV1 config,
      Path spool,
      RowCounters rows) {
    this.vertx = vertx;
    this.pool = pool;
    this.worker = worker;
    this.blobs = blobs;
    this.store = store;
    this.config = config;
    this.spool = spool;
    this.rows = rows;
  }

  /**
   * Runs the processing export to its end, counting its rows first if it has not started yet. Fails
   * with {@link dev.freight.jobs.Cancelled} once the run is told to stop.
   */
  Future<Void> run(UUID id, JobRunner.Run run) {
    Path dir = spool.resolve("export-" + id);
    return vertx
        .fileSystem()
        .mkdirs(dir.toString())
        .compose(made -> store.job(id))
        .compose(job -> job.page() == 1 ? store.count(job).map(job) : Future.succeededFuture(job))
        .compose(
            job ->
                pages(job, store.page(job, config.pageSize()), dir, run)
                    // Joined as of the last checkpoint, which the pages have moved on.
                    .compose(
                        collected ->
                            collected
                                ? store.job(id).compose(last -> complete(last, dir, run))
                                : Future.succeededFuture()))
        .eventually(
            () ->
                vertx
                    .fileSystem()
                    .deleteRecursive(dir.toString())
                    .recover(gone -> Future.succeededFuture()));
  }

  /** A page being fetched, and the export's checkpoint before it. */
  private record Ahead(Job job, Future<RowSet<Row>> fetched) {}

  /**
   * Stores {@code fetched} and the pages after it; true once all are stored, false when stopped
   * before.
   */
  private Future<Boolean> pages(Job job, Future<RowSet<Row>> fetched, Path dir, JobRunner.Run run) {
    AtomicBoolean collected = new AtomicBoolean();
    return AsyncLoop.run(new Ahead(job, fetched), ahead -> page(ahead, dir, run, collected))
        .map(done -> collected.get());
  }

  /**
   * Stores one page while the next is fetched; completes with that next page, or null at the end.
   */
  private Future<Ahead> page(Ahead current, Path dir, JobRunner.Run run, AtomicBoolean collected) {
    Job job = current.job();
    return current
        .fetched()
        .compose(
            page -> {
              run.checkpoint();
              if (page.size() == 0) {
                collected.set(true);
                return Future.succeededFuture();
              }
              boolean last = page.size() < config.pageSize();
              Job next = job.next(lastKey(page));
              Future<RowSet<Row>> ahead = last ? null : store.page(next, config.pageSize());
              String name = "part_" + job.page() + "." + job.format().extension();
              Path file = dir.resolve(name);
              return worker
                  .run(() -> PartFiles.render(page, job, file))
                  .onSuccess(rendered -> rows.exportedList(rendered.rows()))
                  .compose(
                      rendered ->
                          storeIfCurrent(
                              job,
                              run,
                              name,
                              file,
                              (conn, fileId) ->
                                  store.checkpoint(
                                      conn,
                                      job,
                                      fileId,
                                      name,
                                      next.lastKey(),
                                      rendered.rows(),
                                      rendered.failed())))
                  .compose(stored -> vertx.fileSystem().delete(file.toString()).map(stored))
                  .compose(
                      stored -> {
                        collected.set(stored && last);
                        return !stored || last
                            ? Future.<Ahead>succeededFuture()
                            : pause().map(paused -> new Ahead(next, ahead));
                      });
            });
  }

  /**
   * Stores the file and records it, in one transaction, if the export is still processing at the
   * job's page and held by this run; false when it is not (cancelled meanwhile): then nothing is
   * written.
   */
  private Future<Boolean> storeIfCurrent(
      Job job,
      JobRunner.Run run,
      String name,
      Path file,
      BiFunction<SqlConnection, Long, Future<?>> record) {
    return pool.withTransaction(
        conn ->
            store
                .lockCurrent(conn, job, run.token())
                .compose(
                    current ->
                        !current
                            ? Future.succeededFuture(false)
                            : blobs
                                .store(conn, name, file)
                                .compose(fileId -> record.apply(conn, fileId))
                                .map(true)));
  }

  private static long lastKey(RowSet<Row> page) {
    long key = 0;
    for (Row row : page) {
      key = row.getLong(0);
    }
    return key;
  }

  private Future<Void> pause() {
    return config.partPauseMs() == 0
        ? Future.succeededFuture()
        : vertx.timer(config.partPauseMs(), TimeUnit.MILLISECONDS).mapEmpty();
  }

  /**
   * Joins the stored parts one at a time (restored, appended, deleted), stores the result and
   * completes the export.
   */
  private Future<Void> complete(Job job, Path dir, JobRunner.Run run) {
    String name = job.source().actionName() + "_" + job.id() + "." + job.format().extension();
    Path result = dir.resolve(name);
    return store
        .parts(job.id())
        .compose(
            parts ->
                worker
                    .run(() -> PartFiles.Joiner.open(job.format(), job.labels(), result))
                    .compose(
                        joiner ->
                            appendAll(joiner, parts, dir, run)
                                .transform(
                                    appended ->
                                        worker
                                            .run(
                                                () -> {
                                                  joiner.close();
                                                  return null;
                                                })
                                            .compose(
                                                closed ->
                                                    appended.succeeded()
                                                        ? Future.<Void>succeededFuture()
                                                        : Future.failedFuture(appended.cause())))))
        .compose(
            joined ->
                storeIfCurrent(
                    job,
                    run,
                    name,
                    result,
                    (conn, fileId) -> store.complete(conn, job.id(), fileId, run.token())))
        .mapEmpty();
  }

  private Future<Void> appendAll(
      PartFiles.Joiner joiner, List<Part> parts, Path dir, JobRunner.Run run) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      Path file = dir.resolve("joining-" + i);
      chain =
          chain
              .compose(
                  done -> {
                    run.checkpoint();
                    return blobs.restore(part.fileId(), file);
                  })
              .compose(
                  restored ->
                      worker.run(
                          () -> {
                            joiner.append(file, part.rows());
                            return null;
                          }))
              .compose(appended -> vertx.fileSystem().delete(file.toString()));
    }
    return chain;
  }
}
