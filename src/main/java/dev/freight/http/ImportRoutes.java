package dev.freight.http;

import dev.freight.bus.Address;
import dev.freight.imports.ImportRequests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** /api/v2/library/import/... (superusers only). */
final class ImportRoutes {
  private static final System.Logger LOG = System.getLogger(ImportRoutes.class.getName());

  /** Storing a large upload in PostgreSQL takes a while; a cancel may wait for the running work. */
  private static final long SLOW_MS = 15 * 60_000;

  private static final long MIN_FREE_BYTES = 16L << 20;

  private ImportRoutes() {}

  static void bind(RouterBuilder builder, Path uploads, UploadSpool.Limits limits) {
    // Multipart bodies stream to disk within limits; the contract's validation would read them
    // into memory. Authentication holds the request paused until the spool reads it.
    UploadSpool toDisk = new UploadSpool(uploads, limits);
    builder
        .getRoute("createImportJob")
        .setDoValidation(false)
        .addHandler(
            ctx -> {
              Api.requireSuperuser(ctx);
              requireSpace(ctx, uploads, limits.maxBytes());
              ctx.next();
            })
        .addHandler(Idempotent::claim)
        .addHandler(toDisk)
        .addHandler(Idempotent::check)
        .addHandler(ImportRoutes::create);
    builder.getRoute("listImportJobs").addHandler(ImportRoutes::list);
    builder
        .getRoute("getCurrentImportJob")
        .addHandler(ctx -> ask(ctx, ImportRequests.CURRENT, new ImportRequests.Current()));
    builder.getRoute("getImportJob").addHandler(ctx -> ask(ctx, ImportRequests.GET, job(ctx)));
    builder.getRoute("updateImportJob").addHandler(ImportRoutes::update);
    builder.getRoute("revertImportJob").addHandler(ImportRoutes::revert);
    builder
        .getRoute("getImportDiffSummary")
        .addHandler(ctx -> ask(ctx, ImportRequests.DIFF_SUMMARY, job(ctx)));
    builder.getRoute("getImportDiff").addHandler(ImportRoutes::diff);
    builder
        .getRoute("downloadImportErrors")
        .addHandler(
            ctx -> {
              Api.requireSuperuser(ctx);
              Api.stream(
                  ctx,
                  Api.ask(
                      ctx,
                      ImportRequests.ERRORS,
                      new ImportRequests.ErrorsQuery(
                          job(ctx).id(), Api.query(ctx, "content_model"))));
            });
  }

  /**
   * An upload that cannot fit on the spool's disk (its declared length, or a chunked one when less
   * than {@value #MIN_FREE_BYTES} bytes are free) is refused before a byte of it is written, rather
   * than once the disk filled up midway (which the spool also answers with a 507).
   */
  private static void requireSpace(RoutingContext ctx, Path uploads, long maxBytes) {
    String length = ctx.request().getHeader("Content-Length");
    long free;
    try {
      if (length != null && Long.parseLong(length) > maxBytes) {
        return; // too large whatever the disk: the spool answers 413
      }
      free = Files.getFileStore(Files.createDirectories(uploads)).getUsableSpace();
      if (free >= Math.max(MIN_FREE_BYTES, length == null ? 0 : Long.parseLong(length))) {
        return;
      }
    } catch (IOException | NumberFormatException unknown) {
      return; // the body handler reports what is wrong
    }
    LOG.log(
        System.Logger.Level.ERROR,
        "the disk of " + uploads + " is full: " + free + " bytes free for an upload of " + length);
    throw new HttpException(
        507,
        "The server's disk is full: the upload could not be kept. Try again later, or ask an"
            + " operator to free space in the data dir.");
  }

  private static ImportRequests.JobId job(RoutingContext ctx) {
    return new ImportRequests.JobId(Api.pathInt(ctx, "job_id"));
  }

  private static <Q> void ask(RoutingContext ctx, Address<Q, JsonObject> address, Q request) {
    Api.requireSuperuser(ctx);
    Api.reply(ctx, 200, Api.ask(ctx, address, request));
  }

  private static void create(RoutingContext ctx) {
    if (!ctx.request().isExpectMultipart()) {
      throw new HttpException(415, "Upload files as multipart/form-data in the field 'files'.");
    }
    JsonObject form = new JsonObject();
    ctx.request().formAttributes().forEach(field -> form.put(field.getKey(), field.getValue()));
    ImportRequests.NewImport request =
        new ImportRequests.NewImport(Api.callerId(ctx), Api.uploads(ctx), form);
    Idempotent.reply(
        ctx, 200, Api.ask(ctx.vertx().eventBus(), ImportRequests.CREATE, request, SLOW_MS));
  }

  private static void list(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    Api.page(ctx, ImportRequests.LIST, page -> Api.jobList(ctx, page));
  }

  private static void update(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    // The contract checks the operations' names and that the entries are numbers, 10,000 at most.
    JsonObject body = Api.body(ctx);
    JsonArray operations = body.getJsonArray("operations");
    JsonArray excluded = body.getJsonArray("exclude_entries");
    ImportRequests.ImportAction request =
        new ImportRequests.ImportAction(
            job(ctx).id(),
            Api.callerId(ctx),
            body.getString("status"),
            body.getBoolean("wait_for_task", true),
            operations == null ? null : operations.stream().map(String::valueOf).toList(),
            excluded == null
                ? null
                : excluded.stream().map(entry -> ((Number) entry).longValue()).toList());
    Api.reply(ctx, 200, Api.ask(ctx.vertx().eventBus(), ImportRequests.UPDATE, request, SLOW_MS));
  }

  private static void revert(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    ImportRequests.Revert request =
        new ImportRequests.Revert(
            job(ctx).id(), Api.callerId(ctx), Api.body(ctx).getBoolean("include_conflicts", false));
    Api.reply(ctx, 201, Api.ask(ctx, ImportRequests.REVERT, request));
  }

  private static void diff(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    long id = job(ctx).id();
    String model = Api.request(ctx).getPathParameters().get("content_model").getString();
    String op = Api.query(ctx, "op");
    String itemId = Api.query(ctx, "id");
    boolean paged =
        op != null
            || itemId != null
            || Api.query(ctx, "page") != null
            || Api.query(ctx, "page_size") != null;
    if (!paged) {
      Api.stream(
          ctx,
          Api.ask(
              ctx, ImportRequests.DIFF, new ImportRequests.DiffQuery(id, model, null, null, null)));
      return;
    }
    Api.page(
        ctx,
        ImportRequests.DIFF_PAGE,
        page -> new ImportRequests.DiffQuery(id, model, op, itemId, page.window()));
  }
}
