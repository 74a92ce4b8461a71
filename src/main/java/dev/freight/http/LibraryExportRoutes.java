package dev.freight.http;

import dev.freight.libraryexports.LibraryExportVerticle;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** /api/v2/library/export/... (any user; users reach their own jobs, superusers every job). */
final class LibraryExportRoutes {
  /** A cancel may wait for the running work to stop. */
  private static final long SLOW_MS = 2 * 60_000;

  private LibraryExportRoutes() {}

  static void bind(RouterBuilder builder) {
    builder.getRoute("createExportJob").addHandler(LibraryExportRoutes::create);
    builder.getRoute("listExportJobs").addHandler(LibraryExportRoutes::list);
    builder
        .getRoute("getExportJob")
        .addHandler(ctx -> Api.reply(ctx, 200, Api.ask(ctx, LibraryExportVerticle.GET, job(ctx))));
    builder.getRoute("updateExportJob").addHandler(LibraryExportRoutes::update);
    builder
        .getRoute("downloadExportJob")
        .addHandler(ctx -> Api.stream(ctx, Api.ask(ctx, LibraryExportVerticle.DOWNLOAD, job(ctx))));
  }

  /** Who asks: the verticle decides which jobs they may reach. */
  private static JsonObject viewer(RoutingContext ctx) {
    return new JsonObject()
        .put("user_id", Api.caller(ctx).getInteger("id"))
        .put("superuser", Api.isSuperuser(ctx));
  }

  private static JsonObject job(RoutingContext ctx) {
    return viewer(ctx).put("id", Api.pathInt(ctx, "job_id"));
  }

  private static void create(RoutingContext ctx) {
    // The contract admits only type, file_format and content_models; absent ones take their
    // defaults.
    JsonObject request = Api.body(ctx).copy().mergeIn(viewer(ctx));
    Api.reply(ctx, 201, Api.ask(ctx, LibraryExportVerticle.CREATE, request));
  }

  private static void list(RoutingContext ctx) {
    Api.Page page = Api.Page.of(ctx);
    Api.page(
        ctx,
        page,
        Api.ask(
            ctx,
            LibraryExportVerticle.LIST,
            page.window(
                viewer(ctx)
                    .put("ordering", Api.query(ctx, "ordering"))
                    .put("status", Api.query(ctx, "status"))
                    .put("status__in", Api.query(ctx, "status__in")))));
  }

  private static void update(RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    JsonObject request =
        job(ctx)
            .put("status", body.getString("status"))
            .put("wait_for_task", body.getBoolean("wait_for_task", true));
    Api.reply(
        ctx, 200, Api.ask(ctx.vertx().eventBus(), LibraryExportVerticle.UPDATE, request, SLOW_MS));
  }
}
