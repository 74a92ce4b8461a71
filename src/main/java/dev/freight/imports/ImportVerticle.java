package dev.freight.imports;

import dev.freight.bus.ChunkStreams;
import dev.freight.bus.Endpoints;
import dev.freight.bus.Failure;
import dev.freight.bus.StreamOpened;
import dev.freight.bus.UploadedFile;
import dev.freight.config.FreightConfig;
import dev.freight.db.BlobStore;
import dev.freight.db.Pools;
import dev.freight.formats.Format;
import dev.freight.formats.ReadLimits;
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
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Owns library import jobs: creates them from uploads (or as the revert of a success job), runs
 * their diff and apply phases, and takes cancel, accept (whole or in part) and retry; answers the
 * requests of {@link ImportRequests}. Its {@link JobRunner} runs the work and takes its cancels;
 * this verticle is the kind's work: a diff for a job claimed into generating_diff, an apply for one
 * in applying_changes.
 */
public final class ImportVerticle extends VerticleBase
    implements JobRunner.Kind<Long, ImportStatus> {
  private static final System.Logger LOG = System.getLogger(ImportVerticle.class.getName());

  /** The table of import jobs, their kind in state changes and metrics. */
  public static final String JOB_TABLE = "import_jobs";

  private final Pools pools;
  private final Pool pool;
  private final Lease lease;
  private final Worker worker;
  private final ChunkStreams streams;
  private final Path spool;
  private final FreightConfig.Imports config;
  private final ReadLimits limits;
  private final RowCounters rows;

  /** The storing of new jobs' files, while under way: their diff must not end before it. */
  private final Map<Long, Future<Void>> storing = new ConcurrentHashMap<>();

  private BlobStore blobs;
  private ImportJobs jobs;
  private DiffTask diffTask;
  private ApplyTask applyTask;
  private RevertTask revertTask;
  private DiffReader diffs;
  private ErrorsFile errorsFiles;
  private JobRunner<Long, ImportStatus> runner;

  /** Requests are answered on {@code pools.requests()}; runs and files being stored on its jobs. */
  public ImportVerticle(
      Pools pools,
      Worker worker,
      ChunkStreams streams,
      Path spool,
      Lease lease,
      FreightConfig.Imports config,
      ReadLimits limits,
      RowCounters rows) {
    this.config = config;
    this.limits = limits;
    this.pools = pools;
    this.pool = pools.requests();
    this.lease = lease;
    this.worker = worker;
    this.streams = streams;
    this.spool = spool;
    this.rows = rows;
  }

  @Override
  public Future<?> start() {
    blobs = new BlobStore(vertx, pools.jobs());
    jobs = new ImportJobs(vertx, pools, lease.node());
    runner = new JobRunner<>(vertx, jobs.table(), lease, "import", this, null);
    diffTask = new DiffTask(vertx, pools.jobs(), worker, blobs, jobs, spool, limits, rows);
    applyTask = new ApplyTask(pools.jobs(), jobs, rows);
    revertTask = new RevertTask(pools.jobs(), jobs, diffTask);
    diffs = new DiffReader(pool, jobs, config.retentionDays());
    errorsFiles = new ErrorsFile(pool, worker, jobs, config.retentionDays());
    return Future.all(
            List.of(
                Endpoints.bind(vertx, ImportRequests.CREATE, this::create),
                Endpoints.bind(vertx, ImportRequests.GET, req -> jobs.get(req.id())),
                Endpoints.bind(vertx, ImportRequests.CURRENT, req -> jobs.current()),
                Endpoints.bind(vertx, ImportRequests.LIST, jobs::list),
                Endpoints.bind(vertx, ImportRequests.UPDATE, this::update),
                Endpoints.bind(vertx, ImportRequests.REVERT, this::revert),
                Endpoints.bind(vertx, ImportRequests.DIFF_SUMMARY, req -> diffs.summary(req.id())),
                Endpoints.bind(
                    vertx,
                    ImportRequests.DIFF_PAGE,
                    req ->
                        diffs.page(
                            req.id(),
                            model(req.model()),
                            req.op(),
                            req.itemId(),
                            req.window().limit(),
                            req.window().offset())),
                Endpoints.bind(vertx, ImportRequests.DIFF, this::diff),
                Endpoints.bind(vertx, ImportRequests.ERRORS, this::errors)))
        .compose(
            bound ->
                runner.resume(
                    Map.of(
                        ImportStatus.PENDING, ImportStatus.GENERATING_DIFF,
                        ImportStatus.GENERATING_DIFF, ImportStatus.GENERATING_DIFF,
                        ImportStatus.APPLYING_CHANGES, ImportStatus.APPLYING_CHANGES),
                    "id"))
        .onSuccess(
            resumed ->
                runner.purgeEvery(
                    LOG,
                    "import purge",
                    config.purgeIntervalSeconds() * 1000,
                    () -> jobs.purge(config.retentionDays()),
                    purged ->
                        "purged the diffs and uploads of "
                            + purged
                            + " import job(s) ended more than "
                            + config.retentionDays()
                            + " days ago"));
  }

  /** Interrupted work is left in its state, to resume at the next start. */
  @Override
  public Future<?> stop() {
    return runner.stop();
  }

  // ---- create

  /**
   * One accepted upload: which model, in which format, where the HTTP layer spooled it, how big.
   */
  private record ModelUpload(
      ContentModel model, Format format, String storedName, Path path, long size) {}

  /**
   * Creates the job with its files, then stores the files in PostgreSQL while their diff is already
   * computed from the local copies. Answers (the job as created) once the files are stored, so that
   * the answer means the upload is safe; the job cannot become ready for review before that either.
   * A server that stops in between never answered: at its next start the job fails, asking for the
   * files again.
   */
  private Future<JsonObject> create(ImportRequests.NewImport req) {
    List<ModelUpload> uploads = uploads(req.files());
    ImportOptions options =
        ImportOptions.of(req.form(), uploads.stream().map(ModelUpload::model).toList());
    Format format = uploads.get(0).format();
    long bytes = uploads.stream().mapToLong(ModelUpload::size).sum();
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
                        jobs.insert(
                                conn,
                                req.userId(),
                                format.extension(),
                                bytes,
                                null,
                                false,
                                options.asked(),
                                lease)
                            .compose(
                                id ->
                                    createStoredFiles(conn, id, uploads)
                                        .map(files -> new Created(id, files)))))
        .compose(
            created ->
                keepForParsing(created.id(), uploads)
                    .compose(moved -> jobs.get(created.id()))
                    .onFailure(failed -> runner.fail(created.id(), DiffTask.NOT_KEPT))
                    .compose(
                        pending -> {
                          Future<Void> stored = storeAll(created.files(), uploads);
                          storing.put(created.id(), stored);
                          stored.onComplete(done -> storing.remove(created.id()));
                          runner.start(created.id(), ImportStatus.GENERATING_DIFF);
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
  private static List<ModelUpload> uploads(List<UploadedFile> files) {
    if (files.isEmpty()) {
      throw Failure.badRequest("Upload at least one file in the multipart field 'files'.");
    }
    List<ModelUpload> uploads = new ArrayList<>();
    for (UploadedFile file : files) {
      if (!"files".equals(file.field())) {
        throw Failure.badRequest(
            "Unexpected multipart field '" + file.field() + "'; send files as 'files'.");
      }
      String name = Path.of(file.name().replace('\\', '/')).getFileName().toString();
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
          new ModelUpload(
              model, format, model.name() + "." + extension, Path.of(file.path()), file.size()));
    }
    Set<Format> formats = uploads.stream().map(ModelUpload::format).collect(Collectors.toSet());
    if (formats.size() > 1) {
      throw Failure.badRequest(
          "All files of a job must have the same format; got "
              + formats.stream().map(Format::extension).sorted().collect(Collectors.joining(", "))
              + ".");
    }
    Set<String> models = new HashSet<>();
    for (ModelUpload upload : uploads) {
      if (!models.add(upload.model().name())) {
        throw Failure.badRequest(
            "Only one file per content model: '" + upload.model().name() + "' was given twice.");
      }
    }
    return uploads;
  }

  /** Creates the job's stored files, still empty, from where the diff will read them. */
  private Future<List<BlobStore.FileBeingWritten>> createStoredFiles(
      SqlConnection conn, long jobId, List<ModelUpload> uploads) {
    Future<List<BlobStore.FileBeingWritten>> chain = Future.succeededFuture(new ArrayList<>());
    for (ModelUpload upload : uploads) {
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
  private Future<Void> storeAll(List<BlobStore.FileBeingWritten> files, List<ModelUpload> uploads) {
    for (int i = 0; i < files.size(); i++) {
      files.get(i).storeUpTo(uploads.get(i).size());
    }
    return pools
        .jobs()
        .<Void>withTransaction(
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
  private Future<Void> keepForParsing(long jobId, List<ModelUpload> uploads) {
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

  /** An apply, or the diff: of the job's files, or of the job a revert reverts. */
  @Override
  public Future<Void> work(Long id, ImportStatus status, JobRunner.Run run) {
    if (status == ImportStatus.APPLYING_CHANGES) {
      return applyTask.run(id, run);
    }
    return jobs.get(id)
        .compose(job -> job.getValue("reverts") == null ? diff(id, run) : revertTask.run(id, run));
  }

  /**
   * Computes the diff. The run ends (and the next one, a retry, may start) only once the job's
   * files are stored, whatever became of the diff: their local copies are read until then.
   */
  private Future<Void> diff(long id, JobRunner.Run run) {
    Future<Void> stored = storing.get(id);
    Future<Void> settled =
        stored == null
            ? Future.succeededFuture()
            : stored.recover(failed -> Future.succeededFuture());
    return diffTask
        .run(id, run, stored)
        .eventually(
            () ->
                settled
                    .compose(
                        done ->
                            vertx
                                .fileSystem()
                                .deleteRecursive(DiffTask.spoolDir(spool, id).toString()))
                    .recover(missing -> Future.succeededFuture()));
  }

  /** A cancelled or failed job keeps no diff; a failed one says what broke it. */
  @Override
  public Future<Boolean> end(Long id, ImportStatus to, String failure, JobRunner.Ending ending) {
    JsonObject errors = failure == null ? null : JobErrors.of(failure);
    return ending
        .move(pools.jobs(), JobTable.set("completed", JobTable.NOW, "errors", errors))
        .recover(jobs::activeConflict)
        .compose(
            ended -> ended ? diffTask.forgetDiff(id).map(true) : Future.succeededFuture(false));
  }

  // ---- update

  private Future<JsonObject> update(ImportRequests.ImportAction req) {
    long id = req.id();
    ImportStatus.Action action =
        ImportStatus.Action.of(req.action())
            .orElseThrow(
                () -> Failure.badRequest("status must be one of cancel, accept_changes, retry."));
    // Empty lists are as absent ones: generated clients send them for fields left unset.
    List<String> operations = emptyAsNull(req.operations());
    List<Long> excluded = emptyAsNull(req.excludeEntries());
    boolean partial = operations != null || excluded != null;
    if (partial && action != ImportStatus.Action.ACCEPT_CHANGES) {
      throw Failure.badRequest("operations and exclude_entries go with accept_changes only.");
    }
    return jobs.get(id)
        .compose(
            job -> {
              ImportStatus status = ImportStatus.MACHINE.of(job.getString("status"));
              if (!action.allowedIn(status)) {
                return Future.failedFuture(refusal(action, id, status));
              }
              long userId = req.userId();
              return switch (action) {
                case CANCEL -> runner.cancel(id, req.waitForTask()).compose(asked -> jobs.get(id));
                case ACCEPT_CHANGES ->
                    moveThen(
                        id,
                        action,
                        // The entries left out are marked with the move, or neither happens.
                        pool.withTransaction(
                            conn ->
                                jobs.move(
                                        conn,
                                        id,
                                        action.target,
                                        JobTable.set(
                                            "accepted", JobTable.NOW, "accepted_by", userId),
                                        null)
                                    .compose(
                                        moved ->
                                            moved && partial
                                                ? ApplyTask.exclude(conn, id, operations, excluded)
                                                    .map(true)
                                                : Future.succeededFuture(moved))),
                        ImportStatus.APPLYING_CHANGES);
                case RETRY ->
                    requireUpload(id)
                        .compose(
                            kept ->
                                moveThen(
                                    id,
                                    action,
                                    diffTask
                                        .forgetDiff(id)
                                        .compose(
                                            forgotten ->
                                                jobs.move(
                                                    pool,
                                                    id,
                                                    action.target,
                                                    JobTable.set(
                                                        "triggered",
                                                        JobTable.NOW,
                                                        "triggered_by",
                                                        userId,
                                                        "errors",
                                                        null,
                                                        "accepted",
                                                        null,
                                                        "accepted_by",
                                                        null,
                                                        "completed",
                                                        null,
                                                        "ignored_columns",
                                                        null,
                                                        "rows_read",
                                                        0L,
                                                        "bytes_read",
                                                        0L),
                                                    null)),
                                    ImportStatus.GENERATING_DIFF));
              };
            });
  }

  // ---- revert

  /**
   * Creates the job that reverts a success job, leased to this node like a new upload, and starts
   * computing its diff; a 409 unless the job is success and no import is active, a 410 once its
   * diff is gone.
   */
  private Future<JsonObject> revert(ImportRequests.Revert req) {
    long id = req.id();
    return jobs.get(id)
        .compose(
            job -> {
              ImportStatus status = ImportStatus.MACHINE.of(job.getString("status"));
              if (status != ImportStatus.SUCCESS) {
                return Future.failedFuture(
                    Failure.conflict(
                        "Cannot revert import job "
                            + id
                            + ": it is "
                            + status.wire()
                            + "; only import jobs that are success can be."));
              }
              return diffs
                  .kept(id)
                  .compose(
                      kept ->
                          kept
                              ? jobs.insert(
                                  pool,
                                  req.userId(),
                                  job.getString("file_format"),
                                  0,
                                  id,
                                  req.includeConflicts(),
                                  null,
                                  lease)
                              : Future.failedFuture(
                                  new Failure(
                                      410,
                                      "Import job "
                                          + id
                                          + " cannot be reverted: its diff was purged.")));
            })
        // The job as created, pending, as for an upload.
        .compose(
            created ->
                jobs.get(created)
                    .onSuccess(pending -> runner.start(created, ImportStatus.GENERATING_DIFF)));
  }

  private static <T> List<T> emptyAsNull(List<T> list) {
    return list == null || list.isEmpty() ? null : list;
  }

  /** A job whose upload was purged has nothing to retry from. */
  private Future<Void> requireUpload(long id) {
    return jobs.purged(id)
        .compose(
            purged ->
                purged
                    ? Future.failedFuture(
                        ImportJobs.purged(
                            "The upload of import job " + id + " was",
                            config.retentionDays(),
                            "; upload the files again."))
                    : Future.succeededFuture());
  }

  private static Failure refusal(ImportStatus.Action action, long id, ImportStatus now) {
    return ImportStatus.MACHINE.refusal(action.wire.replace('_', ' '), id, now, action.target);
  }

  /** After a guarded move, starts the run it calls for; a lost race is a 409. */
  private Future<JsonObject> moveThen(
      long id, ImportStatus.Action action, Future<Boolean> move, ImportStatus running) {
    return move.compose(
        moved -> {
          if (!moved) {
            return jobs.get(id)
                .compose(
                    now ->
                        Future.failedFuture(
                            refusal(action, id, ImportStatus.MACHINE.of(now.getString("status")))));
          }
          runner.start(id, running);
          return jobs.get(id);
        });
  }

  // ---- reads

  private static String model(String name) {
    if (ContentModels.byName(name).isEmpty()) {
      throw Failure.notFound("No content model '" + name + "'.");
    }
    return name;
  }

  private Future<StreamOpened> errors(ImportRequests.ErrorsQuery req) {
    return errorsFiles
        .open(req.id(), req.model() == null ? null : model(req.model()))
        .map(
            file ->
                new StreamOpened(
                    streams.open(file.source()), file.format().mediaType(), file.fileName(), null));
  }

  private Future<StreamOpened> diff(ImportRequests.DiffQuery req) {
    return diffs.stream(req.id(), model(req.model()))
        .map(source -> new StreamOpened(streams.open(source), "application/json", null, null));
  }
}
