package dev.freight.http;

import dev.freight.libraryexports.LibraryExportRequests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** /api/v2/library/export/... (any user; users reach their own jobs, superusers every job). */
final class LibraryExportRoutes {
  /** A cancel may wait for the running work to stop. */
  private static final long SLOW_MS = 2 * 60_000;

  private LibraryExportRoutes() {}

  static void bind(RouterBuilder builder) {
    builder
        .getRoute("createExportJob")
        .addHandler(Idempotent::claim)
        .addHandler(Idempotent::check)
        .addHandler(LibraryExportRoutes::create);
    builder.getRoute("listExportJobs").addHandler(LibraryExportRoutes::list);
    builder
        .getRoute("getExportJob")
        .addHandler(ctx -> Api.reply(ctx, 200, Api.ask(ctx, LibraryExportRequests.GET, job(ctx))));
    builder.getRoute("updateExportJob").addHandler(LibraryExportRoutes::update);
    builder
        .getRoute("downloadExportJob")
        .addHandler(ctx -> Api.stream(ctx, Api.ask(ctx, LibraryExportRequests.DOWNLOAD, job(ctx))));
  }

  private static LibraryExportRequests.JobAccess job(RoutingContext ctx) {
    return new LibraryExportRequests.JobAccess(Api.viewer(ctx), Api.pathInt(ctx, "job_id"));
  }

  private static void create(RoutingContext ctx) {
    // The contract admits only type, file_format, content_models and escape_formulas; absent ones
    // take their defaults.
    JsonObject body = Api.body(ctx);
    JsonArray models = body.getJsonArray("content_models");
    LibraryExportRequests.NewLibraryExport request =
        new LibraryExportRequests.NewLibraryExport(
            Api.viewer(ctx),
            body.getString("type"),
            body.getString("file_format"),
            models == null ? null : models.stream().map(String::valueOf).toList(),
            body.getBoolean("escape_formulas", false));
    Idempotent.reply(ctx, 201, Api.ask(ctx, LibraryExportRequests.CREATE, request));
  }

  private static void list(RoutingContext ctx) {
    Api.page(
        ctx,
        LibraryExportRequests.LIST,
        page -> new LibraryExportRequests.ListJobs(Api.viewer(ctx), Api.jobList(ctx, page)));
  }

  private static void update(RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    LibraryExportRequests.LibraryExportAction request =
        new LibraryExportRequests.LibraryExportAction(
            job(ctx), body.getString("status"), body.getBoolean("wait_for_task", true));
    Api.reply(
        ctx, 200, Api.ask(ctx.vertx().eventBus(), LibraryExportRequests.UPDATE, request, SLOW_MS));
  }
}
