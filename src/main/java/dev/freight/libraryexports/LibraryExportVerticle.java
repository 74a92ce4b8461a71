package dev.freight.libraryexports;

import dev.freight.bus.ChunkStreams;
import dev.freight.bus.Endpoints;
import dev.freight.bus.Failure;
import dev.freight.config.FreightConfig;
import dev.freight.db.BlobStore;
import dev.freight.formats.Format;
import dev.freight.jobs.Cancelled;
import dev.freight.jobs.RunningJobs;
import dev.freight.jobs.Worker;
import dev.freight.library.ContentModel;
import dev.freight.library.ContentModels;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Owns v2 library export jobs: creates them, runs them (at most {@value #MAX_RUNNING} at a time,
 * the others wait as pending, oldest first), takes cancel and retry, opens downloads, and purges
 * files past the retention window. Every request carries the viewer {user_id, superuser}: users
 * reach only their own jobs, superusers all. Requests (JsonObject in, JsonObject out):
 *
 * <ul>
 *   <li>{@link #CREATE} {type?, file_format?, content_models?} → the pending job
 *   <li>{@link #GET} {id}; {@link #LIST} {ordering?, status?, status__in?, limit, offset}
 *   <li>{@link #UPDATE} {id, status: cancel | retry, wait_for_task}
 *   <li>{@link #DOWNLOAD} {id} → {stream, content_type, filename, length} to pull through {@link
 *       ChunkStreams}
 * </ul>
 */
public final class LibraryExportVerticle extends VerticleBase {
  public static final String CREATE = "libraryexports.create";
  public static final String GET = "libraryexports.get";
  public static final String LIST = "libraryexports.list";
  public static final String UPDATE = "libraryexports.update";
  public static final String DOWNLOAD = "libraryexports.download";

  /**
   * Each run holds a connection for its cursor and writes on the worker pool; more at once would
   * not be faster.
   */
  static final int MAX_RUNNING = 2;

  private static final long CANCEL_WAIT_S = 30;
  private static final List<String> TYPES = List.of("full", "template");
  private static final System.Logger LOG = System.getLogger(LibraryExportVerticle.class.getName());

  private final Pool pool;
  private final Worker worker;
  private final ChunkStreams streams;
  private final Path spool;
  private final FreightConfig.Exports config;
  private final RunningJobs<Long> running = new RunningJobs<>();

  /** Runs under way; touched only on this verticle's event loop. */
  private int active;

  private final Deque<Long> waiting = new ArrayDeque<>();
  private long purgeTimer;
  private BlobStore blobs;
  private LibraryExportJobs jobs;
  private LibraryExportTask task;

  public LibraryExportVerticle(
      Pool pool, Worker worker, ChunkStreams streams, Path spool, FreightConfig.Exports config) {
    this.pool = pool;
    this.worker = worker;
    this.streams = streams;
    this.spool = spool;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    blobs = new BlobStore(vertx, pool);
    jobs = new LibraryExportJobs(pool);
    task = new LibraryExportTask(vertx, pool, worker, blobs, jobs, spool);
    return Future.all(
            List.of(
                Endpoints.bind(vertx, CREATE, this::create),
                Endpoints.bind(
                    vertx,
                    GET,
                    req -> jobs.get(req.getLong("id"), LibraryExportJobs.Viewer.of(req))),
                Endpoints.bind(vertx, LIST, this::list),
                Endpoints.bind(vertx, UPDATE, this::update),
                Endpoints.bind(vertx, DOWNLOAD, this::download)))
        .compose(bound -> resumeUnfinished())
        .onSuccess(
            resumed ->
                purgeTimer =
                    vertx.setPeriodic(1, config.purgeIntervalSeconds() * 1000, tick -> purge()));
  }

  /**
   * Running work stops between batches and is left unfinished, to start again with the next server.
   */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(purgeTimer);
    return running.stopAll().timeout(CANCEL_WAIT_S, TimeUnit.SECONDS);
  }

  /**
   * PostgreSQL says which jobs a stopped server left pending or in progress: they start again from
   * scratch.
   */
  private Future<Void> resumeUnfinished() {
    return jobs.unfinished()
        .map(
            ids -> {
              ids.forEach(
                  id -> {
                    LOG.log(System.Logger.Level.INFO, "resuming export job " + id);
                    enqueue(id);
                  });
              return null;
            });
  }

  private void purge() {
    jobs.purge(config.retentionHours())
        .onSuccess(
            purged -> {
              if (purged > 0) {
                LOG.log(
                    System.Logger.Level.INFO,
                    "purged the files of "
                        + purged
                        + " export job(s) older than "
                        + config.retentionHours()
                        + " h");
              }
            })
        .onFailure(
            failure ->
                LOG.log(System.Logger.Level.WARNING, "purging export files failed", failure));
  }

  // ---- create

  private Future<JsonObject> create(JsonObject req) {
    String type = req.getString("type", "full");
    if (!TYPES.contains(type)) {
      throw Failure.badRequest("type must be one of " + String.join(", ", TYPES) + ".");
    }
    String formatName = req.getString("file_format", Format.JSON.extension());
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
    List<ContentModel> models = models(req.getJsonArray("content_models"));
    LibraryExportJobs.Viewer viewer = LibraryExportJobs.Viewer.of(req);
    return jobs.insert(viewer.userId(), type, format, models)
        .compose(
            id -> {
              enqueue(id);
              return jobs.get(id, viewer);
            });
  }

  /** The named models, each once, in registry order; every model when none are named. */
  private static List<ContentModel> models(JsonArray names) {
    String known =
        ContentModels.all().stream().map(ContentModel::name).collect(Collectors.joining(", "));
    if (names == null) {
      return ContentModels.all();
    }
    if (names.isEmpty()) {
      throw Failure.badRequest("content_models must name at least one of: " + known + ".");
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (Object name : names) {
      String model = String.valueOf(name);
      if (ContentModels.byName(model).isEmpty()) {
        throw Failure.badRequest(
            "Unknown content model '" + model + "' in content_models; choose from: " + known + ".");
      }
      wanted.add(model);
    }
    return ContentModels.all().stream().filter(m -> wanted.contains(m.name())).toList();
  }

  // ---- run

  private void enqueue(long id) {
    waiting.add(id);
    startWaiting();
  }

  private void startWaiting() {
    while (!running.stopping() && active < MAX_RUNNING && !waiting.isEmpty()) {
      long id = waiting.poll();
      Optional<RunningJobs.Run> started = running.begin(id);
      if (started.isEmpty()) {
        // Its previous run is still cleaning up (a retry right after a failure): queue it again
        // after that.
        running.idle(id).onComplete(idle -> enqueue(id));
        continue;
      }
      RunningJobs.Run run = started.get();
      active++;
      task.run(id, run)
          .recover(failure -> settle(id, failure))
          .onComplete(
              done -> {
                active--;
                running.end(id);
                startWaiting();
              });
    }
  }

  /**
   * A stopped run ends cancelled, a broken one failed with what broke it; one stopped by shutdown
   * stays as it is.
   */
  private Future<Void> settle(long id, Throwable failure) {
    if (running.stopping()) {
      return Future.succeededFuture();
    }
    if (failure instanceof Cancelled) {
      return jobs.finish(id, LibraryExportStatus.UNFINISHED, LibraryExportStatus.CANCEL, null)
          .mapEmpty();
    }
    LOG.log(System.Logger.Level.ERROR, "export job " + id + " failed", failure);
    JsonObject errors =
        new JsonObject()
            .put(
                "job",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put(
                                "message",
                                "The export stopped unexpectedly: " + failure.getMessage())));
    return jobs.finish(id, LibraryExportStatus.UNFINISHED, LibraryExportStatus.FAIL, errors)
        .mapEmpty();
  }

  // ---- update

  private Future<JsonObject> update(JsonObject req) {
    long id = req.getLong("id");
    LibraryExportJobs.Viewer viewer = LibraryExportJobs.Viewer.of(req);
    LibraryExportStatus.Action action =
        Arrays.stream(LibraryExportStatus.Action.values())
            .filter(a -> a.name().equalsIgnoreCase(req.getString("status", "")))
            .findFirst()
            .orElseThrow(() -> Failure.badRequest("status must be one of cancel, retry."));
    return jobs.get(id, viewer)
        .compose(
            job -> {
              LibraryExportStatus status =
                  LibraryExportStatus.of(job.getString("status")).orElseThrow();
              if (!status.allows(action)) {
                return Future.failedFuture(Failure.conflict(status.refusal(id, action)));
              }
              return action == LibraryExportStatus.Action.CANCEL
                  ? cancel(id, viewer, req.getBoolean("wait_for_task", true))
                  : retry(id, viewer);
            });
  }

  /**
   * A running job is told to stop and, with {@code wait}, waited for (bounded); a job with nothing
   * running (waiting its turn, or orphaned) is cancelled at once.
   */
  private Future<JsonObject> cancel(long id, LibraryExportJobs.Viewer viewer, boolean wait) {
    return running
        .cancel(id)
        .map(
            stopped ->
                wait
                    ? stopped
                        .timeout(CANCEL_WAIT_S, TimeUnit.SECONDS)
                        .transform(done -> jobs.get(id, viewer))
                    : jobs.get(id, viewer))
        .orElseGet(
            () -> {
              waiting.remove(id);
              return jobs.finish(
                      id, LibraryExportStatus.UNFINISHED, LibraryExportStatus.CANCEL, null)
                  .compose(cancelled -> jobs.get(id, viewer));
            });
  }

  /**
   * Starts the job again from scratch; it keeps its owner. A lost race with another request is a
   * 409.
   */
  private Future<JsonObject> retry(long id, LibraryExportJobs.Viewer viewer) {
    return jobs.retry(id)
        .compose(
            changed -> {
              if (changed) {
                enqueue(id);
                return jobs.get(id, viewer);
              }
              return jobs.get(id, viewer)
                  .compose(
                      now ->
                          Future.failedFuture(
                              Failure.conflict(
                                  LibraryExportStatus.of(now.getString("status"))
                                      .orElseThrow()
                                      .refusal(id, LibraryExportStatus.Action.RETRY))));
            });
  }

  // ---- reads

  private Future<JsonObject> list(JsonObject req) {
    List<LibraryExportStatus> statuses = null;
    String single = req.getString("status");
    String many = req.getString("status__in");
    if (single != null || many != null) {
      statuses =
          Arrays.stream((single != null ? single : many).split(","))
              .map(String::trim)
              .map(
                  wire ->
                      LibraryExportStatus.of(wire)
                          .orElseThrow(
                              () ->
                                  Failure.badRequest(
                                      "Unknown status '"
                                          + wire
                                          + "'; valid statuses: "
                                          + LibraryExportStatus.allWires()
                                          + ".")))
              .toList();
    }
    return jobs.list(
        LibraryExportJobs.Viewer.of(req),
        req.getString("ordering"),
        statuses,
        req.getInteger("limit"),
        req.getLong("offset"));
  }

  private Future<JsonObject> download(JsonObject req) {
    long id = req.getLong("id");
    return jobs.download(id, LibraryExportJobs.Viewer.of(req))
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
              return blobs
                  .info(file.fileId())
                  .compose(
                      found ->
                          found
                              .map(
                                  info ->
                                      Future.succeededFuture(
                                          new JsonObject()
                                              .put("stream", streams.open(blobs.chunks(info)))
                                              .put(
                                                  "content_type",
                                                  LibraryExportTask.mediaType(info.name()))
                                              .put("filename", info.name())
                                              .put("length", info.size())))
                              .orElseGet(() -> Future.failedFuture(gone)));
            });
  }
}
