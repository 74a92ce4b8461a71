package dev.freight.http;

import dev.freight.listexports.ExportableList;
import dev.freight.listexports.ExportableLists;
import dev.freight.listexports.ListExportRequests;
import io.vertx.core.MultiMap;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.nio.file.Path;
import java.util.Map;

/** The export action of each exportable list, and /api/v1/exports/... */
final class ListExportRoutes {
  /** A filter file holds ids only: 16 MiB is about a million of them. */
  private static final long FILTER_FILE_MAX_BYTES = 16L << 20;

  /** Storing a filter file, or waiting for a cancelled export to stop, takes a while. */
  private static final long SLOW_MS = 5 * 60_000;

  private ListExportRoutes() {}

  static void bind(RouterBuilder builder, Path uploads) {
    BodyHandler toDisk =
        BodyHandler.create(uploads.toString())
            .setBodyLimit(FILTER_FILE_MAX_BYTES)
            .setDeleteUploadedFilesOnEnd(true);
    for (ExportableList source : ExportableLists.all()) {
      // Validation off: the body may be multipart, which the contract's validation would read into
      // memory.
      // The verticle checks the body and the list's filters instead.
      builder
          .getRoute(source.operationId())
          .setDoValidation(false)
          .addHandler(
              ctx -> {
                if (source.superuserOnly()) {
                  Api.requireSuperuser(ctx);
                }
                // After authentication, which holds the request paused until here (see
                // ImportRoutes). A JSON
                // body was read by the API's root handler already; a body is read once, so this
                // reads multipart only.
                toDisk.handle(ctx);
              })
          .addHandler(ctx -> create(ctx, source));
    }
    builder.getRoute("listExports").addHandler(ListExportRoutes::list);
    builder
        .getRoute("getExport")
        .addHandler(ctx -> Api.reply(ctx, 200, Api.ask(ctx, ListExportRequests.GET, export(ctx))));
    builder
        .getRoute("cancelExport")
        .addHandler(
            ctx -> {
              Api.requireSuperuser(ctx);
              Api.reply(
                  ctx,
                  200,
                  Api.ask(ctx.vertx().eventBus(), ListExportRequests.CANCEL, export(ctx), SLOW_MS));
            });
    builder
        .getRoute("downloadExport")
        .addHandler(ctx -> Api.stream(ctx, Api.ask(ctx, ListExportRequests.DOWNLOAD, export(ctx))));
  }

  /** The export the path names, and who asks: non-superusers reach only their own. */
  private static ListExportRequests.ExportAccess export(RoutingContext ctx) {
    return new ListExportRequests.ExportAccess(
        Api.viewer(ctx), Api.request(ctx).getPathParameters().get("id").getString());
  }

  private static void create(RoutingContext ctx, ExportableList source) {
    JsonObject body;
    if (ctx.request().isExpectMultipart()) {
      MultiMap form = ctx.request().formAttributes();
      body = params(form);
      if (form.contains("fields")) {
        body.put("fields", new JsonArray(form.getAll("fields")));
      }
    } else {
      body = jsonBody(ctx);
    }
    ListExportRequests.NewListExport request =
        new ListExportRequests.NewListExport(
            source.actionName(),
            Api.callerId(ctx),
            params(ctx.queryParams()),
            body,
            Api.uploads(ctx));
    Api.reply(
        ctx, 202, Api.ask(ctx.vertx().eventBus(), ListExportRequests.CREATE, request, SLOW_MS));
  }

  /** The first value of each parameter. */
  private static JsonObject params(MultiMap params) {
    JsonObject json = new JsonObject();
    for (Map.Entry<String, String> param : params) {
      if (!json.containsKey(param.getKey())) {
        json.put(param.getKey(), param.getValue());
      }
    }
    return json;
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      return body == null ? new JsonObject() : body;
    } catch (DecodeException | ClassCastException e) {
      throw new HttpException(400, "The body must be a JSON object.");
    }
  }

  private static void list(RoutingContext ctx) {
    Api.Page page = Api.Page.of(ctx);
    JsonObject createdDate = new JsonObject();
    ctx.queryParams().names().stream()
        .filter(name -> name.startsWith("created_date"))
        .forEach(name -> createdDate.put(name, ctx.queryParams().get(name)));
    Api.page(
        ctx,
        page,
        Api.ask(
            ctx,
            ListExportRequests.LIST,
            new ListExportRequests.ListExports(
                Api.viewer(ctx),
                Api.query(ctx, "status"),
                Api.query(ctx, "format_type"),
                createdDate,
                page.window())));
  }
}
