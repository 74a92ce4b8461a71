package dev.freight.imports;

import dev.freight.bus.ChunkStreams;
import dev.freight.bus.Endpoints;
import dev.freight.bus.Failure;
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
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * Owns library import jobs: creates them from uploads, runs their diff and apply phases, and takes
 * cancel, accept and retry. Requests (JsonObject in, JsonObject out):
 *
 * <ul>
 *   <li>{@link #CREATE} {user_id, files: [{field, name, path}]} → the pending job
 *   <li>{@link #GET} {id}; {@link #CURRENT} {}; {@link #LIST} {ordering?, statuses?, limit, offset}
 *   <li>{@link #UPDATE} {id, user_id, status: cancel | accept_changes | retry, wait_for_task}
 *   <li>{@link #DIFF_SUMMARY} {id}; {@link #DIFF} {id, model, op?, limit?, offset?} → a page, or
 *       without limit {stream, content_type} to pull through {@link ChunkStreams}
 * </ul>
 *
 * The cancel of running work is this verticle's {@link RunningJobs}: the work checks it between
 * batches.
 */
public final class ImportVerticle extends VerticleBase {
  public static final String CREATE = "imports.create";
  public static final String GET = "imports.get";
  public static final String CURRENT = "imports.current";
  public static final String LIST = "imports.list";
  public static final String UPDATE = "imports.update";
  public static final String DIFF_SUMMARY = "imports.diff-summary";
  public static final String DIFF = "imports.diff";
  private static final long CANCEL_WAIT_S = 30;
  private static final System.Logger LOG = System.getLogger(ImportVerticle.class.getName());

  private final Pool pool;
  private final Worker worker;
  private final ChunkStreams streams;
  private final Path spool;
  private final RunningJobs<Long> running = new RunningJobs<>();

  /** The storing of new jobs' files, while under way: their diff must not end before it. */
  private final Map<Long, Future<Void>> storing = new ConcurrentHashMap<>();

  private BlobStore blobs;
  private ImportJobs jobs;
  private DiffTask diffTask;
  private ApplyTask applyTask;
  private DiffReader diffs;

  public ImportVerticle(Pool pool, Worker worker, ChunkStreams streams, Path spool) {
    this.pool = pool;
    this.worker = worker;
    this.streams = streams;
    this.spool = spool;
  }

  @Override
  public Future<?> start() {
    blobs = new BlobStore(vertx, pool);
    jobs = new ImportJobs(pool);
    diffTask = new DiffTask(vertx, pool, worker, blobs, jobs, spool);
    applyTask = new ApplyTask(pool, jobs);
    diffs = new DiffReader(pool, jobs);
    return Future.all(
            List.of(
                Endpoints.bind(vertx, CREATE, this::create),
                Endpoints.bind(vertx, GET, req -> jobs.get(req.getLong("id"))),
                Endpoints.bind(vertx, CURRENT, req -> jobs.current()),
                Endpoints.bind(vertx, LIST, this::list),
                Endpoints.bind(vertx, UPDATE, this::update),
                Endpoints.bind(vertx, DIFF_SUMMARY, req -> diffs.summary(req.getLong("id"))),
                Endpoints.bind(vertx, DIFF, this::diff)))
        .compose(bound -> resumeUnfinished());
  }

  /** Interrupted work is left in its state, to resume at the next start. */
  @Override
  public Future<?> stop() {
    return running.stopAll().timeout(CANCEL_WAIT_S, TimeUnit.SECONDS);
  }

  /**
   * Jobs a stopped server left mid-way start again: diffs from their stored files, applies from
   * their diff.
   */
  private Future<Void> resumeUnfinished() {
    return jobs.unfinished()
        .map(
            unfinished -> {
              for (JsonObject job : unfinished) {
                long id = job.getLong("id");
                LOG.log(
                    System.Logger.Level.INFO,
                    "resuming import job " + id + " (" + job.getString("status") + ")");
                if (ImportStatus.APPLYING_CHANGES.wire().equals(job.getString("status"))) {
                  startApply(id);
                } else {
                  startDiff(id);
                }
              }
              return null;
            });
  }

  // ---- create

  /**
   * One accepted upload: which model, in which format, where the HTTP layer spooled it, how big.
   */
  private record UploadedFile(
      ContentModel model, Format format, String storedName, Path path, long size) {}

  /**
   * Creates the job with its files, then stores the files in PostgreSQL while their diff is already
   * computed from the local copies. Answers (the job as created) once the files are stored, so that
   * the answer means the upload is safe; the job cannot become ready for review before that either.
   * A server that stops in between never answered: at its next start the job fails, asking for the
   * files again.
   */
  private Future<JsonObject> create(JsonObject req) {
    List<UploadedFile> uploads = uploads(req.getJsonArray("files"));
    Format format = uploads.get(0).format();
    long bytes = uploads.stream().mapToLong(UploadedFile::size).sum();
    return jobs.current()
        .transform(
            active ->
                active.succeeded()
                    ? Future.failedFuture(ImportJobs.busy(active.result()))
                    : Future.succeededFuture())
        .compose(
            none ->
                pool.withTransaction(
                    conn ->
                        jobs.insert(conn, req.getLong("user_id"), format.extension(), bytes)
                            .compose(
                                id ->
                                    createStoredFiles(conn, id, uploads)
                                        .map(files -> new Created(id, files)))))
        .compose(
            created ->
                keepForParsing(created.id(), uploads)
                    .compose(moved -> jobs.get(created.id()))
                    .onFailure(
                        failed ->
                            jobs.finish(
                                created.id(),
                                ImportStatus.ACTIVE,
                                ImportStatus.FAIL,
                                DiffTask.NOT_KEPT))
                    .compose(
                        pending -> {
                          Future<Void> stored = storeAll(created.files(), uploads);
                          storing.put(created.id(), stored);
                          stored.onComplete(done -> storing.remove(created.id()));
                          startDiff(created.id());
                          // The job as created: the contract answers a new job as pending.
                          return stored.map(pending);
                        }));
  }

  /** A job just created, and its files, still to be stored. */
  private record Created(long id, List<BlobStore.FileBeingWritten> files) {}

  /**
   * Checks the uploaded parts: named after known models, one per model, all in one supported
   * format.
   */
  private static List<UploadedFile> uploads(JsonArray files) {
    if (files == null || files.isEmpty()) {
      throw Failure.badRequest("UploadedFile at least one file in the multipart field 'files'.");
    }
    List<UploadedFile> uploads = new ArrayList<>();
    for (Object item : files) {
      JsonObject file = (JsonObject) item;
      if (!"files".equals(file.getString("field"))) {
        throw Failure.badRequest(
            "Unexpected multipart field '" + file.getString("field") + "'; send files as 'files'.");
      }
      String name = Path.of(file.getString("name").replace('\\', '/')).getFileName().toString();
      int dot = name.lastIndexOf('.');
      String stem = dot < 0 ? name : name.substring(0, dot);
      String extension = DiffTask.extension(name);
      ContentModel model =
          ContentModels.byName(stem)
              .orElseThrow(
                  () ->
                      Failure.badRequest(
                          "File '"
                              + name
                              + "' does not name a content model; name files after one of: "
                              + ContentModels.all().stream()
                                  .map(ContentModel::name)
                                  .collect(Collectors.joining(", "))
                              + "."));
      Format format =
          Format.fromExtension(extension)
              .orElseThrow(
                  () ->
                      Failure.badRequest(
                          "File '"
                              + name
                              + "' is not a supported format"
                              + (extension.equals("xls") ? " (legacy .xls: save it as .xlsx)" : "")
                              + "; use .csv, .json, .yaml, .yml or .xlsx."));
      uploads.add(
          new UploadedFile(
              model,
              format,
              model.name() + "." + extension,
              Path.of(file.getString("path")),
              file.getLong("size")));
    }
    Set<Format> formats = uploads.stream().map(UploadedFile::format).collect(Collectors.toSet());
    if (formats.size() > 1) {
      throw Failure.badRequest(
          "All files of a job must have the same format; got "
              + formats.stream().map(Format::extension).sorted().collect(Collectors.joining(", "))
              + ".");
    }
    Set<String> models = new HashSet<>();
    for (UploadedFile upload : uploads) {
      if (!models.add(upload.model().name())) {
        throw Failure.badRequest(
            "Only one file per content model: '" + upload.model().name() + "' was given twice.");
      }
    }
    return uploads;
  }

  /** Creates the job's stored files, still empty, from where the diff will read them. */
  private Future<List<BlobStore.FileBeingWritten>> createStoredFiles(
      SqlConnection conn, long jobId, List<UploadedFile> uploads) {
    Future<List<BlobStore.FileBeingWritten>> chain = Future.succeededFuture(new ArrayList<>());
    for (UploadedFile upload : uploads) {
      chain =
          chain.compose(
              files ->
                  blobs
                      .storeWhileWritten(
                          conn,
                          upload.storedName(),
                          DiffTask.localCopy(spool, jobId, upload.storedName()))
                      .compose(
                          file ->
                              conn.preparedQuery(
                                      "INSERT INTO import_files (job_id, content_model, file_id)"
                                          + " VALUES ($1, $2, $3)")
                                  .execute(Tuple.of(jobId, upload.model().name(), file.id()))
                                  .map(file))
                      .map(
                          file -> {
                            files.add(file);
                            return files;
                          }));
    }
    return chain;
  }

  /**
   * Stores the files, whole chunks on several connections, and their ends and sizes in one
   * transaction.
   */
  private Future<Void> storeAll(
      List<BlobStore.FileBeingWritten> files, List<UploadedFile> uploads) {
    for (int i = 0; i < files.size(); i++) {
      files.get(i).storeUpTo(uploads.get(i).size());
    }
    return pool.<Void>withTransaction(
            conn -> {
              Future<Void> chain = Future.succeededFuture();
              for (BlobStore.FileBeingWritten file : files) {
                chain = chain.compose(done -> file.finish(conn));
              }
              return chain;
            })
        .eventually(
            () -> Future.all(files.stream().map(BlobStore.FileBeingWritten::close).toList()));
  }

  /** Moves the uploads where the diff will read them, saving a restore from PostgreSQL. */
  private Future<Void> keepForParsing(long jobId, List<UploadedFile> uploads) {
    return vertx
        .fileSystem()
        .mkdirs(DiffTask.spoolDir(spool, jobId).toString())
        .compose(
            made ->
                Future.all(
                    uploads.stream()
                        .map(
                            u ->
                                vertx
                                    .fileSystem()
                                    .move(
                                        u.path().toString(),
                                        DiffTask.localCopy(spool, jobId, u.storedName())
                                            .toString()))
                        .toList()))
        .mapEmpty();
  }

  // ---- run

  /**
   * Starts the diff. A run ends (and the next one, a retry, starts) only once the job's files are
   * stored, whatever became of the diff: their local copies are read until then.
   */
  private void startDiff(long id) {
    Future<Void> stored = storing.get(id);
    Future<Void> settled =
        stored == null
            ? Future.succeededFuture()
            : stored.recover(failed -> Future.succeededFuture());
    start(
        id,
        run ->
            diffTask
                .run(id, run, stored)
                .eventually(
                    () ->
                        settled
                            .compose(
                                done ->
                                    vertx
                                        .fileSystem()
                                        .deleteRecursive(DiffTask.spoolDir(spool, id).toString()))
                            .recover(missing -> Future.succeededFuture())));
  }

  private void startApply(long id) {
    start(id, run -> applyTask.run(id, run));
  }

  /** Runs the work once the job's previous run, if any, has finished cleaning up. */
  private void start(long id, Function<RunningJobs.Run, Future<Void>> work) {
    running
        .idle(id)
        .onComplete(
            idle -> running.begin(id).ifPresent(run -> finishRun(id, run, work.apply(run))));
  }

  /**
   * A stopped run ends cancelled; a broken one ends failed, with what broke it. A cancel that came
   * after the last checkpoint still cancels a job that is active (a finished diff under review); an
   * apply that committed stays a success.
   */
  private void finishRun(long id, RunningJobs.Run run, Future<Void> work) {
    work.compose(
            done ->
                run.cancelRequested()
                    ? Future.failedFuture(new Cancelled())
                    : Future.<Void>succeededFuture())
        .recover(
            failure -> {
              if (running.stopping()) {
                return Future.succeededFuture();
              }
              if (failure instanceof Cancelled) {
                return cancelNow(id);
              }
              LOG.log(System.Logger.Level.ERROR, "import job " + id + " failed", failure);
              JsonObject errors =
                  new JsonObject()
                      .put(
                          "job",
                          new JsonArray()
                              .add(
                                  new JsonObject()
                                      .put(
                                          "message",
                                          "The import stopped unexpectedly: "
                                              + failure.getMessage())));
              return jobs.finish(id, ImportStatus.ACTIVE, ImportStatus.FAIL, errors)
                  .<Void>mapEmpty();
            })
        .onComplete(
            done -> {
              // The apply's transaction has ended: what it changed is visible now.
              jobs.forgetKeptAnswers();
              running.end(id);
            });
  }

  /** Cancels an active job; a cancelled job keeps no diff. */
  private Future<Void> cancelNow(long id) {
    return jobs.finish(id, ImportStatus.ACTIVE, ImportStatus.CANCEL, null)
        .compose(cancelled -> cancelled ? diffTask.forgetDiff(id) : Future.succeededFuture());
  }

  // ---- update

  private Future<JsonObject> update(JsonObject req) {
    long id = req.getLong("id");
    ImportStatus.Action action =
        ImportStatus.Action.of(req.getString("status"))
            .orElseThrow(
                () -> Failure.badRequest("status must be one of cancel, accept_changes, retry."));
    return jobs.get(id)
        .compose(
            job -> {
              ImportStatus status = ImportStatus.of(job.getString("status")).orElseThrow();
              if (!action.from.contains(status)) {
                return Future.failedFuture(Failure.conflict(action.refusal(id, status)));
              }
              return switch (action) {
                case CANCEL -> cancel(id, req.getBoolean("wait_for_task", true));
                case ACCEPT_CHANGES ->
                    changeThen(
                        id,
                        action,
                        status,
                        jobs.transition(
                            id,
                            action.from,
                            ImportStatus.APPLYING_CHANGES,
                            "accepted = now(), accepted_by = $4",
                            req.getLong("user_id")),
                        this::startApply);
                case RETRY ->
                    changeThen(
                        id,
                        action,
                        status,
                        diffTask
                            .forgetDiff(id)
                            .compose(
                                forgotten ->
                                    jobs.transition(
                                        id,
                                        action.from,
                                        ImportStatus.PENDING,
                                        "triggered = now(), triggered_by = $4, errors = NULL, accepted = NULL,"
                                            + " accepted_by = NULL, completed = NULL, rows_read = 0, bytes_read = 0",
                                        req.getLong("user_id"))),
                        this::startDiff);
              };
            });
  }

  /** Applies a guarded state change, then starts the work it calls for; a lost race is a 409. */
  private Future<JsonObject> changeThen(
      long id,
      ImportStatus.Action action,
      ImportStatus seen,
      Future<Boolean> change,
      LongConsumer start) {
    return change.compose(
        changed -> {
          if (!changed) {
            return jobs.get(id)
                .compose(
                    now ->
                        Future.failedFuture(
                            Failure.conflict(
                                action.refusal(
                                    id, ImportStatus.of(now.getString("status")).orElse(seen)))));
          }
          start.accept(id);
          return jobs.get(id);
        });
  }

  /**
   * Running work is told to stop and, with {@code wait}, waited for (bounded); a job with nothing
   * running (pending, ready for review, or orphaned) is cancelled at once.
   */
  private Future<JsonObject> cancel(long id, boolean wait) {
    return running
        .cancel(id)
        .map(
            stopped ->
                wait
                    ? stopped
                        .timeout(CANCEL_WAIT_S, TimeUnit.SECONDS)
                        .transform(done -> jobs.get(id))
                    : jobs.get(id))
        .orElseGet(() -> cancelNow(id).compose(cancelled -> jobs.get(id)));
  }

  // ---- reads

  private Future<JsonObject> list(JsonObject req) {
    List<String> statuses = null;
    if (req.getString("status") != null) {
      statuses = List.of(req.getString("status"));
    } else if (req.getString("status__in") != null) {
      statuses = Arrays.stream(req.getString("status__in").split(",")).map(String::trim).toList();
      for (String status : statuses) {
        if (ImportStatus.of(status).isEmpty()) {
          throw Failure.badRequest(
              "Unknown status '"
                  + status
                  + "' in status__in; valid statuses: "
                  + Arrays.stream(ImportStatus.values())
                      .map(ImportStatus::wire)
                      .collect(Collectors.joining(", "))
                  + ".");
        }
      }
    }
    return jobs.list(
        req.getString("ordering"), statuses, req.getInteger("limit"), req.getLong("offset"));
  }

  private Future<JsonObject> diff(JsonObject req) {
    long id = req.getLong("id");
    String model = req.getString("model");
    if (ContentModels.byName(model).isEmpty()) {
      throw Failure.notFound("No content model '" + model + "'.");
    }
    if (req.containsKey("limit")) {
      return diffs.page(
          id, model, req.getString("op"), req.getInteger("limit"), req.getLong("offset"));
    }
    return diffs.stream(id, model)
        .map(
            source ->
                new JsonObject()
                    .put("stream", streams.open(source))
                    .put("content_type", "application/json"));
  }
}
