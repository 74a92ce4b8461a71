package dev.freight.listexports;

import dev.freight.bus.ChunkStreams;
import dev.freight.bus.Endpoints;
import dev.freight.bus.Failure;
import dev.freight.bus.StreamOpened;
import dev.freight.bus.UploadedFile;
import dev.freight.bus.Viewer;
import dev.freight.config.FreightConfig;
import dev.freight.db.BlobStore;
import dev.freight.db.Pools;
import dev.freight.jobs.JobRunner;
import dev.freight.jobs.Lease;
import dev.freight.jobs.Worker;
import dev.freight.listexports.ExportableList.Column;
import dev.freight.metrics.RowCounters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Owns the exports of lists (v1): creates them, answers reads, cancels and downloads ({@link
 * ListExportRequests}). Its {@link JobRunner} runs them, at most {@code exports.max_running} at a
 * time on a node while the rest wait, and takes their cancels; the work checks for a cancel between
 * parts. Non-superusers see only their own exports: others' are a 404.
 */
public final class ListExportVerticle extends VerticleBase
    implements JobRunner.Kind<UUID, ListExportStatus> {
  /** The table of list exports, their kind in state changes and metrics. */
  public static final String JOB_TABLE = "exports";

  private static final Set<String> BODY_KEYS =
      Set.of("format_type", "fields", "language", "filter_file", "escape_formulas");

  private final Pools pools;
  private final Lease lease;
  private final int maxRunning;
  private final Worker worker;
  private final ChunkStreams streams;
  private final FreightConfig.ExportsV1 config;
  private final Path spool;
  private final RowCounters rows;
  private BlobStore blobs;
  private BlobStore downloads;
  private ListExportStore store;
  private ListExportTask task;
  private JobRunner<UUID, ListExportStatus> runner;

  public ListExportVerticle(
      Pools pools,
      Worker worker,
      ChunkStreams streams,
      FreightConfig.ExportsV1 config,
      Path spool,
      Lease lease,
      int maxRunning,
      RowCounters rows) {
    this.pools = pools;
    this.lease = lease;
    this.maxRunning = maxRunning;
    this.worker = worker;
    this.streams = streams;
    this.config = config;
    this.spool = spool;
    this.rows = rows;
  }

  @Override
  public Future<?> start() {
    blobs = new BlobStore(vertx, pools.jobs());
    downloads = new BlobStore(vertx, pools.requests());
    store = new ListExportStore(vertx, pools);
    task = new ListExportTask(vertx, pools.jobs(), worker, blobs, store, config, spool, rows);
    runner =
        new JobRunner<>(
            vertx,
            store.table(),
            lease,
            "export",
            this,
            new JobRunner.Queue<>(
                ListExportStatus.WAITING,
                ListExportStatus.PROCESSING,
                "created_date, id",
                maxRunning));
    return Future.all(
            List.of(
                Endpoints.bind(vertx, ListExportRequests.CREATE, this::create),
                Endpoints.bind(
                    vertx, ListExportRequests.GET, req -> store.get(id(req), owner(req.viewer()))),
                Endpoints.bind(
                    vertx,
                    ListExportRequests.LIST,
                    req ->
                        store.list(
                            owner(req.viewer()),
                            req.status(),
                            req.formatType(),
                            req.createdDate(),
                            req.window().limit(),
                            req.window().offset())),
                Endpoints.bind(vertx, ListExportRequests.CANCEL, this::cancel),
                Endpoints.bind(vertx, ListExportRequests.DOWNLOAD, this::download)))
        // Exports a stopped server left processing resume from their checkpoint; then waiting ones.
        .compose(
            bound ->
                runner.resume(
                    Map.of(ListExportStatus.PROCESSING, ListExportStatus.PROCESSING),
                    "created_date, id"));
  }

  /**
   * Lets running exports finish their current part and stop, still processing, to resume at the
   * next start.
   */
  @Override
  public Future<?> stop() {
    return runner.stop();
  }

  private static UUID id(ListExportRequests.ExportAccess req) {
    String text = req.id();
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
  private static Integer owner(Viewer viewer) {
    return viewer.superuser() ? null : viewer.userId();
  }

  // ---- create

  private Future<JsonObject> create(ListExportRequests.NewListExport req) {
    ExportableList source = ExportableLists.byAction(req.actionName()).orElseThrow();
    JsonObject body = req.body();
    for (String key : body.fieldNames()) {
      if (!BODY_KEYS.contains(key)) {
        throw Failure.badRequest(
            "Unknown parameter '"
                + key
                + "'; give format_type, fields, language, escape_formulas or filter_file.");
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
    boolean escapeFormulas = flag(body, "escape_formulas");
    JsonObject filters = source.filtersOf(req.query());
    source.where(filters, null); // refuses bad filter values before anything is stored
    UploadedFile filterFile = filterFile(req.files());
    Future<List<String>> ids =
        filterFile == null
            ? Future.succeededFuture()
            : worker.run(() -> FilterFile.ids(Path.of(filterFile.path())));
    return ids.compose(
            filterIds ->
                pools
                    .requests()
                    .withTransaction(
                        conn ->
                            (filterFile == null
                                    ? Future.<Long>succeededFuture()
                                    : blobs.store(
                                        conn, filterFile.name(), Path.of(filterFile.path())))
                                .compose(
                                    fileId ->
                                        store.insert(
                                            conn,
                                            new ListExportStore.NewExport(
                                                source,
                                                columns,
                                                format,
                                                language,
                                                escapeFormulas,
                                                filters,
                                                fileId,
                                                req.userId())))
                                .compose(
                                    id ->
                                        filterIds == null
                                            ? Future.succeededFuture(id)
                                            : store.insertFilterIds(conn, id, filterIds).map(id))))
        .compose(id -> store.get(id, null))
        .onSuccess(created -> runner.wake());
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

  /** A boolean of a JSON body, or "true"/"false" of a form; false when absent. */
  private static boolean flag(JsonObject body, String key) {
    Object value = body.getValue(key);
    if (value == null || value instanceof Boolean) {
      return Boolean.TRUE.equals(value);
    }
    if (value.equals("true") || value.equals("false")) {
      return value.equals("true");
    }
    throw Failure.badRequest(key + " must be true or false.");
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
  private static UploadedFile filterFile(List<UploadedFile> files) {
    if (files.isEmpty()) {
      return null;
    }
    if (files.size() > 1 || !"filter_file".equals(files.get(0).field())) {
      throw Failure.badRequest("Send at most one file, in the multipart field 'filter_file'.");
    }
    UploadedFile file = files.get(0);
    String path = file.name().replace('\\', '/');
    String name = path.substring(path.lastIndexOf('/') + 1);
    return new UploadedFile(
        file.field(), name.isEmpty() ? "filter_file" : name, file.path(), file.size());
  }

  // ---- run

  @Override
  public Future<Void> work(UUID id, ListExportStatus status, JobRunner.Run run) {
    return task.run(id, run);
  }

  @Override
  public Future<Boolean> end(
      UUID id, ListExportStatus to, String failure, JobRunner.Ending ending) {
    return store.end(id, failure, ending);
  }

  // ---- cancel and download

  /**
   * A running export is told to stop and waited for (bounded); a waiting one, or one nothing here
   * runs, is cancelled at once. A finished export is a 409, as is one that finished meanwhile.
   */
  private Future<JsonObject> cancel(ListExportRequests.ExportAccess req) {
    UUID id = id(req);
    return store
        .get(id, null)
        .compose(
            export -> {
              refuseCancelIfFinished(export);
              return runner
                  .cancel(id, true)
                  .compose(asked -> store.get(id, null))
                  .map(
                      after -> {
                        if (status(after) == ListExportStatus.CANCELLED) {
                          return after;
                        }
                        refuseCancelIfFinished(after);
                        throw Failure.conflict(
                            "Export "
                                + id
                                + " did not stop within "
                                + JobRunner.STOP_WAIT_S
                                + " s; it stops at its next part, then it is cancelled.");
                      });
            });
  }

  private static ListExportStatus status(JsonObject export) {
    return ListExportStatus.MACHINE.of(export.getString("status"));
  }

  private static void refuseCancelIfFinished(JsonObject export) {
    ListExportStatus now = status(export);
    if (!ListExportStatus.MACHINE.allows(now, ListExportStatus.CANCELLED)) {
      throw ListExportStatus.MACHINE.refusal(
          "cancel", export.getString("id"), now, ListExportStatus.CANCELLED);
    }
  }

  private Future<StreamOpened> download(ListExportRequests.ExportAccess req) {
    UUID id = id(req);
    return store
        .get(id, owner(req.viewer()))
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
                  .compose(downloads::info)
                  .map(
                      found ->
                          found.orElseThrow(
                              () ->
                                  new IllegalStateException(
                                      "the file of export " + id + " is missing")))
                  .map(
                      file ->
                          new StreamOpened(
                              streams.open(downloads.chunks(file)),
                              type,
                              file.name(),
                              file.size()));
            });
  }
}
