package dev.freight.listexports;

import dev.freight.bus.ChunkStreams;
import dev.freight.bus.Endpoints;
import dev.freight.bus.Failure;
import dev.freight.config.FreightConfig;
import dev.freight.db.BlobStore;
import dev.freight.jobs.Cancelled;
import dev.freight.jobs.RunningJobs;
import dev.freight.jobs.Worker;
import dev.freight.listexports.ExportableList.Column;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Owns v1 exports: creates them, runs them (a few at a time, the rest wait), and answers reads,
 * cancels and downloads. Requests (JsonObject in, JsonObject out):
 *
 * <ul>
 *   <li>{@link #CREATE} {action_name, user_id, body: {format_type?, fields?, language?}, query:
 *       {filter: value}, files: [{field, name, path}]} → the waiting export
 *   <li>{@link #GET} {id, user_id, superuser}; {@link #LIST} {user_id, superuser, status?,
 *       format_type?, created_date: {lookup: value}, limit, offset}
 *   <li>{@link #CANCEL} {id} → the cancelled export; {@link #DOWNLOAD} {id, user_id, superuser} →
 *       {stream, content_type, filename, length} to pull through {@link ChunkStreams}
 * </ul>
 *
 * Non-superusers see only their own exports: others' are a 404. A cancel reaches the running work
 * through this verticle's {@link RunningJobs}; the work checks it between parts.
 */
public final class ListExportVerticle extends VerticleBase {
  public static final String CREATE = "listexports.create";
  public static final String GET = "listexports.get";
  public static final String LIST = "listexports.list";
  public static final String CANCEL = "listexports.cancel";
  public static final String DOWNLOAD = "listexports.download";

  /** ListExports run at once; more would only queue on the worker pool and the database. */
  private static final int MAX_RUNNING = 2;

  private static final long CANCEL_WAIT_S = 30;
  private static final long STOP_WAIT_S = 30;
  private static final Set<String> BODY_KEYS =
      Set.of("format_type", "fields", "language", "filter_file");
  private static final System.Logger LOG = System.getLogger(ListExportVerticle.class.getName());

  private final Pool pool;
  private final Worker worker;
  private final ChunkStreams streams;
  private final FreightConfig.ExportsV1 config;
  private final Path spool;
  private final RunningJobs<UUID> running = new RunningJobs<>();
  private BlobStore blobs;
  private ListExportStore store;
  private ListExportTask task;
  // Scheduling state, touched only on this verticle's event loop.
  private int active;
  private boolean claiming;
  private boolean wokenWhileClaiming;

  public ListExportVerticle(
      Pool pool, Worker worker, ChunkStreams streams, FreightConfig.ExportsV1 config, Path spool) {
    this.pool = pool;
    this.worker = worker;
    this.streams = streams;
    this.config = config;
    this.spool = spool;
  }

  @Override
  public Future<?> start() {
    blobs = new BlobStore(vertx, pool);
    store = new ListExportStore(pool);
    task = new ListExportTask(vertx, pool, worker, blobs, store, config, spool);
    return Future.all(
            List.of(
                Endpoints.bind(vertx, CREATE, this::create),
                Endpoints.bind(vertx, GET, req -> store.get(id(req), owner(req))),
                Endpoints.bind(
                    vertx,
                    LIST,
                    req ->
                        store.list(
                            owner(req),
                            req.getString("status"),
                            req.getString("format_type"),
                            req.getJsonObject("created_date"),
                            req.getInteger("limit"),
                            req.getLong("offset"))),
                Endpoints.bind(vertx, CANCEL, this::cancel),
                Endpoints.bind(vertx, DOWNLOAD, this::download)))
        .compose(bound -> store.processing())
        .onSuccess(
            left -> {
              // ListExports a stopped server left processing resume from their checkpoint, then
              // waiting
              // ones start.
              left.forEach(
                  id -> {
                    LOG.log(System.Logger.Level.INFO, "resuming export " + id);
                    launch(id);
                  });
              wake();
            });
  }

  /**
   * Lets running exports finish their current part and stop, still processing, to resume at the
   * next start.
   */
  @Override
  public Future<?> stop() {
    return running.stopAll().timeout(STOP_WAIT_S, TimeUnit.SECONDS).otherwiseEmpty();
  }

  private static UUID id(JsonObject req) {
    String text = req.getString("id");
    try {
      UUID id = UUID.fromString(text);
      if (id.toString().equalsIgnoreCase(text)) {
        return id;
      }
    } catch (IllegalArgumentException malformed) {
      // as unknown
    }
    throw ListExportStore.notFound(text);
  }

  /** Whose exports the caller may see: null for all. */
  private static Integer owner(JsonObject req) {
    return req.getBoolean("superuser", false) ? null : req.getInteger("user_id");
  }

  // ---- create

  private Future<JsonObject> create(JsonObject req) {
    ExportableList source = ExportableLists.byAction(req.getString("action_name")).orElseThrow();
    JsonObject body = req.getJsonObject("body");
    for (String key : body.fieldNames()) {
      if (!BODY_KEYS.contains(key)) {
        throw Failure.badRequest(
            "Unknown parameter '" + key + "'; give format_type, fields, language or filter_file.");
      }
    }
    if (body.getValue("filter_file") != null) {
      throw Failure.badRequest("Send filter_file as a file in a multipart/form-data body.");
    }
    String formatType = text(body, "format_type", ListExportFormat.CSV.wire());
    ListExportFormat format =
        ListExportFormat.of(formatType)
            .orElseThrow(
                () ->
                    Failure.badRequest(
                        "Unknown format_type '"
                            + formatType
                            + "'; valid ones: "
                            + ListExportFormat.choices()
                            + "."));
    List<Column> columns = source.columns(fieldNames(body.getValue("fields")));
    String language = text(body, "language", ExportableList.LANGUAGES.get(0));
    if (!ExportableList.LANGUAGES.contains(language)) {
      throw Failure.badRequest(
          "Unknown language '"
              + language
              + "'; valid ones: "
              + String.join(", ", ExportableList.LANGUAGES)
              + ".");
    }
    JsonObject filters = source.filtersOf(req.getJsonObject("query"));
    source.where(filters, null); // refuses bad filter values before anything is stored
    JsonObject filterFile = filterFile(req.getJsonArray("files"));
    Future<List<String>> ids =
        filterFile == null
            ? Future.succeededFuture()
            : worker.run(() -> FilterFile.ids(Path.of(filterFile.getString("path"))));
    return ids.compose(
            filterIds ->
                pool.withTransaction(
                    conn ->
                        (filterFile == null
                                ? Future.<Long>succeededFuture()
                                : blobs.store(
                                    conn,
                                    filterFile.getString("name"),
                                    Path.of(filterFile.getString("path"))))
                            .compose(
                                fileId ->
                                    store.insert(
                                        conn,
                                        new ListExportStore.NewExport(
                                            source,
                                            columns,
                                            format,
                                            language,
                                            filters,
                                            fileId,
                                            req.getInteger("user_id"))))
                            .compose(
                                id ->
                                    filterIds == null
                                        ? Future.succeededFuture(id)
                                        : store.insertFilterIds(conn, id, filterIds).map(id))))
        .compose(id -> store.get(id, null))
        .onSuccess(created -> wake());
  }

  private static String text(JsonObject body, String key, String fallback) {
    Object value = body.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String text)) {
      throw Failure.badRequest(key + " must be a string.");
    }
    return text;
  }

  /** Field names as a list, each item possibly naming several separated by commas. */
  private static List<String> fieldNames(Object fields) {
    if (fields == null) {
      return List.of();
    }
    if (!(fields instanceof JsonArray array)
        || array.stream().anyMatch(item -> !(item instanceof String))) {
      throw Failure.badRequest("fields must be a list of field names.");
    }
    List<String> names = new ArrayList<>();
    array.forEach(
        item ->
            Arrays.stream(((String) item).split(","))
                .map(String::trim)
                .filter(name -> !name.isEmpty())
                .forEach(names::add));
    return names;
  }

  /** The uploaded filter file, if any: only the multipart field {@code filter_file}, once. */
  private static JsonObject filterFile(JsonArray files) {
    if (files == null || files.isEmpty()) {
      return null;
    }
    if (files.size() > 1 || !"filter_file".equals(files.getJsonObject(0).getString("field"))) {
      throw Failure.badRequest("Send at most one file, in the multipart field 'filter_file'.");
    }
    JsonObject file = files.getJsonObject(0);
    String path = file.getString("name").replace('\\', '/');
    String name = path.substring(path.lastIndexOf('/') + 1);
    return file.put("name", name.isEmpty() ? "filter_file" : name);
  }

  // ---- run

  /**
   * Starts waiting exports while there is room: one claim at a time, and again if woken meanwhile.
   */
  private void wake() {
    if (claiming) {
      wokenWhileClaiming = true;
      return;
    }
    if (running.stopping() || active >= MAX_RUNNING) {
      return;
    }
    claiming = true;
    wokenWhileClaiming = false;
    store
        .claimNext()
        .onComplete(
            claimed -> {
              claiming = false;
              if (claimed.failed()) {
                LOG.log(
                    System.Logger.Level.ERROR, "cannot claim a waiting export", claimed.cause());
              } else if (claimed.result().isPresent()) {
                launch(claimed.result().get());
                wake();
                return;
              }
              if (wokenWhileClaiming) {
                wake();
              }
            });
  }

  /**
   * Runs the export here unless it already runs or the verticle stops (then it stays processing, to
   * resume).
   */
  private void launch(UUID id) {
    if (running.stopping()) {
      return;
    }
    running
        .begin(id)
        .ifPresent(
            run -> {
              active++;
              task.run(id, run, running::stopping)
                  .recover(failure -> ended(id, failure))
                  .onComplete(
                      done -> {
                        running.end(id);
                        active--;
                        wake();
                      });
            });
  }

  /**
   * A cancelled run ends cancelled; a broken one failed, unless the server is stopping: then it
   * resumes later.
   */
  private Future<Void> ended(UUID id, Throwable failure) {
    if (running.stopping()) {
      return Future.succeededFuture();
    }
    if (failure instanceof Cancelled) {
      return store.finish(id, ListExportStatus.CANCELLED, null).mapEmpty();
    }
    LOG.log(System.Logger.Level.ERROR, "export " + id + " failed", failure);
    return store
        .finish(
            id, ListExportStatus.FAILED, "The export stopped unexpectedly: " + failure.getMessage())
        .mapEmpty();
  }

  // ---- cancel and download

  /**
   * A running export is told to stop and waited for (bounded); a waiting one, or one nothing here
   * runs, is cancelled at once. A finished export is a 409, as is one that finished meanwhile.
   */
  private Future<JsonObject> cancel(JsonObject req) {
    UUID id = id(req);
    return store
        .get(id, null)
        .compose(
            export -> {
              if (status(export).finished()) {
                return Future.failedFuture(cannotCancel(export));
              }
              return running
                  .cancel(id)
                  .map(
                      stopped ->
                          stopped
                              .timeout(CANCEL_WAIT_S, TimeUnit.SECONDS)
                              .transform(done -> store.get(id, null)))
                  .orElseGet(
                      () ->
                          store
                              .finish(id, ListExportStatus.CANCELLED, null)
                              .compose(done -> store.get(id, null)))
                  .compose(
                      after ->
                          status(after) == ListExportStatus.CANCELLED
                              ? Future.succeededFuture(after)
                              : Future.failedFuture(cannotCancel(after)));
            });
  }

  private static ListExportStatus status(JsonObject export) {
    return ListExportStatus.of(export.getString("status")).orElseThrow();
  }

  private static Failure cannotCancel(JsonObject export) {
    String id = export.getString("id");
    if (!status(export).finished()) {
      return Failure.conflict(
          "Export "
              + id
              + " did not stop within "
              + CANCEL_WAIT_S
              + " s; it stops at its next part, then it is cancelled.");
    }
    return Failure.conflict(
        "Cannot cancel export "
            + id
            + ": it is "
            + export.getString("status")
            + "; only "
            + String.join(" or ", ListExportStatus.wires(ListExportStatus.CANCELLED.from()))
            + " exports can be.");
  }

  private Future<JsonObject> download(JsonObject req) {
    UUID id = id(req);
    return store
        .get(id, owner(req))
        .compose(
            export -> {
              if (status(export) != ListExportStatus.COMPLETED) {
                return Future.failedFuture(
                    Failure.conflict(
                        "Export "
                            + id
                            + " is "
                            + export.getString("status")
                            + "; its file can be downloaded once it is completed."));
              }
              String type =
                  ListExportFormat.of(export.getString("format_type"))
                      .orElseThrow()
                      .format
                      .mediaType();
              return store
                  .resultFile(id)
                  .compose(blobs::info)
                  .map(
                      found ->
                          found.orElseThrow(
                              () ->
                                  new IllegalStateException(
                                      "the file of export " + id + " is missing")))
                  .map(
                      file ->
                          new JsonObject()
                              .put("stream", streams.open(blobs.chunks(file)))
                              .put("content_type", type)
                              .put("filename", file.name())
                              .put("length", file.size()));
            });
  }
}
