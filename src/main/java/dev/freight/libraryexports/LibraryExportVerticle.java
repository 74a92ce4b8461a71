package dev.freight.libraryexports;

import dev.freight.bus.ChunkStreams;
import dev.freight.bus.Endpoints;
import dev.freight.bus.Failure;
import dev.freight.bus.StreamOpened;
import dev.freight.bus.Viewer;
import dev.freight.config.FreightConfig;
import dev.freight.db.BlobStore;
import dev.freight.db.Pools;
import dev.freight.formats.Format;
import dev.freight.jobs.JobErrors;
import dev.freight.jobs.JobRunner;
import dev.freight.jobs.JobTable;
import dev.freight.jobs.Lease;
import dev.freight.jobs.Worker;
import dev.freight.library.ContentModel;
import dev.freight.library.ContentModels;
import dev.freight.metrics.RowCounters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Owns v2 library export jobs: creates them, takes cancel and retry, opens downloads ({@link
 * LibraryExportRequests}), and purges files past the retention window. Its {@link JobRunner} runs
 * them, at most {@code exports.max_running} at a time on a node while the others wait as pending,
 * oldest first.
 */
public final class LibraryExportVerticle extends VerticleBase
    implements JobRunner.Kind<Long, LibraryExportStatus> {
  /** The table of library export jobs, their kind in state changes and metrics. */
  public static final String JOB_TABLE = "export_jobs";

  private static final List<String> TYPES = List.of("full", "template");
  private static final System.Logger LOG = System.getLogger(LibraryExportVerticle.class.getName());

  private final Pools pools;
  private final Lease lease;
  private final Worker worker;
  private final ChunkStreams streams;
  private final Path spool;
  private final FreightConfig.Exports config;
  private final RowCounters rows;
  private BlobStore blobs;
  private BlobStore downloads;
  private LibraryExportJobs jobs;
  private LibraryExportTask task;
  private JobRunner<Long, LibraryExportStatus> runner;

  public LibraryExportVerticle(
      Pools pools,
      Worker worker,
      ChunkStreams streams,
      Path spool,
      Lease lease,
      FreightConfig.Exports config,
      RowCounters rows) {
    this.pools = pools;
    this.lease = lease;
    this.worker = worker;
    this.streams = streams;
    this.spool = spool;
    this.config = config;
    this.rows = rows;
  }

  @Override
  public Future<?> start() {
    blobs = new BlobStore(vertx, pools.jobs());
    downloads = new BlobStore(vertx, pools.requests());
    jobs = new LibraryExportJobs(vertx, pools);
    task = new LibraryExportTask(vertx, pools.jobs(), worker, blobs, jobs, spool, rows);
    runner =
        new JobRunner<>(
            vertx,
            jobs.table(),
            lease,
            "export",
            this,
            new JobRunner.Queue<>(
                LibraryExportStatus.PENDING,
                LibraryExportStatus.IN_PROGRESS,
                "id",
                config.maxRunning()));
    return Future.all(
            List.of(
                Endpoints.bind(vertx, LibraryExportRequests.CREATE, this::create),
                Endpoints.bind(
                    vertx, LibraryExportRequests.GET, req -> jobs.get(req.id(), req.viewer())),
                Endpoints.bind(
                    vertx, LibraryExportRequests.LIST, req -> jobs.list(req.viewer(), req.query())),
                Endpoints.bind(vertx, LibraryExportRequests.UPDATE, this::update),
                Endpoints.bind(vertx, LibraryExportRequests.DOWNLOAD, this::download)))
        // Jobs a stopped server left in progress start again from scratch; then pending ones.
        .compose(
            bound ->
                runner.resume(
                    Map.of(LibraryExportStatus.IN_PROGRESS, LibraryExportStatus.IN_PROGRESS), "id"))
        .onSuccess(
            resumed ->
                runner.purgeEvery(
                    LOG,
                    "purging export files",
                    config.purgeIntervalSeconds() * 1000,
                    () -> jobs.purge(config.retentionHours()),
                    purged ->
                        "purged the files of "
                            + purged
                            + " export job(s) older than "
                            + config.retentionHours()
                            + " h"));
  }

  /**
   * Running work stops between batches and is left unfinished, to start again with the next server.
   */
  @Override
  public Future<?> stop() {
    return runner.stop();
  }

  // ---- create

  private Future<JsonObject> create(LibraryExportRequests.NewLibraryExport req) {
    String type = req.type() == null ? "full" : req.type();
    if (!TYPES.contains(type)) {
      throw Failure.badRequest("type must be one of " + String.join(", ", TYPES) + ".");
    }
    String formatName = req.fileFormat() == null ? Format.JSON.extension() : req.fileFormat();
    Format format =
        Arrays.stream(Format.values())
            .filter(f -> f.extension().equals(formatName))
            .findFirst()
            .orElseThrow(
                () ->
                    Failure.badRequest(
                        "file_format must be one of "
                            + Arrays.stream(Format.values())
                                .map(Format::extension)
                                .collect(Collectors.joining(", "))
                            + "."));
    List<ContentModel> models = models(req.contentModels());
    Viewer viewer = req.viewer();
    return jobs.insert(viewer.userId(), type, format, models, req.escapeFormulas())
        .compose(
            id -> {
              runner.wake();
              return jobs.get(id, viewer);
            });
  }

  /** The named models, each once, in registry order; every model when none are named. */
  private static List<ContentModel> models(List<String> names) {
    String known =
        ContentModels.all().stream().map(ContentModel::name).collect(Collectors.joining(", "));
    if (names == null) {
      return ContentModels.all();
    }
    if (names.isEmpty()) {
      throw Failure.badRequest("content_models must name at least one of: " + known + ".");
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (String model : names) {
      if (ContentModels.byName(model).isEmpty()) {
        throw Failure.badRequest(
            "Unknown content model '" + model + "' in content_models; choose from: " + known + ".");
      }
      wanted.add(model);
    }
    return ContentModels.all().stream().filter(m -> wanted.contains(m.name())).toList();
  }

  // ---- run

  @Override
  public Future<Void> work(Long id, LibraryExportStatus status, JobRunner.Run run) {
    return task.run(id, run);
  }

  /** A cancelled or failed job keeps no file; a failed one says what broke it. */
  @Override
  public Future<Boolean> end(
      Long id, LibraryExportStatus to, String failure, JobRunner.Ending ending) {
    JsonObject errors = failure == null ? null : JobErrors.of(failure);
    return ending
        .move(pools.jobs(), JobTable.set("completed", JobTable.NOW, "errors", errors))
        .compose(ended -> ended ? jobs.dropFile(id).map(true) : Future.succeededFuture(false));
  }

  // ---- update

  private Future<JsonObject> update(LibraryExportRequests.LibraryExportAction req) {
    long id = req.job().id();
    Viewer viewer = req.job().viewer();
    String action = req.action() == null ? "" : req.action();
    LibraryExportStatus target =
        switch (action) {
          case "cancel" -> LibraryExportStatus.CANCEL;
          case "retry" -> LibraryExportStatus.PENDING;
          default -> throw Failure.badRequest("status must be one of cancel, retry.");
        };
    return jobs.get(id, viewer)
        .compose(
            job -> {
              LibraryExportStatus status = LibraryExportStatus.MACHINE.of(job.getString("status"));
              if (!LibraryExportStatus.MACHINE.allows(status, target)) {
                return Future.failedFuture(
                    LibraryExportStatus.MACHINE.refusal(action, id, status, target));
              }
              return target == LibraryExportStatus.CANCEL
                  ? runner.cancel(id, req.waitForTask()).compose(asked -> jobs.get(id, viewer))
                  : retry(id, viewer);
            });
  }

  /** Starts the job again from scratch; it keeps its owner. A lost race is a 409. */
  private Future<JsonObject> retry(long id, Viewer viewer) {
    return jobs.retry(id)
        .compose(
            changed -> {
              if (changed) {
                runner.wake();
                return jobs.get(id, viewer);
              }
              return jobs.get(id, viewer)
                  .compose(
                      now ->
                          Future.failedFuture(
                              LibraryExportStatus.MACHINE.refusal(
                                  "retry",
                                  id,
                                  LibraryExportStatus.MACHINE.of(now.getString("status")),
                                  LibraryExportStatus.PENDING)));
            });
  }

  // ---- reads

  private Future<StreamOpened> download(LibraryExportRequests.JobAccess req) {
    long id = req.id();
    return jobs.download(id, req.viewer())
        .compose(
            file -> {
              if (file.status() != LibraryExportStatus.SUCCESS) {
                return Future.failedFuture(
                    Failure.conflict(
                        "Export job "
                            + id
                            + " is "
                            + file.status().wire()
                            + ": its file can be downloaded once the job is success."));
              }
              Failure gone =
                  new Failure(
                      410,
                      "The file of export job "
                          + id
                          + " was deleted "
                          + config.retentionHours()
                          + " hours after the job completed; export again for a fresh one.");
              if (file.purged()) {
                return Future.failedFuture(gone);
              }
              // The purge may delete the file between the job's lookup and this one.
              return downloads
                  .info(file.fileId())
                  .compose(
                      found ->
                          found
                              .map(
                                  info ->
                                      Future.succeededFuture(
                                          new StreamOpened(
                                              streams.open(downloads.chunks(info)),
                                              LibraryExportTask.mediaType(info.name()),
                                              info.name(),
                                              info.size())))
                              .orElseGet(() -> Future.failedFuture(gone)));
            });
  }
}
