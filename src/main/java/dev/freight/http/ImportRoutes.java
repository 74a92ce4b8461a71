package dev.freight.http;

import dev.freight.bus.Address;
import dev.freight.imports.ImportRequests;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.nio.file.Path;

/** /api/v2/library/import/... (superusers only). */
final class ImportRoutes {
  /** Storing a large upload in PostgreSQL takes a while; a cancel may wait for the running work. */
  private static final long SLOW_MS = 15 * 60_000;

  private ImportRoutes() {}

  static void bind(RouterBuilder builder, Path uploads, long maxUploadBytes) {
    // Multipart bodies stream to disk with a size limit; the contract's validation would read them
    // into memory.
    BodyHandler toDisk =
        BodyHandler.create(uploads.toString())
            .setBodyLimit(maxUploadBytes)
            .setDeleteUploadedFilesOnEnd(true);
    builder
        .getRoute("createImportJob")
        .setDoValidation(false)
        .addHandler(
            ctx -> {
              Api.requireSuperuser(ctx);
              // Wrapped, so that it runs after authentication: Vert.x would otherwise insist on
              // reading
              // bodies first. The authentication handler holds the request paused until here.
              toDisk.handle(ctx);
            })
        .addHandler(ImportRoutes::create);
    builder.getRoute("listImportJobs").addHandler(ImportRoutes::list);
    builder
        .getRoute("getCurrentImportJob")
        .addHandler(ctx -> ask(ctx, ImportRequests.CURRENT, new ImportRequests.Current()));
    builder.getRoute("getImportJob").addHandler(ctx -> ask(ctx, ImportRequests.GET, job(ctx)));
    builder.getRoute("updateImportJob").addHandler(ImportRoutes::update);
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
    Api.reply(ctx, 200, Api.ask(ctx.vertx().eventBus(), ImportRequests.CREATE, request, SLOW_MS));
  }

  private static void list(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    Api.page(ctx, ImportRequests.LIST, page -> Api.jobList(ctx, page));
  }

  private static void update(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    JsonObject body = Api.body(ctx);
    ImportRequests.ImportAction request =
        new ImportRequests.ImportAction(
            job(ctx).id(),
            Api.callerId(ctx),
            body.getString("status"),
            body.getBoolean("wait_for_task", true));
    Api.reply(ctx, 200, Api.ask(ctx.vertx().eventBus(), ImportRequests.UPDATE, request, SLOW_MS));
  }

  private static void diff(RoutingContext ctx) {
    Api.requireSuperuser(ctx);
    long id = job(ctx).id();
    String model = Api.request(ctx).getPathParameters().get("content_model").getString();
    String op = Api.query(ctx, "op");
    boolean paged =
        op != null || Api.query(ctx, "page") != null || Api.query(ctx, "page_size") != null;
    if (!paged) {
      Api.stream(
          ctx,
          Api.ask(ctx, ImportRequests.DIFF, new ImportRequests.DiffQuery(id, model, null, null)));
      return;
    }
    Api.page(
        ctx,
        ImportRequests.DIFF_PAGE,
        page -> new ImportRequests.DiffQuery(id, model, op, page.window()));
  }
}
